"""X12 837P / 837I: validated by pyx12 and by our own checks."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import io
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import encounter, examples, policy
from benlysta_coding.claim import Claim
from benlysta_coding.errors import ClaimHasErrors, InvalidFormat, InvalidInput, ValidationError
from benlysta_coding.export import parties, x12
from tests.helpers import claim_of, hospital, office
from tests.x12check import own_checks, pyx12_errors

PRICES = {
    "J0490": "12.50",
    "96365": "150",
    "96366": "50",
    "96374": "80",
    "96372": "25",
    "96413": "200",
    "96415": "60",
}
WHEN = dt.datetime(2025, 5, 1, 9, 30)


OFFICE_PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


def pair(data: dict[str, object], **options: object) -> tuple[Claim, parties.Parties]:
    claim = claim_of(data, prices=PRICES, **options)
    return claim, parties.from_encounter(encounter.from_dict(data))


def render(data: dict[str, object], **options: object) -> str:
    claim, who = pair(data, **options)
    return x12.render_837(claim, who, x12.Envelope(control_number=42, created=WHEN))


@pytest.mark.parametrize(
    "data",
    [
        office(),
        office(patient__weight_kg="63.4"),
        office(infusion_minutes=151, prior_authorization=None),
        office(route="sc", infusion_minutes=None, payer="commercial", diagnoses=["M32.9"]),
        hospital(),
        hospital(setting="critical_access_hospital", diagnoses=["M32.14", "M32.13", "Z79.899"]),
        hospital(patient__weight_kg="85", prior_authorization="AUTH-1"),
    ],
)
def test_examples_validate(data: dict[str, object]) -> None:
    text = render(data)
    assert [] == pyx12_errors(text)
    own_checks(text)


def test_professional_content() -> None:
    text = render(office())
    assert "CLM*BEN-2025-0001*1050***11:B:1*Y*A*Y*Y~" in text
    assert "SV1*HC:J0490:JW*37.5*UN*3***1:2~" in text
    assert "LIN**N4*49401010101~\nCTP****6*UN~" in text
    assert "HI*ABK:M3213*ABF:M3219~" in text
    assert "REF*G1*PA-778812~" in text
    assert "SBR*P*18*******MB~" in text
    assert text.startswith(
        "ISA*00*          *00*          *ZZ*PRAIRIE01      *ZZ*00952          "
        "*250501*0930*^*00501*000000042*0*P*:~\n"
    )


def test_institutional_content() -> None:
    text = render(hospital(setting="critical_access_hospital"))
    assert "CLM*BEN-2025-0002*850***85:A:1**A*Y*Y~" in text
    assert "DTP*434*RD8*20250414-20250414~" in text
    assert "SV2*0636*HC:J0490*500*UN*40~" in text
    assert "SBR*P*18*******CI~" in text


def test_single_line_policy_puts_other_ndc_in_nte() -> None:
    single = attrs.evolve(policy.MEDICARE_PART_B, lines_per_ndc=policy.LinesPerNDC.SINGLE_LINE)
    text = render(office(patient__weight_kg="85"), policy=single)
    assert "NTE*ADD*N449401010101 UN4~" in text
    assert [] == pyx12_errors(text)


def test_the_validator_is_not_vacuous() -> None:
    text = render(office())
    broken = text.replace("SE*38*0001", "SE*37*0001")
    assert "SE*38*0001" in text
    assert pyx12_errors(broken)
    assert pyx12_errors(text.replace("11:B:1", "0131"))


def test_many_claims_stream_into_several_transactions() -> None:
    claim, who = pair(office())
    items = ((attrs.evolve(claim, claim_id=f"C{n}"), who) for n in range(7))
    out = io.StringIO()
    summary = x12.write_837(
        items, out, x12.Envelope(control_number=9, created=WHEN, claims_per_transaction=3)
    )
    assert (9, 3, 7) == (summary.control_number, summary.transactions, summary.claims)
    text = out.getvalue()
    assert summary.segments == text.count("~")
    assert [] == pyx12_errors(text)
    own_checks(text)
    assert "GE*3*9~" in text
    assert 3 == text.count("HL*1**20*1~")


def test_control_numbers_generated_and_distinct() -> None:
    claim, who = pair(office())
    numbers = {x12.write_837([(claim, who)], io.StringIO()).control_number for _ in range(50)}
    assert len(numbers) > 45
    assert all(1 <= n <= 999_999_999 for n in numbers)


@pytest.mark.parametrize("bad", ["O*BRIEN", "A~B", "A:B", "A^B"])
def test_delimiters_in_free_text_are_refused_with_the_field(bad: str) -> None:
    claim, who = pair(office())
    patient = attrs.evolve(who.patient, last_name=bad)
    with pytest.raises(InvalidFormat, match=r"patient\.last_name") as info:
        x12.render_837(claim, attrs.evolve(who, patient=patient))
    assert bad not in str(info.value)


@pytest.mark.parametrize("bad", ["A\nB", "A\x00B", "A\x7fB"])
def test_control_characters_are_refused_when_the_patient_is_made(bad: str) -> None:
    _, who = pair(office())
    with pytest.raises(InvalidInput, match=r"last_name") as info:
        attrs.evolve(who.patient, last_name=bad)
    assert bad not in str(info.value)


def test_non_ascii_policy() -> None:
    claim, who = pair(office())
    jose = attrs.evolve(
        who, patient=attrs.evolve(who.patient, first_name="JOSÉ", last_name="MÜLLER")
    )
    with pytest.raises(InvalidFormat, match="non-ASCII"):
        x12.render_837(claim, jose)
    text = x12.render_837(
        claim, jose, x12.Envelope(non_ascii=x12.NonASCII.TRANSLITERATE, created=WHEN)
    )
    assert "NM1*IL*1*MULLER*JOSE****MI*" in text
    assert [] == pyx12_errors(text)
    with pytest.raises(InvalidFormat):
        x12.render_837(
            claim,
            attrs.evolve(who, patient=attrs.evolve(who.patient, first_name="李")),
            x12.Envelope(non_ascii=x12.NonASCII.TRANSLITERATE),
        )


def test_lower_case_is_upper_cased() -> None:
    claim, who = pair(office())
    text = x12.render_837(
        claim, attrs.evolve(who, patient=attrs.evolve(who.patient, last_name="isaac"))
    )
    assert "NM1*IL*1*ISAAC*JANE" in text


def test_refusals() -> None:
    claim, who = pair(office())
    institutional, who_h = pair(hospital())
    with pytest.raises(InvalidFormat, match="professional claims only"):
        x12.write_837([(claim, who), (institutional, who_h)], io.StringIO())
    with pytest.raises(InvalidFormat, match="at least one claim"):
        x12.write_837([], io.StringIO())
    with pytest.raises(ValidationError, match="charge"):
        x12.render_837(claim_of(office()), who)
    with pytest.raises(InvalidFormat, match="claim_id"):
        x12.render_837(attrs.evolve(claim, claim_id=""), who)
    blocked = claim_of(office(diagnoses=["M32.1"]), prices=PRICES)
    with pytest.raises(ClaimHasErrors, match="dx-not-billable"):
        x12.render_837(blocked, who)
    other = attrs.evolve(who, receiver=attrs.evolve(who.receiver, id="OTHER"))
    with pytest.raises(InvalidFormat, match="same submitter"):
        x12.write_837([(claim, who), (claim, other)], io.StringIO())
    short_zip = attrs.evolve(
        who.billing_provider, address=attrs.evolve(who.billing_provider.address, zip="62702")
    )
    with pytest.raises(InvalidFormat, match="9-digit"):
        x12.render_837(claim, attrs.evolve(who, billing_provider=short_zip))
    with pytest.raises(TypeError):
        x12.render_837(claim, "parties")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="control_number"):
        x12.Envelope(control_number=0)


def test_parties_missing_are_all_reported() -> None:
    data = office(submitter=None, receiver=None, insurance=None)
    del data["patient"]["member_id"]
    with pytest.raises(InvalidInput) as info:
        parties.from_encounter(encounter.from_dict(data))
    assert ["$.submitter", "$.receiver", "$.insurance", "$.patient.member_id"] == [
        p.path for p in info.value.problems
    ]


def test_identifiers_keep_their_case() -> None:
    text = render(office(claim_id="ben-2025-7", prior_authorization="pa-1"))
    assert "CLM*ben-2025-7*" in text
    assert "REF*G1*pa-1~" in text
    assert [] == pyx12_errors(text)


def test_on_error_leaves_out_bad_claims_and_finishes_the_file() -> None:
    claim, who = pair(office())
    unpriced = claim_of(office(claim_id="NOPRICE"))
    told: list[tuple[int, ValidationError]] = []
    out = io.StringIO()
    items = [(claim, who), (unpriced, who), (attrs.evolve(claim, claim_id="C3"), who)]
    summary = x12.write_837(
        items,
        out,
        x12.Envelope(claims_per_transaction=1),
        on_error=lambda index, error: told.append((index, error)),
    )
    assert (2, 2) == (summary.claims, summary.transactions)
    assert [1] == [index for index, _ in told]
    assert "NOPRICE" not in str(told[0][1])  # the claim id is an identifier: not in the message
    assert "NOPRICE" == told[0][1].claim_id  # but there for callers who log it on purpose
    assert "lines[0]" in str(told[0][1])
    text = out.getvalue()
    assert "NOPRICE" not in text
    assert summary.segments == text.count("~")
    assert [] == pyx12_errors(text)
    own_checks(text)


def test_nothing_is_written_when_no_claim_can_be() -> None:
    _, who = pair(office())
    out = io.StringIO()
    with pytest.raises(InvalidFormat, match="at least one claim"):
        x12.write_837([(claim_of(office()), who)], out, on_error=lambda index, error: None)
    assert "" == out.getvalue()
    with pytest.raises(ValidationError, match="charge"):
        x12.write_837([(claim_of(office()), who)], out)
    assert "" == out.getvalue()


def test_340b_modifier_validates() -> None:
    text = render(hospital(drug_modifiers=["JG"], patient__weight_kg="55"))
    assert "SV2*0636*HC:J0490:JW:JG*" in text
    assert [] == pyx12_errors(text)


def test_attending_physician_in_837i() -> None:
    text = render(hospital())
    assert "HI*ABK:M3214~\nNM1*71*1*RIVERA*ALEX****XX*1003000001~\nLX*1~" in text
    assert [] == pyx12_errors(text)
    without = claim_of(hospital(attending=None))
    assert ["attending-missing"] == [f.code for f in without.errors]
    with pytest.raises(ValidationError, match="attending-missing"):
        x12.render_837(without, parties.from_encounter(encounter.from_dict(hospital())))
    with pytest.raises(InvalidInput, match=r"attending\.npi"):
        encounter.from_dict(
            hospital(attending={"first_name": "A", "last_name": "B", "npi": "1003000002"})
        )


def _expanding() -> list[tuple[str, str]]:
    """Every character whose NFKD form (combining marks dropped) is ASCII of 2 or more characters
    (ﬃ -> ffi, ㎒ -> MHz), with that form."""
    import unicodedata

    found = []
    for point in range(0x80, 0x110000):
        char = chr(point)
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(plain) > 1 and plain.isascii():
            found.append((char, plain))
    return found


def _with(who: parties.Parties, field: str, value: str) -> parties.Parties:
    holder, _, name = field.rpartition(".")
    if "." in holder:  # an address
        owner, _, part = holder.partition(".")
        address = attrs.evolve(getattr(getattr(who, owner), part), **{name: value})
        return attrs.evolve(who, **{owner: attrs.evolve(getattr(who, owner), **{part: address})})
    return attrs.evolve(who, **{holder: attrs.evolve(getattr(who, holder), **{name: value})})


LIMITED = [
    "patient.first_name", "patient.last_name", "patient.address.line1", "patient.address.city",
    "billing_provider.name", "billing_provider.address.line1", "billing_provider.address.city",
    "insurance.payer_name", "submitter.name", "submitter.contact_name", "receiver.name",
]  # fmt: skip


def _element_lengths_hold(text: str) -> None:
    for segment in text.replace("\n", "").split("~"):
        elements = segment.split("*")
        tag = elements[0]
        limits = {"NM1": {3: 60, 4: 35, 9: 80}, "N3": {1: 55, 2: 55}, "N4": {1: 30},
                  "PER": {2: 60}}.get(tag, {})  # fmt: skip
        for index, most in limits.items():
            if index < len(elements):
                assert len(elements[index]) <= most, segment


def _render_or_refusal(
    claim: Claim, who: parties.Parties, envelope: x12.Envelope
) -> tuple[str, str | None]:
    try:
        return x12.render_837(claim, who, envelope), None
    except ValidationError as error:
        return "", str(error)


def test_transliteration_never_overflows_an_element() -> None:
    claim, who = pair(office())
    envelope = x12.Envelope(non_ascii=x12.NonASCII.TRANSLITERATE, created=WHEN, control_number=9)
    expanding = _expanding()
    assert len(expanding) > 300
    validated = set()
    for field in LIMITED:
        most = x12.ELEMENT_LENGTHS[field.rpartition(".")[2]]
        for char, plain in expanding:
            if any(c in "*:~^" for c in plain):  # a delimiter once transliterated: refused
                continue
            for value, fits in ((char * most, False), ("A" * (most - len(plain)) + char, True)):
                try:
                    changed = _with(who, field, value)
                except ValidationError:
                    continue  # refused at input: nothing is written
                text, refusal = _render_or_refusal(claim, changed, envelope)
                if refusal is not None:
                    assert not fits, (field, char)
                    assert field in refusal
                    continue
                assert fits, (field, char)
                _element_lengths_hold(text)
                if (field, len(plain)) not in validated:  # pyx12 once per field and growth
                    validated.add((field, len(plain)))
                    assert [] == pyx12_errors(text), (field, char)
    assert len(validated) >= len(LIMITED)


def office_pair() -> tuple[Claim, parties.Parties]:
    data = office()
    return claim_of(data, prices=OFFICE_PRICES), parties.from_encounter(encounter.from_dict(data))


def render_pair(claim: Claim, who: parties.Parties) -> str:
    return x12.render_837(claim, who, x12.Envelope(control_number=5, created=WHEN))


def with_first_line(claim: Claim, **changes: Any) -> Claim:
    return attrs.evolve(claim, lines=(attrs.evolve(claim.lines[0], **changes), *claim.lines[1:]))


def test_an_int_charge_is_refused_after_the_equal_decimal_was_written() -> None:
    claim, who = office_pair()
    assert "SV1*HC:J0490*500*UN*69" in render_pair(
        with_first_line(claim, charge=Decimal("500")), who
    )
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.charge: expected a Decimal amount"):
        render_pair(with_first_line(claim, charge=500), who)


def test_a_bool_pointer_is_refused_after_pointer_1_was_written() -> None:
    claim, who = office_pair()
    render_pair(claim, who)
    assert claim.lines[0].diagnosis_pointers == (1, 2)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.diagnosis_pointers"):
        render_pair(with_first_line(claim, diagnosis_pointers=(True, 2)), who)


def test_codes_are_checked_whatever_was_cached() -> None:
    claim, who = office_pair()
    render_pair(claim, who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.code: expected a 5-character"):
        render_pair(with_first_line(claim, code="j0490"), who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: expected 2-character"):
        render_pair(with_first_line(claim, modifiers=("jw",)), who)
    for odd in ((1,), ("J",), (b"JW",)):
        with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: expected 2-character"):
            render_pair(with_first_line(claim, modifiers=odd), who)
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.modifiers: a line holds at most 4"):
        render_pair(with_first_line(claim, modifiers=("JW", "KX", "GA", "GY", "59")), who)


def test_a_list_of_modifiers_writes_what_the_tuple_writes() -> None:
    claim, who = office_pair()
    as_tuple = render_pair(with_first_line(claim, modifiers=("KX",)), who)
    as_list = render_pair(with_first_line(claim, modifiers=["KX"]), who)
    assert "SV1*HC:J0490:KX*862.5*UN*69***1:2~" in as_tuple
    assert as_list == as_tuple


def test_ndc_quantities_of_equal_value_write_the_same_text() -> None:
    claim, who = office_pair()
    first = render_pair(with_first_line(claim, ndc_quantity=Decimal("1")), who)
    second = render_pair(with_first_line(claim, ndc_quantity=Decimal("1.000")), who)
    assert "CTP****1*UN~" in first
    assert first == second
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.ndc_quantity: expected more than 0"):
        render_pair(with_first_line(claim, ndc_quantity=Decimal("1.0001")), who)


def test_a_changed_billing_provider_is_written_and_checked_anew() -> None:
    claim, who = office_pair()
    first = render_pair(claim, who)
    assert "NM1*85*2*PRAIRIE RHEUMATOLOGY*****XX*1234567893~" in first
    renamed = attrs.evolve(who.billing_provider, name="Lakeside Clinic")
    second = render_pair(claim, attrs.evolve(who, billing_provider=renamed))
    assert "NM1*85*2*LAKESIDE CLINIC*****XX*1234567893~" in second
    accented = attrs.evolve(who.billing_provider, name="CLINIQUE SAINT-JOSÉ")
    with pytest.raises(InvalidFormat, match=r"billing_provider\.name: non-ASCII"):
        render_pair(claim, attrs.evolve(who, billing_provider=accented))
    envelope = x12.Envelope(control_number=5, created=WHEN, non_ascii="transliterate")
    text = x12.render_837(claim, attrs.evolve(who, billing_provider=accented), envelope)
    assert "NM1*85*2*CLINIQUE SAINT-JOSE*****XX*1234567893~" in text


def test_a_rendered_text_that_is_not_whole_segments_is_refused() -> None:
    claim, who = office_pair()
    rendered = x12.render_claim(claim, who)
    writer = x12.Interchange(io.StringIO(), x12.Envelope(control_number=5, created=WHEN))
    texts: list[Any] = [rendered.text[:-1], "", None]
    for text in texts:
        with pytest.raises(InvalidFormat, match=r"rendered\.text"):
            writer.add_rendered(attrs.evolve(rendered, text=text))


def test_rendered_claims_are_renumbered_in_the_transaction() -> None:
    claim, who = office_pair()
    rendered = x12.render_claim(claim, who)
    parts = rendered.parts
    assert "".join(parts) == rendered.text
    # HL*1 starts the text; after PRV NM1 N3 N4 REF, HL*2 is the seventh segment
    assert [i for i, part in enumerate(parts) if part.startswith("HL*")] == [0, 6]
    outputs = []
    for second in (rendered, pickle.loads(pickle.dumps(rendered))):  # as from a worker process
        out = io.StringIO()
        writer = x12.Interchange(out, x12.Envelope(control_number=5, created=WHEN))
        writer.add_rendered(rendered)
        writer.add_rendered(second)
        writer.finish()
        outputs.append(out.getvalue())
    assert len(set(outputs)) == 1
    assert "HL*3**20*1~" in outputs[0]
    assert "HL*4*3*22*0~" in outputs[0]
    assert [] == pyx12_errors(outputs[0])


def test_a_dependant_claim_is_renumbered_at_its_three_levels_and_stray_text_refused() -> None:
    """A claim of a dependant has a third HL (the patient, under the subscriber): after a first
    claim, the three are renumbered together, each with its parent; a text that does not start and
    go on as a rendered claim does is refused rather than renumbered at a guess."""
    data = copy.deepcopy(examples.DEPENDANT_OFFICE_IV)
    claim = claim_of(data, prices=OFFICE_PRICES)
    who = parties.from_encounter(encounter.from_dict(data))
    rendered = x12.render_claim(claim, who)
    assert rendered.levels == 3
    out = io.StringIO()
    writer = x12.Interchange(out, x12.Envelope(control_number=5, created=WHEN))
    writer.add_rendered(rendered)
    writer.add_rendered(rendered)
    writer.finish()
    heads = [segment for segment in out.getvalue().split("~\n") if segment.startswith("HL*")]
    assert heads == [
        "HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0", "HL*4**20*1", "HL*5*4*22*1", "HL*6*5*23*0",
    ]  # fmt: skip
    assert [] == pyx12_errors(out.getvalue())
    broken = attrs.evolve(rendered, text=rendered.text.replace("HL*3*2*23*", "HL*9*2*23*"))
    for stray in (broken, attrs.evolve(rendered, text="PRV*BI~\n" + rendered.text)):
        writer = x12.Interchange(io.StringIO(), x12.Envelope(control_number=5, created=WHEN))
        writer.add_rendered(rendered)
        with pytest.raises(InvalidFormat, match=r"rendered\.text"):
            writer.add_rendered(stray)


def test_a_huge_amount_is_refused_and_an_exact_one_written_plainly() -> None:
    claim, who = office_pair()
    huge = Decimal("1." + "0" * 5000 + "1")  # over 2 decimals: refused, and never kept
    with pytest.raises(InvalidFormat, match=r"lines\[0\]\.charge: expected 0 to 9999999999\.99"):
        render_pair(with_first_line(claim, charge=huge), who)
    exact = Decimal("500." + "0" * 40)  # equal to 500: written as 500, checked without the cache
    assert "SV1*HC:J0490*500*UN*69" in render_pair(with_first_line(claim, charge=exact), who)


def _written_by_arithmetic(value: Decimal, places: int) -> str | None:
    """What X12 may write for a number, worked out with arithmetic in a wide context (the writer
    reads the text instead)."""
    wide = decimal.Context(prec=100)
    if not value.is_finite() or (value < 0 and not value.is_zero()):
        return None
    if wide.compare(abs(value), Decimal(10) ** 10) >= 0:
        return None
    step = Decimal(1).scaleb(-places)
    if value.quantize(step, context=wide) != value:
        return None
    digits = format(value.copy_abs(), "f")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


@given(
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.decimals(min_value=-1, max_value=Decimal("1E+11"), places=4),
    ),
    st.sampled_from([2, 3]),
    st.sampled_from([0, 1]),
)
def test_numbers_are_written_as_arithmetic_says_in_any_context(
    value: Decimal, places: int, capitals: int
) -> None:
    with decimal.localcontext(decimal.Context(prec=3, capitals=capitals)):
        assert x12._written(value, places) == _written_by_arithmetic(value, places)


@given(st.dates())
def test_dates_are_written_as_their_iso_text_without_hyphens(day: dt.date) -> None:
    assert x12._d8(day) == day.isoformat().replace("-", "")


def test_each_line_carries_its_own_date_when_the_dates_differ() -> None:
    """The writer writes a claim's line date once while the lines share it, and each line's own
    date when they do not."""
    claim, who = office_pair()
    later = claim.lines[1].service_date + dt.timedelta(days=1)
    lines = list(claim.lines)
    lines[1] = attrs.evolve(lines[1], service_date=later)
    text = render_pair(attrs.evolve(claim, lines=tuple(lines)), who)
    dates = [segment for segment in text.split("~\n") if segment.startswith("DTP*472")]
    first, second = claim.service_date, later
    expected = [first, second, *[first] * (len(lines) - 2)]
    assert dates == [f"DTP*472*D8*{day:%Y%m%d}" for day in expected]


def test_numbers_at_the_edges_are_written_or_refused() -> None:
    cases = {
        ("9999999999.99", 2): "9999999999.99",
        ("10000000000", 2): None,
        ("-0.00", 2): "0",
        ("0E-12", 3): "0",
        ("-0.01", 2): None,
        ("1.2300", 2): "1.23",
        ("1.234", 2): None,
        ("5E+2", 3): "500",
        ("sNaN", 2): None,
    }
    for (text, places), expected in cases.items():
        assert x12._written(Decimal(text), places) == expected, text


def test_each_claim_carries_its_own_billing_provider_and_payer_in_a_mixed_file() -> None:
    """The writer reuses the provider's loop and the payer's NM1 of the claim before only when
    they are equal: claims of two providers and two payers, interleaved, each keep their own."""
    other_provider = {**office()["billing_provider"], "name": "LAKESIDE INFUSION"}
    other_payer = {"payer_name": "SECOND PAYER", "payer_id": "77777"}
    records = [
        office(claim_id="A1"),
        office(claim_id="B1", billing_provider=other_provider),
        office(claim_id="A2"),
        office(claim_id="C1", insurance=other_payer),
        office(claim_id="C2", insurance=other_payer, billing_provider=other_provider),
    ]
    items = []
    for data in records:
        enc = encounter.from_dict(data)
        items.append((claim_of(data, prices=PRICES), parties.from_encounter(enc)))
    out = io.StringIO()
    x12.write_837(items, out, x12.Envelope(control_number=5, created=WHEN))
    text = out.getvalue()
    providers = [s.split("*")[3] for s in text.split("~\n") if s.startswith("NM1*85*")]
    payers = [s.split("*")[3] for s in text.split("~\n") if s.startswith("NM1*PR*")]
    prairie, lakeside = "PRAIRIE RHEUMATOLOGY", "LAKESIDE INFUSION"
    assert providers == [prairie, lakeside, prairie, prairie, lakeside]
    assert payers == ["MEDICARE PART B"] * 3 + ["SECOND PAYER"] * 2
    for claim, who in items:  # each claim's loops as it is written alone
        alone = "".join(x12.render_claim(claim, who).parts[1:])
        assert alone.split("HL*", 1)[0] in text
    assert pyx12_errors(text) == []
