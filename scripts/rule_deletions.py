"""Switch each claim-edit rule off through the registry and check that a test notices (CI runs it).

For every code of :data:`benlysta_coding.findings.RULES`, the tests that build claims run with
``BENLYSTA_RULE_OFF=CODE`` (tests/conftest.py drops that rule's findings where the registry's
settings are applied to every claim, mandatory rules included; no source is patched). At least one
test must then fail. Prints ``killed`` or ``SURVIVED`` per rule and a total; exits 1 if any rule
survives. ``-x`` stops each run at its first failure, so a noticed rule costs a few seconds.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benlysta_coding.findings import RULES  # noqa: E402

TESTS = [
    "tests/test_finding_texts.py",
    "tests/test_checks.py",
    "tests/test_edits.py",
    "tests/test_build.py",
    "tests/test_claim.py",
    "tests/test_growth.py",
    "tests/test_refdata.py",
    "tests/test_hostile.py",
    "tests/test_cli.py",
    "tests/test_units.py",
    "tests/test_export_x12.py",
    "tests/test_drug.py",
    "tests/test_policy.py",
]
"""The test files that build claims and look at their findings."""


def main() -> int:
    survived = []
    for code in RULES:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             "-p", "no:randomly", "--no-header", *TESTS],
            cwd=ROOT,
            env={**os.environ, "BENLYSTA_RULE_OFF": code, "HYPOTHESIS_PROFILE": "mutation"},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        killed = run.returncode == 1  # a failed test (2 and above: the run itself broke)
        if run.returncode not in (0, 1):
            print(run.stdout[-2000:], run.stderr[-2000:])
        print("killed  " if killed else "SURVIVED", code)
        if not killed:
            survived.append(code)
    print(f"{len(RULES) - len(survived)} of {len(RULES)} rules noticed when switched off")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
