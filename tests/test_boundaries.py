"""Boundaries a review found unguarded, each tested on both sides with hand-checked values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from benlysta_coding import encounter, parties
from benlysta_coding.errors import InvalidFormat, InvalidInput, ValidationError
from benlysta_coding.export import fhir, forms, x12
from tests.helpers import TODAY, claim_of, codes, office
from tests.x12check import pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150"}


def test_diagnosis_pointers_stop_at_four() -> None:
    six = ["M32.10", "M32.11", "M32.12", "M32.13", "M32.19", "M32.9"]
    claim = claim_of(office(diagnoses=six))
    assert {(1, 2, 3, 4)} == {line.diagnosis_pointers for line in claim.lines}
    three = claim_of(office(diagnoses=six[:3]))
    assert {(1, 2, 3)} == {line.diagnosis_pointers for line in three.lines}


@pytest.mark.parametrize(
    ("dose", "warned"), [("770", False), ("771", True), ("630", False), ("629", True)]
)
def test_dose_tolerance_is_inclusive(dose: str, warned: bool) -> None:
    # 70 kg -> 700 mg at 10 mg/kg; 10 % is 70 mg: 630 and 770 are within, 629 and 771 are not
    claim = claim_of(office(patient__weight_kg="70", dose_mg=dose))
    assert warned == ("dose-far-from-label" in codes(claim))


def test_clm01_holds_38_characters() -> None:
    claim = claim_of(office(), prices=PRICES)
    who = parties.from_encounter(encounter.from_dict(office()))
    at_limit = x12.render_837(attrs.evolve(claim, claim_id="C" * 38), who)
    assert "CLM*" + "C" * 38 + "*" in at_limit
    assert [] == pyx12_errors(at_limit)
    with pytest.raises(InvalidFormat, match="38"):
        x12.render_837(attrs.evolve(claim, claim_id="C" * 39), who)


def test_item_24d_holds_four_modifiers() -> None:
    claim = claim_of(office(), prices=PRICES)
    four = attrs.evolve(claim.lines[2], modifiers=("XA", "XB", "XC", "XD"))
    five = attrs.evolve(claim.lines[2], modifiers=("XA", "XB", "XC", "XD", "XE"))
    rows = forms.cms1500(attrs.evolve(claim, lines=(*claim.lines[:2], four)))["rows"]
    assert "96365 XA XB XC XD" == rows[2]["24D"]
    with pytest.raises(InvalidFormat, match="24D"):
        forms.cms1500(attrs.evolve(claim, lines=(*claim.lines[:2], five)))


def test_fhir_unit_price_only_when_exact() -> None:
    claim = claim_of(office(), prices=PRICES)
    items = fhir.claim_resource(claim, created=TODAY)["item"]
    # JW line: 3 units x 12.50 = 37.50
    assert (Decimal("12.50"), Decimal("37.50")) == (
        items[1]["unitPrice"]["value"],
        items[1]["net"]["value"],
    )
    odd = attrs.evolve(claim.lines[1], charge=Decimal("100.00"))  # 100 / 3 is not whole cents
    item = fhir.claim_resource(
        attrs.evolve(claim, lines=(claim.lines[0], odd, claim.lines[2])), created=TODAY
    )["item"][1]
    assert "unitPrice" not in item
    assert Decimal("100.00") == item["net"]["value"]


@pytest.mark.parametrize(
    ("minutes", "accepted"), [(1440, True), (1441, False), (0, True), (-1, False)]
)
def test_infusion_minutes_bounds(minutes: int, accepted: bool) -> None:
    if accepted:
        assert minutes == encounter.from_dict(office(infusion_minutes=minutes)).infusion_minutes
    else:
        with pytest.raises(InvalidInput, match="infusion_minutes"):
            encounter.from_dict(office(infusion_minutes=minutes))


def test_jz_missing_with_a_real_plan() -> None:
    # 63.4 kg: 634 mg, 400 + 2 x 120 = 640 mg, 64 units, nothing wasted: JZ on both drug lines from
    # 2023-07-01 (Medicare), not the day before
    on = claim_of(office(patient__weight_kg="63.4", service_date="2023-07-01"))
    before = claim_of(office(patient__weight_kg="63.4", service_date="2023-06-30"))
    assert [("JZ",), ("JZ",)] == [line.modifiers for line in on.lines if line.code == "J0490"]
    assert [(), ()] == [line.modifiers for line in before.lines if line.code == "J0490"]
    stripped = attrs.evolve(on, lines=tuple(attrs.evolve(line, modifiers=()) for line in on.lines))
    from benlysta_coding import checks, units

    found = checks.check_lines(
        None, stripped.lines, encounter.from_dict(office()).payer, units.plan_vials(634)
    )
    assert ["jz-missing", "jz-missing"] == [f.code for f in found]


def test_dates_near_the_end_of_the_calendar() -> None:
    from benlysta_coding import dosing

    last = dosing.dose_dates(dosing.SC_ADULT_SLE, dt.date(9999, 12, 25), 1)
    assert dt.date(9999, 12, 25) == last[0][0]
    with pytest.raises(ValidationError, match="9999-12-31"):
        dosing.dose_dates(dosing.SC_ADULT_SLE, dt.date(9999, 12, 25), 2)
