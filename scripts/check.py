"""Run every check of the project; exit non-zero if any fails.

Tests with doctests and branch coverage, the strict type check, lint, format check and the Sphinx
build in nitpicky mode (every cross-reference resolves) with warnings as errors. Every step runs even when an earlier one fails, so one run shows all
the problems.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATHS: list[str] = ["src", "tests", "scripts", "benchmarks", "docs/conf.py", "docs/_ext"]
"""The project's own code: lint and format leave a reader's scratch files in the clone alone."""

STEPS: list[tuple[str, list[str]]] = [
    (
        "tests",
        [
            sys.executable,
            "-m",
            "pytest",
            "--cov",
            "--cov-branch",
            "--cov-report=term",
            "-p",
            "no:cacheprovider",
        ],
    ),
    ("types", [sys.executable, "-m", "mypy"]),
    ("lint", [sys.executable, "-m", "ruff", "check", *PATHS]),
    ("format", [sys.executable, "-m", "ruff", "format", "--check", *PATHS]),
    (
        "docs",
        [
            sys.executable,
            "-m",
            "sphinx",
            "-n",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "docs",
            str(ROOT / "build" / "docs"),
        ],
    ),
]


def main() -> int:
    failed = []
    for name, command in STEPS:
        print(f"==> {name}: {' '.join(command[1:])}", flush=True)
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
        return 1
    print("all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
