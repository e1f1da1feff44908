"""Example tests for billing units, vial plans, waste, JW/JZ and drug lines."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import attrs
import pytest

from benlysta_coding import lines as line_builder
from benlysta_coding import policy, products, units
from benlysta_coding.dosing import iv_dose_mg
from benlysta_coding.errors import InvalidComponent, InvalidFormat, OutOfRange
from benlysta_coding.ndc import Unit
from benlysta_coding.policy import (
    COMMERCIAL,
    MEDICARE_PART_B,
    JWQuantity,
    LinesPerNDC,
    NDCQuantityBasis,
    VialPolicy,
)
from tests.helpers import clear_caches

V120, V400 = products.VIAL_120, products.VIAL_400


def counts(plan: units.VialPlan) -> dict[int, int]:
    return {int(use.product.strength_mg): use.count for use in plan.vials}


# The worked table of the facts file, section 2, and the user-asks dose cases. The expectations are
# computed here from the rules (mg / 10 rounded up; wasted = vial total / 10 - administered).
@pytest.mark.parametrize(
    ("weight", "vials"),
    [
        ("40", {400: 1}),
        ("55", {120: 5}),
        ("63.4", {400: 1, 120: 2}),
        ("70", {120: 6}),
        ("85", {400: 1, 120: 4}),
        ("68.3", {120: 6}),
        ("52", {400: 1, 120: 1}),
        ("120", {400: 3}),
    ],
)
def test_worked_examples(weight: str, vials: dict[int, int]) -> None:
    dose = iv_dose_mg(Decimal(weight))
    plan = units.plan_vials(dose)
    assert vials == counts(plan)
    total = sum(size * n for size, n in vials.items())
    administered = math.ceil(dose / 10)
    assert int(administered) == plan.administered_units
    assert total // 10 - int(administered) == plan.wasted_units
    assert Decimal(total) - dose == plan.wasted_mg


def test_facts_table_units() -> None:
    table = {"40": (40, 0), "55": (55, 5), "63.4": (64, 0), "70": (70, 2), "85": (85, 3)}
    for weight, expected in table.items():
        plan = units.plan_vials(iv_dose_mg(Decimal(weight)))
        assert expected == (plan.administered_units, plan.wasted_units)


def test_tie_between_ten_small_and_three_large_goes_to_fewer_vials() -> None:
    # 1200 mg: ten 120 mg vials or three 400 mg vials, no waste either way: fewer vials win.
    plan = units.plan_vials(1200)
    assert {400: 3} == counts(plan)
    assert 3 == plan.vial_count


def test_fewest_vials_policy() -> None:
    plan = units.plan_vials(700, VialPolicy.FEWEST_VIALS)
    assert {400: 2} == counts(plan)
    assert 10 == plan.wasted_units
    assert {120: 6} == counts(units.plan_vials(700, "least_waste"))
    with pytest.raises(InvalidFormat):
        units.plan_vials(700, "cheapest")


def test_billing_units_round_up() -> None:
    assert 64 == units.billing_units(Decimal("634.0"))
    assert 1 == units.billing_units(Decimal("0.01"))
    assert 70 == units.billing_units(700)
    assert 71 == units.billing_units("700.001")
    with pytest.raises(OutOfRange):
        units.billing_units(0)
    with pytest.raises(TypeError):
        units.billing_units(700.0)  # type: ignore[arg-type]


def test_plan_guards() -> None:
    with pytest.raises(OutOfRange):
        units.plan_vials(Decimal("20000.01"))
    with pytest.raises(InvalidComponent):
        units.plan_vials(100, vials=())
    odd = attrs.evolve(V120, strength_mg=Decimal(125))
    with pytest.raises(InvalidComponent):
        units.plan_vials(100, vials=(odd,))
    with pytest.raises(TypeError):
        units.plan_vials(100, vials=("120",))  # type: ignore[arg-type]


def test_single_size_plan_for_sc_devices() -> None:
    plan = units.plan_vials(400, vials=(products.SC_AUTOINJECTOR_1,))
    assert 2 == plan.vial_count
    assert (40, 0) == (plan.administered_units, plan.wasted_units)


class TestRounding:
    def test_rounds_to_nearest_within_tolerance(self) -> None:
        result = units.round_dose(Decimal(550), Decimal(10))
        assert (Decimal(520), True) == (result.rounded_mg, result.was_rounded)
        assert Decimal(-30) == result.deviation_mg

    def test_off_or_exact_or_out_of_tolerance(self) -> None:
        assert not units.round_dose(550, 0).was_rounded
        assert not units.round_dose(520, 10).was_rounded
        assert Decimal(550) == units.round_dose(550, 5).rounded_mg

    def test_up_when_nearer(self) -> None:
        assert Decimal(640) == units.round_dose(634, 5).rounded_mg

    def test_tie_goes_down(self) -> None:
        # 440 mg is 40 mg from 400 (one large vial) and from 480 (four small ones).
        assert Decimal(400) == units.round_dose(440, 10).rounded_mg

    def test_bad_tolerance(self) -> None:
        with pytest.raises(OutOfRange):
            units.round_dose(500, 60)


class TestWasteDecision:
    def test_jz_dates_for_medicare(self) -> None:
        plan = units.plan_vials(400)
        assert not line_builder.waste_decision(plan, dt.date(2023, 6, 30), MEDICARE_PART_B).jz
        assert line_builder.waste_decision(plan, dt.date(2023, 7, 1), MEDICARE_PART_B).jz
        assert not line_builder.waste_decision(plan, dt.date(2024, 1, 1), COMMERCIAL).jz

    def test_jw_units(self) -> None:
        decision = line_builder.waste_decision(units.plan_vials(550), "2024-01-01", MEDICARE_PART_B)
        assert (5, False) == (decision.jw_units, decision.jz)
        assert "JW" in decision.reason

    def test_waste_not_billed(self) -> None:
        policy = attrs.evolve(COMMERCIAL, bill_waste=False)
        decision = line_builder.waste_decision(units.plan_vials(550), "2024-01-01", policy)
        assert (0, False) == (decision.jw_units, decision.jz)


class TestDrugLines:
    def test_one_per_ndc_with_waste_on_partial_vial(self) -> None:
        lines = line_builder.drug_lines(units.plan_vials(850), "2024-05-01", MEDICARE_PART_B)
        assert [(V400, 40, None), (V120, 45, None), (V120, 3, "JW")] == [
            (line.product, line.units, line.modifier) for line in lines
        ]
        assert [Decimal(1), Decimal(4), Decimal(4)] == [line.ndc_quantity for line in lines]
        assert {Unit.UN} == {line.ndc_unit for line in lines}

    def test_jz_on_every_drug_line(self) -> None:
        lines = line_builder.drug_lines(units.plan_vials(634), "2024-05-01", MEDICARE_PART_B)
        assert [(V400, 40, "JZ"), (V120, 24, "JZ")] == [
            (line.product, line.units, line.modifier) for line in lines
        ]

    def test_millilitres_and_milligrams(self) -> None:
        plan = units.plan_vials(850)
        ml = line_builder.drug_lines(
            plan,
            "2024-05-01",
            attrs.evolve(MEDICARE_PART_B, vial_ndc_unit=NDCQuantityBasis.MILLILITRES),
        )
        assert [(Unit.ML, Decimal(5)), (Unit.ML, Decimal(6)), (Unit.ML, Decimal(6))] == [
            (line.ndc_unit, line.ndc_quantity) for line in ml
        ]
        me = line_builder.drug_lines(
            plan,
            "2024-05-01",
            attrs.evolve(MEDICARE_PART_B, vial_ndc_unit=NDCQuantityBasis.MILLIGRAMS),
        )
        assert [Decimal(400), Decimal(450), Decimal(30)] == [line.ndc_quantity for line in me]

    def test_jw_wasted_mg(self) -> None:
        policy = attrs.evolve(MEDICARE_PART_B, jw_ndc_quantity=JWQuantity.WASTED_MG)
        jw = line_builder.drug_lines(units.plan_vials(550), "2024-05-01", policy)[-1]
        assert ("JW", Unit.ME, Decimal(50)) == (jw.modifier, jw.ndc_unit, jw.ndc_quantity)

    def test_single_line_puts_other_ndc_in_note(self) -> None:
        policy = attrs.evolve(MEDICARE_PART_B, lines_per_ndc=LinesPerNDC.SINGLE_LINE)
        lines = line_builder.drug_lines(units.plan_vials(850), "2024-05-01", policy)
        assert [(V400, 85, None), (V120, 3, "JW")] == [
            (line.product, line.units, line.modifier) for line in lines
        ]
        assert "N449401010101 UN4" == lines[0].note

    def test_sc_device_lines_use_millilitres(self) -> None:
        plan = units.plan_vials(200, vials=(products.SC_AUTOINJECTOR_1,))
        (line,) = line_builder.drug_lines(plan, "2024-05-01", COMMERCIAL)
        assert (20, Unit.ML, Decimal(1), None) == (
            line.units,
            line.ndc_unit,
            line.ndc_quantity,
            line.modifier,
        )


def test_policy_values() -> None:

    assert ("96413", "96415", "96409") == (
        policy.Administration.COMPLEX.initial_code,
        policy.Administration.COMPLEX.additional_hour_code,
        policy.Administration.COMPLEX.push_code,
    )
    assert ("96365", "96366", "96374") == (
        policy.Administration.THERAPEUTIC.initial_code,
        policy.Administration.THERAPEUTIC.additional_hour_code,
        policy.Administration.THERAPEUTIC.push_code,
    )
    assert policy.MEDICARE_PART_B is policy.lookup("medicare_part_b")
    with pytest.raises(ValueError, match="JZ exists only from 2023-01-01"):
        attrs.evolve(policy.COMMERCIAL, jz_required_from=dt.date(2022, 12, 1))
    with pytest.raises(ValueError, match="whole number"):
        attrs.evolve(policy.COMMERCIAL, max_units_per_day=0)
    assert 90 == attrs.evolve(policy.COMMERCIAL, max_units_per_day=90).max_units_per_day


def test_a_vial_plan_keeps_the_dose_as_it_was_given() -> None:
    assert "683.0" == str(units.plan_vials(Decimal("683.0")).dose_mg)
    assert "683" == str(units.plan_vials(Decimal("683")).dose_mg)
    assert "683.0" == str(units.plan_vials("683.0").dose_mg)
    least = units.plan_vials(850, "least_waste")
    fewest = units.plan_vials(850, "fewest_vials")
    assert [(u.product.strength_mg, u.count) for u in least.vials] == [
        (Decimal(400), 1),
        (Decimal(120), 4),
    ]
    assert [(u.product.strength_mg, u.count) for u in fewest.vials] == [
        (Decimal(400), 2),
        (Decimal(120), 1),
    ]


def test_a_plan_of_equal_vials_written_differently_keeps_their_digits() -> None:
    written_120_0 = attrs.evolve(products.VIAL_120, strength_mg=Decimal("120.0"))
    assert written_120_0 == products.VIAL_120  # equal in Python, written differently
    clear_caches()
    for _ in range(2):
        assert "720" == str(units.plan_vials(683, vials=(products.VIAL_120,)).total_mg)
        assert "720.0" == str(units.plan_vials(683, vials=(written_120_0,)).total_mg)
