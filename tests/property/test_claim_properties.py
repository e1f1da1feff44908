"""Property tests for the claim builder over weights, minutes, dates, settings and payers."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import encounter
from benlysta_coding.build import build_claim
from benlysta_coding.claim import Claim, LineKind
from benlysta_coding.strategies import weights_kg
from tests.helpers import TODAY, office


@st.composite
def encounters(draw: st.DrawFn) -> dict[str, Any]:
    data = office(
        service_date=draw(st.dates(min_value=dt.date(2012, 1, 1), max_value=TODAY)).isoformat(),
        setting=draw(
            st.sampled_from(["office", "hospital_outpatient", "critical_access_hospital"])
        ),
        payer=draw(st.sampled_from(["medicare_part_b", "commercial"])),
        indication=draw(st.sampled_from(["sle", "lupus_nephritis"])),
        infusion_minutes=draw(st.integers(min_value=0, max_value=400)),
    )
    data["patient"]["weight_kg"] = str(draw(weights_kg()))
    return data


prices = st.fixed_dictionaries(
    {
        "J0490": st.decimals(min_value=0, max_value=100, places=2),
        "96365": st.decimals(min_value=0, max_value=500, places=2),
        "96366": st.decimals(min_value=0, max_value=500, places=2),
        "96374": st.decimals(min_value=0, max_value=500, places=2),
    }
)


def brute_force_units(dose: Decimal) -> tuple[int, int]:
    """Administered and wasted units, worked out here by trying every count of 400 mg and 120 mg
    vials: the least total at or above the dose (ties: fewer vials); administered = dose / 10 rounded
    up, wasted = total / 10 - administered."""
    best: tuple[int, int] | None = None
    for large in range(int(dose // 400) + 2):
        for small in range(int(dose // 120) + 2):
            total = 400 * large + 120 * small
            if total >= dose and (best is None or (total, large + small) < best):
                best = (total, large + small)
    assert best is not None
    administered = math.ceil(dose / 10)  # math.ceil of a Decimal is exact
    return administered, best[0] // 10 - administered


@given(encounters())
def test_drug_lines_carry_the_plan_units(data: dict[str, Any]) -> None:
    enc = encounter.from_dict(data)
    claim = build_claim(enc, today=TODAY)
    assert enc.patient.weight_kg is not None
    administered, wasted = brute_force_units(enc.patient.weight_kg * 10)
    drug = sum(line.units for line in claim.lines if line.kind is LineKind.DRUG)
    waste = sum(line.units for line in claim.lines if line.kind is LineKind.WASTE)
    assert administered == drug
    assert wasted == waste
    assert [n + 1 for n in range(len(claim.lines))] == [line.number for line in claim.lines]
    for line in claim.lines:
        assert all(1 <= p <= len(claim.diagnoses) for p in line.diagnosis_pointers)
        assert (line.revenue_code is not None) == enc.setting.institutional


@given(encounters(), prices)
def test_total_is_the_exact_sum_of_lines(data: dict[str, Any], table: dict[str, Decimal]) -> None:
    claim = build_claim(encounter.from_dict(data), prices=table, today=TODAY)
    charges = [line.charge for line in claim.lines]
    assert all(isinstance(c, Decimal) for c in charges)
    assert sum((c for c in charges if c is not None), Decimal(0)) == claim.total_charge


@given(encounters(), prices)
def test_json_round_trip(data: dict[str, Any], table: dict[str, Decimal]) -> None:
    claim = build_claim(encounter.from_dict(data), prices=table, today=TODAY)
    assert claim == Claim.from_dict(json.loads(json.dumps(claim.to_dict())))
