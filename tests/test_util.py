"""The caller's decimal context never changes a claim: the library computes in its own.

Python's ``decimal`` rounds every operation to the precision of the current thread's context, so a
notebook that sets ``decimal.getcontext().prec = 5`` would otherwise get rounded charges and totals
with no error, and a value cached under it would reach later claims too. Each test runs the same
work under a hostile context (3 digits, rounding down, a trap on any rounding) and under Python's
default one, and checks that the answers are the same, digit for digit; one example is checked by hand.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import (
    build_claim,
    build_claims,
    checks,
    cli,
    dosing,
    encounter,
    html,
    lines,
    ndc,
    parties,
    policy,
    refdata,
    remit,
    units,
)
from benlysta_coding._pipeline import Options, process_many
from benlysta_coding._util import places, plain, to_date, to_decimal
from benlysta_coding.claim import Claim
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.export import fhir, forms, text, x12
from benlysta_coding.products import VIAL_120, VIAL_400, Route
from tests.helpers import TODAY, clear_caches, hospital, office, sc
from tests.remit835 import remittance
from tests.test_refdata import asp_file, crosswalk_file, mue_file

HOSTILE = decimal.Context(
    prec=3,
    rounding=decimal.ROUND_DOWN,
    traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation, decimal.DivisionByZero],
)
"""A context no claim survives unless the library uses its own: any rounding raises."""

PRICES = {"J0490": "12.37", "96365": "150.25", "96366": "49.99", "96372": "25.13"}
WHEN = dt.datetime(2025, 5, 1, 9, 30)
PRICED = {code: Decimal(price) for code, price in PRICES.items()}
PER_ML = policy.PayerPolicy(name="per-ml", vial_ndc_unit="millilitres", lines_per_ndc="single_line")


def used(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"ndc": code, "count": count} for code, count in pairs]


def encounters() -> list[encounter.Encounter]:
    return [
        encounter.from_dict(data)
        for data in (
            office(),
            office(patient__weight_kg="68.37"),
            office(patient__weight_kg="55", products_used=used(("49401-101-01", 5))),
            office(products_used=used(("49401-102-01", 1), ("49401-101-01", 3))),
            hospital(),
            sc(),
        )
    ]


def reference(folder: Path) -> refdata.Reference:
    return refdata.Reference(
        asp=(
            refdata.load_asp(
                asp_file(
                    folder,
                    "April 2025 ASP Pricing File.csv",
                    "Medicare Part B Payment Limit File - Effective April 1, 2025 through June "
                    "30, 2025",
                    "25.102",
                )
            ),
        ),
        crosswalk=(
            refdata.load_crosswalk(crosswalk_file(folder), period=("2025-01-01", "2025-06-30")),
        ),
        mue=(refdata.load_mue(mue_file(folder)),),
    )


def paid_835() -> str:
    """An 835 paying the office claim in part (written by the tests' own helper)."""
    claim = build_claim(encounter.from_dict(office()), prices=PRICES, today=TODAY)
    return remittance([(claim, "1", {1: {"paid": "690.01", "cas": [("PR", "2", "163.52")]}})])


def command(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.main(argv, out, err), out.getvalue(), err.getvalue()


def fhir_json(claim: Claim, party: parties.Parties) -> str:
    return fhir.dumps(fhir.claim_resource(claim, party, created=TODAY))


def workload(folder: Path, paid: str, *, cold: bool = False) -> list[tuple[str, str]]:
    """Everything the library works out with decimals, each answer (or error) as text; with
    ``cold``, each from empty caches, so that no function is spared its own arithmetic by an
    answer another one cached."""
    found: list[tuple[str, str]] = []

    def note(name: str, work: Callable[..., object], *args: Any, **options: Any) -> None:
        if cold:
            clear_caches()
        try:
            found.append((name, repr(work(*args, **options))))
        except Exception as error:  # the error is the answer to compare
            found.append((name, f"{type(error).__name__}: {error}"))

    read = encounters()
    who = [parties.from_encounter(enc) for enc in read]
    claims = [build_claim(enc, prices=PRICES, today=TODAY) for enc in read]
    note("claims", lambda: claims)
    note("build_claims", lambda: list(build_claims(read, prices=PRICES, today=TODAY)))
    note("per ml", lambda: build_claim(read[0], policy=PER_ML, prices=PRICES, today=TODAY))
    note(
        "with reference data",
        lambda: build_claim(read[0], prices=PRICES, today=TODAY, reference=reference(folder)),
    )
    note("totals", lambda: [claim.total_charge for claim in claims])
    note("records", lambda: [claim.records() for claim in claims])
    note("numeric records", lambda: [claim.records(numeric=True) for claim in claims])
    note("to and from dict", lambda: [Claim.from_dict(claim.to_dict()) for claim in claims])
    for number, (claim, party) in enumerate(zip(claims, who, strict=True)):
        note(f"fhir {number}", fhir_json, claim, party)
        note(f"text {number}", text.render, claim)
        note(f"html {number}", html.claim_table, claim)
        form = forms.ub04 if claim.kind == "institutional" else forms.cms1500
        note(f"form {number}", form, claim, allow_errors=True)
        envelope = x12.Envelope(control_number=5, created=WHEN)
        note(f"837 {number}", x12.render_837, claim, party, envelope)
        note(f"rendered {number}", x12.render_claim, claim, party)
    office_claim = claims[0]
    # a unit given as text and a quantity of 5 digits: written without the writer's cache
    as_text = attrs.evolve(
        office_claim.lines[0], ndc_unit=cast(Any, "ML"), ndc_quantity=Decimal("12.375")
    )
    odd = attrs.evolve(office_claim, lines=(as_text, *office_claim.lines[1:]))
    note(
        "837 of a unit given as text",
        x12.render_837,
        odd,
        who[0],
        x12.Envelope(control_number=5, created=WHEN),
    )
    note("835", lambda: list(remit.read_835(text=paid)))
    info, payment = next(remit.read_835(text=paid))
    note("match", lambda: remit.match(office_claim, payment))
    second = remit.secondary_claim(office_claim, payment, info, policy.COMMERCIAL)
    note("secondary", lambda: second)
    insured = {"payer_name": "ACME", "payer_id": "60054", "member_id": "A1", "policy": "commercial"}
    secondary_parties = parties.for_secondary(
        encounter.from_dict(office(secondary_insurance=insured))
    )
    note(
        "secondary 837",
        x12.render_837,
        second,
        secondary_parties,
        x12.Envelope(control_number=4, created=WHEN),
    )
    plan = units.plan_vials(1200)  # 3 x 400 mg
    note("recorded vials", units.plan_from_products, "550.5", [(VIAL_120, 2), (VIAL_400, 1)])
    note("vial mg", lambda: [use.mg for use in plan.vials])
    note("rounding", lambda: units.round_dose("683.37", "10").deviation_mg)
    note("waste", lambda: lines.waste_decision(plan, TODAY, policy.MEDICARE_PART_B))
    note("drug lines", lambda: lines.drug_lines(units.plan_vials("683.37"), TODAY, PER_ML))
    note(
        "drug service lines",
        lambda: lines.drug_service_lines(
            BELIMUMAB,
            units.plan_vials("683.37"),
            TODAY,
            PER_ML,
            pointers=(1,),
            extra_modifiers=(),
            revenue_code=None,
            prices=PRICED,
        ),
    )
    note(
        "administration lines",
        lambda: lines.administration_lines(
            BELIMUMAB,
            Route.IV,
            95,
            policy.MEDICARE_PART_B,
            None,
            day=TODAY,
            pointers=(1,),
            institutional=False,
            prices=PRICED,
            first_number=1,
            found=[],
        ),
    )
    note(
        "line checks",
        lambda: checks.check_lines(
            None, claims[3].lines, policy.MEDICARE_PART_B, units.plan_vials("683.0")
        ),
    )
    note("billing units", lambda: [units.billing_units(dose) for dose in ("683.7", 1199, "0.5")])
    note("plans", lambda: [units.plan_vials(dose) for dose in ("683.37", 1201, "99.9")])
    note("rounded doses", lambda: [units.round_dose("683.37", "5"), units.round_dose(1201, 10)])
    note("plan table", lambda: units.plan_table(["45.5", "68.37"]))
    note("pounds", lambda: [dosing.pounds_to_kg(value) for value in ("150.7", 221, "99.99")])
    note("doses", lambda: [dosing.iv_dose_mg(value) for value in ("68.37", 120, "45.05")])
    note("command line", command, ["dose", "--weight-lb", "150.7"])
    note("ndc quantity", lambda: ndc.claim_string("49401010101", "1.337", "ML"))
    note("ndc read", lambda: ndc.parse_claim_string("N449401010101 ML8.547"))
    options = Options(form="837p", prices=PRICES, today=TODAY)
    note("batch", lambda: process_many([office(), hospital(), "{"], options))

    def write_837() -> tuple[x12.Summary, str]:
        out = io.StringIO()
        envelope = x12.Envelope(control_number=9, created=WHEN)
        return x12.write_837(zip(claims[:4], who[:4], strict=True), out, envelope), out.getvalue()

    note("write_837", write_837)
    return found


def test_the_callers_context_changes_nothing(tmp_path: Path) -> None:
    paid = paid_835()
    clear_caches()
    fresh = workload(tmp_path, paid)
    with decimal.localcontext(HOSTILE):
        hostile = workload(tmp_path, paid, cold=True)
        workload(tmp_path, paid)  # fills the caches under the hostile context
        assert decimal.getcontext().prec == 3  # the caller's context is left as it was
    after = workload(tmp_path, paid)  # meets what the hostile run cached
    assert len(fresh) == len(hostile) > 50
    for (name, expected), (_, got) in zip(fresh, hostile, strict=True):
        assert expected == got, name
    assert fresh == after


def test_a_narrow_context_no_longer_rounds_the_money() -> None:
    # Worked by hand: 69 x 12.3456 = 851.8464; 3 x 12.3456 = 37.0368; + 150.25 = 1039.1332.
    # Under a 5-digit context Python would make these 851.85, 37.037 and 1039.1.
    prices = {"J0490": "12.3456", "96365": "150.25"}
    with decimal.localcontext(decimal.Context(prec=5)):
        claim = build_claim(encounter.from_dict(office()), prices=prices, today=TODAY)
        assert [Decimal("851.8464"), Decimal("37.0368"), Decimal("150.25")] == [
            line.charge for line in claim.lines
        ]
        assert "1039.1332" == str(claim.total_charge)


def test_decimal_text_keeps_its_digits_and_refusals_name_the_field() -> None:
    for _ in range(2):
        assert str(to_decimal("12.50", "price")) == "12.50"
        assert str(to_decimal("12.5", "price")) == "12.5"
        with pytest.raises(InvalidFormat, match=r"^price: expected a decimal number"):
            to_decimal("12,50", "price")
        with pytest.raises(InvalidFormat, match=r"^weight_kg: expected a decimal number"):
            to_decimal("1" * 100, "weight_kg")
        with pytest.raises(InvalidFormat, match=r"^dose: expected a number with at most 18"):
            to_decimal("1" * 30, "dose")


def test_date_text_is_read_and_bad_dates_are_refused_every_time() -> None:
    for _ in range(2):
        assert dt.date(2025, 3, 3) == to_date("2025-03-03", "service_date")
        with pytest.raises(InvalidFormat, match=r"^service_date: not a real calendar date"):
            to_date("2025-02-30", "service_date")
        with pytest.raises(InvalidFormat, match=r"^birth_date: expected an ISO 8601 date"):
            to_date("2025-3-03 ", "birth_date")
        with pytest.raises(TypeError, match=r"^service_date: expected a date, not a datetime"):
            to_date(dt.datetime(2025, 3, 3), "service_date")


def _plain_by_hand(value: Decimal) -> str:
    """The fixed-point digits with the trailing zeros of the fraction removed, from the digit
    tuple (no formatting), for comparison with :func:`plain`."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    if exponent >= 0:
        whole, fraction = text + "0" * exponent, ""
    else:
        text = text.rjust(-exponent + 1, "0")
        whole, fraction = text[:exponent], text[exponent:].rstrip("0")
    whole = whole.lstrip("0") or "0"
    written = f"{whole}.{fraction}" if fraction else whole
    return "0" if written == "0" else ("-" if sign else "") + written


@given(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1]),
)
def test_plain_writes_every_finite_decimal_without_exponent_in_any_context(
    value: Decimal, capitals: int
) -> None:
    with decimal.localcontext(decimal.Context(prec=3, capitals=capitals)):
        assert plain(value) == _plain_by_hand(value)


def test_plain_by_hand_examples() -> None:
    cases = {
        "1E+3": "1000",
        "-0.00": "0",
        "0E-9": "0",
        "1.2300E-7": "0.000000123",
        "-12.50": "-12.5",
    }
    for written, expected in cases.items():
        assert plain(Decimal(written)) == expected == _plain_by_hand(Decimal(written))


@given(st.decimals(), st.sampled_from([0, 1]))
def test_places_is_the_negative_exponent_in_any_context(value: Decimal, capitals: int) -> None:
    exponent = value.as_tuple().exponent
    expected = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    with decimal.localcontext(decimal.Context(prec=3, capitals=capitals)):
        assert places(value) == expected


@given(st.from_regex(r"[+-]?[0-9]{0,20}(\.[0-9]{0,14})?", fullmatch=True))
def test_decimal_text_reads_the_same_by_the_quick_and_the_full_path(text: str) -> None:
    """Text in range by its form is read without the range check; a leading space takes the full
    path: both give the same number, or both refuse."""

    def read(value: str) -> object:
        try:
            return str(to_decimal(value, "amount"))
        except (InvalidFormat, TypeError) as error:
            return type(error)

    assert read(text) == read(" " + text)
