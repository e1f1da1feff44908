"""The command line."""

from __future__ import annotations

import io
import subprocess
import sys

from benlysta_coding.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_ndc_command_normalises_and_reports_bad_values() -> None:
    status, out, err = run("ndc", "4940110101", "bad", "49401-102-01")
    assert 2 == status
    assert ["49401-0101-01\t49401-101-01", "49401-0102-01\t49401-102-01"] == out.splitlines()
    assert err.startswith("argument 2: ")


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benlysta_coding", "ndc", "49401-101-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode
    assert "49401-0101-01\t49401-101-01\n" == result.stdout
