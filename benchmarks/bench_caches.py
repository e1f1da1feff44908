"""Benchmark: what the library's caches buy, and what removing caches costs against older code.

Run: ``python benchmarks/bench_caches.py [--other OTHER_SRC] [--no-caches] [--count 3000] [--repeats 7]``

Rows, each a median over ``--repeats`` fresh child processes taking turns, each child reporting the
least CPU time of 5 runs after a warm-up (the least is the run the machine disturbed least):

1. with ``--other`` (the ``src`` folder of another tree: ``git worktree add /tmp/base <commit>``,
   then ``/tmp/base/src``): build + streamed 837P per claim with ``build_claims``, this tree beside
   the other;
2. for each cache of the library (a function with ``cache_info``): encounters read from JSON text,
   built and written to an 837P, with that one cache turned off (the child calls the function
   under it instead), beside all of them on. The ratio is what the cache buys. The shared
   parties' cache (``_structure._read_shared``) goes off with the check before it, which compares
   a party with the last one of its class read.

The encounters are the varied sample of ``bench_speed.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = HERE.parent / "src"
BUILD = """
import io, sys, time
sys.path.insert(0, {bench!r})
import bench_speed as b
from benlysta_coding import encounter, parties
from benlysta_coding import build_claims
from benlysta_coding.export import x12
loaded = [encounter.from_dict(d) for d in b.sample({count})]
who = [parties.from_encounter(e) for e in loaded]
def run():
    out = io.StringIO()
    made = build_claims(loaded, prices=b.PRICES, today=b.TODAY)
    x12.write_837(zip(made, who, strict=True), out, b.ENVELOPE)
"""
FROM_JSON = """
import importlib, io, json, sys, time
sys.path.insert(0, {bench!r})
import bench_speed as b
from benlysta_coding import encounter, parties
from benlysta_coding import build_claims
from benlysta_coding.export import x12
off = {off!r}
if off:
    module_name, name = off.rsplit(".", 1)
    module = importlib.import_module(module_name)
    setattr(module, name, getattr(module, name).__wrapped__)  # this child only: the cache off
    if off == "benlysta_coding._structure._read_shared":  # and the last party read, kept before it
        class Never(dict):
            def get(self, key, default=None):
                return default
            def __setitem__(self, key, value):
                pass
        module._LAST_SHARED = Never()
texts = [json.dumps(d) for d in b.sample({count})]
def run():
    loaded = [encounter.from_json(text) for text in texts]
    who = [parties.from_encounter(e) for e in loaded]
    out = io.StringIO()
    made = build_claims(loaded, prices=b.PRICES, today=b.TODAY)
    x12.write_837(zip(made, who, strict=True), out, b.ENVELOPE)
"""
TIMED = """
run()  # warm
found = []
for _ in range(5):
    start = time.process_time(); run(); found.append(time.process_time() - start)
print(min(found) / {count} * 1e6)
"""
LIST = """
import importlib, pkgutil, benlysta_coding
names = []
for info in pkgutil.walk_packages(benlysta_coding.__path__, "benlysta_coding."):
    if info.name.endswith(("spark", "distributed", "html", "strategies")):
        continue  # optional dependencies
    module = importlib.import_module(info.name)
    for name, value in vars(module).items():
        if callable(getattr(value, "cache_info", None)) and value.__module__ == info.name:
            names.append(info.name + "." + name)
print("\\n".join(sorted(set(names))))
"""


def child(code: str, src: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def caches() -> list[str]:
    """The dotted names of this tree's cached functions."""
    return child(LIST, OURS).splitlines()


def against_other(other: Path, count: int, repeats: int) -> None:
    code = (BUILD + TIMED).format(bench=str(HERE), count=count)
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(float(child(code, OURS)))
        theirs.append(float(child(code, other)))
    mine, base = statistics.median(ours), statistics.median(theirs)
    print(f"build_claims + streamed 837P: this tree {mine:.1f} us per claim, the other "
          f"{base:.1f} us; {mine / base:.3f}x")  # fmt: skip


def each_cache(count: int, repeats: int) -> None:
    names = caches()
    print(f"{len(names)} caches; JSON text -> build_claims -> 837P, us per claim (median of "
          f"{repeats}), with one cache off beside all on:")  # fmt: skip
    for name in names:
        on: list[float] = []
        off: list[float] = []
        for _ in range(repeats):
            for switched, found in (("", on), (name, off)):
                code = (FROM_JSON + TIMED).format(bench=str(HERE), count=count, off=switched)
                found.append(float(child(code, OURS)))
        with_it, without = statistics.median(on), statistics.median(off)
        print(f"  {name:<48} off {without:7.1f}  on {with_it:7.1f}  buys {without / with_it:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--other", type=Path)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-caches", action="store_true", help="leave out rows 2 (the caches)")
    args = parser.parse_args()
    if args.other is not None:
        against_other(args.other, args.count, args.repeats)
    if not args.no_caches:
        each_cache(args.count, args.repeats)


if __name__ == "__main__":
    main()
