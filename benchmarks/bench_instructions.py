"""Benchmark: machine instructions per claim, counted by valgrind, for a noisy machine.

Run: ``python benchmarks/bench_instructions.py [--other SRC] [--off MODULE.FUNCTION] [--rows ...]``

CPU time on a shared 2-core machine moves by 10% between runs; the instructions a piece of work
executes do not (``PYTHONHASHSEED=0`` keeps set and dict orders fixed). Each figure is the
difference between a child that does the work once and one that does it three times (so start-up
and set-up cancel out), divided by the claims. Rows, over the varied sample of ``bench_speed.py``:

* ``build``: ``build_claims`` of 300 encounters;
* ``write``: ``x12.write_837`` of those claims;
* ``from_json``: ``encounter.from_json`` of one encounter's text, beside ``json.loads`` of it;
* ``batch``: ``batch --format 837p --jobs 1`` of those 300 encounters as JSON Lines, the path of
  ``bench_speed.py``'s claims-per-CPU-second target, per line;
* ``batch-scale``: the same over 300 records of ``bench_scale.py``'s varied corpus (a share of
  them with problems, reported), the path of its 1,000,000-encounter target, per line.

The two ``batch`` rows stand in for CPU-time targets on a machine whose speed drifts: a tree that
runs fewer instructions here is faster on the same machine, whatever the machine's state.

``--other`` adds a column for another tree's ``src`` (``git worktree add /tmp/base <commit>``), and
``--off`` one for this tree with a cache turned off (the child calls the function under it): what
the cache buys.
Needs ``valgrind`` on the PATH; instructions are not time (C code such as ``json.loads`` runs more
instructions per cycle than the interpreter), so compare trees and caches with them, and targets
with ``bench_speed.py``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = HERE.parent / "src"
CLAIMS = 300
ROWS = ["build", "write", "from_json", "json.loads", "batch", "batch-scale"]
CHILD = """
import importlib, io, json, sys, tempfile
sys.path.insert(0, {bench!r})
import bench_speed as b
from benlysta_coding import build_claims, cli, encounter, examples, parties
from benlysta_coding.export import x12
for name in {off!r}:
    module_name, attribute = name.rsplit(".", 1)
    module = importlib.import_module(module_name)
    setattr(module, attribute, getattr(module, attribute).__wrapped__)  # this child: cache off
if {what!r}.startswith("batch"):  # the files and runs of bench_speed and bench_scale
    import pathlib, bench_scale
    folder = pathlib.Path(tempfile.mkdtemp())
    if {what!r} == "batch":
        path = b.batch_file({claims}, folder)
        run = lambda: b.run_batch(path, 1)  # it asserts that every line is billed
    else:
        path = bench_scale.write_inputs({claims}, folder)[0]
        argv = ["batch", str(path), "--format", "837p", "--jobs", "1", *bench_scale.PRICES,
                *bench_scale.ENVELOPE]
        run = lambda: cli.main(argv, io.StringIO(), io.StringIO()) == 2  # a share with problems
    for _ in range({times}):
        assert run()
    sys.exit(0)
loaded = [encounter.from_dict(d) for d in b.sample({claims})]
who = [parties.from_encounter(e) for e in loaded]
built = list(build_claims(loaded, prices=b.PRICES, today=b.TODAY))
x12.write_837(zip(built, who, strict=True), io.StringIO(), b.ENVELOPE)
text = json.dumps(examples.OFFICE_IV)
read = {{"from_json": encounter.from_json, "json.loads": json.loads}}.get({what!r})
for _ in range(50 if read else 0):
    read(text)
for _ in range({times}):
    if {what!r} == "build":
        list(build_claims(loaded, prices=b.PRICES, today=b.TODAY))
    elif {what!r} == "write":
        x12.write_837(zip(built, who, strict=True), io.StringIO(), b.ENVELOPE)
    else:
        for _ in range({claims}):
            read(text)
"""


def instructions(src: Path, what: str, times: int, off: list[str]) -> int:
    code = CHILD.format(bench=str(HERE), claims=CLAIMS, what=what, times=times, off=off)
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
        ],
        env={**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise RuntimeError(f"valgrind gave no count: {done.stderr[-300:]}")


def per_claim(src: Path, what: str, off: list[str]) -> float:
    """Thousands of instructions per claim (or per call of a reader): two children at a time."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        once, thrice = pool.map(lambda times: instructions(src, what, times, off), (1, 3))
    return (thrice - once) / (2 * CLAIMS) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, help="another tree's src folder")
    parser.add_argument("--off", action="append", default=[], help="a cache to turn off")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=ROWS, help="these rows only")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    rows: list[tuple[str, Path, list[str]]] = [("this tree", OURS, [])]
    if args.off:
        rows.append(("cache off", OURS, args.off))
    if args.other:
        rows.append(("other", args.other, []))
    print("k instructions per claim (per call for the readers, per line for batch); the ratio is "
          "the last column's over this tree's" + (f"; cache off: {', '.join(args.off)}" if args.off else ""))  # fmt: skip
    for what in args.rows:
        figures = [per_claim(src, what, off) for _, src, off in rows]
        shown = "  ".join(
            f"{name} {value:7.1f}" for (name, _, _), value in zip(rows, figures, strict=True)
        )
        ratio = f"  {figures[-1] / figures[0]:.3f}x" if len(figures) > 1 else ""
        print(f"  {what:<11} {shown}{ratio}")


if __name__ == "__main__":
    main()
