"""Benchmark: the cost of one vial plan, beside baselines measured in the same run.

Run: ``python benchmarks/bench_units.py [--doses 100000] [--repeats 7]``

Times ``plan_vials`` over the same 100,000 doses (10 mg/kg of weights from 15 to 250 kg, one decimal)
``repeats`` times and reports the median cost per call, with two baselines over the same doses:

* ``decimal ceil``: ``(dose / 10).to_integral_value(ROUND_CEILING)``, the least work any unit
  calculator must do;
* ``billing_units``: the library's own unit calculator (input checks included).

Ratios against the baselines are what to compare between machines, not the absolute times.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal

from benlysta_coding import units


def doses(count: int) -> list[Decimal]:
    rng = random.Random(20261127)
    return [Decimal(rng.randint(150, 2500)) for _ in range(count)]


def per_call_ns(
    function: Callable[[Decimal], object], values: list[Decimal], repeats: int
) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for value in values:
            function(value)
        timings.append((time.perf_counter_ns() - start) / len(values))
    return statistics.median(timings)


def ceil_baseline(dose: Decimal) -> int:
    return int((dose / 10).to_integral_value(rounding=ROUND_CEILING))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--doses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    values = doses(args.doses)
    base = per_call_ns(ceil_baseline, values, args.repeats)
    unit = per_call_ns(units.billing_units, values, args.repeats)
    plan = per_call_ns(units.plan_vials, values, args.repeats)
    print(f"{args.doses} doses, median of {args.repeats} runs, per call:")
    print(f"  decimal ceil (baseline) {base / 1000:8.3f} us   1.0x")
    print(f"  billing_units           {unit / 1000:8.3f} us {unit / base:6.1f}x")
    print(
        f"  plan_vials              {plan / 1000:8.3f} us {plan / base:6.1f}x "
        f"({plan / unit:.1f}x billing_units)"
    )


if __name__ == "__main__":
    main()
