"""Benchmark: the speed targets, each beside a baseline measured in the same run.

Run: ``python benchmarks/bench_speed.py [--repeats 7] [--quick] [--only claims ...]``

CPU time (``time.process_time``), medians over ``--repeats`` runs; ratios are what to compare between
machines. Rows:

1. ``ndc.validate`` over 100,000 distinct NDCs in every layout, beside a bare regular expression with
   ``zfill`` (the least work any NDC normaliser must do);
2. ``ndc.to_10`` of hyphenated 10-digit NDCs, beside a bare regular expression match;
3. ``import benlysta_coding`` and ``import benlysta_coding.ndc`` in a fresh interpreter, beside
   ``import attrs, dateutil`` (CPU time of the child processes), every module loaded from its
   compiled bytecode as in an installed package;
4. ``encounter.from_json`` of one encounter, beside ``json.loads`` of the same text;
5. build + streamed 837P per claim, beside an f-string writer of exactly the same bytes for the same
   claims (asserted identical on the sample) that does no checking and no billing: ``build_claim``
   called for each claim, and ``build_claims`` (a stage of encounters built at a time);
6. ``batch --format 837p`` over 10,000 lines: claims per CPU-second, and ``--jobs 2`` beside
   ``--jobs 1`` (wall clock: the point of jobs is to use the second core);
7. cost per claim and peak traced memory while streaming 1,000, 10,000 and 100,000 claims, and the
   memory the bounded caches hold once 20,000 varied claims have filled them.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from benlysta_coding import build_claim, build_claims, cli, encounter, ndc, parties
from benlysta_coding import examples as _examples
from benlysta_coding._util import plain
from benlysta_coding.claim import Claim
from benlysta_coding.export import x12

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
TODAY = datetime.date(2026, 1, 1)
CREATED = datetime.datetime(2026, 1, 1, 12, 0)
ENVELOPE = x12.Envelope(control_number=1, created=CREATED)


def cpu_median(function: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        timings.append(time.process_time() - start)
    return statistics.median(timings)


def paired(
    ours: Callable[[], object], base: Callable[[], object], repeats: int
) -> tuple[float, float, float]:
    """(median CPU seconds of ``ours``, of ``base``, median ratio): the two run in turn, and the
    ratio is the median of each turn's ours / base. A machine whose speed drifts (a shared VM)
    moves both sides of a turn alike, so the ratio is steadier than one of medians taken block
    after block."""
    mine, theirs, ratios = [], [], []
    for _ in range(repeats):
        mine.append(cpu_median(ours, 1))
        theirs.append(cpu_median(base, 1))
        ratios.append(mine[-1] / theirs[-1])
    return statistics.median(mine), statistics.median(theirs), statistics.median(ratios)


def row(
    name: str, ours: float, base: float, unit: str, target: str, ratio: float | None = None
) -> None:
    """A row: ``ratio`` is ``ours / base`` unless the paired turns gave their own."""
    print(f"  {name:<44} {ours:9.2f} {unit}  baseline {base:9.2f} {unit}  "
          f"{ours / base if ratio is None else ratio:5.2f}x  (target {target})")  # fmt: skip


# 1 and 2: NDCs -------------------------------------------------------------------------------


def ndc_inputs(count: int) -> list[str]:
    rng = random.Random(1127)
    shapes = [(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)]
    found: set[str] = set()
    while len(found) < count:
        shape = rng.choice([*shapes, (11,)])
        parts = ["".join(rng.choice("0123456789") for _ in range(n)) for n in shape]
        found.add("-".join(parts))
    return sorted(found)


_BARE = re.compile(r"([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})|([0-9]{11})")


def bare_validate(value: str) -> str:
    match = _BARE.fullmatch(value)
    if match is None:
        raise ValueError(value)
    if match[4]:
        return match[4]
    return match[1].zfill(5) + match[2].zfill(4) + match[3].zfill(2)


def bare_to_10(value: str) -> str:
    if _BARE.fullmatch(value) is None:
        raise ValueError(value)
    return value


def bench_ndc(repeats: int, count: int) -> None:
    values = ndc_inputs(count)
    assert [bare_validate(v) for v in values] == [ndc.validate(v) for v in values]
    ours, base, ratio = paired(
        lambda: [ndc.validate(v) for v in values],
        lambda: [bare_validate(v) for v in values],
        repeats,
    )
    row(f"ndc.validate, {count} distinct inputs", ours / count * 1e6, base / count * 1e6, "us",
        "<= 1.5x", ratio)  # fmt: skip
    tens = [v for v in values if len(v) == 12 and v.count("-") == 2]
    assert tens == [ndc.to_10(v) for v in tens]
    ours, base, ratio = paired(
        lambda: [ndc.to_10(v) for v in tens], lambda: [bare_to_10(v) for v in tens], repeats
    )
    row(f"ndc.to_10, {len(tens)} hyphenated 10-digit", ours / len(tens) * 1e6,
        base / len(tens) * 1e6, "us", "<= 2x", ratio)  # fmt: skip


# 3: import ---------------------------------------------------------------------------------


def child_cpu(code: str, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_import(repeats: int) -> None:
    """Imports as an installed package makes them: from compiled bytecode (pip compiles it when it
    installs). The child processes keep their bytecode in a temporary folder, made by a first,
    untimed import, whatever ``PYTHONDONTWRITEBYTECODE`` says here."""
    runs = max(repeats * 3, 15)
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        child_cpu("import attrs, dateutil, benlysta_coding.export.x12", env)  # writes the bytecode
        base = statistics.median(child_cpu("import attrs, dateutil", env) for _ in range(runs))
        for module, target in (("benlysta_coding", 30), ("benlysta_coding.ndc", 10)):
            code = f"import attrs, dateutil, {module}"
            ours = statistics.median(child_cpu(code, env) for _ in range(runs)) * 1e3
            print(f"  import {module:<37} +{ours - base * 1e3:6.1f} ms over attrs + dateutil "
                  f"({base * 1e3:.1f} ms)  (target <= +{target} ms)")  # fmt: skip


# 4: from_json ------------------------------------------------------------------------------


def each(function: Callable[[str], object], text: str, count: int) -> None:
    """Call ``function(text)`` ``count`` times, keeping no result: the cost of one call in a stream
    (a list of thousands of results would add the garbage collector's scans of it to both sides)."""
    for _ in range(count):
        function(text)


def bench_json(repeats: int, count: int) -> None:
    text = json.dumps(_examples.OFFICE_IV)
    ours, base, ratio = paired(
        lambda: each(encounter.from_json, text, count),
        lambda: each(json.loads, text, count),
        repeats,
    )
    row("encounter.from_json, one encounter", ours / count * 1e6, base / count * 1e6, "us",
        "<= 5x", ratio)  # fmt: skip


# 5: build + 837P beside an f-string writer ---------------------------------------------------


def sample(count: int) -> list[dict[str, Any]]:
    rng = random.Random(27)
    found = []
    for number in range(count):
        data = json.loads(json.dumps(_examples.OFFICE_IV))
        data["claim_id"] = f"B{number:08d}"
        data["patient"]["weight_kg"] = str(Decimal(rng.randint(400, 1200)) / 10)
        data["infusion_minutes"] = rng.choice([60, 62, 95, 125])
        found.append(data)
    return found


def d8(day: datetime.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def fstring_837(items: Iterable[tuple[Claim, parties.Parties]], out: io.StringIO) -> None:
    """The baseline: the same 837P bytes for these claims, written with f-strings and nothing else."""
    control, made = 1, CREATED
    pairs = list(items)
    sub, rec = pairs[0][1].submitter, pairs[0][1].receiver
    out.write(
        f"ISA*00*          *00*          *ZZ*{sub.id:<15}*ZZ*{rec.id:<15}*"
        f"{made:%y%m%d}*{made:%H%M}*^*00501*{control:09d}*0*P*:~\n"
        f"GS*HC*{sub.id}*{rec.id}*{made:%Y%m%d}*{made:%H%M}*{control}*X*005010X222A1~\n"
    )
    transactions = 0
    for start in range(0, len(pairs), 5000):
        transactions += 1
        segments = [
            f"ST*837*{transactions:04d}*005010X222A1~\n",
            f"BHT*0019*00*{control}{transactions:04d}*{made:%Y%m%d}*{made:%H%M}*CH~\n",
            f"NM1*41*2*{sub.name}*****46*{sub.id}~\n",
            f"PER*IC*{sub.contact_name}*TE*{sub.phone}~\n",
            f"NM1*40*2*{rec.name}*****46*{rec.id}~\n",
        ]
        hl = 0
        for claim, who in pairs[start : start + 5000]:
            bp, pa, pay = who.billing_provider, who.patient, who.insurance
            pa_addr = pa.address
            assert pa_addr is not None
            codes = [code.replace(".", "") for code in claim.diagnoses]
            segments += [
                f"HL*{hl + 1}**20*1~\n",
                f"PRV*BI*PXC*{bp.taxonomy}~\n",
                f"NM1*85*2*{bp.name}*****XX*{bp.npi}~\n",
                f"N3*{bp.address.line1}~\n",
                f"N4*{bp.address.city}*{bp.address.state}*{bp.address.zip}~\n",
                f"REF*EI*{bp.tax_id}~\n",
                f"HL*{hl + 2}*{hl + 1}*22*0~\n",
                f"SBR*P*18*******{claim.filing_code}~\n",
                f"NM1*IL*1*{pa.last_name}*{pa.first_name}****MI*{pa.member_id}~\n",
                f"N3*{pa_addr.line1}~\n",
                f"N4*{pa_addr.city}*{pa_addr.state}*{pa_addr.zip}~\n",
                f"DMG*D8*{d8(pa.birth_date)}*{pa.sex}~\n",
                f"NM1*PR*2*{pay.payer_name}*****PI*{pay.payer_id}~\n",
                f"CLM*{claim.claim_id}*{plain(claim.total_charge or Decimal(0))}***"
                f"{claim.place_of_service}:B:1*Y*A*Y*Y~\n",
                f"REF*G1*{claim.prior_authorization}~\n",
                "HI*" + "*".join([f"ABK:{codes[0]}", *(f"ABF:{c}" for c in codes[1:])]) + "~\n",
            ]
            hl += 2
            for number, line in enumerate(claim.lines, start=1):
                code = ":".join(("HC", line.code, *line.modifiers))
                pointers = ":".join(map(str, line.diagnosis_pointers))
                segments += [
                    f"LX*{number}~\n",
                    f"SV1*{code}*{plain(line.charge or Decimal(0))}*UN*{line.units}***{pointers}~\n",
                    f"DTP*472*D8*{d8(line.service_date)}~\n",
                    f"REF*6R*{line.control_number}~\n",
                ]
                if line.ndc:
                    segments += [
                        f"LIN**N4*{line.ndc}~\n",
                        f"CTP****{plain(line.ndc_quantity or Decimal(0))}*{line.ndc_unit}~\n",
                    ]
        segments.append(f"SE*{len(segments) + 1}*{transactions:04d}~\n")
        out.write("".join(segments))
    out.write(f"GE*{transactions}*{control}~\nIEA*1*{control:09d}~\n")


def bench_claims(repeats: int, count: int) -> None:
    loaded = [encounter.from_dict(data) for data in sample(count)]
    who = [parties.from_encounter(enc) for enc in loaded]
    built = [build_claim(enc, prices=PRICES, today=TODAY) for enc in loaded]

    def ours() -> str:
        out = io.StringIO()
        items = (
            (build_claim(enc, prices=PRICES, today=TODAY), p)
            for enc, p in zip(loaded, who, strict=True)
        )
        x12.write_837(items, out, ENVELOPE)
        return out.getvalue()

    def base() -> str:
        out = io.StringIO()
        fstring_837(zip(built, who, strict=True), out)
        return out.getvalue()

    def staged() -> str:
        out = io.StringIO()
        made = build_claims(loaded, prices=PRICES, today=TODAY)
        x12.write_837(zip(made, who, strict=True), out, ENVELOPE)
        return out.getvalue()

    assert ours() == base() == staged(), "the baseline must write exactly the same bytes"
    mine, theirs = cpu_median(ours, repeats), cpu_median(base, repeats)
    row("build + streamed 837P, per claim", mine / count * 1e6, theirs / count * 1e6, "us", "<= 3x")
    mine = cpu_median(staged, repeats)
    row("  the same with build_claims", mine / count * 1e6, theirs / count * 1e6, "us", "<= 3x")


# 6: batch --------------------------------------------------------------------------------------


def batch_file(count: int, folder: Path) -> Path:
    path = folder / "batch.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for data in sample(count):
            handle.write(json.dumps(data) + "\n")
    return path


def run_batch(path: Path, jobs: int) -> tuple[float, float, str]:
    """(CPU seconds of this process and its children, wall seconds, output)."""
    out, err = io.StringIO(), io.StringIO()
    args = ["batch", str(path), "--format", "837p", "--control-number", "9"]
    args += [arg for code, price in PRICES.items() for arg in ("--price", f"{code}={price}")]
    args += ["--created", "2026-01-01T12:00", "--jobs", str(jobs)]
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    status = cli.main(args, out, err)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + (after.ru_utime - children.ru_utime)
    cpu += after.ru_stime - children.ru_stime
    assert status == 0, err.getvalue()
    return cpu, wall, out.getvalue()


def bench_batch(repeats: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = batch_file(count, Path(folder))
        serial = [run_batch(path, 1) for _ in range(max(3, repeats // 2))]
        cpu = statistics.median(run[0] for run in serial)
        print(f"  batch --format 837p, {count} lines: {count / cpu:8.0f} claims per CPU-second "
              f"(target >= 5000)")  # fmt: skip
        parallel = [run_batch(path, 2) for _ in range(max(3, repeats // 2))]
        assert all(run[2] == serial[0][2] for run in parallel), "--jobs 2 must write the same"
        one = statistics.median(run[1] for run in serial)
        two = statistics.median(run[1] for run in parallel)
        print(f"  batch --jobs 2 beside --jobs 1 (wall clock, {os.cpu_count()} cores): "
              f"{one:.2f} s -> {two:.2f} s, speed-up {one / two:.2f}x")  # fmt: skip


# 7: flat cost and memory ------------------------------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def bench_scale(counts: list[int]) -> None:
    enc = encounter.from_dict(_examples.OFFICE_IV)
    who = parties.from_encounter(enc)

    def items(count: int) -> Iterator[tuple[Claim, parties.Parties]]:
        for _ in range(count):
            yield build_claim(enc, prices=PRICES, today=TODAY), who

    for count in counts:
        start = time.process_time()
        x12.write_837(items(count), Sink(), ENVELOPE)  # type: ignore[arg-type]
        per = (time.process_time() - start) / count * 1e6
        tracemalloc.start()
        x12.write_837(items(min(count, 20_000)), Sink(), ENVELOPE)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {count:>7} claims streamed: {per:7.1f} us per claim; peak traced memory "
              f"{peak / 1024:7.1f} KiB (over {min(count, 20_000)} claims)")  # fmt: skip


def bench_cache_memory(count: int) -> None:
    """What the library's bounded caches hold once varied claims have filled them: every claim with
    its own patient, date of service, weight and price, and one of 3,000 billing providers."""
    rng = random.Random(11)
    records = []
    for number, data in enumerate(sample(count)):
        data["service_date"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        data["billing_provider"] = dict(
            data["billing_provider"], name=f"CLINIC {rng.randint(1, 3000)}"
        )
        data["patient"]["last_name"] = f"PATIENT {number}"
        records.append(json.dumps(data))
    prices = [dict(PRICES, J0490=str(Decimal(rng.randint(1000, 1300)) / 100)) for _ in records]
    gc.collect()
    tracemalloc.start()
    held = tracemalloc.get_traced_memory()[0]
    writer = x12.Interchange(Sink(), ENVELOPE)  # type: ignore[arg-type]
    for text, price in zip(records, prices, strict=True):
        enc = encounter.from_json(text)
        writer.add(build_claim(enc, prices=price, today=TODAY), parties.from_encounter(enc))
    del writer, enc
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - held
    tracemalloc.stop()
    print(f"  the caches after {count} varied claims hold {held / 1e6:.1f} MB (bounded: they stop "
          "growing when full)")  # fmt: skip


ROWS: tuple[str, ...] = ("ndc", "import", "json", "claims", "batch", "scale", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument(
        "--only", choices=ROWS, action="append", help="run these rows only (repeatable)"
    )
    args = parser.parse_args()
    quick, repeats = args.quick, args.repeats
    print(f"CPU time, medians of {repeats} runs; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    rows: dict[str, Callable[[], None]] = {
        "ndc": lambda: bench_ndc(repeats, 10_000 if quick else 100_000),
        "import": lambda: bench_import(repeats),
        "json": lambda: bench_json(repeats, 500 if quick else 5_000),
        "claims": lambda: bench_claims(repeats, 200 if quick else 2_000),
        "batch": lambda: bench_batch(repeats, 1_000 if quick else 10_000),
        "scale": lambda: bench_scale([1_000, 10_000] if quick else [1_000, 10_000, 100_000]),
        "memory": lambda: bench_cache_memory(2_000 if quick else 20_000),
    }
    for name in args.only or ROWS:
        rows[name]()


if __name__ == "__main__":
    main()
