"""Property tests for doses, units, vial plans, waste and drug lines."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import dosing, lines, products, units
from benlysta_coding.policy import (
    COMMERCIAL,
    MEDICARE_PART_B,
    JWQuantity,
    LinesPerNDC,
    NDCQuantityBasis,
    PayerPolicy,
    VialPolicy,
)
from benlysta_coding.strategies import weights_kg

doses = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(5000), places=2)
dates = st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2030, 12, 31))
policies = st.builds(
    attrs.evolve,
    st.sampled_from([MEDICARE_PART_B, COMMERCIAL]),
    vial_policy=st.sampled_from(list(VialPolicy)),
    vial_ndc_unit=st.sampled_from(list(NDCQuantityBasis)),
    jw_ndc_quantity=st.sampled_from(list(JWQuantity)),
    lines_per_ndc=st.sampled_from(list(LinesPerNDC)),
    bill_waste=st.booleans(),
)


def brute_force(dose: Decimal, policy: VialPolicy) -> tuple[int, int]:
    """(total mg, vial count) of the best plan by exhaustive search over vial counts."""
    best: tuple[int, int] | None = None
    limit = math.ceil(dose / 120) + 1
    for large in range(limit):
        for small in range(limit):
            total = 400 * large + 120 * small
            if total < dose:
                continue
            number = large + small
            key = (total, number) if policy is VialPolicy.LEAST_WASTE else (number, total)
            best = key if best is None or key < best else best
    assert best is not None
    return (best[0], best[1]) if policy is VialPolicy.LEAST_WASTE else (best[1], best[0])


@given(doses)
def test_units_bracket_the_dose(dose: Decimal) -> None:
    administered = units.billing_units(dose)
    assert isinstance(administered, int)
    assert administered * 10 >= dose
    assert administered * 10 < dose + 10


@given(doses, st.sampled_from(list(VialPolicy)))
def test_plan_is_optimal_against_brute_force(dose: Decimal, policy: VialPolicy) -> None:
    plan = units.plan_vials(dose, policy)
    assert brute_force(dose, policy) == (int(plan.total_mg), plan.vial_count)


@given(doses, st.sampled_from(list(VialPolicy)))
def test_plan_invariants(dose: Decimal, policy: VialPolicy) -> None:
    plan = units.plan_vials(dose, policy)
    assert plan.total_mg >= dose
    assert plan.total_mg == sum((use.mg for use in plan.vials), Decimal(0))
    assert plan.wasted_mg == plan.total_mg - dose
    assert plan.administered_units + plan.wasted_units == plan.total_mg / 10
    assert plan.wasted_units * 10 <= plan.wasted_mg
    assert plan.wasted_mg < plan.partial.strength_mg  # no vial could be dropped
    for value in (plan.total_mg, plan.wasted_mg, plan.dose_mg):
        assert isinstance(value, Decimal)
    for figure in (plan.administered_units, plan.wasted_units, plan.vial_count):
        assert isinstance(figure, int)
    if policy is VialPolicy.LEAST_WASTE:
        assert plan.wasted_mg < min(p.strength_mg for p in products.IV_VIALS)


@given(weights_kg(), weights_kg())
def test_units_rise_with_weight(first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    assert units.billing_units(dosing.iv_dose_mg(low)) <= units.billing_units(
        dosing.iv_dose_mg(high)
    )


@given(doses, dates, policies)
def test_drug_lines_carry_exactly_the_plan_units(
    dose: Decimal, day: dt.date, policy: PayerPolicy
) -> None:
    plan = units.plan_vials(dose, policy.vial_policy)
    built = lines.drug_lines(plan, day, policy)
    administered = [line for line in built if line.modifier != "JW"]
    waste = [line for line in built if line.modifier == "JW"]
    assert plan.administered_units == sum(line.units for line in administered)
    expected_waste = plan.wasted_units if policy.bill_waste else 0
    assert expected_waste == sum(line.units for line in waste)
    assert len(waste) <= 1
    if waste:
        assert plan.partial == waste[0].product
    jz = {line.modifier == "JZ" for line in administered}
    assert len(jz) == 1
    for line in built:
        assert isinstance(line.ndc_quantity, Decimal)
        assert line.ndc_quantity > 0
    if policy.lines_per_ndc is LinesPerNDC.ONE_PER_NDC:
        assert len(plan.vials) == len(administered)


@given(doses, st.integers(min_value=0, max_value=20))
def test_rounding_stays_within_tolerance(dose: Decimal, tolerance: int) -> None:
    result = units.round_dose(dose, tolerance)
    assert abs(result.deviation_mg) * 100 <= dose * tolerance
    assert result.was_rounded == (result.rounded_mg != dose)
    if result.was_rounded:
        assert units.plan_vials(result.rounded_mg).wasted_mg == 0


@given(st.floats(allow_nan=True))
def test_floats_are_type_errors(value: float) -> None:
    with pytest.raises(TypeError):
        units.plan_vials(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        dosing.iv_dose_mg(value)  # type: ignore[arg-type]


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3))
def test_pounds_round_trip_exactly(pounds: Decimal) -> None:
    assert pounds == dosing.pounds_to_kg(pounds) / dosing.POUND_KG


@given(
    st.sampled_from(["iv", "sc"]),
    st.sampled_from(["sle", "lupus_nephritis"]),
    st.integers(min_value=18, max_value=90),
    weights_kg(),
    dates,
    st.integers(min_value=1, max_value=30),
)
def test_calendar_is_increasing_with_regimen_intervals(
    route: str, indication: str, age: int, weight: Decimal, first: dt.date, count: int
) -> None:
    regimen = dosing.regimen_for(route, indication, age, weight)
    schedule = dosing.dose_dates(regimen, first, count)
    assert count == len(schedule)
    assert first == schedule[0][0]
    gaps = [(b[0] - a[0]).days for a, b in itertools.pairwise(schedule)]
    assert all(gap > 0 and gap % 7 == 0 for gap in gaps)
    maintenance = gaps[len(regimen.loading_offsets_weeks) - 1 :]
    assert all(gap == regimen.interval_weeks * 7 for gap in maintenance)


V200 = attrs.evolve(
    products.VIAL_120, ndc11="00000000000", ndc10="0000-0000-00", strength_mg=Decimal(200)
)


@given(
    st.decimals(min_value=Decimal(1), max_value=Decimal(2000), places=0),
    st.sampled_from(list(VialPolicy)),
)
def test_three_vial_sizes_match_brute_force(dose: Decimal, policy: VialPolicy) -> None:
    vials = (products.VIAL_120, V200, products.VIAL_400)
    plan = units.plan_vials(dose, policy, vials)
    best: tuple[int, int] | None = None
    limit = math.ceil(dose / 120) + 1
    for a in range(limit):
        for b in range(math.ceil(dose / 200) + 1):
            for c in range(math.ceil(dose / 400) + 1):
                total, number = 120 * a + 200 * b + 400 * c, a + b + c
                if total >= dose:
                    key = (total, number) if policy is VialPolicy.LEAST_WASTE else (number, total)
                    best = key if best is None or key < best else best
    got = (int(plan.total_mg), plan.vial_count)
    assert best == (got if policy is VialPolicy.LEAST_WASTE else got[::-1])


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.integers(min_value=0, max_value=40_000),
)
def test_age_matches_relativedelta(born: dt.date, days: int) -> None:
    """The age in whole years agrees with dateutil's relativedelta, an independent implementation
    (29 February birthdays included)."""
    from dateutil.relativedelta import relativedelta

    day = born + dt.timedelta(days=days)
    assert relativedelta(day, born).years == dosing.age_on(born, day)
