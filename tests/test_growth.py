"""Weight for age (CDC growth charts): the shipped table checked against the LMS formula, the
bands by age and sex, and the findings through the Python API and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from decimal import Decimal
from pathlib import Path
from statistics import NormalDist

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import cli, growth
from tests.helpers import claim_of, codes, office

TABLE = Path(growth.__file__).parent / "data" / "cdc_weight_for_age.csv"
SERVICE = dt.date(2025, 3, 3)


def test_the_percentiles_shipped_are_the_lms_formula() -> None:
    z = NormalDist().inv_cdf(0.99)
    rows = TABLE.read_text().splitlines()[1:]
    assert 436 == len(rows)  # 218 rows (24 to 240 months) for each sex, as the CDC file has
    for row in rows:
        _, _, power, m, s, p1, p99 = (float(v) for v in row.split(","))
        for value, sign in ((p1, -1), (p99, 1)):
            assert math.isclose(value, m * (1 + power * s * sign * z) ** (1 / power), abs_tol=1e-5)


def test_the_table_agrees_with_the_cdc_published_percentiles() -> None:
    # CDC wtage.csv, boys at 24 months: P3 10.38209025, P97 15.59648294, median 12.6707633;
    # girls at 120.5 months (10 years): P3 24.07, P97 50.36 (rounded)
    boy = growth.band(24, "M")
    assert boy is not None
    assert (boy.p1 < Decimal("10.38209025"), boy.median, boy.p99 > Decimal("15.59648294")) == (
        True, Decimal("12.74154396"), True
    )  # fmt: skip


@pytest.mark.parametrize(
    ("born", "months"),
    [("2023-03-03", 24), ("2023-03-04", 23), ("2005-03-04", 239), ("2005-03-03", 240),
     ("2024-02-29", 12), ("2015-01-31", 121)],
)  # fmt: skip
def test_age_in_completed_months(born: str, months: int) -> None:
    assert months == growth.age_in_months(dt.date.fromisoformat(born), SERVICE)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_completed_months_are_those_relativedelta_counts(born: dt.date, day: dt.date) -> None:
    # the reference: dateutil's relativedelta, which the library computed with before
    delta = relativedelta(day, born)
    assert delta.years * 12 + delta.months == growth.age_in_months(born, day)


def test_only_the_2nd_to_the_20th_birthday_has_a_band() -> None:
    assert growth.band(23, "F") is None
    assert growth.band(240, "M") is None
    widest = growth.band(100, "U")
    girl, boy = growth.band(100, "F"), growth.band(100, "M")
    assert widest is not None and girl is not None and boy is not None  # noqa: PT018
    assert (widest.p1, widest.p99) == (min(girl.p1, boy.p1), max(girl.p99, boy.p99))


@pytest.mark.parametrize(
    ("weight", "sex", "code", "said"),
    [
        ("317", "F", "weight-implausible-for-age", "31.7 kg, within the band"),
        ("69.9", "U", "weight-unusual-for-age", "if it was pounds, it is 31.7 kg"),
        ("3.2", "M", "weight-unusual-for-age", "below the 1st percentile"),
        ("31.7", "F", None, ""),
    ],
)
def test_a_childs_weight_through_the_build(
    weight: str, sex: str, code: str | None, said: str
) -> None:
    data = office(patient__birth_date="2015-01-10", patient__weight_kg=weight, patient__sex=sex)
    claim = claim_of(data)
    found = [f for f in claim.findings if f.code.startswith("weight-") and "age" in f.code]
    if code is None:
        assert [] == found
        return
    (finding,) = found
    assert (code, "$.patient.weight_kg") == (finding.code, finding.path)
    assert said in finding.message
    assert "10 years" in finding.message
    if code == "weight-implausible-for-age":
        assert "error" == finding.severity
        assert claim.errors


def test_adults_keep_the_plain_range() -> None:
    adult = claim_of(office(patient__weight_kg="150"))
    assert not [c for c in codes(adult) if c.endswith("-for-age")]


def test_the_command_line_refuses_the_decimal_slip(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(office(patient__birth_date="2015-01-10", patient__weight_kg="317")))
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main(["claim", str(path), "--format", "837p"], out, err)
    assert "[weight-implausible-for-age]" in err.getvalue()
    assert "" == out.getvalue()


@given(
    months=st.integers(growth.FIRST_MONTH, growth.LAST_MONTH),
    sex=st.sampled_from(["F", "M", "U"]),
    weight=st.decimals(min_value=1, max_value=400, places=1),
)
def test_assessment_agrees_with_the_band(months: int, sex: str, weight: Decimal) -> None:
    born = dt.date(2000, 1, 1)
    day = born + dt.timedelta(days=int(months * 30.4375) + 3)
    found = growth.band(growth.age_in_months(born, day), sex)
    assert found is not None
    assessed = growth.assess(weight, born, day, sex)
    if found.p1 <= weight <= found.p99:
        assert assessed is None
    elif weight > found.median * 6:
        assert assessed is not None
        assert "weight-implausible-for-age" == assessed[0]
    else:
        assert assessed is not None
        assert "weight-unusual-for-age" == assessed[0]
