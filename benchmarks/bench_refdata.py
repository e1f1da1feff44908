"""Benchmark: loading a full-size CMS ASP pricing file (about 1,000 rows), beside csv.reader alone.

Run: ``python benchmarks/bench_refdata.py [--rows 1000] [--repeats 9]``

Writes a file in the published layout (8 title rows, the header, one row per code), then reports the
median CPU time of ``refdata.load_asp`` and of reading the same bytes with ``csv.reader`` (the least
any loader must do). Target: under 50 ms.

Then loads a crosswalk of about ``--big-mb`` MB (default 100; rows as long as the published file's)
in a child process each for N/10 and N rows, and reports CPU time and the child's peak resident
memory beside the file size: the loader streams rows, so memory follows the rows it keeps, not the
file's text.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import subprocess
import sys
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
    parser.add_argument("--big-mb", type=float, default=100)
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
    if args.big_mb:
        with tempfile.TemporaryDirectory() as folder:
            for size in (args.big_mb / 10, args.big_mb):
                path = Path(folder) / "crosswalk.csv"
                rows = write_crosswalk(path, size)
                seconds, peak = load_in_child(path)
                print(f"load_crosswalk, {path.stat().st_size / 1e6:.0f} MB ({rows} rows): "
                      f"{seconds:.1f} s CPU, peak resident memory {peak / 1024:.0f} MB")  # fmt: skip


CROSSWALK_ROW = (
    "J{code:04d},Injection of a drug with a long description,A LABELER OF DRUGS LLC,"
    "DRUG NAME {n},{labeler:05d}-{product:04d}-{package:02d},10 ML,1,10,{units}\n"
)


def write_crosswalk(path: Path, megabytes: float) -> int:
    """A crosswalk of about ``megabytes`` MB in the published columns; the number of rows."""
    with path.open("w", encoding="latin-1") as out:
        out.write("October 2025 ASP NDC-HCPCS Crosswalk\n" + "\n" * 7)
        out.write("_2025_CODE,Short Description,LABELER NAME,Drug Name,NDC2,PKG SIZE,PKG QTY,"
                  "BILLUNITS,BILLUNITSPKG\n")  # fmt: skip
        n = 0
        while out.tell() < megabytes * 1e6:
            out.write(CROSSWALK_ROW.format(code=n % 10000, n=n, labeler=n // 1_000_000 + 10,
                                           product=(n // 100) % 10000, package=n % 100,
                                           units=n % 50 + 1))  # fmt: skip
            n += 1
    return n


def load_in_child(path: Path) -> tuple[float, int]:
    """CPU seconds and peak resident KiB of a fresh process loading the crosswalk."""
    code = (
        "import resource, sys, time; from benlysta_coding import refdata; "
        "start = time.process_time(); "
        f"refdata.load_crosswalk({str(path)!r}); "
        "print(time.process_time() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    seconds, peak = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(seconds), int(peak)


if __name__ == "__main__":
    main()
