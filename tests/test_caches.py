"""The speed work's caches and fast paths: a cached or fast answer is never a different answer.

The cache tests first warm a cache with a good value, then give a value that is equal to it in Python
(``1 == True``, ``Decimal(500) == 500``) or close to it, and check that the answer is the one the
uncached rules give: refused with the field named, or written exactly as the hand-written text says.
The fast paths (free text without a regular expression, ``Claim.to_dict`` without ``attrs.asdict``,
classes read slot by slot) are checked against the slower rule they replace.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import checks, encounter, parties, policy, products, units
from benlysta_coding._structure import Reader, collecting
from benlysta_coding._util import to_date, to_decimal
from benlysta_coding.claim import Adjustment, Claim, OtherPayer, OtherPayerLine
from benlysta_coding.claim import _to_json as claim_json
from benlysta_coding.dosing import Indication
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.errors import InvalidFormat, InvalidInput, OutOfRange, ValidationError
from benlysta_coding.export import x12
from benlysta_coding.products import Route
from tests.helpers import claim_of, clear_caches, hospital, office
from tests.x12check import pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
WHEN = dt.datetime(2025, 5, 1, 9, 30)


def pair() -> tuple[Claim, parties.Parties]:
    data = office()
    return claim_of(data, prices=PRICES), parties.from_encounter(encounter.from_dict(data))


def write(claim: Claim, who: parties.Parties) -> str:
    return x12.render_837(claim, who, x12.Envelope(control_number=5, created=WHEN))


def with_line(claim: Claim, **changes: Any) -> Claim:
    return attrs.evolve(claim, lines=(attrs.evolve(claim.lines[0], **changes), *claim.lines[1:]))


def test_an_int_charge_is_refused_after_the_equal_decimal_was_written() -> None:
    claim, who = pair()
    assert "SV1*HC:J0490*500*UN*69" in write(with_line(claim, charge=Decimal("500")), who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.charge: expected a Decimal amount"):
        write(with_line(claim, charge=500), who)


def test_a_bool_pointer_is_refused_after_pointer_1_was_written() -> None:
    claim, who = pair()
    write(claim, who)
    assert claim.lines[0].diagnosis_pointers == (1, 2)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.diagnosis_pointers"):
        write(with_line(claim, diagnosis_pointers=(True, 2)), who)


def test_codes_are_checked_whatever_was_cached() -> None:
    claim, who = pair()
    write(claim, who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.code: expected a 5-character"):
        write(with_line(claim, code="j0490"), who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: expected 2-character"):
        write(with_line(claim, modifiers=("jw",)), who)
    for odd in ((1,), ("J",), (b"JW",)):
        with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: expected 2-character"):
            write(with_line(claim, modifiers=odd), who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: a line holds at most 4"):
        write(with_line(claim, modifiers=("JW", "KX", "GA", "GY", "59")), who)


def test_a_list_of_modifiers_writes_what_the_tuple_writes() -> None:
    claim, who = pair()
    as_tuple = write(with_line(claim, modifiers=("KX",)), who)
    as_list = write(with_line(claim, modifiers=["KX"]), who)
    assert "SV1*HC:J0490:KX*862.5*UN*69***1:2~" in as_tuple
    assert as_list == as_tuple


def test_ndc_quantities_of_equal_value_write_the_same_text() -> None:
    claim, who = pair()
    first = write(with_line(claim, ndc_quantity=Decimal("1")), who)
    second = write(with_line(claim, ndc_quantity=Decimal("1.000")), who)
    assert "CTP****1*UN~" in first
    assert first == second
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.ndc_quantity: expected more than 0"):
        write(with_line(claim, ndc_quantity=Decimal("1.0001")), who)


def test_a_changed_billing_provider_is_written_and_checked_anew() -> None:
    claim, who = pair()
    first = write(claim, who)
    assert "NM1*85*2*PRAIRIE RHEUMATOLOGY*****XX*1234567893~" in first
    renamed = attrs.evolve(who.billing_provider, name="Lakeside Clinic")
    second = write(claim, attrs.evolve(who, billing_provider=renamed))
    assert "NM1*85*2*LAKESIDE CLINIC*****XX*1234567893~" in second
    accented = attrs.evolve(who.billing_provider, name="CLINIQUE SAINT-JOSÉ")
    with pytest.raises(InvalidFormat, match=r"billing_provider\.name: non-ASCII"):
        write(claim, attrs.evolve(who, billing_provider=accented))
    envelope = x12.Envelope(control_number=5, created=WHEN, non_ascii="transliterate")
    text = x12.render_837(claim, attrs.evolve(who, billing_provider=accented), envelope)
    assert "NM1*85*2*CLINIQUE SAINT-JOSE*****XX*1234567893~" in text


def test_rendered_claims_without_or_with_wrong_hl_positions_are_renumbered_all_the_same() -> None:
    claim, who = pair()
    rendered = x12.render_claim(claim, who)
    assert rendered.hl_at == (0, 6)  # HL*1 then, after PRV NM1 N3 N4 REF, HL*2
    outputs = []
    for second in (
        rendered,
        attrs.evolve(rendered, hl_at=()),
        attrs.evolve(rendered, hl_at=(1, 2)),
    ):
        out = io.StringIO()
        writer = x12.Interchange(out, x12.Envelope(control_number=5, created=WHEN))
        writer.add_rendered(rendered)
        writer.add_rendered(second)
        writer.finish()
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == outputs[2]
    assert "HL*3**20*1~" in outputs[0]
    assert "HL*4*3*22*0~" in outputs[0]
    assert [] == pyx12_errors(outputs[0])


def test_a_shared_party_is_read_once_and_a_bad_one_is_reported_every_time() -> None:
    first = encounter.from_dict(office(claim_id="A"))
    second = encounter.from_dict(office(claim_id="B"))
    assert first.billing_provider == second.billing_provider
    assert first.billing_provider is second.billing_provider  # read once, shared (immutable)
    assert first.patient is not second.patient  # patients are read for each record
    bad = office()
    bad["billing_provider"] = dict(bad["billing_provider"], npi="1234567890")
    for _ in range(2):
        with pytest.raises(InvalidInput) as caught:
            encounter.from_dict(bad)
        assert ["$.billing_provider.npi"] == [p.path for p in caught.value.problems]


def test_a_party_with_a_number_where_text_belongs_is_read_without_the_cache() -> None:
    data = office()
    data["billing_provider"] = dict(data["billing_provider"], tax_id=371234567)
    with pytest.raises(InvalidInput) as caught:
        encounter.from_dict(data)
    assert [("$.billing_provider.tax_id", "invalid-type")] == [
        (p.path, p.code) for p in caught.value.problems
    ]


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


def test_diagnosis_findings_are_a_fresh_list_each_time() -> None:
    first = checks.diagnosis_findings(["M32.1", "N08"], Indication.SLE)
    assert ["dx-not-billable", "dx-no-sle"] == [f.code for f in first]
    first.clear()  # the caller's list: changing it changes nothing kept
    again = checks.diagnosis_findings(("M32.1", "N08"), Indication.SLE)
    assert ["dx-not-billable", "dx-no-sle"] == [f.code for f in again]
    assert (2, 3) == checks.diagnosis_pointers(["Z79.899", "M32.14", "M32.13"])
    assert (2, 3) == checks.diagnosis_pointers(("Z79.899", "M32.14", "M32.13"))


def test_diagnosis_checks_of_other_drugs_are_not_mixed_up() -> None:
    narrow = attrs.evolve(
        BELIMUMAB,
        name="a drug for lupus nephritis only",
        indication_diagnoses={
            "sle": ("M32.14",),
            "lupus_nephritis": ("M32.14",),
        },
    )
    assert narrow != BELIMUMAB
    assert [] == [f.code for f in checks.diagnosis_findings(["M32.13"], Indication.SLE)]
    assert ["dx-no-sle"] == [
        f.code for f in checks.diagnosis_findings(["M32.13"], Indication.SLE, narrow)
    ]
    assert (1,) == checks.diagnosis_pointers(["Z79.899", "M32.13"], narrow)
    assert (2,) == checks.diagnosis_pointers(["Z79.899", "M32.13"])


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


def test_a_plan_of_equal_vials_written_differently_keeps_their_digits() -> None:
    written_120_0 = attrs.evolve(products.VIAL_120, strength_mg=Decimal("120.0"))
    assert written_120_0 == products.VIAL_120  # equal in Python, written differently
    clear_caches()
    for _ in range(2):
        assert "720" == str(units.plan_vials(683, vials=(products.VIAL_120,)).total_mg)
        assert "720.0" == str(units.plan_vials(683, vials=(written_120_0,)).total_mg)


def test_infusion_time_findings_come_with_every_claim_of_that_time() -> None:
    for _ in range(2):
        claim = claim_of(office(infusion_minutes=85), prices=PRICES)
        assert ["infusion-additional-hour"] == [
            f.code for f in claim.findings if f.code.startswith("infusion")
        ]
        assert [("96365", 1)] == [(line.code, line.units) for line in claim.lines[-1:]]


def test_date_text_is_read_and_bad_dates_are_refused_every_time() -> None:
    for _ in range(2):
        assert dt.date(2025, 3, 3) == to_date("2025-03-03", "service_date")
        with pytest.raises(InvalidFormat, match=r"^service_date: not a real calendar date"):
            to_date("2025-02-30", "service_date")
        with pytest.raises(InvalidFormat, match=r"^birth_date: expected an ISO 8601 date"):
            to_date("2025-3-03 ", "birth_date")
        with pytest.raises(TypeError, match=r"^service_date: expected a date, not a datetime"):
            to_date(dt.datetime(2025, 3, 3), "service_date")


def test_named_choices_accept_their_values_and_members_only() -> None:
    for route in ("iv", Route.IV):
        assert Route.IV is encounter.from_dict(office(route=route)).route
    for bad, code in (
        ("IV", "invalid-value"),
        ("intravenous", "invalid-value"),
        (1, "invalid-type"),
    ):
        with pytest.raises(InvalidInput) as caught:
            encounter.from_dict(office(route=bad))
        assert [("$.route", code)] == [(p.path, p.code) for p in caught.value.problems]


@given(st.text(max_size=70))
def test_free_text_accepts_exactly_the_printable_texts_of_its_length(value: str) -> None:
    name = parties.first_name  # 1 to 35 characters, no control characters, ends trimmed
    stripped = value.strip()
    printable = all(not ("\x00" <= c <= "\x1f" or c == "\x7f") for c in stripped)
    if printable and 1 <= len(stripped) <= 35:
        assert stripped == name(value)
    else:
        with pytest.raises(ValidationError, match="expected 1 to 35 printable characters"):
            name(value)


def _name(value: Any) -> str:
    return parties.first_name(value)


def _note(value: Any) -> str:
    return "" if value == "" else parties.last_name(value)


@collecting("$.thing")
@attrs.frozen(kw_only=True, slots=False)
class _Unslotted:
    name: str = attrs.field(converter=_name)
    note: str = attrs.field(default="", converter=_note)


def test_a_class_without_slots_is_read_field_by_field_as_well() -> None:
    reader = Reader()
    read = reader.read(_Unslotted, {"name": " Ann "}, "$.thing")
    assert _Unslotted(name="Ann") == read
    assert read is not None
    assert ("Ann", "") == (read.name, read.note)
    assert reader.read(_Unslotted, {"name": ""}, "$.thing") is None
    assert ["$.thing.name"] == [p.path for p in reader.problems]


def test_long_diagnosis_lists_and_overlong_codes_get_the_same_checks() -> None:
    fourteen = ["Z79.899"] * 7 + [
        "M32.13",
        "M32.19",
        "M32.10",
        "M32.11",
        "M32.12",
        "M32.8",
        "M32.9",
    ]
    assert (8, 9, 10, 11) == checks.diagnosis_pointers(fourteen)  # at most 4, in order
    long_code = ["M32.13", "M32.1999999"]  # longer than any code: read without the cache
    assert (1,) == checks.diagnosis_pointers(long_code)
    codes = [f.code for f in checks.diagnosis_findings(long_code, Indication.SLE)]
    assert ["dx-invalid"] == codes
    assert ["dx-not-in-library"] * 7 + ["dx-first-not-category"] == [
        f.code for f in checks.diagnosis_findings(fourteen, Indication.SLE)
    ]  # Z79.899 is not in the library's code set; the first code is not M32


def test_a_huge_amount_is_refused_and_an_exact_one_written_plainly() -> None:
    claim, who = pair()
    huge = Decimal("1." + "0" * 5000 + "1")  # over 2 decimals: refused, and never kept
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.charge: expected 0 to 9999999999\.99"):
        write(with_line(claim, charge=huge), who)
    exact = Decimal("500." + "0" * 40)  # equal to 500: written as 500, checked without the cache
    assert "SV1*HC:J0490*500*UN*69" in write(with_line(claim, charge=exact), who)


def _as_json(value: Any) -> Any:
    """The reference: ``attrs.asdict``, then JSON types by hand (as to_dict did before it walked
    the values itself)."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral_value() else f"{value:f}"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


@pytest.mark.parametrize(
    "data",
    [
        office(),
        office(patient__weight_kg="120"),
        office(route="sc", payer="commercial"),
        hospital(),
    ],
)
def test_to_dict_writes_what_asdict_holds(data: dict[str, Any]) -> None:
    claim = claim_of(data, prices=PRICES)
    secondary = attrs.evolve(
        claim,
        other_payer=OtherPayer(
            filing_code="MB",
            paid=Decimal("80.00"),
            adjudicated=dt.date(2025, 4, 1),
            adjustments=(Adjustment("PR", "1", Decimal("20.5"), Decimal("1")),),
            lines=(OtherPayerLine(number=1, paid=Decimal("80"), units=69),),
        ),
    )
    for value in (claim, secondary):
        written = value.to_dict()
        reference = attrs.asdict(value, recurse=True) | {"drug": value.drug.name}
        assert _as_json(reference) == written  # the drug is written by its name
        assert json.loads(json.dumps(written)) == written
        assert Claim.from_dict(written) == value


def test_json_values_of_every_shape() -> None:
    class Pair(tuple[int, int]):
        pass

    value = {
        "a": Pair((1, 2)),
        "b": [Decimal("1.50"), dt.date(2025, 1, 2)],
        "c": 0.5,
        "d": Route.SC,
    }
    assert {"a": [1, 2], "b": ["1.50", "2025-01-02"], "c": 0.5, "d": "sc"} == claim_json(value)


def test_prices_keep_their_digits_and_are_refused_every_time() -> None:
    text = claim_of(office(), prices={"J0490": "12.50"})
    exact = claim_of(office(), prices={"J0490": Decimal("12.5")})
    assert "862.50" == str(text.lines[0].charge)  # 69 units x 12.50, the digits kept
    assert "862.5" == str(exact.lines[0].charge)
    assert "862.50" == str(claim_of(office(), prices={"J0490": "12.50"}).lines[0].charge)
    for _ in range(2):
        with pytest.raises(OutOfRange, match="prices: expected prices of zero or more"):
            claim_of(office(), prices={"J0490": "-1"})
        with pytest.raises(InvalidFormat, match=r"^price of J0490: expected a decimal number"):
            claim_of(office(), prices={"J0490": "12,50"})
