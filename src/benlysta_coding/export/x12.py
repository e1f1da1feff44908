"""X12 5010 health care claims: 837P (005010X222A1) and 837I (005010X223A2).

:func:`write_837` streams any number of claims into one interchange (ISA ... IEA): the envelope is
opened with the first claim, a new transaction set (ST ... SE) is started every
``Envelope.claims_per_transaction`` claims, and nothing but the current segment is held in memory.
:func:`render_837` returns one claim's interchange as text.

What goes where:

* the NDC in loop 2410: ``LIN**N4*<11 digits>`` and ``CTP****<quantity>*<unit>``;
* ICD-10-CM codes without the dot in ``HI`` (``ABK`` principal, ``ABF`` others);
* 837P: ``SV1`` lines with diagnosis pointers, place of service in ``CLM05`` (``11:B:1``);
* 837I: ``SV2`` lines with revenue codes, ``CLM05`` from the type of bill (``13:A:1``), the statement
  period ``DTP*434*RD8``, ``CL1`` and the principal diagnosis ``HI*ABK``;
* 837I: the attending physician, when the parties name one, as ``NM1*71`` in loop 2310A;
* the prior authorization as ``REF*G1`` and, for a replacement or void claim (``CLM05-3`` 7 or 8),
  the payer's claim number as ``REF*F8`` in loop 2300; a single-line claim's other NDCs as
  ``NTE*ADD`` (837P); each line's control number as ``REF*6R``;
* when the patient is not the subscriber: the subscriber in loop 2000B (``SBR02`` empty) and the
  patient in loop 2000C (``HL`` level 23, ``PAT``, ``NM1*QC``, ``N3``/``N4``, ``DMG``);
* 837P: the rendering physician in loop 2310B and the service facility in 2310C; 837I: the service
  facility in 2310E.

Names and addresses are upper-cased; identifiers (claim id, member id, prior authorization, payer,
submitter and receiver ids) keep their case, so that replies (835, 277) match. A value containing
an X12 delimiter (``*``, ``:``, ``~``, ``^``) or a control
character is refused with an error naming the field (X12 has no escape); non-ASCII text is refused, or
transliterated when ``Envelope.non_ascii`` is ``"transliterate"``. Without a subscriber the patient is
the subscriber (``SBR02`` = 18).

This module formats; it never decides units, codes or modifiers.

More information:

* https://x12.org/ (005010X222A1, 005010X223A2)
* S14 X12 RFI 2151 (NDC in loop 2410)
"""

from __future__ import annotations

import datetime
import enum
import io
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TextIO

import attrs

from benlysta_coding import icd10
from benlysta_coding._util import plain, to_decimal
from benlysta_coding.claim import (
    Adjustment,
    Claim,
    ClaimKind,
    OtherPayer,
    ServiceLine,
    exportable,
)
from benlysta_coding.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from benlysta_coding.ndc import Unit as NDCUnit
from benlysta_coding.parties import (
    MEDICARE_SECONDARY_TYPES,
    Address,
    Insurance,
    Parties,
    Patient,
    Provider,
    Receiver,
    Submitter,
    Subscriber,
)
from benlysta_coding.policy import FILING_CODES

__all__ = [
    "Envelope",
    "Interchange",
    "NonASCII",
    "Rendered",
    "Renderer",
    "Summary",
    "control_numbers",
    "render_837",
    "render_claim",
    "write_837",
]

IMPLEMENTATION: Final = {
    ClaimKind.PROFESSIONAL: "005010X222A1",
    ClaimKind.INSTITUTIONAL: "005010X223A2",
}


class NonASCII(enum.StrEnum):
    """What to do with non-ASCII text (X12 validators reject it)."""

    REJECT = "reject"
    TRANSLITERATE = "transliterate"
    """Drop accents (``JOSÉ`` -> ``JOSE``); refuse what still is not ASCII."""


def _check_control(
    instance: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("control_number: expected an int")
    if not 1 <= value <= 999_999_999:
        raise InvalidComponent("control_number: expected 1 to 999999999")


def _check_usage(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in ("P", "T"):
        raise InvalidComponent("usage: expected 'P' (production) or 'T' (test)")


def _check_per_transaction(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5000:
        raise InvalidComponent("claims_per_transaction: expected 1 to 5000")


def _check_created(
    instance: object, attribute: attrs.Attribute[datetime.datetime | None], value: object
) -> None:
    if value is not None and not isinstance(value, datetime.datetime):
        raise TypeError("created: expected a datetime.datetime")


_NON_ASCII_VALUES: Final = frozenset(member.value for member in NonASCII)


def _non_ascii(value: object) -> NonASCII:
    if isinstance(value, NonASCII):
        return value
    if isinstance(value, str) and value in _NON_ASCII_VALUES:
        return NonASCII(value)
    raise InvalidComponent("non_ascii: expected 'reject' or 'transliterate'")


def control_numbers(start: int = 1) -> Iterator[int]:
    """Interchange control numbers from ``start``, one per file, wrapping after 999999999.

    A random control number (the default) collides about once in 20 among 10,000 files; a payer
    rejects a repeated one as a duplicate. Keep the last number you used (in your database) and
    number your files from it::

        >>> numbers = control_numbers(41)
        >>> [Envelope(control_number=next(numbers)).control_number for _ in range(2)]
        [41, 42]
    """
    if isinstance(start, bool) or not isinstance(start, int):
        raise TypeError("start: expected an int")
    if not 1 <= start <= 999_999_999:
        raise InvalidComponent("start: expected 1 to 999999999")
    number = start
    while True:
        yield number
        number = number % 999_999_999 + 1


@attrs.frozen(kw_only=True)
class Envelope:
    """Interchange settings. ``control_number`` is random when not given; random numbers collide
    (about a 5% chance among 10,000 files), so pass your own sequence (:func:`control_numbers`)."""

    control_number: int | None = attrs.field(default=None, validator=_check_control)
    usage: str = attrs.field(default="P", validator=_check_usage)
    """``P`` production, ``T`` test."""
    created: datetime.datetime | None = attrs.field(default=None, validator=_check_created)
    """The creation time written in ISA, GS and BHT (default: now); pass it for byte-identical
    output across runs."""
    acknowledgment_requested: bool = False
    claims_per_transaction: int = attrs.field(default=5000, validator=_check_per_transaction)
    non_ascii: NonASCII = attrs.field(default=NonASCII.REJECT, converter=_non_ascii)
    """``reject`` (default) or ``transliterate``; the member or its string value."""


@attrs.frozen
class Summary:
    """What :func:`write_837` wrote."""

    control_number: int
    transactions: int
    claims: int
    segments: int


_UNSAFE: Final = re.compile(r"[*:~^\x00-\x1f\x7f]")


ELEMENT_LENGTHS: Final[Mapping[str, int]] = {
    "last_name": 60,  # NM103
    "name": 60,  # NM103
    "payer_name": 60,  # NM103
    "first_name": 35,  # NM104
    "member_id": 80,  # NM109
    "payer_id": 80,  # NM109
    "other_member_id": 80,  # NM109
    "line1": 55,  # N301
    "line2": 55,  # N302
    "city": 30,  # N401
    "contact_name": 60,  # PER02
    "prior_authorization": 50,  # REF02
    "payer_claim_number": 50,  # REF02
    "control_number": 50,  # REF02
    "claim_id": 38,  # CLM01
    "ndc_note": 80,  # NTE02
    "id": 15,  # ISA06 / ISA08
}
"""The most characters the 837 element of a text field holds, by the field's last name. A value
checked at input can grow when it is transliterated (``ﬃ`` is ``ffi``), so it is checked again
after."""


def _ascii_checked(value: str, field: str, policy: NonASCII) -> str:
    """A text value that is not plain ASCII without delimiters: transliterated or refused.
    A transliterated value longer than its element is refused, never cut."""
    if not isinstance(value, str):
        raise TypeError(f"{field}: expected a str")
    if not value.isascii():
        if policy == NonASCII.TRANSLITERATE:
            value = "".join(
                c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)
            )
        if not value.isascii():
            raise InvalidFormat(
                f"{field}: non-ASCII characters are not accepted in X12 "
                "(use Envelope(non_ascii='transliterate') to drop accents)"
            )
        most = ELEMENT_LENGTHS.get(field.rpartition(".")[2])
        if most is not None and len(value.strip()) > most:
            raise InvalidLength(
                f"{field}: {len(value.strip())} characters once transliterated; the 837 element "
                f"holds at most {most}"
            )
    if _UNSAFE.search(value):
        raise InvalidFormat(
            f"{field}: contains an X12 delimiter (* : ~ ^) or a control "
            "character, which would corrupt the file; remove it"
        )
    text = value.strip()
    if not text:
        raise InvalidFormat(f"{field}: must not be empty")
    return text


class _Last:
    """The billing provider's loop and the payer's ``NM1`` of the last claim an interchange wrote:
    the claims of one file mostly share them, so the next claim takes them as they are when its
    provider and payer are equal (one of each is kept, so memory stays flat however long the
    file)."""

    __slots__ = ("payer", "payer_segment", "provider", "provider_loop")

    def __init__(self) -> None:
        self.provider: Provider | None = None
        self.provider_loop: tuple[str, ...] = ()
        self.payer: Insurance | None = None
        self.payer_segment = ""

    def billing_provider(self, provider: Provider, non_ascii: NonASCII) -> tuple[str, ...]:
        """Loop 2010AA of ``provider``: the last one's when equal."""
        if provider is not self.provider and provider != self.provider:  # is: no field compare
            self.provider_loop = _billing_provider(provider, non_ascii)
            self.provider = provider
        return self.provider_loop

    def payer_name(self, payer: Insurance, non_ascii: NonASCII) -> str:
        """The ``NM1*PR`` of the claim's payer (loop 2010BB): the last one's when equal."""
        if payer is not self.payer and payer != self.payer:
            w = _Out(non_ascii, self)
            _payer(w, payer, "insurance")
            self.payer_segment = w.parts[0]
            self.payer = payer
        return self.payer_segment


class _Out:
    """Collects the segments of one piece (a claim, a header) so that a piece is written whole."""

    def __init__(self, non_ascii: NonASCII, last: _Last | None = None) -> None:
        self.non_ascii = non_ascii
        self.parts: list[str] = []
        self.last = last or _Last()

    def hl(self, number: int, parent: int | None, level: str, children: bool) -> None:
        """An ``HL`` segment."""
        above = "" if parent is None else str(parent)
        self.parts.append(f"HL*{number}*{above}*{level}*{1 if children else 0}~\n")

    def text(self, value: str, field: str) -> str:
        """Free text (names, addresses): checked and upper-cased."""
        return self.ident(value, field).upper()

    def ident(self, value: str, field: str) -> str:
        """An identifier (claim id, member id ...): checked, its case kept for matching replies."""
        if type(value) is str and value.isascii() and _UNSAFE.search(value) is None:
            text = value.strip()  # the common case: plain ASCII without delimiters
            if text:
                return text
        return _ascii_checked(value, field, self.non_ascii)

    def name(self, entity: str, last_or_org: str, first: str, qualifier: str, ident: str) -> None:
        """An NM1 segment: a person when ``first`` is given, otherwise an organisation."""
        kind = "1" if first else "2"
        self.seg("NM1", entity, kind, last_or_org, first, "", "", "", qualifier, ident)

    def seg(self, *elements: str) -> None:
        if elements[-1]:
            self.parts.append("*".join(elements) + "~\n")
            return
        parts = list(elements)
        while parts and parts[-1] == "":
            parts.pop()
        self.parts.append("*".join(parts) + "~\n")


def _d8(day: datetime.date) -> str:
    """``CCYYMMDD``: worked out as a number for the years 1000 to 9999 (every claim's), which is
    quicker than formatting."""
    year = day.year
    if year >= 1000:
        return str(year * 10000 + day.month * 100 + day.day)
    return f"{year:04d}{day.month:02d}{day.day:02d}"


_CODE: Final = re.compile(r"[0-9A-Z]{5}")
_MODIFIER: Final = re.compile(r"[0-9A-Z]{2}")
_REVENUE: Final = re.compile(r"[0-9]{4}")
_PLACE: Final = re.compile(r"[0-9]{2}")
_BILL: Final = re.compile(r"0[0-9]{2}[0-9A-Z]")
_NDC: Final = re.compile(r"[0-9]{11}")
_MAX_AMOUNT: Final = Decimal("9999999999.99")
_FILING: Final = re.compile("|".join(sorted(FILING_CODES)))
_INSURANCE_TYPE: Final = re.compile("|".join(("", *MEDICARE_SECONDARY_TYPES)))
"""SBR05 of loop 2000B: empty, or Medicare as the secondary payer."""
_GROUP: Final = re.compile(r"CO|CR|OA|PI|PR")
_REASON: Final = re.compile(r"[0-9A-Z]{1,5}")


def _match(pattern: re.Pattern[str], value: object, field: str, what: str) -> str:
    """A code from the claim, checked before it is written (claims rebuilt from JSON included)."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidFormat(f"{field}: expected {what}")
    return value


def _procedure(line: ServiceLine, index: int) -> str:
    """``HC:<code>:<modifiers>``, each part checked (``index``: the line's, for the errors)."""
    code, modifiers = line.code, line.modifiers
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise InvalidFormat(f"lines[{index}].code: expected a 5-character HCPCS or CPT code")
    if not modifiers:
        return f"HC:{code}"
    if len(modifiers) > 4:
        raise InvalidFormat(f"lines[{index}].modifiers: a line holds at most 4 modifiers")
    for modifier in modifiers:
        if not isinstance(modifier, str) or not _MODIFIER.fullmatch(modifier):
            raise InvalidFormat(f"lines[{index}].modifiers: expected 2-character modifiers")
    return ":".join(("HC", code, *modifiers))


def _written(value: Decimal, places: int) -> str | None:
    """A number from 0 to under 10**10 as X12 writes it (:func:`plain`: no exponent, no trailing
    zeros), or ``None`` when it is negative, not finite, too large or has more than ``places``
    decimals once trailing zeros are dropped. Read from the number's text, with no arithmetic, so
    the caller's decimal context cannot change the answer.

    >>> (
    ...     _written(Decimal("862.50"), 2),
    ...     _written(Decimal("1E+3"), 2),
    ...     _written(Decimal("0.125"), 2),
    ... )
    ('862.5', '1000', None)
    """
    text = plain(value)
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or len(whole) > 10 or len(fraction) > places:
        return None  # a sign, NaN or Infinity; 10**10 or more; too many decimals
    return text


def _amount(value: object, field: str) -> str:
    if isinstance(value, Decimal):
        text = _written(value, 2)  # 0 to 9999999999.99
    else:
        raise InvalidFormat(f"{field}: expected a Decimal amount")
    if text is None:
        if not value.is_finite():
            raise InvalidFormat(f"{field}: expected a Decimal amount")
        raise InvalidFormat(f"{field}: expected 0 to 9999999999.99 with at most 2 decimals")
    return text


def _charge(line: ServiceLine, index: int) -> str:
    if line.charge is None:
        raise ValidationError(
            f"lines[{index}]: X12 needs a charge on every line; build the claim with prices (no "
            "price is built in)"
        )
    return _amount(line.charge, f"lines[{index}].charge")


def _units(line: ServiceLine, index: int) -> str:
    if isinstance(line.units, bool) or not isinstance(line.units, int):
        raise InvalidFormat(f"lines[{index}].units: expected a whole number")
    if not 1 <= line.units <= 99_999:
        raise InvalidFormat(f"lines[{index}].units: expected 1 to 99999")
    return str(line.units)


def _cas(w: _Out, adjustments: Sequence[Adjustment], field: str) -> None:
    """CAS segments: one per group, up to six reason / amount / quantity triples each."""
    groups: dict[str, list[Adjustment]] = {}
    for item in adjustments:
        _match(_GROUP, item.group, f"{field}.group", "CO, CR, OA, PI or PR")
        _match(_REASON, item.reason, f"{field}.reason", "a reason code")
        groups.setdefault(item.group, []).append(item)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            elements = []
            for item in items[start : start + 6]:
                quantity = "" if item.quantity is None else plain(item.quantity)
                elements += [item.reason, _signed(item.amount, f"{field}.amount"), quantity]
            w.seg("CAS", group, *elements)


def _signed(value: Decimal, field: str) -> str:
    if not isinstance(value, Decimal) or not value.is_finite() or value.copy_abs() > _MAX_AMOUNT:
        raise InvalidFormat(f"{field}: expected an amount")
    return plain(value)


def _other_payer(w: _Out, claim: Claim, parties: Parties) -> None:
    """Loops 2320 (the primary's adjudication), 2330A (its subscriber) and 2330B (the payer)."""
    other = claim.other_payer
    if other is None:
        return
    payer = parties.other_insurance
    if payer is None or not parties.other_member_id:
        raise InvalidFormat("other_insurance: a secondary claim needs the primary payer")
    holder = parties.subscriber or parties.patient
    relation = "18" if parties.subscriber is None else parties.subscriber.relationship.x12
    filing = _match(_FILING, other.filing_code, "other_payer.filing_code", "an SBR09 code")
    w.seg("SBR", "P", relation, "", "", "", "", "", "", filing)
    _cas(w, other.adjustments, "other_payer.adjustments")
    w.seg("AMT", "D", _signed(other.paid, "other_payer.paid"))
    w.seg("OI", "", "", "Y", "", "", "Y")
    w.name(
        "IL",
        w.text(holder.last_name, "subscriber.last_name"),
        w.text(holder.first_name, "subscriber.first_name"),
        "MI",
        w.ident(parties.other_member_id, "other_member_id"),
    )
    _payer(w, payer, "other_insurance")


def _line_adjudication(
    w: _Out, other: OtherPayer, parties: Parties, line: ServiceLine, procedure: str, where: str
) -> None:
    """Loop 2430: what the primary paid and adjusted on this line, and when."""
    found = next((item for item in other.lines if item.number == line.number), None)
    if found is None:
        return
    payer = parties.other_insurance
    assert payer is not None  # checked with loop 2330B
    w.seg(
        "SVD",
        w.ident(payer.payer_id, "other_insurance.payer_id"),
        _signed(found.paid, f"{where}.paid"),
        procedure,
        line.revenue_code or "",  # SVD04: required on the 837I, not used on the 837P
        str(found.units),
    )
    _cas(w, found.adjustments, f"{where}.adjustments")
    w.seg("DTP", "573", "D8", _d8(other.adjudicated))


def _quantity_text(quantity: Decimal) -> str | None:
    """CTP04 as written, or ``None`` unless the quantity is finite, more than 0, under 10 digits,
    with at most 3 decimals."""
    text = _written(quantity, 3)
    return None if text == "0" else text


def _drug_identification(line: ServiceLine, index: int) -> tuple[str, str]:
    """Loop 2410: ``LIN`` with the 11-digit NDC and ``CTP`` with its quantity and unit."""
    where = f"lines[{index}]"
    ndc11 = _match(_NDC, line.ndc, f"{where}.ndc", "11 digits")
    if line.ndc_unit is None or line.ndc_quantity is None:
        raise InvalidFormat(f"{where}.ndc_quantity: an NDC needs its unit and quantity")
    quantity = line.ndc_quantity
    if type(quantity) is not Decimal:
        quantity = to_decimal(quantity, f"{where}.ndc_quantity")
    text = _quantity_text(quantity)
    if text is None:
        raise InvalidFormat(
            f"{where}.ndc_quantity: expected more than 0, under 10 digits, at most 3 decimals"
        )
    unit = line.ndc_unit if type(line.ndc_unit) is NDCUnit else NDCUnit(line.ndc_unit)
    return f"LIN**N4*{ndc11}~\n", f"CTP****{text}*{unit}~\n"


def _pointers(line: ServiceLine, index: int, diagnoses: int) -> str:
    """``1:2``: 1 to 4 pointers, each to a diagnosis of the claim."""
    pointers = line.diagnosis_pointers
    if not 1 <= len(pointers) <= 4 or not all(
        type(p) is int or (isinstance(p, int) and not isinstance(p, bool)) for p in pointers
    ):
        raise InvalidFormat(
            f"lines[{index}].diagnosis_pointers: expected 1 to 4 pointers to diagnoses"
        )
    if not all(1 <= p <= diagnoses for p in pointers):
        raise InvalidFormat(
            f"lines[{index}].diagnosis_pointers: expected 1 to 4 pointers to diagnoses"
        )
    return ":".join(map(str, pointers))


def _check(claim: Claim, kind: ClaimKind) -> None:
    exportable(claim)
    if claim.kind != kind:
        raise InvalidFormat(
            f"claim {claim.claim_id or '(no id)'} is {claim.kind}; an "
            f"{'837P' if kind == ClaimKind.PROFESSIONAL else '837I'} file holds "
            f"{kind} claims only"
        )
    if not claim.claim_id:
        raise InvalidFormat("claim_id: the X12 claim needs a patient control number (CLM01)")
    if len(claim.claim_id) > 38:
        raise InvalidFormat("claim_id: CLM01 holds at most 38 characters")
    if not claim.lines:
        raise InvalidFormat("lines: the claim has no service lines to send")
    if not 1 <= len(claim.diagnoses) <= 12:
        raise InvalidFormat("diagnoses: expected 1 to 12 diagnoses")
    if claim.filing_code not in FILING_CODES:
        raise InvalidFormat("filing_code: expected an X12 claim filing indicator (SBR09)")


def _address(w: _Out, address: Address, field: str, nine_digit_zip: bool = False) -> None:
    if nine_digit_zip and len(address.zip) != 9:
        raise InvalidFormat(f"{field}.zip: the billing provider needs a 9-digit ZIP in X12")
    if address.line2:
        w.seg(
            "N3", w.text(address.line1, f"{field}.line1"), w.text(address.line2, f"{field}.line2")
        )
    else:
        w.seg("N3", w.text(address.line1, f"{field}.line1"))
    w.seg("N4", w.text(address.city, f"{field}.city"), address.state, address.zip)


def _person(
    w: _Out,
    entity: str,
    who: Patient | Subscriber,
    field: str,
    member_id: str,
) -> None:
    """NM1, N3/N4 and DMG of a subscriber (``IL``) or a patient (``QC``)."""
    last = w.text(who.last_name, f"{field}.last_name")
    first = w.text(who.first_name, f"{field}.first_name")
    if member_id:
        w.name(entity, last, first, "MI", w.ident(member_id, f"{field}.member_id"))
    else:
        w.name(entity, last, first, "", "")
    if who.address is not None:
        _address(w, who.address, f"{field}.address")
    if who.birth_date is not None:
        w.seg("DMG", "D8", _d8(who.birth_date), who.sex)


def _payer(w: _Out, payer: Insurance, field: str) -> None:
    """A payer's NM1*PR (loops 2010BB and 2330B)."""
    name = w.text(payer.payer_name, f"{field}.payer_name")
    w.name("PR", name, "", "PI", w.ident(payer.payer_id, f"{field}.payer_id"))


def _subscriber(w: _Out, claim: Claim, parties: Parties, hl: int) -> int:
    """Loops 2000B (and 2000C when the patient is a dependant); returns the HLs written."""
    subscriber, patient, payer = parties.subscriber, parties.patient, parties.insurance
    w.hl(hl + 1, hl, "22", subscriber is not None)
    responsibility = "S" if claim.other_payer is not None else "P"
    kind = _match(_INSURANCE_TYPE, parties.insurance_type, "insurance_type", "an SBR05 code")
    relation = "18" if subscriber is None else ""
    w.seg("SBR", responsibility, relation, "", "", kind, "", "", "", claim.filing_code)
    if subscriber is None:
        _person(w, "IL", patient, "patient", patient.member_id)
    else:
        _person(w, "IL", subscriber, "subscriber", subscriber.member_id)
    w.parts.append(w.last.payer_name(payer, w.non_ascii))
    if subscriber is None:
        return 1
    w.hl(hl + 2, hl + 1, "23", False)
    w.seg("PAT", subscriber.relationship.x12)
    _person(w, "QC", patient, "patient", "")
    return 2


def _claim_references(w: _Out, claim: Claim) -> None:
    if claim.prior_authorization:
        w.seg("REF", "G1", w.ident(claim.prior_authorization, "prior_authorization"))
    if claim.payer_claim_number:
        w.seg("REF", "F8", w.ident(claim.payer_claim_number, "payer_claim_number"))


def _facility(w: _Out, parties: Parties) -> None:
    facility = parties.service_facility
    if facility is None:
        return
    name = w.text(facility.name, "service_facility.name")
    w.name("77", name, "", "XX" if facility.npi else "", facility.npi)
    _address(w, facility.address, "service_facility.address")


def _clinician(w: _Out, entity: str, parties: Parties, field: str) -> None:
    doctor = parties.attending if field == "attending" else parties.rendering
    if doctor is not None:
        w.name(
            entity,
            w.text(doctor.last_name, f"{field}.last_name"),
            w.text(doctor.first_name, f"{field}.first_name"),
            "XX",
            doctor.npi,
        )


def _billing_provider(provider: Provider, non_ascii: NonASCII) -> tuple[str, ...]:
    """Loop 2010AA (``PRV`` to ``REF*EI``): the same for every claim of a provider."""
    w = _Out(non_ascii)
    if provider.taxonomy:
        w.seg("PRV", "BI", "PXC", provider.taxonomy)
    w.name("85", w.text(provider.name, "billing_provider.name"), "", "XX", provider.npi)
    _address(w, provider.address, "billing_provider.address", nine_digit_zip=True)
    w.seg("REF", "EI", provider.tax_id)
    return tuple(w.parts)


def _diagnosis(code: object) -> str:
    """HI's form of a diagnosis: the code without its dot (any spelling the code set reads)."""
    return icd10.validate(code).replace(".", "")  # type: ignore[arg-type]  # it names a wrong type


def _claim(w: _Out, claim: Claim, parties: Parties, hl: int) -> int:
    """One claim's loops from 2000A; returns the number of HL segments written."""
    w.hl(hl, None, "20", True)
    w.parts.extend(w.last.billing_provider(parties.billing_provider, w.non_ascii))
    levels = 1 + _subscriber(w, claim, parties, hl)
    charges = [_charge(line, index) for index, line in enumerate(claim.lines)]
    total = claim.total_charge
    if total is None:  # pragma: no cover - _charge above refused every line without a charge
        raise ValidationError("lines: X12 needs a charge on every line")
    claim_id = w.ident(claim.claim_id, "claim_id")
    codes = [_diagnosis(code) for code in claim.diagnoses]
    frequency = claim.frequency.code
    professional = claim.kind == ClaimKind.PROFESSIONAL
    if professional:
        place = _match(_PLACE, claim.place_of_service, "place_of_service", "2 digits")
        place = f"{place}:B:{frequency}"
        w.seg("CLM", claim_id, plain(total), "", "", place, "Y", "A", "Y", "Y")
        _claim_references(w, claim)
        w.seg("HI", f"ABK:{codes[0]}", *(f"ABF:{code}" for code in codes[1:]))
        _clinician(w, "82", parties, "rendering")
    else:
        bill = _match(_BILL, claim.type_of_bill, "type_of_bill", "a type of bill such as 0131")
        w.seg("CLM", claim_id, plain(total), "", "", f"{bill[1:3]}:A:{bill[3:]}", "", "A", "Y", "Y")
        day = _d8(claim.service_date)
        w.seg("DTP", "434", "RD8", f"{day}-{day}")
        w.seg("CL1", "", "", "01")
        _claim_references(w, claim)
        w.seg("HI", f"ABK:{codes[0]}")
        if codes[1:]:
            w.seg("HI", *(f"ABF:{code}" for code in codes[1:]))
        _clinician(w, "71", parties, "attending")
    _facility(w, parties)
    _other_payer(w, claim, parties)
    parts = w.parts
    last_pointers: object = None
    pointers = ""
    last_date: object = None
    date_text = ""
    for number, (line, charge) in enumerate(zip(claim.lines, charges, strict=True), start=1):
        index = number - 1  # where the line is, for the errors
        procedure, units = _procedure(line, index), _units(line, index)
        parts.append(f"LX*{number}~\n")
        if professional:
            if line.diagnosis_pointers != last_pointers:  # the lines of a claim mostly share them
                last_pointers = line.diagnosis_pointers
                pointers = _pointers(line, index, len(codes))
            parts.append(f"SV1*{procedure}*{charge}*UN*{units}***{pointers}~\n")
        else:
            field = f"lines[{index}].revenue_code"
            revenue = _match(_REVENUE, line.revenue_code, field, "4 digits")
            parts.append(f"SV2*{revenue}*{procedure}*{charge}*UN*{units}~\n")
        if line.service_date != last_date:  # the lines of a claim mostly share it
            last_date = line.service_date
            date_text = _d8(last_date)
        parts.append(f"DTP*472*D8*{date_text}~\n")
        if line.control_number:
            control = w.ident(line.control_number, f"lines[{index}].control_number")
            if len(control) > 50:
                raise InvalidFormat(
                    f"lines[{index}].control_number: REF02 holds at most 50 characters"
                )
            parts.append(f"REF*6R*{control}~\n")
        if line.ndc_note and professional:
            parts.append(f"NTE*ADD*{w.text(line.ndc_note, 'ndc_note')}~\n")
        if line.ndc is not None:
            parts.extend(_drug_identification(line, index))
        if claim.other_payer is not None:
            _line_adjudication(w, claim.other_payer, parties, line, procedure, f"lines[{index}]")
    return levels


def _pair(item: object) -> tuple[Claim, Parties]:
    if not (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], Claim)
        and isinstance(item[1], Parties)
    ):
        raise TypeError("claims: expected (Claim, Parties) pairs")
    return item[0], item[1]


def _header(
    w: _Out,
    submitter: Submitter,
    receiver: Receiver,
    control: int,
    created: datetime.datetime,
    settings: Envelope,
    version: str,
) -> tuple[str, str]:
    """ISA and GS; returns the checked sender and receiver ids."""
    sender_id = w.ident(submitter.id, "submitter.id")
    receiver_id = w.ident(receiver.id, "receiver.id")
    if len(sender_id) > 15 or len(receiver_id) > 15:
        raise InvalidFormat(
            "submitter.id / receiver.id: ISA06 and ISA08 hold at most 15 characters"
        )
    w.seg(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender_id.ljust(15),
        "ZZ",
        receiver_id.ljust(15),
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        "^",
        "00501",
        f"{control:09d}",
        "1" if settings.acknowledgment_requested else "0",
        settings.usage,
        ":",
    )
    w.seg(
        "GS",
        "HC",
        sender_id,
        receiver_id,
        created.strftime("%Y%m%d"),
        created.strftime("%H%M"),
        str(control),
        "X",
        version,
    )
    return sender_id, receiver_id


def _transaction_start(
    w: _Out,
    number: int,
    control: int,
    created: datetime.datetime,
    version: str,
    submitter: Submitter,
    receiver: Receiver,
    ids: tuple[str, str],
) -> None:
    w.seg("ST", "837", f"{number:04d}", version)
    w.seg(
        "BHT",
        "0019",
        "00",
        f"{control}{number:04d}",
        created.strftime("%Y%m%d"),
        created.strftime("%H%M"),
        "CH",
    )
    w.name("41", w.text(submitter.name, "submitter.name"), "", "46", ids[0])
    w.seg(
        "PER", "IC", w.text(submitter.contact_name, "submitter.contact_name"), "TE", submitter.phone
    )
    w.name("40", w.text(receiver.name, "receiver.name"), "", "46", ids[1])


def write_837(
    items: Iterable[tuple[Claim, Parties]],
    out: TextIO,
    envelope: Envelope | None = None,
    on_error: Callable[[int, ValidationError], None] | None = None,
) -> Summary:
    """Write claims with their parties as one X12 interchange to ``out``, streaming.

    All claims must be of one kind (professional: 837P; institutional: 837I) and share the submitter
    and receiver of the first. Every line needs a charge. Each claim is rendered whole before it is
    written, so a claim that cannot be written leaves nothing of itself in ``out``:

    * without ``on_error``, the first such claim raises its
      :class:`~benlysta_coding.errors.ValidationError` (naming the claim and field); the interchange is
      then unfinished, so write to a temporary file and keep it only on success;
    * with ``on_error``, the claim is left out, ``on_error(index, error)`` is told (``index`` counts the
      items from 0), and the file is finished with the other claims.

    Raises :class:`~benlysta_coding.errors.InvalidFormat` if no claim at all could be written (then
    nothing was written).

    >>> import datetime, io
    >>> from benlysta_coding import build_claim, encounter, examples, parties
    >>> enc = encounter.from_dict(examples.OFFICE_IV)
    >>> claim = build_claim(
    ...     enc, prices={"J0490": "12.50", "96365": "150"}, today=datetime.date(2026, 1, 1)
    ... )
    >>> write_837(
    ...     [(claim, parties.from_encounter(enc))] * 3,
    ...     io.StringIO(),
    ...     Envelope(control_number=8),
    ... )
    Summary(control_number=8, transactions=1, claims=3, segments=106)
    """
    writer = Interchange(out, envelope)
    for index, item in enumerate(items):
        claim, parties = _pair(item)
        try:
            writer.add(claim, parties)
        except ValidationError as error:
            error.claim_id = claim.claim_id
            if on_error is None:
                raise
            on_error(index, error)
    return writer.finish()


@attrs.frozen
class Rendered:
    """A claim rendered on its own (HL numbers from 1), ready for :meth:`Interchange.add_rendered`:
    made by :func:`render_claim`, for example in a worker process. The segments are one text, which
    goes from a worker process to the writer as one string rather than forty."""

    kind: ClaimKind
    submitter: Submitter
    receiver: Receiver
    text: str
    """The claim's segments, each ending ``~`` and a line break."""
    levels: int
    """The ``HL`` segments among them."""

    @property
    def parts(self) -> tuple[str, ...]:
        """The segments, one by one."""
        return tuple(segment + "~\n" for segment in self.text.split("~\n")[:-1])

    def __reduce__(self) -> tuple[type[Rendered], tuple[Any, ...]]:
        """Pickled as its fields, for a worker process: a third of the time of attrs' own
        state."""
        return Rendered, (self.kind, self.submitter, self.receiver, self.text, self.levels)


def render_claim(claim: Claim, parties: Parties, non_ascii: NonASCII | str = "reject") -> Rendered:
    r"""Check and render one claim's loops (2000A onward) with HL numbers from 1.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples, parties
    >>> enc = encounter.from_dict(examples.OFFICE_IV)
    >>> claim = build_claim(
    ...     enc, prices={"J0490": "12.50", "96365": "150"}, today=datetime.date(2026, 1, 1)
    ... )
    >>> rendered = render_claim(claim, parties.from_encounter(enc))
    >>> (rendered.levels, rendered.parts[0])
    (2, 'HL*1**20*1~\n')
    """
    return Renderer(non_ascii).render(claim, parties)


class Renderer:
    """Renders claims one by one as :func:`render_claim` does, for a worker that renders many: the
    billing provider's loop and the payer's ``NM1`` of the claim before are reused when the next
    claim has the same (one of each is kept).

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples, parties
    >>> enc = encounter.from_dict(examples.OFFICE_IV)
    >>> prices = {"J0490": "12.50", "96365": "150"}
    >>> claim = build_claim(enc, prices=prices, today=datetime.date(2026, 1, 1))
    >>> renderer = Renderer()
    >>> [renderer.render(claim, parties.from_encounter(enc)).levels for _ in range(2)]
    [2, 2]
    """

    def __init__(self, non_ascii: NonASCII | str = "reject") -> None:
        self.non_ascii = _non_ascii(non_ascii)
        self.last = _Last()

    def render(self, claim: Claim, parties: Parties) -> Rendered:
        """One claim, rendered with HL numbers from 1."""
        exportable(claim)
        w = _Out(self.non_ascii, self.last)
        levels = _claim(w, claim, parties, 1)
        text = "".join(w.parts)
        return Rendered(claim.kind, parties.submitter, parties.receiver, text, levels)


_FIRST_HL: Final = "HL*1**20*1~\n"
"""How a rendered claim starts: the billing provider's ``HL``, number 1, with children."""


def _shifted(text: str, offset: int, levels: int) -> str:
    """A rendered claim's ``text`` with its ``HL`` numbers moved by ``offset``. A claim is rendered
    from ``HL*1`` (the billing provider), then ``HL*2`` under it (the subscriber) and, with 3
    ``levels``, ``HL*3`` under that (the patient); each is found after the one before it, where
    the segments start (after ``~``), and a text laid out otherwise is refused."""
    if not text.startswith(_FIRST_HL) or not 2 <= levels <= 3:
        raise InvalidFormat("rendered.text: expected a claim as render_claim renders it")
    pieces = [f"HL*{1 + offset}**20*1~\n"]
    at = len(_FIRST_HL)
    for number in range(2, levels + 1):
        marker = f"~\nHL*{number}*{number - 1}*"
        found = text.find(marker, at - 2)
        if found < 0:
            raise InvalidFormat("rendered.text: expected a claim as render_claim renders it")
        pieces += [text[at : found + 2], f"HL*{number + offset}*{number - 1 + offset}*"]
        at = found + len(marker)
    pieces.append(text[at:])
    return "".join(pieces)


class Interchange:
    """One X12 interchange written to ``out`` claim by claim: :func:`write_837` uses it, and so can
    a caller that renders claims elsewhere (:func:`render_claim` in worker processes). A claim that
    cannot be added raises and leaves nothing of itself in ``out``; :meth:`finish` closes the file."""

    def __init__(self, out: TextIO, envelope: Envelope | None = None) -> None:
        self.out = out
        self.settings = envelope or Envelope()
        self.control = self.settings.control_number or secrets.randbelow(999_999_999) + 1
        self.created = self.settings.created or datetime.datetime.now()
        self.first: (
            tuple[ClaimKind, Submitter, Receiver, list[str], Callable[[int], list[str]]] | None
        ) = None
        self.transactions = self.claims = self.hl = self.in_transaction = 0
        self.in_segments = self.total = 0
        self.last = _Last()

    def add(self, claim: Claim, parties: Parties) -> None:
        """Check, render and write one claim."""
        if self.first is None:
            exportable(claim)
        kind = self._open(claim.kind, parties)
        _check(claim, kind)
        self._same_parties(parties)
        w = _Out(self.settings.non_ascii, self.last)
        levels = _claim(w, claim, parties, 1 if self._new_transaction() else self.hl + 1)
        self._write("".join(w.parts), len(w.parts), levels)

    def add_rendered(self, rendered: Rendered) -> None:
        """Write a claim rendered by :func:`render_claim` (with the same ``non_ascii`` setting)."""
        kind = self._open(rendered.kind, rendered)
        if rendered.kind != kind:
            raise InvalidFormat(f"the claim is {rendered.kind}; this file holds {kind} claims only")
        self._same_parties(rendered)
        offset = 0 if self._new_transaction() else self.hl
        text = rendered.text
        if type(text) is not str or not text.endswith("~\n"):
            raise InvalidFormat("rendered.text: expected the segments of a rendered claim")
        if offset:
            text = _shifted(text, offset, rendered.levels)
        self._write(text, text.count("~\n"), rendered.levels)

    def _open(self, kind: ClaimKind, parties: Parties | Rendered) -> ClaimKind:
        if self.first is None:  # the first claim that can be written sets the envelope
            self.first = _envelope(kind, parties, self.control, self.created, self.settings)
        return self.first[0]

    def _same_parties(self, parties: Parties | Rendered) -> None:
        assert self.first is not None
        _, submitter, receiver, _, _ = self.first
        if (parties.submitter, parties.receiver) != (submitter, receiver):
            raise InvalidFormat(
                "submitter / receiver: every claim of one file needs the same submitter and "
                "receiver as the first"
            )

    def _new_transaction(self) -> bool:
        return self.transactions == 0 or self.in_transaction == self.settings.claims_per_transaction

    def _emit(self, text: str, segments: int) -> None:
        self.out.write(text)
        self.in_segments += segments
        self.total += segments

    def _write(self, text: str, segments: int, levels: int) -> None:
        """Write one claim's ``segments`` (``text``) that hold ``levels`` HL segments."""
        assert self.first is not None
        if self.transactions == 0:
            header = self.first[3]
            self.out.write("".join(header))
            self.total += len(header)
        if self._new_transaction():
            if self.transactions:
                self._close_transaction()
            self.transactions += 1
            self.hl = self.in_transaction = self.in_segments = 0
            start = self.first[4](self.transactions)
            self._emit("".join(start), len(start))
        self._emit(text, segments)
        self.hl += levels
        self.in_transaction += 1
        self.claims += 1

    def _close_transaction(self) -> None:
        self._emit(f"SE*{self.in_segments + 1}*{self.transactions:04d}~\n", 1)

    def finish(self) -> Summary:
        """Close the last transaction and the interchange; what was written."""
        if self.claims == 0:
            raise InvalidFormat(
                "claims: an interchange needs at least one claim that can be written"
            )
        self._close_transaction()
        self.out.write(f"GE*{self.transactions}*{self.control}~\nIEA*1*{self.control:09d}~\n")
        return Summary(self.control, self.transactions, self.claims, self.total + 2)


def _envelope(
    kind: ClaimKind,
    parties: Parties | Rendered,
    control: int,
    created: datetime.datetime,
    settings: Envelope,
) -> tuple[ClaimKind, Submitter, Receiver, list[str], Callable[[int], list[str]]]:
    """The interchange header and a maker of transaction headers, each checked and rendered once."""
    version = IMPLEMENTATION[kind]
    submitter, receiver = parties.submitter, parties.receiver
    header = _Out(settings.non_ascii)
    ids = _header(header, submitter, receiver, control, created, settings, version)
    start = _Out(settings.non_ascii)
    _transaction_start(start, 0, control, created, version, submitter, receiver, ids)
    st, bht, *rest = start.parts

    def transaction_start(number: int) -> list[str]:
        return [
            st.replace("*0000*", f"*{number:04d}*", 1),
            bht.replace(f"*{control}0000*", f"*{control}{number:04d}*", 1),
            *rest,
        ]

    return kind, submitter, receiver, header.parts, transaction_start


def render_837(claim: Claim, parties: Parties, envelope: Envelope | None = None) -> str:
    """Return the interchange for one claim as text.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples, parties
    >>> enc = encounter.from_dict(examples.OFFICE_IV)
    >>> claim = build_claim(
    ...     enc, prices={"J0490": "12.50", "96365": "150"}, today=datetime.date(2026, 1, 1)
    ... )
    >>> text = render_837(
    ...     claim,
    ...     parties.from_encounter(enc),
    ...     Envelope(control_number=7, created=datetime.datetime(2026, 1, 2, 8, 0)),
    ... )
    >>> text.splitlines()[-1]
    'IEA*1*000000007~'
    """
    buffer = io.StringIO()
    write_837([(claim, parties)], buffer, envelope)
    return buffer.getvalue()
