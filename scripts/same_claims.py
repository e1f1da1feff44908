"""Compare the claims of this tree with another commit's, byte for byte.

    python scripts/same_claims.py REV [--count N]

Checks out REV into a temporary git worktree, then runs the command line of both trees, each from
its own ``src``, on the same input:

* ``batch`` over a generated corpus of N varied encounters (default 1,500: office and hospital, IV
  and SC, adults and children, weights, doses given or not, vials recorded or not, payers, wrong
  diagnoses, bad records), as JSON Lines, 837P and 837I;
* ``claim`` for every file of ``examples/`` in every format.

It prints what differs and exits 1 when anything does (the JSON lines are compared without the keys
named with ``--ignore-key``, such as a key one tree adds). The corpus is generated from a fixed seed,
so a run is repeatable.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRICES = ["--price=J0490=12.50", "--price=96365=150", "--price=96366=40", "--price=96372=25",
          "--price=96413=180", "--price=96415=45"]  # fmt: skip
ENVELOPE = ["--control-number=7", "--created=2026-01-02T08:00"]


def corpus(count: int) -> list[str]:
    """``count`` varied encounter records (JSON text): ``records`` of ``benchmarks/corpus.py``."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT / "src"))
    from corpus import records

    return [json.dumps(record) for record in records(count)]


def run(src: Path, argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "benlysta_coding", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def without(text: str, keys: list[str], texts: collections.Counter[str]) -> str:
    """The JSON claims of ``text`` without ``keys``, and with the findings' texts (message, fix,
    source) left out and counted by finding code in ``texts`` (they are compared apart)."""
    try:
        values = [json.loads(text)]
    except json.JSONDecodeError:
        values = [json.loads(line) if line.startswith("{") else line for line in text.splitlines()]
    lines = []
    for value in values:
        if isinstance(value, dict):
            for key in keys:
                value.pop(key, None)
            for finding in value.get("findings", []):
                texts[finding["code"]] += 1
                texts[
                    json.dumps(
                        [finding["code"], finding["message"], finding["fix"], finding["source"]]
                    )
                ] += 1
                for key in ("message", "fix", "source"):
                    finding.pop(key)
        lines.append(json.dumps(value))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the commit to compare with")
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--ignore-key", action="append", default=[])
    args = parser.parse_args()
    differences = 0
    with tempfile.TemporaryDirectory() as folder:
        other = Path(folder) / "other"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(other), args.rev], cwd=ROOT, check=True
        )
        try:
            corpus_file = Path(folder) / "corpus.jsonl"
            corpus_file.write_text("\n".join(corpus(args.count)) + "\n")
            jobs: list[tuple[str, list[str]]] = [
                (f"batch {form}", ["batch", str(corpus_file), "--format", form, *PRICES, *ENVELOPE])
                for form in ("json", "837p", "837i")
            ]
            for example in sorted((ROOT / "examples").glob("encounter-*.json")):
                for form in ("text", "json", "837p", "837i", "cms1500", "ub04", "fhir"):
                    argv = ["claim", str(example), "--format", form, *PRICES, *ENVELOPE]
                    jobs.append((f"claim {example.name} {form}", argv))
            for name, argv in jobs:
                mine = run(ROOT / "src", argv)
                theirs = run(other / "src", argv)
                if name.endswith("json"):
                    here_texts: collections.Counter[str] = collections.Counter()
                    there_texts: collections.Counter[str] = collections.Counter()
                    mine = (mine[0], without(mine[1], args.ignore_key, here_texts), mine[2])
                    theirs = (
                        theirs[0],
                        without(theirs[1], args.ignore_key, there_texts),
                        theirs[2],
                    )
                    changed = sorted(
                        {
                            json.loads(k)[0]
                            for k in set(here_texts) ^ set(there_texts)
                            if k.startswith("[")
                        }
                    )
                    if changed:
                        print(f"  {name}: finding texts changed for {', '.join(changed)}")
                if mine[:2] == theirs[:2] and mine[2] != theirs[2]:
                    print(f"same: {name} ({len(mine[1])} bytes, exit {mine[0]}); messages differ")
                    continue
                if mine != theirs:
                    differences += 1
                    print(f"DIFFERS: {name} (exit {mine[0]} vs {theirs[0]})")
                    for a, b in zip(mine[1].splitlines(), theirs[1].splitlines(), strict=False):
                        if a != b:
                            print(f"  here:  {a[:300]}\n  there: {b[:300]}")
                            break
                    if mine[2] != theirs[2]:
                        print(
                            f"  stderr here:  {mine[2][-300:]!r}\n  stderr there: {theirs[2][-300:]!r}"
                        )
                else:
                    print(f"same: {name} ({len(mine[1])} bytes, exit {mine[0]})")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=True
            )
    print(f"{differences} difference(s) over {len(jobs)} outputs")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
