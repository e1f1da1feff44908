"""Benlysta dosing: weight-based IV doses, SC regimens, ages and dosing calendars.

From the US prescribing information (revision 6/2025, S3):

* Indications: patients 5 years and older with active SLE or active lupus nephritis on standard therapy.
* IV, SLE or lupus nephritis, adults and children: 10 mg/kg at weeks 0, 2 and 4, then every 4 weeks.
* SC, adult SLE: 200 mg once weekly, not weight-based.

From secondary sources (label text seen in secondary copies):

* SC, adult lupus nephritis: 400 mg (two 200 mg injections) weekly for 4 doses, then 200 mg weekly.
* SC, children 5 and older with SLE (autoinjector only): 40 kg or more, 200 mg weekly; 15 kg to under
  40 kg, 200 mg every 2 weeks; no SC regimen under 15 kg.
* Switching IV to SC: SLE, first SC dose 1 to 4 weeks after the last IV dose; lupus nephritis, after at
  least the first 2 IV doses, first SC dose 1 to 2 weeks after the last IV dose.

Not verified, so refused with :class:`~benlysta_coding.errors.NotSupported` rather than guessed: the SC
regimen for children with lupus nephritis (approved June 2025).

Weights are ``Decimal`` kilograms. The accepted range, 10 to 350 kg by default, is a plausibility check,
not a clinical rule: a patient aged 5 or more outside it is almost always a unit mistake (pounds or
grams given as kilograms). Pass ``weight_range`` to change it.

More information:

* S3 BENLYSTA US prescribing information, https://dailymed.nlm.nih.gov/

>>> iv_dose_mg(Decimal("63.4"))
Decimal('634.0')
>>> regimen = regimen_for("iv", "sle", age_years=40, weight_kg=Decimal(70))
>>> [d.isoformat() for d, _ in dose_dates(regimen, datetime.date(2025, 1, 6), 5)]
['2025-01-06', '2025-01-20', '2025-02-03', '2025-03-03', '2025-03-31']
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Final

from dateutil.relativedelta import relativedelta

from benlysta_coding._util import exact, require, to_date, to_decimal
from benlysta_coding.drug import (
    ADULT_AGE_YEARS as ADULT_AGE_YEARS,
)
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.drug import (
    IV_MG_PER_KG as IV_MG_PER_KG,
)
from benlysta_coding.drug import (
    MIN_AGE_YEARS as MIN_AGE_YEARS,
)
from benlysta_coding.drug import (
    SC_ADULT_LUPUS_NEPHRITIS as SC_ADULT_LUPUS_NEPHRITIS,
)
from benlysta_coding.drug import (
    SC_ADULT_SLE as SC_ADULT_SLE,
)
from benlysta_coding.drug import (
    SC_CHILD_SLE_EVERY_2_WEEKS as SC_CHILD_SLE_EVERY_2_WEEKS,
)
from benlysta_coding.drug import (
    SC_CHILD_SLE_WEEKLY as SC_CHILD_SLE_WEEKLY,
)
from benlysta_coding.drug import (
    Indication as Indication,
)
from benlysta_coding.drug import (
    Regimen as Regimen,
)
from benlysta_coding.errors import InvalidFormat, OutOfRange
from benlysta_coding.products import Route

# The regimens, Indication and the age and dose constants are the drug's own facts: they live in
# benlysta_coding.drug and are imported here, where the calculators use them (dosing.SC_ADULT_SLE
# and the others keep working).
__all__ = [
    "WEIGHT_RANGE_KG",
    "age_on",
    "calendar_records",
    "check_weight",
    "dose_dates",
    "iv_dose_mg",
    "pounds_to_kg",
    "regimen_for",
    "sc_switch_window",
]

WEIGHT_RANGE_KG: Final = (Decimal(10), Decimal(350))
"""Default plausible weights in kg (a plausibility check, not a clinical rule)."""
POUND_KG: Final = Decimal("0.45359237")
"""One pound in kilograms, exactly (international yard and pound agreement, 1959)."""


@exact
def pounds_to_kg(pounds: Decimal | int | str) -> Decimal:
    """Convert pounds to kilograms exactly (1 lb = 0.45359237 kg); no rounding is done.

    >>> pounds_to_kg(150)
    Decimal('68.03885550')
    """
    value = to_decimal(pounds, "pounds")
    if value <= 0:
        raise OutOfRange("pounds: expected a weight greater than zero")
    return value * POUND_KG


def check_weight(
    weight_kg: Decimal | int | str, weight_range: tuple[Decimal, Decimal] = WEIGHT_RANGE_KG
) -> Decimal:
    """Return the weight as a Decimal, or raise if it is not a plausible weight in kg.

    >>> check_weight("63.4")
    Decimal('63.4')
    """
    low, high = _weight_range(weight_range)
    weight = to_decimal(weight_kg, "weight_kg")
    if not low <= weight <= high:
        raise OutOfRange(
            f"weight_kg: expected {low} to {high} kg (a plausibility range for patients aged 5 "
            "and older; a weight outside it is usually pounds or grams given as kg)"
        )
    return weight


def _weight_range(weight_range: object) -> tuple[Decimal, Decimal]:
    """The (low, high) bounds in kg, checked: finite numbers, low not above high."""
    if weight_range is WEIGHT_RANGE_KG:  # the constant's bounds are already checked Decimals
        return WEIGHT_RANGE_KG
    if not (isinstance(weight_range, tuple) and len(weight_range) == 2):
        raise TypeError("weight_range: expected a (low, high) tuple of Decimal kilograms")
    low, high = (to_decimal(bound, "weight_range") for bound in weight_range)
    if low > high:
        raise OutOfRange("weight_range: expected low <= high")
    return low, high


@exact
def iv_dose_mg(
    weight_kg: Decimal | int | str, weight_range: tuple[Decimal, Decimal] = WEIGHT_RANGE_KG
) -> Decimal:
    """Return the IV dose, 10 mg/kg, exactly.

    >>> iv_dose_mg(70)
    Decimal('700')
    """
    return check_weight(weight_kg, weight_range) * IV_MG_PER_KG


def age_on(birth_date: datetime.date | str, on: datetime.date | str) -> int:
    """Return the age in whole years on the date ``on``.

    Someone born on 29 February has a birthday on 28 February in common years, as
    :class:`dateutil.relativedelta.relativedelta` counts it (a property test compares the two).

    >>> age_on("2020-03-01", "2025-02-28"), age_on("2020-03-01", "2025-03-01")
    (4, 5)
    """
    born = to_date(birth_date, "birth_date")
    day = to_date(on, "service_date")
    if born > day:
        raise OutOfRange("birth_date: expected a date on or before the date of service")
    birthday = (born.month, born.day)
    if birthday == (2, 29) and not calendar.isleap(day.year):
        birthday = (2, 28)
    return day.year - born.year - ((day.month, day.day) < birthday)


def _indication(value: Indication | str) -> str:
    if not isinstance(value, str) or value not in BELIMUMAB.indication_diagnoses:
        raise InvalidFormat("indication: expected 'sle' or 'lupus_nephritis'")
    return value


def _route(value: Route | str) -> Route:
    try:
        return Route(value)
    except ValueError:
        raise InvalidFormat("route: expected 'iv' or 'sc'") from None


def regimen_for(
    route: Route | str,
    indication: Indication | str,
    age_years: int,
    weight_kg: Decimal | int | str | None = None,
    weight_range: tuple[Decimal, Decimal] = WEIGHT_RANGE_KG,
) -> Regimen:
    """Return the labeled regimen for a route, an indication, an age and (IV, children SC) a weight.

    The IV regimen's ``dose_mg`` is the weight-based dose. Under 5 years is an error; the paediatric
    SC lupus nephritis regimen is not verified and is refused.

    >>> regimen_for("sc", "lupus_nephritis", age_years=40).loading_dose_mg
    Decimal('400')
    """
    chosen_route, chosen_indication = _route(route), _indication(indication)
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise TypeError("age_years: expected an int")
    _weight_range(weight_range)
    if weight_kg is not None:  # refused even where the regimen does not use it
        to_decimal(weight_kg, "weight_kg")
    return BELIMUMAB.regimen_for(
        chosen_route,
        chosen_indication,
        age_years,
        None if weight_kg is None else to_decimal(weight_kg, "weight_kg"),
        lambda weight: check_weight(weight, weight_range),
    )


def dose_dates(
    regimen: Regimen, first_dose: datetime.date | str, count: int
) -> tuple[tuple[datetime.date, Decimal], ...]:
    """Return the dates and doses (mg) of the first ``count`` doses from ``first_dose``.

    A calendar that would run past 9999-12-31 is refused (:class:`~benlysta_coding.errors.OutOfRange`).

    >>> [d.isoformat() for d, _ in dose_dates(SC_ADULT_SLE, "2025-01-06", 3)]
    ['2025-01-06', '2025-01-13', '2025-01-20']
    """
    require(regimen, Regimen, "regimen", "a benlysta_coding.dosing.Regimen")
    start = to_date(first_dose, "first_dose")
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("count: expected an int")
    if not 0 <= count <= 1000:
        raise OutOfRange("count: expected 0 to 1000 doses")
    offsets = list(regimen.loading_offsets_weeks[:count])
    while len(offsets) < count:
        offsets.append(offsets[-1] + regimen.interval_weeks)
    loading = len(regimen.loading_offsets_weeks)
    doses = []
    for index, weeks in enumerate(offsets):
        mg = regimen.dose_mg
        if index < loading and regimen.loading_dose_mg is not None:
            mg = regimen.loading_dose_mg
        doses.append((_after(start, weeks, "dose calendar"), mg))
    return tuple(doses)


def _after(day: datetime.date, weeks: int, what: str) -> datetime.date:
    try:
        return day + relativedelta(weeks=weeks)
    except (OverflowError, ValueError):
        raise OutOfRange(f"{what}: runs past 9999-12-31, the last date a calendar holds") from None


def sc_switch_window(
    indication: Indication | str, last_iv_dose: datetime.date | str, iv_doses_given: int
) -> tuple[datetime.date, datetime.date]:
    """Return the first and last date for the first SC dose after switching from IV.

    SLE: 1 to 4 weeks after the last IV dose. Lupus nephritis: only after at least the first 2 IV doses,
    then 1 to 2 weeks after the last IV dose.

    >>> sc_switch_window("sle", "2025-03-03", 4)
    (datetime.date(2025, 3, 10), datetime.date(2025, 3, 31))
    """
    chosen = _indication(indication)
    last = to_date(last_iv_dose, "last_iv_dose")
    if isinstance(iv_doses_given, bool) or not isinstance(iv_doses_given, int):
        raise TypeError("iv_doses_given: expected an int")
    if iv_doses_given < 1:
        raise OutOfRange("iv_doses_given: expected at least 1 IV dose before a switch")
    if chosen == Indication.LUPUS_NEPHRITIS:
        if iv_doses_given < 2:
            raise OutOfRange(
                "lupus nephritis: switch to SC only after at least the first 2 IV doses"
            )
        return _after(last, 1, "switch window"), _after(last, 2, "switch window")
    return _after(last, 1, "switch window"), _after(last, 4, "switch window")


def calendar_records(
    regimen: Regimen, first_dose: datetime.date | str, count: int
) -> list[dict[str, object]]:
    """The first ``count`` doses as records (dose number, date, mg, loading or maintenance), for a
    DataFrame.

    >>> calendar_records(SC_ADULT_LUPUS_NEPHRITIS, "2025-01-06", 5)[3:]
    [{'dose': 4, 'date': datetime.date(2025, 1, 27), 'dose_mg': Decimal('400'), 'phase': 'loading'}, {'dose': 5, 'date': datetime.date(2025, 2, 3), 'dose_mg': Decimal('200'), 'phase': 'maintenance'}]
    """
    loading = len(regimen.loading_offsets_weeks) if regimen.loading_dose_mg is not None else 0
    return [
        {
            "dose": number,
            "date": day,
            "dose_mg": mg,
            "phase": "loading" if number <= loading else "maintenance",
        }
        for number, (day, mg) in enumerate(dose_dates(regimen, first_dose, count), start=1)
    ]
