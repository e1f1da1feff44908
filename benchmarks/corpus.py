"""Varied encounter records for benchmarks and comparisons, from a fixed seed (repeatable).

Office and hospital, IV and SC, adults and children, weights, doses given or not, vials recorded or
not, both payers, and a share of wrong diagnoses and bad records, built from the library's examples.
``scripts/same_claims.py`` and ``benchmarks/bench_scale.py`` use it.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

SEED = 20261207


def records(
    count: int, *, good: float = 0.85, hospital: float = 0.3, seed: int = SEED
) -> Iterator[dict[str, Any]]:
    """``count`` encounter records; ``good`` is the share drawn with diagnoses that fit,
    ``hospital`` the share of hospital outpatient (institutional) encounters."""
    from benlysta_coding import examples

    rng = random.Random(seed)
    for number in range(count):
        base = examples.HOSPITAL_IV if rng.random() < hospital else examples.OFFICE_IV
        data: dict[str, Any] = copy.deepcopy(base)
        data["claim_id"] = f"C{number:06d}"
        patient = data["patient"]
        age = rng.choice([4, 5, 6, 9, 12, 15, 17, 18, 25, 33, 40, 52, 67, 80])
        patient["birth_date"] = f"{2025 - age}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        adult = [45, 55, "63.4", "68.3", 72, 90, "101.7", 120]
        child = [15, 22, 39, 40, 45, 55]
        patient["weight_kg"] = str(rng.choice(adult if age >= 18 else child))
        if rng.random() < 0.02:
            patient["weight_kg"] = "400"  # implausible
        data["payer"] = rng.choice(["medicare_part_b", "commercial"])
        data["indication"] = rng.choice(["sle", "sle", "lupus_nephritis"])
        if data["payer"] == "commercial":
            data.pop("subscriber", None)
        fits = [["M32.13"], ["M32.10", "M32.19"], ["M32.19"], ["M32.9"]]
        if data["indication"] == "lupus_nephritis":
            fits = [["M32.14"], ["M32.14", "M32.13"]]
        wrong = [["M32.1"], ["N05.9"], ["M32.0"], ["Z79.899", "M32.14"], ["M32.14", "N08"],
                 ["M32.16"], ["L93.0"]]  # fmt: skip
        data["diagnoses"] = rng.choice(fits if rng.random() < good else wrong)
        if rng.random() < 0.2:
            data["route"] = "sc"
            data["payer"] = "commercial"
            data.pop("infusion_minutes", None)
            if rng.random() < 0.5:
                data["ndc"] = rng.choice(["49401-088-02", "49401-088-35", "49401-088-47"])
        else:
            data["infusion_minutes"] = rng.choice([10, 15, 16, 35, 62, 90, 91, 121, 151, 200])
        if rng.random() < 0.3:
            data["dose_mg"] = str(rng.choice([200, 400, 550, 634, 683, 700, 1000]))
        if rng.random() < 0.2 and data["route"] == "iv":
            data["products_used"] = [
                {"ndc": "49401-102-01", "count": rng.randint(1, 2)},
                {"ndc": "49401-101-01", "count": rng.randint(0, 3) or 1},
            ]
        if rng.random() < 0.01:
            data["service_date"] = "2011-06-01"
        if rng.random() < 0.01:
            data["route"] = "im"  # a bad record
        yield data


def csv_row(data: dict[str, Any]) -> dict[str, str]:
    """A record as a row of the default CSV columns (:data:`benlysta_coding._intake.COLUMNS`)."""
    from benlysta_coding import _intake

    row = {}
    for column in _intake.COLUMNS:
        value: Any = data
        for key in column.path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if column.name == "weight_lb" or value is None:
            row[column.name] = ""
        elif column.name == "diagnoses":
            row[column.name] = ";".join(value)
        elif column.name == "products_used":
            row[column.name] = ";".join(f"{u['ndc']}:{u['count']}" for u in value)
        else:
            row[column.name] = str(value)
    return row
