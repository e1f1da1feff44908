"""Each finding's code, path and message for hand-checked scenarios: a table of expectations written
out here (a mutation run found messages and paths that no test read)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from benlysta_coding import checks, policy, units
from tests.helpers import claim_of, office, sc

PLAUSIBLE = (
    "weight_kg: expected 10 to 350 kg (a plausibility range for patients aged 5 and older; a "
    "weight outside it is usually pounds or grams given as kg)"
)
SC_ROUTE = (
    "sc-medical-benefit",
    "$.route",
    "payer policy commercial does not cover SC Benlysta on the medical benefit",
)

CASES: list[tuple[str, dict[str, Any], list[tuple[str, str, str]], list[tuple[str, int]]]] = [
    (
        "no infusion time",
        office(infusion_minutes=None),
        [
            (
                "infusion-minutes-missing",
                "$.infusion_minutes",
                "no infusion_minutes for an IV administration; administration lines are left out",
            )
        ],
        [],
    ),
    (
        "15 minutes is a push",
        office(infusion_minutes=15),
        [("infusion-too-short", "$.infusion_minutes", "15 minutes is a push, not an infusion")],
        [("96374", 1)],
    ),
    (
        "85 minutes: 6 short of a 96366 unit",
        office(infusion_minutes=85),
        [
            (
                "infusion-additional-hour",
                "$.infusion_minutes",
                "85 minutes end just below the time that adds a unit of 96366; check the recorded "
                "start and stop times",
            )
        ],
        [("96365", 1)],
    ),
    (
        "800 mg for 70 kg: 100 mg over 700, more than 10 %",
        office(patient__weight_kg="70", dose_mg="800"),
        [
            (
                "dose-far-from-label",
                "$.dose_mg",
                "dose 800 mg differs from 10 mg/kg (700 mg) by more than 10%",
            )
        ],
        [("96365", 1)],
    ),
    (
        "no weight and no dose",
        office(patient__weight_kg=None),
        [("dose-not-determined", "$.dose_mg", "give dose_mg or the patient's weight")],
        [("96365", 1)],
    ),
    (
        "500 kg with a dose given",
        office(patient__weight_kg="500", dose_mg="700"),
        [("weight-implausible", "$.patient.weight_kg", PLAUSIBLE)],
        [("96365", 1)],
    ),
    (
        "500 kg without a dose",
        office(patient__weight_kg="500"),
        [("dose-not-determined", "$.patient.weight_kg", PLAUSIBLE)],
        [("96365", 1)],
    ),
    (
        "SC without a dose: the adult SLE regimen",
        sc(),
        [
            SC_ROUTE,
            (
                "dose-assumed",
                "$.dose_mg",
                "200 mg SC once weekly: billed as 200 mg (maintenance dose)",
            ),
        ],
        [("96372", 1)],
    ),
    (
        "SC 300 mg: two devices, no regimen",
        sc(dose_mg="300"),
        [
            SC_ROUTE,
            (
                "sc-dose-unusual",
                "$.dose_mg",
                "300 mg matches no dose of the regimen '200 mg SC once weekly'",
            ),
        ],
        [("96372", 2)],
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "expected", "administration"), CASES, ids=[c[0] for c in CASES]
)
def test_finding_texts(
    name: str,
    data: dict[str, Any],
    expected: list[tuple[str, str, str]],
    administration: list[tuple[str, int]],
) -> None:
    claim = claim_of(data)
    found = [(f.code, f.path, f.message) for f in claim.findings if f.code != "products-from-plan"]
    assert expected == found
    assert administration == [
        (line.code, line.units) for line in claim.lines if line.kind == "administration"
    ]


def waste_findings(weight: str, day: str) -> list[tuple[str, str, str]]:
    """The line checks of the office claim on ``day`` with its JW line removed."""
    claim = claim_of(office(patient__weight_kg=weight, service_date=day))
    plan = units.plan_vials(claim.dose_mg or 0)
    kept = [line for line in claim.lines if "JW" not in line.modifiers]
    return [
        (f.code, f.path, f.message)
        for f in checks.check_lines(None, kept, policy.MEDICARE_PART_B, plan)
    ]


def test_jw_required_from_2017() -> None:
    # 68.3 kg: 3 units discarded; Medicare requires the JW line from 2017-01-01
    assert [] == waste_findings("68.3", "2016-12-31")
    assert [("jw-missing", "$.lines", "3 unit(s) discarded without a JW line")] == waste_findings(
        "68.3", "2017-01-01"
    )


def test_one_wasted_unit_still_needs_jw() -> None:
    # 71 kg: 710 mg from six 120 mg vials (720 mg): 71 units, 1 unit discarded
    assert [("jw-missing", "$.lines", "1 unit(s) discarded without a JW line")] == waste_findings(
        "71", "2024-01-02"
    )


def test_jz_texts_and_paths() -> None:
    # 63.4 kg: nothing wasted; both drug lines lack JZ on 2024-01-02
    claim = claim_of(office(patient__weight_kg="63.4", service_date="2024-01-02"))
    bare = [attrs.evolve(line, modifiers=()) for line in claim.lines]
    found = checks.check_lines(None, bare, policy.MEDICARE_PART_B, units.plan_vials(634))
    message = "nothing was discarded but the drug line has no JZ"
    assert [("jz-missing", "$.lines[0]", message), ("jz-missing", "$.lines[1]", message)] == [
        (f.code, f.path, f.message) for f in found
    ]
    with_jw = [attrs.evolve(bare[0], modifiers=("JZ",)), attrs.evolve(bare[1], modifiers=("JW",))]
    found = checks.check_lines(None, with_jw, policy.MEDICARE_PART_B, units.plan_vials(634))
    assert [
        (
            "jz-with-jw",
            "$.lines[0]",
            "JZ (nothing discarded) on a line while a JW line bills waste on 2024-01-02",
        )
    ] == [(f.code, f.path, f.message) for f in found if f.code == "jz-with-jw"]
