"""The input model: one Benlysta administration, typed, and loaded from JSON with every problem at once.

An :class:`Encounter` says what was given, where, to whom, under which payer policy. The claim builder
(:func:`benlysta_coding.build_claim`) turns it into service lines. The party data (patient identity,
billing provider, payer) travels in the encounter for the exports, but never appears in ``repr()``,
``str()`` or an error message.

The JSON form (keys in ``snake_case``; decimals as strings or numbers, read without loss)::

    {
      "claim_id": "PCN-2025-0001",
      "service_date": "2025-03-03",
      "route": "iv",
      "indication": "sle",
      "setting": "office",
      "payer": "medicare_part_b",
      "infusion_minutes": 60,
      "dose_mg": "634",
      "diagnoses": ["M32.10"],
      "prior_authorization": "PA123456",
      "patient": {"birth_date": "1980-05-17", "weight_kg": "63.4", "sex": "F",
                  "first_name": "JANE", "last_name": "DOE", "member_id": "1EG4TE5MK73",
                  "address": {"line1": "1 MAIN ST", "city": "SPRINGFIELD", "state": "IL",
                              "zip": "627010001"}},
      "billing_provider": {"name": "LUPUS CARE CLINIC", "npi": "1234567893",
                           "tax_id": "123456789",
                           "address": {"line1": "2 CLINIC RD", "city": "SPRINGFIELD",
                                       "state": "IL", "zip": "627020002"}},
      "insurance": {"payer_name": "MEDICARE", "payer_id": "12345"}
    }

Optional keys not shown: ``ndc`` (the SC product given), ``drug_modifiers`` (``["JG"]`` or
``["TB"]`` for a 340B-acquired drug), ``submitter`` and ``receiver`` (for X12), ``attending``
(``first_name``, ``last_name``, ``npi``: the attending physician of an institutional claim).

``settings``: ``office`` (professional claim, place of service 11), ``hospital_outpatient``
(institutional claim, type of bill 013x) and ``critical_access_hospital`` (institutional, 085x).

>>> encounter = from_json('''{"service_date": "2025-03-03", "route": "iv", "indication": "sle",
...   "setting": "office", "payer": "medicare_part_b", "infusion_minutes": 60,
...   "diagnoses": ["M3210"], "patient": {"birth_date": "1980-05-17", "weight_kg": 63.4}}''')
>>> encounter.patient.weight_kg, encounter.diagnoses
(Decimal('63.4'), ('M32.10',))
>>> from_json('{"route": "im", "patient": {"weight_kg": "heavy"}}')
Traceback (most recent call last):
    ...
benlysta_coding.errors.InvalidInput: 8 problems in the input:
$.route: expected one of 'iv', 'sc' [invalid-value]
$.patient.weight_kg: weight_kg: expected a decimal number written with ASCII digits, such as '63.4' [invalid-value]
$.patient.birth_date: required [missing]
$.service_date: required [missing]
$.indication: required [missing]
$.setting: required [missing]
$.payer: required [missing]
$.diagnoses: required [missing]
"""

from __future__ import annotations

import datetime
import enum
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from benlysta_coding import icd10, ndc, policy
from benlysta_coding._util import to_date, to_decimal
from benlysta_coding.dosing import Indication
from benlysta_coding.errors import InvalidInput, Problem, ValidationError
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.products import Route

__all__ = [
    "Address",
    "Clinician",
    "Encounter",
    "Insurance",
    "Patient",
    "Provider",
    "Receiver",
    "Setting",
    "Submitter",
    "from_dict",
    "from_json",
    "npi_is_valid",
]


class Setting(enum.StrEnum):
    """Where the drug was given; decides the claim type."""

    OFFICE = "office"
    HOSPITAL_OUTPATIENT = "hospital_outpatient"
    CRITICAL_ACCESS_HOSPITAL = "critical_access_hospital"

    @property
    def institutional(self) -> bool:
        """Whether the facility bills on an institutional claim (UB-04 / 837I)."""
        return self is not Setting.OFFICE


@attrs.frozen(kw_only=True)
class Address:
    """A US postal address: state as 2 letters, ZIP as 5 or 9 digits."""

    line1: str
    city: str
    state: str
    zip: str
    line2: str = ""

    def __attrs_post_init__(self) -> None:
        _validate(self, "address", _ADDRESS_FIELDS)


@attrs.frozen(kw_only=True)
class Patient:
    """The patient. No field appears in ``repr()``: they are patient data."""

    birth_date: datetime.date = attrs.field(repr=False)
    weight_kg: Decimal | None = attrs.field(default=None, repr=False)
    sex: str = attrs.field(default="U", repr=False)
    first_name: str = attrs.field(default="", repr=False)
    last_name: str = attrs.field(default="", repr=False)
    member_id: str = attrs.field(default="", repr=False)
    address: Address | None = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.patient", _PATIENT_FIELDS)


@attrs.frozen(kw_only=True)
class Provider:
    """The billing provider: organisation name, NPI (check digit verified), tax id (EIN)."""

    name: str
    npi: str
    tax_id: str
    address: Address
    taxonomy: str = ""

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.billing_provider", _PROVIDER_FIELDS)


@attrs.frozen(kw_only=True)
class Clinician:
    """A physician by name and NPI: the attending physician of an institutional claim."""

    first_name: str
    last_name: str
    npi: str

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.attending", _CLINICIAN_FIELDS)


@attrs.frozen(kw_only=True)
class Insurance:
    """The payer as a party: its name and payer id (as the clearinghouse knows it)."""

    payer_name: str
    payer_id: str

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.insurance", _INSURANCE_FIELDS)


@attrs.frozen(kw_only=True)
class Submitter:
    """Who sends the X12 file (the EDI submitter, often the practice or its billing service)."""

    name: str
    id: str
    contact_name: str
    phone: str

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.submitter", _SUBMITTER_FIELDS)


@attrs.frozen(kw_only=True)
class Receiver:
    """Who receives the X12 file (the clearinghouse or payer)."""

    name: str
    id: str

    def __attrs_post_init__(self) -> None:
        _validate(self, "$.receiver", _RECEIVER_FIELDS)


@attrs.frozen(kw_only=True)
class Encounter:
    """One Benlysta administration, ready for :func:`benlysta_coding.build_claim`."""

    service_date: datetime.date
    route: Route
    indication: Indication
    setting: Setting
    payer: PayerPolicy
    diagnoses: tuple[str, ...]
    patient: Patient
    infusion_minutes: int | None = None
    dose_mg: Decimal | None = None
    ndc: str | None = None
    """The SC product given (any NDC spelling); IV vials are chosen by the vial plan."""
    claim_id: str = ""
    prior_authorization: str | None = None
    billing_provider: Provider | None = None
    insurance: Insurance | None = None
    submitter: Submitter | None = None
    receiver: Receiver | None = None
    attending: Clinician | None = None
    """The attending physician (837I loop 2310A), for institutional claims."""
    drug_modifiers: tuple[str, ...] = ()
    """340B modifiers for the drug lines: ``JG`` or ``TB`` (see :mod:`benlysta_coding.modifiers`)."""

    def __attrs_post_init__(self) -> None:
        _validate(self, "$", _ENCOUNTER_FIELDS)


def npi_is_valid(npi: object) -> bool:
    """Return whether ``npi`` is 10 digits with a valid check digit (Luhn with the prefix 80840).

    >>> npi_is_valid("1234567893"), npi_is_valid("1234567890")
    (True, False)
    """
    if not isinstance(npi, str) or not re.fullmatch(r"[0-9]{10}", npi, re.ASCII):
        return False
    total = 0
    for index, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


T = TypeVar("T")
Convert = Callable[[Any, str], Any]
Fields = tuple[tuple[str, Convert, bool], ...]
"""A spec: (field name, converter, optional) for each field, in the order problems are reported."""

_TEXT = re.compile(r"[^\x00-\x1f\x7f]{1,60}")
_STATE = re.compile(r"[A-Z]{2}", re.ASCII)
_ZIP = re.compile(r"[0-9]{5}(?:[0-9]{4})?", re.ASCII)
_CLAIM_ID = re.compile(r"[A-Za-z0-9-]{1,20}", re.ASCII)
_AUTH = re.compile(r"[A-Za-z0-9-]{1,50}", re.ASCII)


class _Reader:
    """Reads JSON-like values into typed ones, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def mapping(self, value: object, path: str, keys: set[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(path, "invalid-type", "expected an object")
            return None
        for key in value:
            if key not in keys:
                shown = (
                    key if isinstance(key, str) and key.isidentifier() and len(key) < 40 else "?"
                )
                self.fail(
                    f"{path}.{shown}",
                    "unknown-key",
                    f"unknown key; accepted keys: {', '.join(sorted(keys))}",
                )
        return value

    def value(self, value: Any, where: str, convert: Callable[[Any, str], T]) -> T | None:
        try:
            return convert(value, where)
        except InvalidInput as error:  # a nested object: its problems carry their own paths
            self.problems.extend(error.problems)
        except TypeError as error:
            self.fail(where, "invalid-type", _message(error, value))
        except ValidationError as error:
            self.fail(where, "invalid-value", str(error))
        return None

    def fields(self, get: Callable[[str], Any], path: str, fields: Fields) -> dict[str, Any]:
        """Convert each field; a missing required one is a problem, a missing optional one is left
        out (so the class default applies)."""
        values = {}
        for name, convert, optional in fields:
            value = get(name)
            where = f"{path}.{name}"
            if value is None or (optional and value == ""):
                if not optional:
                    self.fail(where, "missing", "required")
                continue
            converted = self.value(value, where, convert)
            if converted is not None:
                values[name] = converted
        return values


def _message(error: TypeError, value: object) -> str:
    if isinstance(value, float):
        return (
            "a JSON number was read as a binary float; parse JSON with "
            "parse_float=decimal.Decimal (from_json does) or give the number as a string"
        )
    return str(error)


def _choice(kind: type[enum.StrEnum]) -> Convert:
    def convert(value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected a string, one of {', '.join(repr(m.value) for m in kind)}")
        try:
            return kind(value)
        except ValueError:
            raise ValidationError(
                f"expected one of {', '.join(repr(m.value) for m in kind)}"
            ) from None

    return convert


def _text(pattern: re.Pattern[str], what: str) -> Callable[[Any, str], str]:
    def convert(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise TypeError("expected a string")
        if not pattern.fullmatch(value):
            raise ValidationError(f"expected {what}")
        return value

    return convert


_name = _text(_TEXT, "1 to 60 printable characters")


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("expected a whole number")
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ValidationError("expected a whole number of minutes")
    if not 0 <= value <= 1440:
        raise ValidationError("expected 0 to 1440 minutes")
    return int(value)


def _positive_decimal(limit: Decimal) -> Convert:
    def convert(value: Any, path: str) -> Decimal:
        number = to_decimal(value, path.rsplit(".", 1)[-1])
        if not 0 < number <= limit:
            raise ValidationError(f"expected a number greater than 0 and at most {limit}")
        return number

    return convert


def _sex(value: Any, path: str) -> str:
    if value not in ("F", "M", "U"):
        raise ValidationError("expected 'F', 'M' or 'U'")
    return str(value)


def _npi(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string of 10 digits")
    if not npi_is_valid(value):
        raise ValidationError("expected 10 digits with a valid NPI check digit")
    return value


def _date(value: Any, path: str) -> datetime.date:
    return to_date(value, path.rsplit(".", 1)[-1])


def _ndc(value: Any, path: str) -> str:
    return ndc.validate(value)


def _drug_modifiers(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError("expected a list of modifiers")
    if any(item not in ("JG", "TB") for item in value) or len(set(value)) != len(value):
        raise ValidationError("expected distinct 340B modifiers: 'JG' or 'TB'")
    return tuple(value)


def _diagnosis_tuple(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list) or not value:
        raise TypeError("expected a non-empty list of ICD-10-CM codes")
    reader = _Reader()
    if len(value) > 12:
        reader.fail(path, "invalid-value", "expected at most 12 diagnoses (CMS-1500 and 837P)")
    codes = [
        reader.value(item, f"{path}[{index}]", lambda v, p: icd10.validate(v))
        for index, item in enumerate(value)
    ]
    if reader.problems:
        raise InvalidInput(reader.problems)
    return tuple(dict.fromkeys(code for code in codes if code is not None))


def _object(kind: type[T], fields: Callable[[], Fields]) -> Callable[[Any, str], T]:
    """A converter that passes a ``kind`` through and reads a mapping into one."""

    def convert(value: Any, path: str) -> T:
        if isinstance(value, kind):
            return value
        reader = _Reader()
        spec = fields()
        data = reader.mapping(value, path, {name for name, _, _ in spec})
        values = {} if data is None else reader.fields(data.get, path, spec)
        if reader.problems:
            raise InvalidInput(reader.problems)
        return kind(**values)

    return convert


def _validate(instance: object, path: str, fields: Fields) -> None:
    """Check (and normalise) the fields of a typed value built in Python; raise every problem."""
    reader = _Reader()
    values = reader.fields(lambda name: getattr(instance, name), path, fields)
    if reader.problems:
        raise InvalidInput(reader.problems)
    for name, value in values.items():
        object.__setattr__(instance, name, value)  # frozen: normalise once, at creation


_MEMBER = _text(re.compile(r"[A-Za-z0-9-]{1,30}"), "1 to 30 letters, digits or '-'")
_EDI_ID = _text(re.compile(r"[A-Za-z0-9]{2,15}"), "2 to 15 letters or digits")
_ADDRESS_FIELDS: Final[Fields] = (
    ("line1", _name, False),
    ("line2", _name, True),
    ("city", _name, False),
    ("state", _text(_STATE, "2 capital letters"), False),
    ("zip", _text(_ZIP, "5 or 9 digits"), False),
)
_address = _object(Address, lambda: _ADDRESS_FIELDS)
_PATIENT_FIELDS: Final[Fields] = (
    ("weight_kg", _positive_decimal(Decimal(1000)), True),
    ("birth_date", _date, False),
    ("address", _address, True),
    ("sex", _sex, True),
    ("first_name", _name, True),
    ("last_name", _name, True),
    ("member_id", _MEMBER, True),
)
_PROVIDER_FIELDS: Final[Fields] = (
    ("name", _name, False),
    ("npi", _npi, False),
    ("tax_id", _text(re.compile(r"[0-9]{9}"), "9 digits (EIN)"), False),
    ("address", _address, False),
    ("taxonomy", _text(re.compile(r"[0-9A-Z]{9}X"), "a 10-character taxonomy code"), True),
)
_INSURANCE_FIELDS: Final[Fields] = (
    ("payer_name", _name, False),
    ("payer_id", _text(re.compile(r"[A-Za-z0-9]{2,80}"), "2 to 80 letters or digits"), False),
)
_SUBMITTER_FIELDS: Final[Fields] = (
    ("name", _name, False),
    ("id", _EDI_ID, False),
    ("contact_name", _name, False),
    ("phone", _text(re.compile(r"[0-9]{10}"), "10 digits"), False),
)
_RECEIVER_FIELDS: Final[Fields] = (("name", _name, False), ("id", _EDI_ID, False))
_CLINICIAN_FIELDS: Final[Fields] = (
    ("first_name", _name, False),
    ("last_name", _name, False),
    ("npi", _npi, False),
)


def _payer(policies: Mapping[str, PayerPolicy]) -> Convert:
    def convert(value: Any, path: str) -> PayerPolicy:
        if isinstance(value, PayerPolicy):
            return value
        if not isinstance(value, str) or not policies:
            raise TypeError("expected a PayerPolicy" + (" or a policy name" if policies else ""))
        if value not in policies:
            raise ValidationError(f"expected one of {', '.join(map(repr, policies))}")
        return policies[value]

    return convert


def _encounter_fields(policies: Mapping[str, PayerPolicy]) -> Fields:
    return (
        ("route", _choice(Route), False),
        ("patient", _object(Patient, lambda: _PATIENT_FIELDS), False),
        ("billing_provider", _object(Provider, lambda: _PROVIDER_FIELDS), True),
        ("insurance", _object(Insurance, lambda: _INSURANCE_FIELDS), True),
        ("submitter", _object(Submitter, lambda: _SUBMITTER_FIELDS), True),
        ("receiver", _object(Receiver, lambda: _RECEIVER_FIELDS), True),
        ("attending", _object(Clinician, lambda: _CLINICIAN_FIELDS), True),
        ("service_date", _date, False),
        ("indication", _choice(Indication), False),
        ("setting", _choice(Setting), False),
        ("payer", _payer(policies), False),
        ("diagnoses", _diagnosis_tuple, False),
        ("infusion_minutes", _int, True),
        ("dose_mg", _positive_decimal(Decimal(20000)), True),
        ("ndc", _ndc, True),
        ("claim_id", _text(_CLAIM_ID, "1 to 20 letters, digits or '-'"), True),
        ("prior_authorization", _text(_AUTH, "1 to 50 letters, digits or '-'"), True),
        ("drug_modifiers", _drug_modifiers, True),
    )


_ENCOUNTER_FIELDS: Final = _encounter_fields({})


def from_dict(data: object, policies: Mapping[str, PayerPolicy] = policy.POLICIES) -> Encounter:
    """Build an :class:`Encounter` from a JSON-like mapping; every problem is reported at once.

    ``policies`` maps the names accepted in ``"payer"`` to policies (the built-ins by default; add your
    own). Raises :class:`~benlysta_coding.errors.InvalidInput` listing each problem with its JSON path.
    """
    reader = _Reader()
    encounter = reader.value(data, "$", _object(Encounter, lambda: _encounter_fields(policies)))
    if encounter is None:
        raise InvalidInput(reader.problems)
    return encounter


def from_json(
    text: str | bytes, policies: Mapping[str, PayerPolicy] = policy.POLICIES
) -> Encounter:
    """Parse JSON text into an :class:`Encounter`; numbers are read as exact ``Decimal``."""
    if not isinstance(text, str | bytes):
        raise TypeError(f"JSON text: expected str or bytes, not {type(text).__name__}")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=str)
    except json.JSONDecodeError as error:
        problem = Problem(
            "$", "invalid-json", f"not valid JSON: {error.msg} at line {error.lineno}"
        )
        raise InvalidInput([problem]) from None
    except UnicodeDecodeError:
        raise InvalidInput([Problem("$", "invalid-json", "not UTF-8 text")]) from None
    return from_dict(data, policies)
