"""The parties of a claim: patient, subscriber, providers, payer, submitter and receiver.

Both the encounter loader (:mod:`benlysta_coding.encounter`) and the exports import these classes; the
exports never import the loader. Every field converts what it is given once (an attrs converter) and
refuses what it cannot convert; built in Python, a value with several bad fields reports them all at
once (:class:`~benlysta_coding.errors.InvalidInput`).

Identity fields of people (names, member ids, birth dates, addresses) never appear in ``repr()``,
``str()`` or an error message.

Lengths follow what the X12 837 elements hold, so that a value accepted here can always be written:
first names 35 characters, last and organisation names 60, address lines 55, cities 30.

>>> address = Address(
...     line1="1 Main St", city="Springfield", state="IL", zip="627010001"
... )
>>> Subscriber(relationship="child", first_name="Ann", last_name="Doe", member_id="X1")
Subscriber(relationship=<Relationship.CHILD: 'child'>)
>>> Clinician(first_name="Ann", last_name="Lee", npi="1234567890")
Traceback (most recent call last):
    ...
benlysta_coding.errors.InvalidInput: 1 problem in the input:
$.clinician.npi: expected 10 digits with a valid NPI check digit [invalid-value]
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from benlysta_coding._structure import (
    DATE_FRAGMENT,
    DATE_PARTS,
    collecting,
    decimal_fragment,
    described,
    fragment_of,
    meta,
    nested,
)
from benlysta_coding._util import to_date, to_decimal
from benlysta_coding.errors import InvalidInput, Problem, ValidationError

__all__ = [
    "MEDICARE_SECONDARY_TYPES",
    "Address",
    "Clinician",
    "Insurance",
    "Parties",
    "Patient",
    "Provider",
    "Receiver",
    "Relationship",
    "SecondaryInsurance",
    "ServiceFacility",
    "Submitter",
    "Subscriber",
    "for_secondary",
    "from_encounter",
    "npi_is_valid",
]

MEDICARE_SECONDARY_TYPES: Final = ("12", "13", "14", "15", "16", "41", "42", "43", "47")
"""The X12 SBR05 insurance type codes of Medicare as the secondary payer (12 working aged, 43
disabled ...): :attr:`SecondaryInsurance.insurance_type` takes one of them."""

EARLIEST_BIRTH_DATE: Final = datetime.date(1900, 1, 1)
"""Birth dates before 1900 are refused: the X12 date format (CCYYMMDD) holds them, but no payer takes
them and they are almost always a typing mistake."""


def npi_is_valid(npi: object) -> bool:
    """Return whether ``npi`` is 10 digits with a valid check digit (Luhn with the prefix 80840).

    >>> npi_is_valid("1234567893"), npi_is_valid("1234567890")
    (True, False)
    """
    if not isinstance(npi, str) or len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    # Luhn over "80840" + the NPI: from the right, every second digit is doubled (24 is the sum the
    # prefix contributes); the digits at odd positions of the NPI, counted from the left, double.
    total = 24 + sum(_DOUBLED[int(d)] for d in npi[0:9:2]) + sum(int(d) for d in npi[1:10:2])
    return total % 10 == 0


_DOUBLED: Final = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def text(low: int, high: int) -> Callable[[Any], str]:
    """A converter for free text (names, address lines): printable ASCII-or-Unicode, no control
    characters, ``low`` to ``high`` characters after trimming the ends."""
    pattern = re.compile(rf"[^\x00-\x1f\x7f]{{{low},{high}}}")

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("expected a string")
        stripped = value.strip()
        if stripped.isascii() and stripped.isprintable():  # the pattern, for ASCII text
            if low <= len(stripped) <= high:
                return stripped
        elif pattern.fullmatch(stripped):
            return stripped
        raise ValidationError(f"expected {low} to {high} printable characters")

    # the loader trims the ends first: the schema asks for the characters between
    return described(
        convert,
        {
            "type": "string",
            "pattern": rf"^\s*[^\x00-\x1f\x7f]{{{low},{high}}}\s*$",
        },
    )


def pattern(regex: str, what: str) -> Callable[[Any], str]:
    """A converter for a code or identifier that must match ``regex`` (ASCII) whole."""
    compiled = re.compile(regex, re.ASCII)

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("expected a string")
        if not compiled.fullmatch(value):
            raise ValidationError(f"expected {what}")
        return value

    return described(convert, {"type": "string", "pattern": f"^(?:{regex})$"})


def choice(kind: type[enum.StrEnum]) -> Callable[[Any], Any]:
    """A converter to a member of ``kind`` from the member or its value."""
    accepted = ", ".join(repr(m.value) for m in kind)
    members = {m.value: m for m in kind}

    def convert(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        if not isinstance(value, str):
            raise TypeError(f"expected a string, one of {accepted}")
        member = members.get(value)
        if member is None:
            raise ValidationError(f"expected one of {accepted}")
        return member

    return described(convert, {"type": "string", "enum": list(members)})


def optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap a converter so that the field's empty default (``None`` or ``""``) passes through."""

    def convert_optional(value: Any) -> Any:
        return value if value is None or value == "" else convert(value)

    convert_optional.inner = convert  # type: ignore[attr-defined]  # the reader skips empties itself
    empty = {"enum": [None, ""]}
    return described(convert_optional, {"anyOf": [fragment_of(convert), empty]})


def npi(value: Any) -> str:
    """Converter: a 10-digit NPI with a valid check digit."""
    if not isinstance(value, str):
        raise TypeError("expected a string of 10 digits")
    if not npi_is_valid(value):
        raise ValidationError("expected 10 digits with a valid NPI check digit")
    return value


def birth_date(value: Any) -> datetime.date:
    """Converter: an ISO date from 1900-01-01 on (later bounds need the date of service)."""
    day = to_date(value, "birth_date")
    if day < EARLIEST_BIRTH_DATE:
        raise ValidationError("expected a birth date from 1900-01-01 on")
    return day


def sex(value: Any) -> str:
    """Converter: ``F``, ``M`` or ``U`` (unknown)."""
    if value not in ("F", "M", "U"):
        raise ValidationError("expected 'F', 'M' or 'U'")
    return str(value)


def positive_decimal(limit: Decimal, field: str) -> Callable[[Any], Decimal]:
    """A converter to a Decimal greater than 0 and at most ``limit`` (a whole number)."""

    def convert(value: Any) -> Decimal:
        number = to_decimal(value, field)
        if not 0 < number <= limit:
            raise ValidationError(f"expected a number greater than 0 and at most {limit}")
        return number

    return described(convert, decimal_fragment(int(limit)))


described(npi, {"type": "string", "pattern": "^[0-9]{10}$"})
# from 1900: the year's first two digits are 19 or more
described(birth_date, {**DATE_FRAGMENT, "pattern": "^(?:19|[2-9][0-9])[0-9]{2}-" + DATE_PARTS})
described(sex, {"enum": ["F", "M", "U"]})

# The converters of fields that several classes share. Each converter is made by a small factory
# (text(1, 35), pattern(...)) and carries its JSON Schema fragment; the type checker's attrs plugin
# reads only named functions as converters, so each is declared to it as one.
if TYPE_CHECKING:

    def member_id(value: object, /) -> str: ...
    def first_name(value: object, /) -> str: ...
    def last_name(value: object, /) -> str: ...
    def organisation(value: object, /) -> str: ...
    def _edi_id(value: object, /) -> str: ...
    def _payer_id(value: object, /) -> str: ...

else:
    member_id = pattern(r"[A-Za-z0-9-]{2,80}", "2 to 80 letters, digits or '-' (X12 NM109)")
    first_name = text(1, 35)
    last_name = text(1, 60)
    organisation = text(1, 60)
    _edi_id = pattern(r"[A-Za-z0-9]{2,15}", "2 to 15 letters or digits")
    _payer_id = pattern("[A-Za-z0-9]{2,80}", "2 to 80 letters or digits")


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _address_line1(value: object, /) -> str: ...
    def _address_city(value: object, /) -> str: ...
    def _address_state(value: object, /) -> str: ...
    def _address_zip(value: object, /) -> str: ...
    def _address_line2(value: object, /) -> str: ...

else:
    _address_line1 = text(1, 55)
    _address_city = text(2, 30)
    _address_state = pattern("[A-Z]{2}", "2 capital letters")
    _address_zip = pattern("[0-9]{5}(?:[0-9]{4})?", "5 or 9 digits")
    _address_line2 = optional(text(1, 55))


@collecting("$.address")
@attrs.frozen(kw_only=True)
class Address:
    """A US postal address: state as 2 letters, ZIP as 5 or 9 digits. Never shown in ``repr()``."""

    line1: str = attrs.field(
        converter=_address_line1, repr=False, metadata=meta("street line", "12 ELM ST")
    )
    city: str = attrs.field(
        converter=_address_city, repr=False, metadata=meta("city", "SPRINGFIELD")
    )
    state: str = attrs.field(
        converter=_address_state,
        repr=False,
        metadata=meta("state, 2 capital letters", "IL"),
    )
    zip: str = attrs.field(
        converter=_address_zip,
        repr=False,
        metadata=meta("ZIP code, 5 or 9 digits (9 for a billing provider)", "627010001"),
    )
    line2: str = attrs.field(
        default="",
        converter=_address_line2,
        repr=False,
        metadata=meta("second street line", ""),
    )


if TYPE_CHECKING:

    def _address(value: object, /) -> Address: ...

else:
    _address = nested(Address)


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _patient_weight_kg(value: object, /) -> Decimal | None: ...
    def _patient_first_name(value: object, /) -> str: ...
    def _patient_last_name(value: object, /) -> str: ...
    def _patient_member_id(value: object, /) -> str: ...
    def _patient_address(value: object, /) -> Address | None: ...

else:
    _patient_weight_kg = optional(positive_decimal(Decimal(1000), "weight_kg"))
    _patient_first_name = optional(first_name)
    _patient_last_name = optional(last_name)
    _patient_member_id = optional(member_id)
    _patient_address = optional(_address)


@collecting("$.patient")
@attrs.frozen(kw_only=True)
class Patient:
    """The patient. No field appears in ``repr()``: they are patient data."""

    birth_date: datetime.date = attrs.field(
        converter=birth_date, repr=False, metadata=meta("YYYY-MM-DD", "1978-06-14")
    )
    weight_kg: Decimal | None = attrs.field(
        default=None,
        converter=_patient_weight_kg,
        repr=False,
        metadata=meta("weight on the date of service, kg", "68.3", "number or string"),
    )
    sex: str = attrs.field(default="U", converter=sex, repr=False, metadata=meta("F, M or U", "F"))
    first_name: str = attrs.field(
        default="",
        converter=_patient_first_name,
        repr=False,
        metadata=meta("up to 35 characters", "JANE"),
    )
    last_name: str = attrs.field(
        default="",
        converter=_patient_last_name,
        repr=False,
        metadata=meta("up to 60 characters", "SAMPLE"),
    )
    member_id: str = attrs.field(
        default="",
        converter=_patient_member_id,
        repr=False,
        metadata=meta("the payer's member id (optional when a subscriber is given)", "1EG4TE5MK73"),
    )
    address: Address | None = attrs.field(
        default=None,
        converter=_patient_address,
        repr=False,
        metadata=meta("the patient's address", json="object", kind=Address),
    )


class Relationship(enum.StrEnum):
    """The patient's relationship to the subscriber, with its X12 code (``PAT01``)."""

    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"

    @property
    def x12(self) -> str:
        """The individual relationship code: ``01`` spouse, ``19`` child, ``G8`` other."""
        return {"spouse": "01", "child": "19", "other": "G8"}[self.value]


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _subscriber_relationship(value: object, /) -> Relationship: ...
    def _subscriber_birth_date(value: object, /) -> datetime.date | None: ...

else:
    _subscriber_relationship = choice(Relationship)
    _subscriber_birth_date = optional(birth_date)


@collecting("$.subscriber")
@attrs.frozen(kw_only=True)
class Subscriber:
    """The insured person when the patient is someone else (a child on a parent's plan).

    Only the relationship shows in ``repr()``; every identity field is hidden.
    """

    relationship: Relationship = attrs.field(
        converter=_subscriber_relationship,
        metadata=meta("the patient's relationship to the subscriber", "child"),
    )
    first_name: str = attrs.field(
        converter=first_name, repr=False, metadata=meta("up to 35 characters", "JOHN")
    )
    last_name: str = attrs.field(
        converter=last_name, repr=False, metadata=meta("up to 60 characters", "SAMPLE")
    )
    member_id: str = attrs.field(
        converter=member_id, repr=False, metadata=meta("the subscriber's member id", "XYZ123456")
    )
    birth_date: datetime.date | None = attrs.field(
        default=None,
        converter=_subscriber_birth_date,
        repr=False,
        metadata=meta("YYYY-MM-DD", "1975-02-01"),
    )
    sex: str = attrs.field(default="U", converter=sex, repr=False, metadata=meta("F, M or U", "M"))
    address: Address | None = attrs.field(
        default=None,
        converter=_patient_address,
        repr=False,
        metadata=meta("the subscriber's address", json="object", kind=Address),
    )


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _provider_tax_id(value: object, /) -> str: ...
    def _provider_taxonomy(value: object, /) -> str: ...

else:
    _provider_tax_id = pattern("[0-9]{9}", "9 digits (EIN)")
    _provider_taxonomy = optional(pattern("[0-9A-Z]{9}X", "a 10-character taxonomy code"))


@collecting("$.billing_provider", shared=True)
@attrs.frozen(kw_only=True)
class Provider:
    """The billing provider: organisation name, NPI (check digit verified), tax id (EIN)."""

    name: str = attrs.field(
        converter=organisation, metadata=meta("organisation name", "PRAIRIE RHEUMATOLOGY")
    )
    npi: str = attrs.field(converter=npi, metadata=meta("10-digit NPI", "1234567893"))
    tax_id: str = attrs.field(
        converter=_provider_tax_id, metadata=meta("EIN, 9 digits", "371234567")
    )
    address: Address = attrs.field(
        converter=_address, metadata=meta("9-digit ZIP for X12", json="object", kind=Address)
    )
    taxonomy: str = attrs.field(
        default="",
        converter=_provider_taxonomy,
        metadata=meta("provider taxonomy code", "207RR0500X"),
    )


@collecting("$.clinician", shared=True)
@attrs.frozen(kw_only=True)
class Clinician:
    """A physician by name and NPI: the attending (837I) or rendering (837P) provider."""

    first_name: str = attrs.field(converter=first_name, metadata=meta("up to 35 characters", "ANN"))
    last_name: str = attrs.field(converter=last_name, metadata=meta("up to 60 characters", "LEE"))
    npi: str = attrs.field(converter=npi, metadata=meta("10-digit NPI", "1245319599"))


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _service_facility_npi(value: object, /) -> str: ...

else:
    _service_facility_npi = optional(npi)


@collecting("$.service_facility", shared=True)
@attrs.frozen(kw_only=True)
class ServiceFacility:
    """Where the service was given, when that is not the billing provider's address."""

    name: str = attrs.field(converter=organisation, metadata=meta("facility name", "EAST CLINIC"))
    address: Address = attrs.field(
        converter=_address, metadata=meta("facility address", json="object", kind=Address)
    )
    npi: str = attrs.field(
        default="", converter=_service_facility_npi, metadata=meta("10-digit NPI", "1245319599")
    )


@collecting("$.insurance", shared=True)
@attrs.frozen(kw_only=True)
class Insurance:
    """The payer as a party: its name and payer id (as the clearinghouse knows it)."""

    payer_name: str = attrs.field(converter=organisation, metadata=meta("payer name", "MEDICARE"))
    payer_id: str = attrs.field(
        converter=_payer_id,
        metadata=meta("payer id", "12345"),
    )


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _secondary_insurance_policy(value: object, /) -> str: ...
    def _secondary_insurance_insurance_type(value: object, /) -> str: ...

else:
    _secondary_insurance_policy = pattern(
        "[a-z0-9_]{1,40}", "a payer policy name such as 'commercial'"
    )
    _secondary_insurance_insurance_type = optional(
        pattern("|".join(MEDICARE_SECONDARY_TYPES), "an X12 SBR05 Medicare secondary payer type")
    )


@collecting("$.secondary_insurance", shared=True)
@attrs.frozen(kw_only=True)
class SecondaryInsurance:
    """The secondary payer: billed after the primary's remittance, with the primary's adjudication.

    ``policy`` names a payer policy (``commercial``, ``medicare_part_b`` or one you add);
    ``insurance_type`` is X12 SBR05, required by Medicare when it is the secondary payer (the
    Medicare secondary payer type, such as ``12`` working aged or ``43`` disabled): which applies is
    the biller's knowledge.
    """

    payer_name: str = attrs.field(
        converter=organisation, metadata=meta("payer name", "ACME HEALTH")
    )
    payer_id: str = attrs.field(
        converter=_payer_id,
        metadata=meta("payer id", "60054"),
    )
    member_id: str = attrs.field(
        converter=member_id, repr=False, metadata=meta("member id with this payer", "ZX99")
    )
    policy: str = attrs.field(
        converter=_secondary_insurance_policy,
        metadata=meta("payer policy name", "commercial"),
    )
    insurance_type: str = attrs.field(
        default="",
        converter=_secondary_insurance_insurance_type,
        metadata=meta("SBR05 when Medicare is the secondary payer", "12"),
    )


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _submitter_contact_name(value: object, /) -> str: ...
    def _submitter_phone(value: object, /) -> str: ...

else:
    _submitter_contact_name = text(1, 60)
    _submitter_phone = pattern("[0-9]{10}", "10 digits")


@collecting("$.submitter", shared=True)
@attrs.frozen(kw_only=True)
class Submitter:
    """Who sends the X12 file (the EDI submitter, often the practice or its billing service)."""

    name: str = attrs.field(converter=organisation, metadata=meta("submitter name", "PRAIRIE"))
    id: str = attrs.field(converter=_edi_id, metadata=meta("EDI id, 2-15 characters", "PRAIRIE01"))
    contact_name: str = attrs.field(
        converter=_submitter_contact_name, metadata=meta("contact", "BILLING")
    )
    phone: str = attrs.field(converter=_submitter_phone, metadata=meta("10 digits", "2175550100"))


@collecting("$.receiver", shared=True)
@attrs.frozen(kw_only=True)
class Receiver:
    """Who receives the X12 file (the clearinghouse or payer)."""

    name: str = attrs.field(converter=organisation, metadata=meta("receiver name", "CLEARINGHOUSE"))
    id: str = attrs.field(converter=_edi_id, metadata=meta("EDI id, 2-15 characters", "CLEARING1"))


@attrs.frozen(kw_only=True)
class Parties:
    """Everyone an export names: submitter, receiver, billing provider, patient, payer, and where
    given the subscriber (when the patient is not the insured), the attending and rendering
    physicians and the service facility."""

    submitter: Submitter
    receiver: Receiver
    billing_provider: Provider
    patient: Patient
    insurance: Insurance
    attending: Clinician | None = None
    """The attending physician: 837I loop 2310A."""
    subscriber: Subscriber | None = None
    """The subscriber when the patient is not the insured: 837 loops 2000B/2000C."""
    rendering: Clinician | None = None
    """The rendering physician when not the billing provider: 837P loop 2310B."""
    service_facility: ServiceFacility | None = None
    """837P loop 2310C, 837I loop 2310E."""
    other_insurance: Insurance | None = None
    """On a claim to the secondary payer: the primary payer (837 loop 2330B)."""
    other_member_id: str = attrs.field(default="", repr=False)
    """On a claim to the secondary payer: the member id with the primary payer (loop 2330A)."""
    insurance_type: str = ""
    """SBR05 of loop 2000B (Medicare as secondary payer)."""


_REQUIRED: Final = (
    ("submitter", "the X12 submitter: name, id, contact_name, phone"),
    ("receiver", "the X12 receiver: name, id"),
    ("billing_provider", "name, npi, tax_id, address"),
    ("insurance", "payer_name, payer_id"),
)


def from_encounter(encounter: Any) -> Parties:
    """Return the parties of an encounter, or raise listing every missing one with its path.

    ``encounter`` is a :class:`benlysta_coding.encounter.Encounter` (any object with its party
    attributes: this module does not import the loader).

    >>> from benlysta_coding import encounter, examples
    >>> from_encounter(encounter.from_dict(examples.OFFICE_IV)).insurance.payer_id
    '00952'
    """
    try:
        patient: Patient = encounter.patient
        submitter, receiver = encounter.submitter, encounter.receiver
        billing_provider, insurance = encounter.billing_provider, encounter.insurance
    except AttributeError:
        raise TypeError("encounter: expected a benlysta_coding.encounter.Encounter") from None
    subscriber: Subscriber | None = getattr(encounter, "subscriber", None)
    problems = _missing(encounter, patient, subscriber)
    if problems:
        raise InvalidInput(problems)
    return Parties(
        submitter=submitter,
        receiver=receiver,
        billing_provider=billing_provider,
        patient=patient,
        insurance=insurance,
        attending=encounter.attending,
        subscriber=subscriber,
        rendering=getattr(encounter, "rendering", None),
        service_facility=getattr(encounter, "service_facility", None),
    )


def _missing(encounter: Any, patient: Patient, subscriber: Subscriber | None) -> list[Problem]:
    """Every party, and every detail of the patient, that an export needs and the encounter lacks."""
    problems = []
    for name, what in _REQUIRED:
        if getattr(encounter, name) is None:
            problems.append(Problem(f"$.{name}", "missing", f"required for this export ({what})"))
    for name in _PATIENT_NEEDS if subscriber else _PATIENT_NEEDS_INSURED:
        if not getattr(patient, name):
            problems.append(Problem(f"$.patient.{name}", "missing", "required for this export"))
    return problems


_PATIENT_NEEDS: Final = ("first_name", "last_name", "address")
"""What an export needs of a patient who is a dependant (the subscriber holds the member id)."""
_PATIENT_NEEDS_INSURED: Final = (*_PATIENT_NEEDS, "member_id")
"""What it needs of a patient who is the insured."""


def for_secondary(encounter: Any) -> Parties:
    """The parties of the claim to the encounter's ``secondary_insurance``: the secondary payer is
    the payer, the member id with it goes in loop 2010BA, and the primary payer and its member id in
    loops 2330A and 2330B.

    >>> from benlysta_coding import encounter, examples
    >>> secondary = {
    ...     "payer_name": "ACME",
    ...     "payer_id": "60054",
    ...     "member_id": "A1",
    ...     "policy": "commercial",
    ... }
    >>> who = for_secondary(
    ...     encounter.from_dict(examples.OFFICE_IV | {"secondary_insurance": secondary})
    ... )
    >>> (who.insurance.payer_id, who.other_insurance.payer_id)
    ('60054', '00952')
    """
    secondary: SecondaryInsurance | None = getattr(encounter, "secondary_insurance", None)
    if secondary is None:
        raise InvalidInput(
            [Problem("$.secondary_insurance", "missing", "required for a secondary claim")]
        )
    primary = from_encounter(encounter)
    patient, subscriber = primary.patient, primary.subscriber
    if subscriber is not None:
        other_member = subscriber.member_id
        subscriber = attrs.evolve(subscriber, member_id=secondary.member_id)
    else:
        other_member = patient.member_id
        patient = attrs.evolve(patient, member_id=secondary.member_id)
    return attrs.evolve(
        primary,
        insurance=Insurance(payer_name=secondary.payer_name, payer_id=secondary.payer_id),
        patient=patient,
        subscriber=subscriber,
        other_insurance=primary.insurance,
        other_member_id=other_member,
        insurance_type=secondary.insurance_type,
    )
