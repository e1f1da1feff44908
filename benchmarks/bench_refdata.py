"""Benchmark: loading a full-size CMS ASP pricing file (about 1,000 rows), beside csv.reader alone.

Run: ``python benchmarks/bench_refdata.py [--rows 1000] [--repeats 9]``

Writes a file in the published layout (8 title rows, the header, one row per code), then reports the
median CPU time of ``refdata.load_asp`` and of reading the same bytes with ``csv.reader`` (the least
any loader must do). Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import tempfile
import time
from pathlib import Path

from benlysta_coding import refdata

HEADER = "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance Percentage"


def write(path: Path, rows: int) -> None:
    lines = ["October 2025 ASP Pricing File"] + [""] * 7 + [HEADER]
    lines += [f"J{n:04d},A drug {n},1 MG,{n}.125,20" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")


def median_ms(function: object, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.process_time()
        function()  # type: ignore[operator]
        timings.append((time.process_time() - start) * 1e3)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "asp.csv"
        write(path, args.rows)
        data = path.read_bytes()
        ours = median_ms(lambda: refdata.load_asp(path), args.repeats)
        base = median_ms(
            lambda: list(csv.reader(io.StringIO(data.decode("latin-1")))), args.repeats
        )
    print(f"load_asp, {args.rows} rows: {ours:.1f} ms (target < 50 ms); "
          f"csv.reader alone {base:.1f} ms, {ours / base:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
