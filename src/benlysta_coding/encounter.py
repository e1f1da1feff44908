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
``["TB"]`` for a 340B-acquired drug), ``submitter`` and ``receiver`` (for X12).

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
_MISSING: Final = object()
_TEXT = re.compile(r"[^\x00-\x1f\x7f]{1,60}")
_STATE = re.compile(r"[A-Z]{2}", re.ASCII)
_ZIP = re.compile(r"[0-9]{5}(?:[0-9]{4})?", re.ASCII)
_CLAIM_ID = re.compile(r"[A-Za-z0-9-]{1,20}", re.ASCII)
_AUTH = re.compile(r"[A-Za-z0-9-]{1,50}", re.ASCII)


class _Reader:
    """Reads a JSON-like mapping into typed values, collecting every problem with its path."""

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

    def field(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        convert: Callable[[Any, str], T],
        required: bool = True,
    ) -> T | None:
        value = data.get(key, _MISSING)
        where = f"{path}.{key}"
        if value is _MISSING or value is None:
            if required:
                self.fail(where, "missing", "required")
            return None
        return self.value(value, where, convert)

    def require(self, data: Mapping[str, Any], key: str, path: str) -> Any:
        """Return ``data[key]``, or ``None`` after reporting it missing."""
        value = data.get(key)
        if value is None:
            self.fail(f"{path}.{key}", "missing", "required")
        return value

    def value(self, value: Any, where: str, convert: Callable[[Any, str], T]) -> T | None:
        try:
            return convert(value, where)
        except TypeError as error:
            self.fail(where, "invalid-type", _message(error, value))
        except ValidationError as error:
            self.fail(where, "invalid-value", str(error))
        return None


def _message(error: TypeError, value: object) -> str:
    if isinstance(value, float):
        return (
            "a JSON number was read as a binary float; parse JSON with "
            "parse_float=decimal.Decimal (from_json does) or give the number as a string"
        )
    return str(error)


def _choice(kind: type[enum.StrEnum]) -> Callable[[Any, str], Any]:
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


def _positive_decimal(limit: Decimal) -> Callable[[Any, str], Decimal]:
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


def _reader_address(reader: _Reader, value: Any, path: str) -> Address | None:
    if value is None:
        return None
    data = reader.mapping(value, path, {"line1", "line2", "city", "state", "zip"})
    if data is None:
        return None
    fields = {
        "line1": reader.field(data, "line1", path, _name),
        "city": reader.field(data, "city", path, _name),
        "state": reader.field(data, "state", path, _text(_STATE, "2 capital letters")),
        "zip": reader.field(data, "zip", path, _text(_ZIP, "5 or 9 digits")),
    }
    line2 = reader.field(data, "line2", path, _name, required=False)
    if any(v is None for v in fields.values()):
        return None
    return Address(line2=line2 or "", **fields)  # type: ignore[arg-type]


def _diagnoses(reader: _Reader, value: Any, path: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        reader.fail(path, "invalid-type", "expected a non-empty list of ICD-10-CM codes")
        return None
    if len(value) > 12:
        reader.fail(path, "invalid-value", "expected at most 12 diagnoses (CMS-1500 and 837P)")
    codes: list[str] = []
    for index, item in enumerate(value):
        code = reader.value(item, f"{path}[{index}]", lambda v, p: icd10.validate(v))
        if code is not None and code not in codes:
            codes.append(code)
    return tuple(codes)


def from_dict(data: object, policies: Mapping[str, PayerPolicy] = policy.POLICIES) -> Encounter:
    """Build an :class:`Encounter` from a JSON-like mapping; every problem is reported at once.

    ``policies`` maps the names accepted in ``"payer"`` to policies (the built-ins by default; add your
    own). Raises :class:`~benlysta_coding.errors.InvalidInput` listing each problem with its JSON path.
    """
    reader = _Reader()
    keys = {
        "claim_id",
        "service_date",
        "route",
        "indication",
        "setting",
        "payer",
        "infusion_minutes",
        "dose_mg",
        "ndc",
        "diagnoses",
        "patient",
        "prior_authorization",
        "billing_provider",
        "insurance",
        "submitter",
        "receiver",
        "drug_modifiers",
    }
    top = reader.mapping(data, "$", keys)
    if top is None:
        raise InvalidInput(reader.problems)

    def payer(value: Any, path: str) -> PayerPolicy:
        if not isinstance(value, str):
            raise TypeError("expected a policy name")
        if value not in policies:
            raise ValidationError(f"expected one of {', '.join(map(repr, policies))}")
        return policies[value]

    route = reader.field(top, "route", "$", _choice(Route))
    patient_data = top.get("patient", _MISSING)
    patient = None
    if patient_data is _MISSING:
        reader.fail("$.patient", "missing", "required")
    else:
        p = reader.mapping(
            patient_data,
            "$.patient",
            {"birth_date", "weight_kg", "sex", "first_name", "last_name", "member_id", "address"},
        )
        if p is not None:
            weight = reader.field(
                p, "weight_kg", "$.patient", _positive_decimal(Decimal(1000)), required=False
            )
            born = reader.field(p, "birth_date", "$.patient", _date)
            address = None
            if p.get("address") is not None:
                address = _reader_address(reader, p["address"], "$.patient.address")
            extra = {
                "sex": reader.field(p, "sex", "$.patient", _sex, required=False) or "U",
                "first_name": reader.field(p, "first_name", "$.patient", _name, required=False),
                "last_name": reader.field(p, "last_name", "$.patient", _name, required=False),
                "member_id": reader.field(
                    p,
                    "member_id",
                    "$.patient",
                    _text(re.compile(r"[A-Za-z0-9-]{1,30}"), "1 to 30 letters, digits or '-'"),
                    required=False,
                ),
            }
            if born is not None:
                patient = Patient(
                    birth_date=born,
                    weight_kg=weight,
                    address=address,
                    **{k: v or "" for k, v in extra.items()},
                )
    provider = None
    if top.get("billing_provider") is not None:
        b = reader.mapping(
            top["billing_provider"],
            "$.billing_provider",
            {"name", "npi", "tax_id", "address", "taxonomy"},
        )
        if b is not None:
            fields = {
                "name": reader.field(b, "name", "$.billing_provider", _name),
                "npi": reader.field(b, "npi", "$.billing_provider", _npi),
                "tax_id": reader.field(
                    b,
                    "tax_id",
                    "$.billing_provider",
                    _text(re.compile(r"[0-9]{9}"), "9 digits (EIN)"),
                ),
                "address": _reader_address(
                    reader,
                    reader.require(b, "address", "$.billing_provider"),
                    "$.billing_provider.address",
                ),
            }
            taxonomy = reader.field(
                b,
                "taxonomy",
                "$.billing_provider",
                _text(
                    re.compile(r"[0-9A-Z]{9}X"), "a 10-character taxonomy code such as 207RR0500X"
                ),
                required=False,
            )
            if all(v is not None for v in fields.values()):
                provider = Provider(taxonomy=taxonomy or "", **fields)  # type: ignore[arg-type]
    insurance = None
    if top.get("insurance") is not None:
        i = reader.mapping(top["insurance"], "$.insurance", {"payer_name", "payer_id"})
        if i is not None:
            name = reader.field(i, "payer_name", "$.insurance", _name)
            payer_id = reader.field(
                i,
                "payer_id",
                "$.insurance",
                _text(re.compile(r"[A-Za-z0-9]{2,80}"), "2 to 80 letters or digits"),
            )
            if name is not None and payer_id is not None:
                insurance = Insurance(payer_name=name, payer_id=payer_id)
    edi_id = _text(re.compile(r"[A-Za-z0-9]{2,15}"), "2 to 15 letters or digits")
    submitter = None
    if top.get("submitter") is not None:
        m = reader.mapping(top["submitter"], "$.submitter", {"name", "id", "contact_name", "phone"})
        if m is not None:
            parts = {
                "name": reader.field(m, "name", "$.submitter", _name),
                "id": reader.field(m, "id", "$.submitter", edi_id),
                "contact_name": reader.field(m, "contact_name", "$.submitter", _name),
                "phone": reader.field(
                    m, "phone", "$.submitter", _text(re.compile(r"[0-9]{10}"), "10 digits")
                ),
            }
            if all(v is not None for v in parts.values()):
                submitter = Submitter(**parts)  # type: ignore[arg-type]
    receiver = None
    if top.get("receiver") is not None:
        r = reader.mapping(top["receiver"], "$.receiver", {"name", "id"})
        if r is not None:
            receiver_name = reader.field(r, "name", "$.receiver", _name)
            receiver_id = reader.field(r, "id", "$.receiver", edi_id)
            if receiver_name is not None and receiver_id is not None:
                receiver = Receiver(name=receiver_name, id=receiver_id)
    values = {
        "service_date": reader.field(top, "service_date", "$", _date),
        "route": route,
        "indication": reader.field(top, "indication", "$", _choice(Indication)),
        "setting": reader.field(top, "setting", "$", _choice(Setting)),
        "payer": reader.field(top, "payer", "$", payer),
        "diagnoses": _diagnoses(reader, reader.require(top, "diagnoses", "$"), "$.diagnoses"),
        "patient": patient,
    }
    optional = {
        "infusion_minutes": reader.field(top, "infusion_minutes", "$", _int, required=False),
        "dose_mg": reader.field(
            top, "dose_mg", "$", _positive_decimal(Decimal(20000)), required=False
        ),
        "ndc": reader.field(top, "ndc", "$", _ndc, required=False),
        "claim_id": reader.field(
            top, "claim_id", "$", _text(_CLAIM_ID, "1 to 20 letters, digits or '-'"), required=False
        )
        or "",
        "prior_authorization": reader.field(
            top,
            "prior_authorization",
            "$",
            _text(_AUTH, "1 to 50 letters, digits or '-'"),
            required=False,
        ),
        "billing_provider": provider,
        "insurance": insurance,
        "submitter": submitter,
        "receiver": receiver,
        "drug_modifiers": reader.field(top, "drug_modifiers", "$", _drug_modifiers, required=False)
        or (),
    }
    if reader.problems or any(v is None for v in values.values()):
        raise InvalidInput(reader.problems)
    return Encounter(**values, **optional)  # type: ignore[arg-type]


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


def _instance(kind: type) -> Callable[[Any, str], Any]:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"expected a {kind.__name__}")
        return value

    return check


def _drug_modifiers(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError("expected a list of modifiers")
    if any(item not in ("JG", "TB") for item in value) or len(set(value)) != len(value):
        raise ValidationError("expected distinct 340B modifiers: 'JG' or 'TB'")
    return tuple(value)


def _diagnosis_tuple(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError("expected a tuple of ICD-10-CM codes")
    codes = tuple(dict.fromkeys(icd10.validate(code) for code in value))
    if not 1 <= len(codes) <= 12:
        raise ValidationError("expected 1 to 12 diagnoses (CMS-1500 and 837P hold 12)")
    return codes


def _validate(
    instance: object, path: str, fields: tuple[tuple[str, Callable[[Any, str], Any], bool], ...]
) -> None:
    """Check (and normalise) the fields of a typed value built in Python; raise every problem."""
    reader = _Reader()
    for name, convert, optional in fields:
        value = getattr(instance, name)
        if optional and (value is None or value == ""):
            continue
        checked = reader.value(value, f"{path}.{name}", convert)
        if checked is not None:
            object.__setattr__(instance, name, checked)  # frozen: normalise once, at creation
    if reader.problems:
        raise InvalidInput(reader.problems)


_MEMBER = _text(re.compile(r"[A-Za-z0-9-]{1,30}"), "1 to 30 letters, digits or '-'")
_EDI_ID = _text(re.compile(r"[A-Za-z0-9]{2,15}"), "2 to 15 letters or digits")
_ADDRESS_FIELDS: Final = (
    ("line1", _name, False),
    ("city", _name, False),
    ("state", _text(_STATE, "2 capital letters"), False),
    ("zip", _text(_ZIP, "5 or 9 digits"), False),
    ("line2", _name, True),
)
_PATIENT_FIELDS: Final = (
    ("birth_date", _date, False),
    ("weight_kg", _positive_decimal(Decimal(1000)), True),
    ("sex", _sex, False),
    ("first_name", _name, True),
    ("last_name", _name, True),
    ("member_id", _MEMBER, True),
    ("address", _instance(Address), True),
)
_PROVIDER_FIELDS: Final = (
    ("name", _name, False),
    ("npi", _npi, False),
    ("tax_id", _text(re.compile(r"[0-9]{9}"), "9 digits (EIN)"), False),
    ("address", _instance(Address), False),
    ("taxonomy", _text(re.compile(r"[0-9A-Z]{9}X"), "a 10-character taxonomy code"), True),
)
_INSURANCE_FIELDS: Final = (
    ("payer_name", _name, False),
    ("payer_id", _text(re.compile(r"[A-Za-z0-9]{2,80}"), "2 to 80 letters or digits"), False),
)
_SUBMITTER_FIELDS: Final = (
    ("name", _name, False),
    ("id", _EDI_ID, False),
    ("contact_name", _name, False),
    ("phone", _text(re.compile(r"[0-9]{10}"), "10 digits"), False),
)
_RECEIVER_FIELDS: Final = (("name", _name, False), ("id", _EDI_ID, False))
_ENCOUNTER_FIELDS: Final = (
    ("service_date", _date, False),
    ("route", _choice(Route), False),
    ("indication", _choice(Indication), False),
    ("setting", _choice(Setting), False),
    ("payer", _instance(PayerPolicy), False),
    ("diagnoses", _diagnosis_tuple, False),
    ("patient", _instance(Patient), False),
    ("infusion_minutes", _int, True),
    ("dose_mg", _positive_decimal(Decimal(20000)), True),
    ("ndc", _ndc, True),
    ("claim_id", _text(_CLAIM_ID, "1 to 20 letters, digits or '-'"), True),
    ("prior_authorization", _text(_AUTH, "1 to 50 letters, digits or '-'"), True),
    ("billing_provider", _instance(Provider), True),
    ("insurance", _instance(Insurance), True),
    ("submitter", _instance(Submitter), True),
    ("receiver", _instance(Receiver), True),
    ("drug_modifiers", _drug_modifiers, True),
)
