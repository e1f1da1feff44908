"""Weight for age of children, from the CDC growth charts: is a weight plausible for the age?

A weight that is a unit slip (pounds entered as kilograms) or a decimal slip (317 for 31.7 kg) bills
a dose ten or two times too large. For patients from their 2nd to their 20th birthday, the library
compares the weight with the CDC weight-for-age chart for the age in completed months and the sex:

* outside the 1st to 99th percentile: the warning ``weight-unusual-for-age``, naming the band and,
  where it explains the weight, the slip (the weight read as pounds, or with the decimal point moved);
* above :data:`CEILING_TIMES_MEDIAN` times the median weight for the age and sex: the error
  ``weight-implausible-for-age``. Six times the median is above the heaviest children reported at
  any age (the most severe childhood obesity reaches about four to five times the median), while a
  decimal-point slip (ten times) always lands above it; it is a ceiling no child of that age
  reaches, not a clinical judgement.

Adults keep the library's plain range (:data:`benlysta_coding.dosing.WEIGHT_RANGE_KG`).

The table (``data/cdc_weight_for_age.csv``) holds, per sex and month of age (24 to 240, listed at
the half month as the CDC lists them), the CDC's L, M and S parameters as published, and the 1st and
99th percentiles derived from them: ``X = M * (1 + L * S * z) ** (1 / L)`` with ``z = -/+2.326348``
(the normal quantiles of 1 % and 99 %), rounded to 5 decimals; a test recomputes them.

Source: CDC, National Center for Health Statistics, 2000 CDC Growth Charts, data table
``wtage.csv`` (weight-for-age, 2 to 20 years; public domain),
https://www.cdc.gov/growthcharts/cdc-data-files.htm (fact source ``S20``).

>>> import datetime
>>> band(age_in_months(datetime.date(2015, 1, 10), datetime.date(2025, 3, 3)), "M").p99
Decimal('57.85364')
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Final

import attrs

from benlysta_coding._util import EXACT, plain, to_date, to_decimal
from benlysta_coding.errors import InvalidFormat

__all__ = [
    "CEILING_TIMES_MEDIAN",
    "FIRST_MONTH",
    "LAST_MONTH",
    "WeightBand",
    "age_in_months",
    "assess",
    "band",
]

FIRST_MONTH: Final = 24
"""The chart starts at the 2nd birthday (24 months)."""
LAST_MONTH: Final = 239
"""The last month of age the chart covers before the 20th birthday."""
CEILING_TIMES_MEDIAN: Final = Decimal(6)
"""A weight above this many times the median weight for the age and sex is not a child's."""
POUNDS_PER_KG: Final = Decimal("2.20462262185")


@attrs.frozen
class WeightBand:
    """The CDC weight-for-age band of one month of age and one sex (``U``: both sexes' widest)."""

    age_months: int
    sex: str
    p1: Decimal
    median: Decimal
    p99: Decimal

    @property
    def ceiling(self) -> Decimal:
        """The weight no child of this age reaches (:data:`CEILING_TIMES_MEDIAN` times the
        median)."""
        return EXACT.multiply(self.median, CEILING_TIMES_MEDIAN)


def _table() -> dict[tuple[str, int], tuple[Decimal, Decimal, Decimal]]:
    """(sex, completed months) -> (P1, M, P99), from the row listed at the month's half."""
    found = {}
    lines = (Path(__file__).parent / "data" / "cdc_weight_for_age.csv").read_text("ascii")
    for line in lines.splitlines()[1:]:
        sex, months, _, median, _, p1, p99 = line.split(",")
        if "." in months:  # 24.5 stands for the month from 24 to 25, and so on
            key = ("M" if sex == "1" else "F", int(Decimal(months)))
            found[key] = (Decimal(p1), Decimal(median), Decimal(p99))
    return found


_BANDS: Final = _table()


def age_in_months(born: datetime.date, day: datetime.date) -> int:
    """Completed months of age on ``day`` (as the charts count age).

    >>> age_in_months(datetime.date(2015, 1, 10), datetime.date(2025, 3, 9))
    121
    """
    end, start = to_date(day, "day"), to_date(born, "born")
    months = (end.year - start.year) * 12 + end.month - start.month
    # moved by whole months, a day lands in the month of ``end``: only a day of the month past
    # (or before) ``end``'s can land after (or before) it
    if months > 0 and start.day > end.day and _plus_months(start, months) > end:
        months -= 1  # the last month is not yet complete
    elif months < 0 and start.day < end.day and _plus_months(start, months) < end:
        months += 1
    return months


def _plus_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months``, the day clipped to the month's last (31 January + 1 month is
    28 or 29 February), as :class:`dateutil.relativedelta.relativedelta` adds months; a property
    test compares the two."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def band(age_months: int, sex: str) -> WeightBand | None:
    """The band for an age in completed months and a sex (``F``, ``M``, or ``U`` for the widest of
    the two); ``None`` outside the 2nd to the 20th birthday.

    >>> band(24, "F").p1, band(240, "F")
    (Decimal('9.64499'), None)
    """
    if type(age_months) is not int:
        raise TypeError("age_months: expected a whole number of months")
    if sex not in ("F", "M", "U"):
        raise InvalidFormat("sex: expected F, M or U")
    if not FIRST_MONTH <= age_months <= LAST_MONTH:
        return None
    if sex in ("F", "M"):
        p1, median, p99 = _BANDS[(sex, age_months)]
        return WeightBand(age_months, sex, p1, median, p99)
    female, male = _BANDS[("F", age_months)], _BANDS[("M", age_months)]
    return WeightBand(
        age_months, "U", min(female[0], male[0]), min(female[1], male[1]), max(female[2], male[2])
    )


def assess(
    weight_kg: Decimal, born: datetime.date, day: datetime.date, sex: str
) -> tuple[str, str] | None:
    """``(rule code, message)`` for a weight unusual or implausible for the age, else ``None``.

    >>> assess(
    ...     Decimal("31.7"), datetime.date(2015, 1, 10), datetime.date(2025, 3, 3), "F"
    ... ) is None
    True
    >>> assess(Decimal("317"), datetime.date(2015, 1, 10), datetime.date(2025, 3, 3), "F")[
    ...     0
    ... ]
    'weight-implausible-for-age'
    """
    weight_kg = to_decimal(weight_kg, "weight_kg")
    born, day = to_date(born, "birth_date"), to_date(day, "service_date")
    if sex not in ("F", "M", "U"):
        raise InvalidFormat("sex: expected F, M or U")
    months = age_in_months(born, day) if born <= day else -1
    found = band(months, sex)
    if found is None:
        return None
    if found.p1 <= weight_kg <= found.p99:
        return None
    who = {"F": "a girl", "M": "a boy"}.get(found.sex, "a child")
    what = (
        f"{plain(weight_kg)} kg is {'above the 99th' if weight_kg > found.p99 else 'below the 1st'}"
        f" percentile for {who} of {_age(months)} (CDC weight-for-age: "
        f"{found.p1:.1f} to {found.p99:.1f} kg from the 1st to the 99th percentile)"
    )
    slip = _slip(weight_kg, found)
    if weight_kg > found.ceiling:
        return (
            "weight-implausible-for-age",
            f"{what}, above {found.ceiling:.0f} kg, which no child of that age weighs{slip}",
        )
    return "weight-unusual-for-age", what + slip


def _age(months: int) -> str:
    years, rest = divmod(months, 12)
    text = f"{years} years"
    return text if not rest else f"{text} {rest} month{'s' if rest > 1 else ''}"


def _slip(weight_kg: Decimal, found: WeightBand) -> str:
    """A unit or decimal slip that would put the weight inside the band, said as a suggestion."""
    candidates = (
        (EXACT.divide(weight_kg, POUNDS_PER_KG), "if it was pounds, it is"),
        (EXACT.divide(weight_kg, 10), "with the decimal point moved, it would be"),
        (EXACT.multiply(weight_kg, 10), "with the decimal point moved, it would be"),
    )
    for value, said in candidates:
        if found.p1 <= value <= found.p99:
            return f"; {said} {value:.1f} kg, within the band (lb vs kg, or a decimal point?)"
    return ""
