"""The command line."""

from __future__ import annotations

import io
import json
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


def test_dose_command_text_and_json() -> None:
    status, out, _ = run("dose", "--weight-kg", "85")
    assert 0 == status
    assert "J0490 administered units: 85" in out
    assert "Wasted: 30 mg, 3 unit(s) (JW line)" in out
    status, out, _ = run("dose", "--weight-kg", "63.4", "--json")
    data = json.loads(out)
    assert (64, 0, "634.0") == (data["administered_units"], data["wasted_units"], data["dose_mg"])
    assert [("49401-0102-01", 1), ("49401-0101-01", 2)] == [
        (v["ndc"], v["count"]) for v in data["vials"]
    ]


def test_dose_command_pounds_sc_and_errors() -> None:
    status, out, _ = run("dose", "--weight-lb", "150")
    assert 0 == status
    assert "Dose: 680.38855500 mg" in out
    status, out, _ = run("dose", "--weight-kg", "70", "--route", "sc", "--json")
    assert (0, 20) == (status, json.loads(out)["administered_units"])
    status, _, err = run("dose", "--weight-kg", "0.5")
    assert 2 == status
    assert "10 to 350 kg" in err
    status, _, err = run("dose")
    assert (2, "give exactly one of --weight-kg and --weight-lb\n") == (status, err)
