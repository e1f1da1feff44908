"""Benchmark: building a claim and writing it as 837P, and memory while streaming many claims.

Run: ``python benchmarks/bench_export.py [--repeats 5] [--counts 10000 50000 100000]``

1. Median time per claim over ``--claims`` claims, beside a baseline in the same run:
   ``Claim.to_dict()`` of the same claim (a plain serialisation), then ``build_claim`` alone, then
   ``build_claim`` + ``render_837``.
2. Peak traced memory (``tracemalloc``) while ``write_837`` streams N claims, built one at a time by a
   generator, into a sink that only counts characters. A flat peak as N grows shows that nothing
   holds the claims.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator

import attrs

from benlysta_coding import build_claim, encounter
from benlysta_coding import examples as _examples
from benlysta_coding.claim import Claim
from benlysta_coding.export import parties, x12

PRICES = {"J0490": "12.50", "96365": "150"}
TODAY = datetime.date(2026, 1, 1)
ENCOUNTER = encounter.from_dict(_examples.OFFICE_IV)
PARTIES = parties.from_encounter(ENCOUNTER)
ENVELOPE = x12.Envelope(control_number=1, created=datetime.datetime(2026, 1, 1, 12, 0))


class CountingSink:
    """A text sink that keeps only a count of what was written."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def build() -> Claim:
    return build_claim(ENCOUNTER, prices=PRICES, today=TODAY)


def per_claim_us(function: Callable[[], object], claims: int, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(claims):
            function()
        timings.append((time.perf_counter() - start) / claims * 1e6)
    return statistics.median(timings)


def stream(count: int) -> tuple[int, int]:
    def items() -> Iterator[tuple[Claim, parties.Parties]]:
        for n in range(count):
            yield attrs.evolve(build(), claim_id=f"C{n}"), PARTIES

    sink = CountingSink()
    tracemalloc.start()
    x12.write_837(items(), sink, ENVELOPE)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, sink.chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    args = parser.parse_args()
    claim = build()
    baseline = per_claim_us(claim.to_dict, args.claims, args.repeats)
    built = per_claim_us(build, args.claims, args.repeats)
    rendered = per_claim_us(
        lambda: x12.render_837(build(), PARTIES, ENVELOPE), args.claims, args.repeats
    )
    print(f"per claim, median of {args.repeats} runs of {args.claims}:")
    print(f"  Claim.to_dict (baseline)    {baseline:8.1f} us   1.0x")
    print(f"  build_claim                 {built:8.1f} us {built / baseline:6.1f}x")
    print(f"  build_claim + render_837    {rendered:8.1f} us {rendered / baseline:6.1f}x")
    print("streaming write_837 (claims built one at a time):")
    for count in args.counts:
        peak, chars = stream(count)
        print(
            f"  {count:>7} claims: peak traced memory {peak / 1024:8.1f} KiB, "
            f"{chars / 1e6:7.1f} MB written"
        )


if __name__ == "__main__":
    main()
