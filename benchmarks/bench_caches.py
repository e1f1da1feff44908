"""Benchmark: build + streamed 837P per claim with ``build_claims``, for this tree and another one
(a copy of earlier code), alternating in the same run: what removing caches costs.

Run: ``python benchmarks/bench_caches.py OTHER_SRC [--count 2000] [--repeats 7]``

``OTHER_SRC`` is the ``src`` folder of the other tree (``git worktree add /tmp/base <commit>``, then
``/tmp/base/src``). Each measurement runs in a fresh child process, the two trees taking turns,
and reports the median CPU microseconds per claim of each and their ratio. The encounters are the
varied sample of ``bench_speed.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import io, sys, time
sys.path.insert(0, {bench!r})
import bench_speed as b
from benlysta_coding import encounter, parties
from benlysta_coding.claim import build_claims
from benlysta_coding.export import x12
loaded = [encounter.from_dict(d) for d in b.sample({count})]
who = [parties.from_encounter(e) for e in loaded]
def run():
    out = io.StringIO()
    made = build_claims(loaded, prices=b.PRICES, today=b.TODAY)
    x12.write_837(zip(made, who, strict=True), out, b.ENVELOPE)
    return out.getvalue()
run()  # warm
start = time.process_time(); run(); print((time.process_time() - start) / {count} * 1e6)
"""


def measure(src: Path, count: int) -> float:
    code = CHILD.format(bench=str(HERE), count=count)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("other", type=Path)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    ours_src = HERE.parent / "src"
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(measure(ours_src, args.count))
        theirs.append(measure(args.other, args.count))
    mine, base = statistics.median(ours), statistics.median(theirs)
    print(f"build_claims + streamed 837P: this tree {mine:.1f} us per claim, the other "
          f"{base:.1f} us; {mine / base:.3f}x")  # fmt: skip


if __name__ == "__main__":
    main()
