"""benlysta_coding.lines: the drug lines keep the digits of their own dose; the infusion time's findings come with every claim of that time."""

from __future__ import annotations

import datetime as dt

import pytest

from benlysta_coding import policy
from tests.helpers import claim_of, clear_caches, office

OFFICE_PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
WHEN = dt.datetime(2025, 5, 1, 9, 30)


def _milligram_quantities(weight: str) -> list[tuple[str, str]]:
    """The NDC quantities (as written) of a claim whose drug lines count milligrams."""
    per_mg = policy.PayerPolicy(name="per-mg", vial_ndc_unit="milligrams")
    claim = claim_of(office(patient={**office()["patient"], "weight_kg": weight}), policy=per_mg)
    return [(str(line.ndc_quantity), str(line.ndc_unit)) for line in claim.lines if line.ndc]


# Worked by hand: 68.3 kg x 10 mg/kg = 683.0 mg; the least waste is 6 x 120 mg = 720 mg, so 683.0 mg
# are administered and 720 - 683.0 = 37.0 mg wasted. Decimal keeps the places it is given: 68.30 kg
# gives 683.00 and 37.00.
WRITTEN_AS = {
    "68.3": [("683.0", "ME"), ("37.0", "ME")],
    "68.30": [("683.00", "ME"), ("37.00", "ME")],
}


@pytest.mark.parametrize("order", [("68.3", "68.30"), ("68.30", "68.3")])
def test_equal_doses_written_differently_keep_their_own_digits_on_the_lines(
    order: tuple[str, str],
) -> None:
    clear_caches()
    for weight in order:  # the second meets the plan and drug lines the first one cached
        assert WRITTEN_AS[weight] == _milligram_quantities(weight)


def test_infusion_time_findings_come_with_every_claim_of_that_time() -> None:
    for _ in range(2):
        claim = claim_of(office(infusion_minutes=85), prices=OFFICE_PRICES)
        assert ["infusion-additional-hour"] == [
            f.code for f in claim.findings if f.code.startswith("infusion")
        ]
        assert [("96365", 1)] == [(line.code, line.units) for line in claim.lines[-1:]]
