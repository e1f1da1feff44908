"""Benchmark: billing at scale, 10,000 and 1,000,000 varied encounters, every figure in the same run.

Run: ``python benchmarks/bench_scale.py [--counts 10000 1000000] [--no-spark]``

For each count, the generated office encounters (``benchmarks/corpus.py``, 97% with fitting
diagnoses; a share still carries an error finding, as a real log does) are
written once as JSON Lines and once as a CSV infusion log with the default columns, then billed to
837P by the command line, each run in a fresh process:

* ``batch --jobs 1`` and ``batch --jobs 2`` on the JSON Lines (the baseline is ``--jobs 1``);
* ``batch --jobs 1`` on the CSV (CSV intake against JSON Lines, same records);
* Spark ``local[2]``: ``spark.write_837_partitions`` over the JSON Lines read as text, two
  partitions (Spark's own JVM memory is not a Python process's and is not in the figures).

Each row gives wall time, CPU time (the process and the workers it waited for), peak resident
memory of the main process and of the largest worker, and claims written. Targets on a 2-core
machine: 1,000,000 encounters to 837P with ``--jobs 2`` in at most 120 s wall; peak memory per
process flat (within 10%) from 10,000 to 1,000,000; CSV intake at least 80% of the JSON Lines
throughput.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import csv_row, records  # noqa: E402

from benlysta_coding import _intake  # noqa: E402

PRICES = ["--price=J0490=12.50", "--price=96365=150", "--price=96366=40", "--price=96372=25",
          "--price=96413=180", "--price=96415=45"]  # fmt: skip
ENVELOPE = ["--control-number=1", "--created=2026-01-02T08:00"]

RUNNER = """
import resource, sys, time
from benlysta_coding.cli import main

class Last:  # keeps the report's last line (the summary), not the whole report
    line = ""
    def write(self, text):
        if text.strip():
            self.line = text.strip().splitlines()[-1]
        return len(text)
    def flush(self):
        pass

report = Last()
start = time.perf_counter()
status = main(sys.argv[1:], open("/dev/null", "w"), report)
wall = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(status, wall, me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
      me.ru_maxrss, kids.ru_maxrss, report.line.split()[0])
"""
"""Runs the command line in a fresh process and reports its own figures (``ru_maxrss`` is in KiB
on Linux; the children's is the largest worker's)."""

SPARK = """
import json, resource, sys, time, tempfile, os
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession, functions as F
from benlysta_coding import spark
session = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
           .config("spark.driver.memory", "2g").getOrCreate())
session.sparkContext.setLogLevel("ERROR")
df = (session.read.text(sys.argv[1]).withColumnRenamed("value", "record")
      .withColumn("position", F.monotonically_increasing_id()).repartition(2))
df.cache().count()
start = time.perf_counter()
with tempfile.TemporaryDirectory() as folder:
    report = spark.write_837_partitions(
        df, folder, prices={"J0490": "12.50", "96365": "150", "96366": "40", "96372": "25"},
        first_control_number=1, created="2026-01-02T08:00")
wall = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(0, wall, me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, me.ru_maxrss,
      kids.ru_maxrss, sum(f.claims for f in report.files))
session.stop()
"""


def write_inputs(count: int, folder: Path) -> tuple[Path, Path, int]:
    """The JSON Lines and CSV files of ``count`` records; how many of them bill (JSON Lines run)."""
    jsonl, table = folder / f"{count}.jsonl", folder / f"{count}.csv"
    with jsonl.open("w") as lines, table.open("w", newline="") as sheet:
        writer = csv.DictWriter(sheet, fieldnames=[c.name for c in _intake.COLUMNS])
        writer.writeheader()
        for data in records(count, good=0.97, hospital=0.0):  # professional: 837P
            lines.write(json.dumps(data) + "\n")
            writer.writerow(csv_row(data))
    return jsonl, table, count


def measure(argv: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *argv], capture_output=True, text=True, env=env, check=True
    )
    status, wall, cpu, peak, worker, claims = done.stdout.split()
    return {"status": int(status), "wall": float(wall), "cpu": float(cpu), "peak_mb": int(peak) / 1024,
            "worker_mb": int(worker) / 1024, "claims": int(claims)}  # fmt: skip


def measure_spark(path: Path) -> dict[str, Any] | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", SPARK, str(path)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        print(
            f"  spark: not run ({done.stderr.strip().splitlines()[-1][:120] if done.stderr else ''})"
        )
        return None
    status, wall, cpu, peak, worker, claims = done.stdout.split()[-6:]
    return {"status": int(status), "wall": float(wall), "cpu": float(cpu),
            "peak_mb": int(peak) / 1024, "worker_mb": int(worker) / 1024,
            "claims": int(claims)}  # fmt: skip


def row(name: str, count: int, figures: dict[str, Any], claims: int) -> None:
    rate = claims / figures["wall"] if figures["wall"] else 0
    print(f"  {name:<26} {count:>9,} {figures['wall']:8.1f} s {figures['cpu']:8.1f} s "
          f"{figures['peak_mb']:8.0f} MB {figures['worker_mb']:8.0f} MB {claims:>9,} "
          f"{rate:>8,.0f}/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    print(f"bench_scale: Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"  {'run':<26} {'records':>9} {'wall':>10} {'cpu':>10} {'main peak':>11} "
          f"{'worker peak':>11} {'claims':>9} {'claims/wall-s':>10}")  # fmt: skip
    found: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in args.counts:
            jsonl, table, _ = write_inputs(count, Path(folder))
            runs = {
                "batch --jobs 1 (jsonl)": ["batch", str(jsonl), "--format", "837p", "--jobs", "1"],
                "batch --jobs 2 (jsonl)": ["batch", str(jsonl), "--format", "837p", "--jobs", "2"],
                "batch --jobs 1 (csv)": ["batch", str(table), "--format", "837p", "--jobs", "1"],
            }
            for name, argv in runs.items():
                figures = measure([*argv, *PRICES, *ENVELOPE])
                found[(name, count)] = figures
                row(name, count, figures, figures["claims"])
            if not args.no_spark:
                spark_figures = measure_spark(jsonl)
                if spark_figures is not None:
                    found[("spark local[2]", count)] = spark_figures
                    row("spark local[2] (jsonl)", count, spark_figures, spark_figures["claims"])
            os.unlink(jsonl)
            os.unlink(table)
    print("targets:")
    big = max(args.counts)
    small = min(args.counts)
    two = found[("batch --jobs 2 (jsonl)", big)]
    print(f"  {big:,} to 837P with --jobs 2: {two['wall']:.1f} s wall (target <= 120 s)")
    for name in ("batch --jobs 1 (jsonl)", "batch --jobs 2 (jsonl)", "batch --jobs 1 (csv)"):
        a, b = found[(name, small)], found[(name, big)]
        for key in ("peak_mb", "worker_mb"):
            if a[key] > 1:
                print(f"  {name} {key}: {a[key]:.0f} -> {b[key]:.0f} MB "
                      f"({(b[key] / a[key] - 1) * 100:+.0f}%, target within 10%)")  # fmt: skip
    for count in args.counts:
        j, c = found[("batch --jobs 1 (jsonl)", count)], found[("batch --jobs 1 (csv)", count)]
        print(f"  CSV intake at {count:,}: {j['wall'] / c['wall'] * 100:.0f}% of the JSON Lines "
              f"throughput (target >= 80%)")  # fmt: skip
        one, two = (
            found[("batch --jobs 1 (jsonl)", count)],
            found[("batch --jobs 2 (jsonl)", count)],
        )
        print(f"  --jobs 2 beside --jobs 1 at {count:,}: {one['wall'] / two['wall']:.2f}x")


if __name__ == "__main__":
    main()
