"""Mutation run over ``ndc``, ``units``, ``claim`` and the line checks (``checks``) with mutmut, outside CI.

Run: ``python scripts/mutation.py [--python PYTHON]`` (about an hour on 2 cores).

mutmut (3.x) copies the project into ``mutants/`` and imports the package from there, so an editable
install of the package would shadow the mutants: run it with a Python that has the test tools and
``mutmut`` but not this package (for example a fresh virtual environment:
``python -m venv /tmp/mut && /tmp/mut/bin/pip install mutmut attrs python-dateutil pytest hypothesis
pyx12 fhir.resources simple-icd-10-cm``). The script clones the repository into a temporary folder,
adds the mutmut settings there (never to this checkout), runs mutmut and prints how many mutants the
tests killed. The tests that start processes or clusters are left out of the run; the rest run
against each mutant.

mutmut leaves decorated functions alone, so in that copy the ``@exact`` lines (which only choose the
decimal context) are taken out of the mutated modules, and their bodies are mutated too; the test of
decimal contexts, which needs them, is left out of the run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTATED = ("ndc.py", "units.py", "checks.py", "claim.py")
SKIPPED_TESTS = (
    "not closed_output and not vendoring and not distributed and not jobs and not decimal_context"
)


def settings(source: Path) -> str:
    others = sorted(
        str(path.relative_to(source))
        for path in (source / "src" / "benlysta_coding").rglob("*.py")
        if path.name not in MUTATED or path.parent.name == "export"
    )
    listed = "".join(f'    "{name}",\n' for name in others)
    return (
        "\n[tool.mutmut]\n"
        'paths_to_mutate = ["src/benlysta_coding/"]\n'
        'tests_dir = ["tests/"]\n'
        'also_copy = ["examples/", "docs/", "scripts/", "README.md"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q", "-k", '
        f'"{SKIPPED_TESTS}", "-W", "ignore::UserWarning"]\n'
        f"do_not_mutate = [\n{listed}]\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python", default=sys.executable, help="a Python with mutmut installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "project"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(work)], check=True)
        for name in MUTATED:
            module = work / "src" / "benlysta_coding" / name
            lines = module.read_text(encoding="utf-8").splitlines(keepends=True)
            module.write_text("".join(x for x in lines if x.strip() != "@exact"), encoding="utf-8")
        with (work / "pyproject.toml").open("a", encoding="utf-8") as handle:
            handle.write(settings(work))
        environment = {
            "PYTHONPATH": "src",
            "PATH": str(Path(args.python).parent),
            "HYPOTHESIS_PROFILE": "mutation",
        }
        mutmut = [args.python, "-m", "mutmut"]
        subprocess.run(
            [*mutmut, "run", "--max-children", "2"], cwd=work, env=environment, check=False
        )
        results = subprocess.run(
            [*mutmut, "results", "--all", "true"],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
    killed = sum(line.rstrip().endswith("killed") for line in results)
    survived = [line for line in results if line.rstrip().endswith("survived")]
    total = killed + len(survived)
    print(f"{killed} of {total} mutants killed ({killed / max(total, 1):.1%})")
    print("\n".join(survived))
    return 0 if total and killed / total >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
