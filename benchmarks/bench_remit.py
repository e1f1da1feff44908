"""Benchmark: reading a 100,000-claim 835, streaming: claims per second and peak memory.

Run: ``python benchmarks/bench_remit.py [--claims 100000]``

Writes an 835 of N claim payments (each answering the office example: three service lines) to a
temporary file, then reads it with ``remit.read_835`` from the file, every check included (envelope,
counts, loop structure, elements, balancing). Reports claims per CPU-second beside pyx12's
``X12Reader`` walking the same file's segments (a peer's tokenizer, which checks far less) and
splitting it with ``str.split`` (the least any reader must do), and the peak traced memory for N/10
and N claims: flat when nothing but the current claim is held.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from benlysta_coding import remit

HEAD = (
    "ISA*00*          *00*          *ZZ*00952          *ZZ*PRAIRIE01      *250415*1200*^*00501*"
    "000000011*0*P*:~\nGS*HP*00952*PRAIRIE01*20250415*1200*11*X*005010X221A1~\nST*835*0001~\n"
    "BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20250415~\n"
    "TRN*1*12345*1512345678~\nDTM*405*20250414~\nN1*PR*MEDICARE PART B~\n"
    "N1*PE*PRAIRIE RHEUMATOLOGY*XX*1234567893~\n"
)
HEAD_SEGMENTS = 6  # ST to N1*PE
CLAIM_SEGMENTS = 13
CLAIM = (
    "LX*{n}~\nCLP*C{n}*1*1050*877.5*172.5*MB*PCN{n}*11*1~\nNM1*QC*1*SAMPLE*JANE****MI*1EG4TE5MK73~\n"
    "SVC*HC:J0490*862.5*690**69~\nDTM*472*20250303~\nCAS*PR*2*172.5~\nREF*6R*C{n}-1~\n"
    "SVC*HC:J0490:JW*37.5*37.5**3~\nDTM*472*20250303~\nREF*6R*C{n}-2~\n"
    "SVC*HC:96365*150*150**1~\nDTM*472*20250303~\nREF*6R*C{n}-3~\n"
)


def write(path: Path, claims: int) -> None:
    with path.open("w", encoding="ascii") as out:
        out.write(HEAD.replace("BPR*I*0*", f"BPR*I*{Decimal('877.5') * claims}*"))
        for n in range(1, claims + 1):
            out.write(CLAIM.format(n=n))
        count = HEAD_SEGMENTS + CLAIM_SEGMENTS * claims + 1
        out.write(f"SE*{count}*0001~\nGE*1*11~\nIEA*1*000000011~\n")


def read(path: Path) -> tuple[int, float, int]:
    start = time.process_time()
    with path.open("rb") as source:
        count = sum(1 for _ in remit.read_835(source))
    seconds = time.process_time() - start
    tracemalloc.start()
    with path.open("rb") as source:
        for _ in remit.read_835(source):
            pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, seconds, peak


def pyx12_seconds(path: Path) -> float:
    """CPU seconds for pyx12's X12Reader to walk every segment of the file (no validation)."""
    import pyx12.x12file

    start = time.process_time()
    with path.open(encoding="ascii") as source:
        for _ in pyx12.x12file.X12Reader(source):
            pass
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for claims in (args.claims // 10, args.claims):
            path = Path(folder) / f"{claims}.835"
            write(path, claims)
            count, seconds, peak = read(path)
            start = time.process_time()
            segments = len(path.read_text(encoding="ascii").split("~"))
            base = time.process_time() - start
            peer = pyx12_seconds(path)
            assert count == claims
            print(f"  {claims:>7} claims ({path.stat().st_size / 1e6:.1f} MB): {claims / seconds:8.0f} "
                  f"claims per CPU-second; pyx12 X12Reader {claims / peer:8.0f} "
                  f"({peer / seconds:.2f}x our time); peak traced memory {peak / 1024:7.1f} KiB "
                  f"(str.split of the file: {base:.2f} s for {segments} segments)")  # fmt: skip


if __name__ == "__main__":
    main()
