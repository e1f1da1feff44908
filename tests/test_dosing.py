"""Example tests for doses, regimens, ages and calendars (facts file, section 3)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from benlysta_coding import dosing
from benlysta_coding.errors import InvalidFormat, NotSupported, OutOfRange, ValidationError


def dates(regimen: dosing.Regimen, first: str, count: int) -> list[str]:
    return [day.isoformat() for day, _ in dosing.dose_dates(regimen, first, count)]


def test_iv_dose_is_10_mg_per_kg_exactly() -> None:
    assert Decimal("683.0") == dosing.iv_dose_mg(Decimal("68.3"))
    assert Decimal(700) == dosing.iv_dose_mg(70)
    assert Decimal("634.0") == dosing.iv_dose_mg("63.4")


@pytest.mark.parametrize("weight", ["0", "-5", "9.9", "350.1", "1000"])
def test_implausible_weights(weight: str) -> None:
    with pytest.raises(OutOfRange, match="10 to 350 kg"):
        dosing.iv_dose_mg(weight)


def test_weight_types_and_custom_range() -> None:
    with pytest.raises(TypeError, match="float"):
        dosing.iv_dose_mg(70.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidFormat):
        dosing.iv_dose_mg("seventy")
    assert Decimal(4000) == dosing.iv_dose_mg(400, weight_range=(Decimal(1), Decimal(500)))


def test_pounds_to_kg_is_exact() -> None:
    assert Decimal("0.45359237") == dosing.pounds_to_kg(1)
    assert Decimal("68.03885550") == dosing.pounds_to_kg("150")
    with pytest.raises(OutOfRange):
        dosing.pounds_to_kg(0)


def test_age() -> None:
    assert 5 == dosing.age_on(dt.date(2019, 2, 28), dt.date(2024, 2, 28))
    # Born on 29 February: dateutil's convention counts the birthday as 28 February in common years.
    assert 4 == dosing.age_on("2020-02-29", "2025-02-27")
    assert 5 == dosing.age_on("2020-02-29", "2025-02-28")
    with pytest.raises(OutOfRange):
        dosing.age_on("2025-01-02", "2025-01-01")
    with pytest.raises(TypeError):
        dosing.age_on(dt.datetime(2020, 1, 1), "2025-01-01")
    with pytest.raises(InvalidFormat):
        dosing.age_on("2020-02-30", "2025-01-01")


class TestRegimens:
    def test_iv_calendar_weeks_0_2_4_then_every_4(self) -> None:
        regimen = dosing.regimen_for("iv", "lupus_nephritis", 30, Decimal(70))
        assert Decimal(700) == regimen.dose_mg
        assert [
            "2025-01-06",
            "2025-01-20",
            "2025-02-03",
            "2025-03-03",
            "2025-03-31",
            "2025-04-28",
        ] == dates(regimen, "2025-01-06", 6)

    def test_iv_children_same_as_adults(self) -> None:
        child = dosing.regimen_for("iv", "sle", 5, Decimal(20))
        assert (Decimal(200), (0, 2, 4), 4) == (
            child.dose_mg,
            child.loading_offsets_weeks,
            child.interval_weeks,
        )
        with pytest.raises(InvalidFormat):
            dosing.regimen_for("iv", "sle", 30)

    def test_adult_sc_sle_weekly(self) -> None:
        regimen = dosing.regimen_for("sc", "sle", 40)
        assert ["2025-01-01", "2025-01-08", "2025-01-15"] == dates(regimen, "2025-01-01", 3)
        assert {Decimal(200)} == {mg for _, mg in dosing.dose_dates(regimen, "2025-01-01", 3)}

    def test_adult_sc_lupus_nephritis_loading(self) -> None:
        regimen = dosing.regimen_for("sc", "lupus_nephritis", 40)
        doses = dosing.dose_dates(regimen, "2025-01-01", 6)
        assert [Decimal(400)] * 4 + [Decimal(200)] * 2 == [mg for _, mg in doses]
        assert "2025-02-05" == doses[5][0].isoformat()

    @pytest.mark.parametrize(("weight", "interval"), [("40", 1), ("39.9", 2), ("15", 2)])
    def test_children_sc_sle_by_weight(self, weight: str, interval: int) -> None:
        regimen = dosing.regimen_for("sc", "sle", 10, Decimal(weight))
        assert (Decimal(200), interval) == (regimen.dose_mg, regimen.interval_weeks)
        assert "autoinjector" in regimen.description

    def test_children_sc_refusals(self) -> None:
        with pytest.raises(NotSupported, match="under 15 kg"):
            dosing.regimen_for("sc", "sle", 8, Decimal("14.9"))
        with pytest.raises(NotSupported, match="not verified"):
            dosing.regimen_for("sc", "lupus_nephritis", 12, Decimal(40))
        with pytest.raises(InvalidFormat):
            dosing.regimen_for("sc", "sle", 12)

    def test_under_five_and_bad_choices(self) -> None:
        with pytest.raises(OutOfRange, match="5 years"):
            dosing.regimen_for("iv", "sle", 4, Decimal(20))
        with pytest.raises(InvalidFormat):
            dosing.regimen_for("im", "sle", 30, Decimal(70))
        with pytest.raises(InvalidFormat):
            dosing.regimen_for("iv", "ra", 30, Decimal(70))
        with pytest.raises(TypeError):
            dosing.regimen_for("iv", "sle", "30", Decimal(70))  # type: ignore[arg-type]

    def test_count_bounds(self) -> None:
        regimen = dosing.regimen_for("sc", "sle", 40)
        assert () == dosing.dose_dates(regimen, "2025-01-01", 0)
        with pytest.raises(OutOfRange):
            dosing.dose_dates(regimen, "2025-01-01", 1001)
        with pytest.raises(TypeError):
            dosing.dose_dates(regimen, "2025-01-01", 2.0)  # type: ignore[arg-type]


def test_switch_windows() -> None:
    assert (dt.date(2025, 3, 10), dt.date(2025, 3, 17)) == dosing.sc_switch_window(
        "lupus_nephritis", "2025-03-03", 2
    )
    with pytest.raises(OutOfRange, match="first 2 IV doses"):
        dosing.sc_switch_window("lupus_nephritis", "2025-03-03", 1)
    with pytest.raises(OutOfRange):
        dosing.sc_switch_window("sle", "2025-03-03", 0)
    with pytest.raises(TypeError):
        dosing.sc_switch_window("sle", "2025-03-03", None)  # type: ignore[arg-type]


def _numeric_arguments() -> list[tuple[str, str]]:
    """(function, argument) for each Decimal-taking argument of the public functions of dosing and
    units."""
    import inspect

    from benlysta_coding import units

    found = []
    for module in (dosing, units):
        for name in module.__all__:
            function = getattr(module, name)
            if not inspect.isfunction(function):
                continue
            for argument, parameter in inspect.signature(function).parameters.items():
                if "Decimal" in str(parameter.annotation) and "Sequence[tuple" not in str(
                    parameter.annotation
                ):
                    found.append((f"{module.__name__.rpartition('.')[2]}.{name}", argument))
    return found


_GOOD: dict[str, object] = {
    "dose_mg": Decimal(683), "weight_kg": Decimal(68), "pounds": Decimal(150),
    "tolerance_percent": Decimal(5), "route": "sc", "indication": "sle", "age_years": 30,
    "count": 3, "first_dose": "2025-01-01", "weights_kg": [Decimal(68)], "used": [],
    "regimen": dosing.SC_ADULT_SLE,
}  # fmt: skip


@pytest.mark.parametrize(("function", "argument"), _numeric_arguments())
@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_every_number_argument_refuses_nan_and_infinities(
    function: str, argument: str, bad: str
) -> None:
    import inspect

    from benlysta_coding import units

    module, _, name = function.partition(".")
    called = getattr({"dosing": dosing, "units": units}[module], name)
    arguments = {
        key: _GOOD[key]
        for key, parameter in inspect.signature(called).parameters.items()
        if parameter.default is inspect.Parameter.empty
    }
    value = Decimal(bad)
    arguments[argument] = (
        [value] if argument == "weights_kg" else (value, Decimal(350))
        if argument == "weight_range" else value
    )  # fmt: skip
    with pytest.raises(ValidationError, match=re.escape(argument)):
        called(**arguments)
    assert len(_numeric_arguments()) >= 10
