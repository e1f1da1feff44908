"""The input model: one Benlysta administration, typed, and loaded from JSON with every problem at once.

An :class:`Encounter` says what was given, where, to whom, under which payer policy. The claim builder
(:func:`benlysta_coding.build.build_claim`) turns it into service lines. The party data (patient identity,
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

Optional keys not shown: ``products_used`` (the vials or SC devices opened, ``[{"ndc": "49401-101-01",
"count": 6}]``: when given, the drug lines bill from it), ``ndc`` (shorthand naming the SC device; the
count then follows the dose), ``drug_modifiers`` (``["JG"]`` or ``["TB"]`` for a 340B-acquired drug),
``subscriber`` (when the patient is not the insured), ``submitter`` and ``receiver`` (for X12),
``attending`` (required on institutional claims), ``rendering`` and ``service_facility``,
``place_of_service`` (``11`` or ``49``), ``frequency`` and ``payer_claim_number`` (corrected and void
claims). The docs' "Encounter JSON reference" lists every key with its type and an example; it is
generated from this model (:func:`reference`).

``settings``: ``office`` (professional claim, place of service 11), ``hospital_outpatient``
(institutional claim, type of bill 013x) and ``critical_access_hospital`` (institutional, 085x).

>>> encounter = from_json('''{"service_date": "2025-03-03", "route": "iv",
...   "indication": "sle", "setting": "office", "payer": "medicare_part_b",
...   "infusion_minutes": 60, "diagnoses": ["M3210"],
...   "patient": {"birth_date": "1980-05-17", "weight_kg": 63.4}}''')
>>> encounter.patient.weight_kg, encounter.diagnoses
(Decimal('63.4'), ('M32.10',))
>>> from_json('{"route": "im", "patient": {"weight_kg": "heavy"}}')
Traceback (most recent call last):
    ...
benlysta_coding.errors.InvalidInput: 8 problems in the input:
$.service_date: required [missing]
$.route: expected one of 'iv', 'sc' [invalid-value]
$.indication: required [missing]
$.setting: required [missing]
$.payer: required [missing]
$.diagnoses: required [missing]
$.patient.birth_date: required [missing]
$.patient.weight_kg: expected a decimal number written with ASCII digits, such as '63.4' [invalid-value]
"""

from __future__ import annotations

import datetime
import enum
import json
import json.scanner
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from benlysta_coding import _intake, icd10, ndc, policy, products
from benlysta_coding import drug as _drugs
from benlysta_coding._structure import (
    DATE_FRAGMENT,
    Reader,
    collecting,
    described,
    fragment_of,
    items,
    json_schema,
    meta,
    nested,
    plan_of,
)
from benlysta_coding._util import OUT_OF_RANGE, article, json_float, json_int, to_date
from benlysta_coding.drug import BELIMUMAB, Drug
from benlysta_coding.errors import InvalidInput, Problem, ValidationError
from benlysta_coding.parties import (
    Address,
    Clinician,
    Insurance,
    Patient,
    Provider,
    Receiver,
    Relationship,
    SecondaryInsurance,
    ServiceFacility,
    Submitter,
    Subscriber,
    choice,
    npi_is_valid,
    optional,
    pattern,
    positive_decimal,
)
from benlysta_coding.place_of_service import Frequency
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.products import Route

__all__ = [
    "Address",
    "BadRow",
    "Clinician",
    "Encounter",
    "Frequency",
    "Insurance",
    "Patient",
    "ProductUse",
    "Provider",
    "Receiver",
    "Relationship",
    "SecondaryInsurance",
    "ServiceFacility",
    "Setting",
    "Submitter",
    "Subscriber",
    "decode",
    "from_csv",
    "from_dict",
    "from_json",
    "load",
    "loader",
    "npi_is_valid",
    "reference",
    "schema",
]


MAX_JSON_BYTES: Final = 1_000_000
"""The largest encounter text :func:`from_json` reads (an encounter is about 2 KB)."""


class Setting(enum.StrEnum):
    """Where the drug was given; decides the claim type."""

    OFFICE = "office"
    HOSPITAL_OUTPATIENT = "hospital_outpatient"
    CRITICAL_ACCESS_HOSPITAL = "critical_access_hospital"

    @property
    def institutional(self) -> bool:
        """Whether the facility bills on an institutional claim (UB-04 / 837I)."""
        return self != Setting.OFFICE


def _service_date(value: Any) -> datetime.date:
    return to_date(value, "service_date")


def _ndc(value: Any) -> str:
    return ndc.validate(value, products.CATALOGUE)


NDC_FRAGMENT: Final = {
    "type": "string",
    "pattern": r"^\s*(?:[Nn]4\s*)?(?:[0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}"
    r"|[0-9]{5}-[0-9]{4}-[0-9]{1,2}|[0-9]{10,11})\s*$",
}
"""An NDC in a layout the ndc module reads (10 bare digits only when the product is known: the
loader checks that)."""
described(_service_date, DATE_FRAGMENT)
described(_ndc, NDC_FRAGMENT)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("expected a whole number")
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral_value()):
        raise ValidationError("expected a whole number of vials or devices")
    if not 1 <= value <= 100:
        raise ValidationError("expected 1 to 100 vials or devices")
    return int(value)


described(_count, {"type": "integer", "minimum": 1, "maximum": 100})


_VIAL_EXAMPLE: Final = BELIMUMAB.iv_vials[0].ndc10
_SC_EXAMPLE: Final = BELIMUMAB.default_sc_product.ndc10 if BELIMUMAB.default_sc_product else ""
"""The examples of the reference docs, from the built-in drug's file."""


@collecting("$.products_used[]")
@attrs.frozen(kw_only=True)
class ProductUse:
    """Vials or devices of one NDC opened for the administration, as the record says."""

    ndc: str = attrs.field(
        converter=_ndc, metadata=meta("NDC in any layout the ndc module reads", _VIAL_EXAMPLE)
    )
    count: int = attrs.field(converter=_count, metadata=meta("how many", 6, "integer"))


def _products_used(value: Any) -> tuple[ProductUse, ...]:
    if value == ():  # the Python default: nothing recorded
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple) or not value:
        raise TypeError("expected a non-empty list of {ndc, count} objects")
    if len(value) > 10:
        raise ValidationError("expected at most 10 products")
    return tuple(nested(ProductUse)(item) for item in value)


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("expected a whole number")
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral_value()):
        raise ValidationError("expected a whole number of minutes")
    if not 0 <= value <= 1440:
        raise ValidationError("expected 0 to 1440 minutes")
    return int(value)


described(_minutes, {"type": "integer", "minimum": 0, "maximum": 1440})
described(
    _products_used,
    {"type": "array", "maxItems": 10, "items": {"$ref": "#/$defs/ProductUse"}},
)


def _diagnosis(value: Any) -> str:
    return icd10.validate(value)


described(
    _diagnosis,
    {
        "type": "string",
        "pattern": r"^\s*[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4}|\.)?\s*$",
    },
)


_reference = pattern("[A-Za-z0-9-]{1,50}", "1 to 50 letters, digits or '-'")
"""A payer's reference number: a prior authorization or the payer's claim number."""
_diagnosis_list = items(_diagnosis, 12, "diagnoses (CMS-1500 and 837P hold 12)")


def _diagnoses(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple) and not value:
        raise TypeError("expected a non-empty list of ICD-10-CM codes")
    if type(value) is list and len(value) <= 12:  # the common case, read without a Reader
        try:
            return tuple(dict.fromkeys(icd10.validate(code) for code in value))
        except (ValidationError, TypeError):
            pass  # read below, to report each bad code at its path
    return tuple(dict.fromkeys(_diagnosis_list(value)))


described(_diagnoses, {**fragment_of(_diagnosis_list), "minItems": 1})


def _drug_modifiers(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError("expected a list of modifiers")
    if any(item not in ("JG", "TB") for item in value) or len(set(value)) != len(value):
        raise ValidationError("expected distinct 340B modifiers: 'JG' or 'TB'")
    return tuple(value)


described(
    _drug_modifiers,
    {"type": "array", "uniqueItems": True, "items": {"enum": ["JG", "TB"]}},
)


def _payer(policies: Mapping[str, PayerPolicy]) -> Callable[[Any], PayerPolicy]:
    def convert(value: Any) -> PayerPolicy:
        if isinstance(value, PayerPolicy):
            return value
        if not isinstance(value, str):
            raise TypeError("expected a PayerPolicy or a policy name")
        if value not in policies:
            raise ValidationError(f"expected one of {', '.join(map(repr, policies))}")
        return policies[value]

    return described(convert, {"type": "string", "enum": list(policies)})


# The ``payer`` converter: a built-in policy by name (:func:`from_dict` takes other policies).
# Declared as a function for the type checker's attrs plugin.
if TYPE_CHECKING:

    def _builtin_payer(value: object, /) -> PayerPolicy: ...

else:
    _builtin_payer = _payer(policy.POLICIES)


def _drug(drugs: Mapping[str, Drug]) -> Callable[[Any], Drug]:
    def convert(value: Any) -> Drug:
        if isinstance(value, Drug):
            return value
        if not isinstance(value, str):
            raise TypeError("expected a drug name (text)")
        return _drugs.choose(value, drugs, field="")

    return described(convert, {"type": "string", "enum": list(drugs)})


def _indication(drugs: Mapping[str, Drug]) -> Callable[[Any], str]:
    """The ``indication`` converter: an indication of one of ``drugs`` (the cross-check then asks
    for one of the encounter's own drug)."""
    names = list(dict.fromkeys(name for drug in drugs.values() for name in drug.indications))
    accepted = ", ".join(map(repr, names))

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected a string, one of {accepted}")
        if value not in names:
            raise ValidationError(f"expected one of {accepted}")
        return value

    return described(convert, {"type": "string", "enum": names})


# The ``indication`` and ``drug`` converters: of the built-in drugs, by name (:func:`from_dict`
# takes loaded drugs). Declared as functions for the type checker's attrs plugin.
if TYPE_CHECKING:

    def _builtin_indication(value: object, /) -> str: ...
    def _builtin_drug(value: object, /) -> Drug: ...

else:
    _builtin_indication = _indication(_drugs.DRUGS)
    _builtin_drug = _drug(_drugs.DRUGS)

_PLACES: Final = ("11", "19", "22", "49")


def _place(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string such as '11'")
    if value not in _PLACES:
        raise ValidationError(f"expected one of {', '.join(map(repr, _PLACES))}")
    return value


described(_place, {"type": "string", "enum": list(_PLACES)})


_REQUIRED_FOR = {Frequency.REPLACEMENT, Frequency.VOID}


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _encounter_claim_id(value: object, /) -> str: ...
    def _encounter_route(value: object, /) -> Route: ...
    def _encounter_setting(value: object, /) -> Setting: ...
    def _encounter_patient(value: object, /) -> Patient: ...
    def _encounter_infusion_minutes(value: object, /) -> int | None: ...
    def _encounter_dose_mg(value: object, /) -> Decimal | None: ...
    def _encounter_products_used(value: object, /) -> tuple[ProductUse, ...]: ...
    def _encounter_ndc(value: object, /) -> str | None: ...
    def _encounter_prior_authorization(value: object, /) -> str | None: ...
    def _encounter_drug_modifiers(value: object, /) -> tuple[str, ...]: ...
    def _encounter_place_of_service(value: object, /) -> str | None: ...
    def _encounter_frequency(value: object, /) -> Frequency: ...
    def _encounter_subscriber(value: object, /) -> Subscriber | None: ...
    def _encounter_secondary_insurance(value: object, /) -> SecondaryInsurance | None: ...
    def _encounter_billing_provider(value: object, /) -> Provider | None: ...
    def _encounter_attending(value: object, /) -> Clinician | None: ...
    def _encounter_service_facility(value: object, /) -> ServiceFacility | None: ...
    def _encounter_insurance(value: object, /) -> Insurance | None: ...
    def _encounter_submitter(value: object, /) -> Submitter | None: ...
    def _encounter_receiver(value: object, /) -> Receiver | None: ...

else:
    _encounter_claim_id = optional(pattern("[A-Za-z0-9-]{1,20}", "1 to 20 letters, digits or '-'"))
    _encounter_route = choice(Route)
    _encounter_setting = choice(Setting)
    _encounter_patient = nested(Patient)
    _encounter_infusion_minutes = optional(_minutes)
    _encounter_dose_mg = optional(positive_decimal(Decimal(20000), "dose_mg"))
    _encounter_products_used = optional(_products_used)
    _encounter_ndc = optional(_ndc)
    _encounter_prior_authorization = optional(_reference)
    _encounter_drug_modifiers = optional(_drug_modifiers)
    _encounter_place_of_service = optional(_place)
    _encounter_frequency = choice(Frequency)
    _encounter_subscriber = optional(nested(Subscriber))
    _encounter_secondary_insurance = optional(nested(SecondaryInsurance))
    _encounter_billing_provider = optional(nested(Provider))
    _encounter_attending = optional(nested(Clinician))
    _encounter_service_facility = optional(nested(ServiceFacility))
    _encounter_insurance = optional(nested(Insurance))
    _encounter_submitter = optional(nested(Submitter))
    _encounter_receiver = optional(nested(Receiver))


@collecting("$")
@attrs.frozen(kw_only=True)
class Encounter:
    """One Benlysta administration, ready for :func:`benlysta_coding.build.build_claim`."""

    claim_id: str = attrs.field(
        default="",
        converter=_encounter_claim_id,
        metadata=meta("the patient account number (CLM01)", "BEN-2025-0001"),
    )
    service_date: datetime.date = attrs.field(
        converter=_service_date,
        metadata=meta("date of service, YYYY-MM-DD", "2025-03-03"),
    )
    route: Route = attrs.field(converter=_encounter_route, metadata=meta("iv or sc", "iv"))
    indication: str = attrs.field(
        converter=_builtin_indication,
        metadata=meta(
            "an indication of the drug, as its drug file names it",
            BELIMUMAB.indications[0],
        ),
    )
    setting: Setting = attrs.field(
        converter=_encounter_setting,
        metadata=meta("office, hospital_outpatient or critical_access_hospital", "office"),
    )
    payer: PayerPolicy = attrs.field(
        converter=_builtin_payer,
        metadata=meta("payer policy name (medicare_part_b, commercial, or yours)", "commercial"),
    )
    diagnoses: tuple[str, ...] = attrs.field(
        converter=_diagnoses,
        metadata=meta(
            "ICD-10-CM codes, first-listed first (1 to 12)",
            [BELIMUMAB.indication_diagnoses[BELIMUMAB.indications[-1]][0]],
            "array",
        ),
    )
    patient: Patient = attrs.field(
        converter=_encounter_patient, metadata=meta("the patient", json="object", kind=Patient)
    )
    infusion_minutes: int | None = attrs.field(
        default=None,
        converter=_encounter_infusion_minutes,
        metadata=meta("IV infusion start to stop, minutes", 62, "integer"),
    )
    dose_mg: Decimal | None = attrs.field(
        default=None,
        converter=_encounter_dose_mg,
        metadata=meta("dose given, mg (default: 10 mg/kg, or the SC regimen)", "683", "number"),
    )
    products_used: tuple[ProductUse, ...] = attrs.field(
        default=(),
        converter=_encounter_products_used,
        metadata=meta(
            "vials or devices opened (the record); the drug lines bill from it",
            json="array",
            items=ProductUse,
        ),
    )
    """The vials or devices opened for this administration, as the record says."""
    ndc: str | None = attrs.field(
        default=None,
        converter=_encounter_ndc,
        metadata=meta("shorthand naming the SC device (count follows the dose)", _SC_EXAMPLE),
    )
    """The SC device given (any NDC spelling): shorthand; ``products_used`` is the general form."""
    prior_authorization: str | None = attrs.field(
        default=None,
        converter=_encounter_prior_authorization,
        metadata=meta("prior authorization number (REF*G1)", "PA-778812"),
    )
    drug_modifiers: tuple[str, ...] = attrs.field(
        default=(),
        converter=_encounter_drug_modifiers,
        metadata=meta("340B modifiers for the drug lines: JG or TB", ["JG"], "array"),
    )
    """340B modifiers for the drug lines: ``JG`` or ``TB`` (see :mod:`benlysta_coding.modifiers`)."""
    place_of_service: str | None = attrs.field(
        default=None,
        converter=_encounter_place_of_service,
        metadata=meta("professional claims: 11 office (default) or 49 independent clinic", "11"),
    )
    frequency: Frequency = attrs.field(
        default=Frequency.ORIGINAL,
        converter=_encounter_frequency,
        metadata=meta("original, replacement or void", "original"),
    )
    payer_claim_number: str | None = attrs.field(
        default=None,
        converter=_encounter_prior_authorization,
        metadata=meta("the payer's number of the claim replaced or voided (REF*F8)", "2025123456"),
    )
    drug: Drug = attrs.field(
        default=BELIMUMAB,
        converter=_builtin_drug,
        metadata=meta(
            "the drug given, by name: the built-in drug (default) or a drug file's",
            BELIMUMAB.name,
        ),
    )
    """The drug given (:mod:`benlysta_coding.drug`); its name in the JSON."""
    subscriber: Subscriber | None = attrs.field(
        default=None,
        converter=_encounter_subscriber,
        metadata=meta("the insured, when not the patient", json="object", kind=Subscriber),
    )
    secondary_insurance: SecondaryInsurance | None = attrs.field(
        default=None,
        converter=_encounter_secondary_insurance,
        metadata=meta(
            "the secondary payer, billed after the primary's remittance",
            json="object",
            kind=SecondaryInsurance,
        ),
    )
    billing_provider: Provider | None = attrs.field(
        default=None,
        converter=_encounter_billing_provider,
        metadata=meta("the billing provider", json="object", kind=Provider),
    )
    attending: Clinician | None = attrs.field(
        default=None,
        converter=_encounter_attending,
        metadata=meta("attending physician (837I 2310A, required)", json="object", kind=Clinician),
    )
    """The attending physician (837I loop 2310A), required on institutional claims."""
    rendering: Clinician | None = attrs.field(
        default=None,
        converter=_encounter_attending,
        metadata=meta("rendering physician (837P 2310B)", json="object", kind=Clinician),
    )
    service_facility: ServiceFacility | None = attrs.field(
        default=None,
        converter=_encounter_service_facility,
        metadata=meta("where given (837P 2310C, 837I 2310E)", json="object", kind=ServiceFacility),
    )
    insurance: Insurance | None = attrs.field(
        default=None,
        converter=_encounter_insurance,
        metadata=meta("the payer as a party", json="object", kind=Insurance),
    )
    submitter: Submitter | None = attrs.field(
        default=None,
        converter=_encounter_submitter,
        metadata=meta("the X12 submitter", json="object", kind=Submitter),
    )
    receiver: Receiver | None = attrs.field(
        default=None,
        converter=_encounter_receiver,
        metadata=meta("the X12 receiver", json="object", kind=Receiver),
    )

    @staticmethod
    def cross_check(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """Rules between fields: (field, code, message) for each problem."""
        found = []
        frequency = values.get("frequency", Frequency.ORIGINAL)
        number = values.get("payer_claim_number")
        if frequency in _REQUIRED_FOR and not number:
            found.append(
                (
                    "payer_claim_number",
                    "missing",
                    f"required for {article(frequency)} claim: the payer's number of the original claim",
                )
            )
        chosen = values.get("drug", BELIMUMAB)
        indication = values.get("indication")
        if (
            isinstance(chosen, Drug)
            and indication is not None
            and indication not in chosen.indications
        ):
            accepted = ", ".join(map(repr, chosen.indications))
            found.append(("indication", "invalid-value", f"expected one of {accepted}"))
        day = values.get("service_date")
        for who in ("patient", "subscriber"):
            person = values.get(who)
            born = getattr(person, "birth_date", None)
            if day is not None and born is not None and born > day:
                found.append(
                    (
                        f"{who}.birth_date",
                        "invalid-value",
                        "expected a birth date on or before the date of service",
                    )
                )
        if frequency == Frequency.ORIGINAL and number:
            found.append(
                (
                    "payer_claim_number",
                    "invalid-value",
                    "only for a replacement or void claim (frequency)",
                )
            )
        return found


def from_dict(
    data: object,
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> Encounter:
    """Build an :class:`Encounter` from a JSON-like mapping; every problem is reported at once.

    ``policies`` maps the names accepted in ``"payer"`` to policies (the built-ins by default; add your
    own). ``drugs`` maps the names accepted in ``"drug"`` to drugs (the built-in belimumab by default;
    :func:`benlysta_coding.drug.registry` adds loaded drug files). Raises
    :class:`~benlysta_coding.errors.InvalidInput` listing each problem with its JSON path.

    Numbers may be JSON numbers as ``json.load`` gives them: a ``float`` is read from the number
    as written, through its shortest repr (``63.4``, never the binary float's
    ``63.39999999999999857891452847979962825775146484375``), so ``from_dict(json.load(f))`` and
    :func:`from_json` give equal encounters.

    >>> from benlysta_coding import examples
    >>> from_dict(examples.OFFICE_IV).patient.weight_kg
    Decimal('68.3')
    >>> from_dict(
    ...     {
    ...         **examples.OFFICE_IV,
    ...         "patient": {**examples.OFFICE_IV["patient"], "weight_kg": 68.3},
    ...     }
    ... ).patient.weight_kg
    Decimal('68.3')
    """
    return _loader(policies, drugs)(_numbers_as_written(data, 0))


def loader(
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> Callable[[object], Encounter]:
    """The reader of decoded encounter data for ``policies`` and ``drugs``, its converters made
    once (a batch reads every record with one). Floats are not read here: :func:`from_dict` reads
    them first, :func:`from_json` never makes any.

    >>> read = loader()
    >>> read(decode('{"route": "iv"}'))
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidInput: 6 problems in the input:
    $.service_date: required [missing]
    $.indication: required [missing]
    $.setting: required [missing]
    $.payer: required [missing]
    $.diagnoses: required [missing]
    $.patient: required [missing]
    """
    overrides: dict[str, Any] | None = None
    if policies is not policy.POLICIES:
        overrides = {"payer": _payer(policies)}
    if drugs is not _drugs.DRUGS:
        overrides = {**(overrides or {}), "drug": _drug(drugs), "indication": _indication(drugs)}
    plan = plan_of(Encounter)
    converters = plan.converters if overrides is None else plan.converters_for(overrides)

    def load(data: object) -> Encounter:
        reader = Reader()
        encounter = reader.read(Encounter, data, "$", overrides, converters)
        if encounter is None:
            raise InvalidInput(reader.problems)
        return encounter

    return load


_LOAD: Final = loader()
"""The reader of the built-in policies and drugs (made at import: most calls read with them)."""


def _loader(
    policies: Mapping[str, PayerPolicy], drugs: Mapping[str, Drug]
) -> Callable[[object], Encounter]:
    if policies is policy.POLICIES and drugs is _drugs.DRUGS:
        return _LOAD
    return loader(policies, drugs)


def _numbers_as_written(value: object, depth: int) -> object:
    """``value`` with each float (a JSON number from :func:`json.load`) as the Decimal of its
    shortest repr; NaN and infinities become a placeholder the reader refuses at their path."""
    if isinstance(value, float):
        return json_float(repr(value)) if math.isfinite(value) else OUT_OF_RANGE
    if depth > _MAX_DEPTH:
        return value  # the reader reports the depth
    if isinstance(value, Mapping):
        return {key: _numbers_as_written(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_numbers_as_written(item, depth + 1) for item in value]
    return value


_MAX_DEPTH: Final = 64


_JSON: Final = json.JSONDecoder(parse_float=json_float, parse_int=json_int, parse_constant=str)
"""The reader of encounter JSON: exact numbers (made once; it holds no state between reads)."""
_SCAN: Final = json.scanner.make_scanner(_JSON)  # type: ignore[arg-type]  # typeshed: context
"""The scanner of :data:`_JSON` (the one its ``decode`` calls), for :func:`_json`."""


def _json(text: str) -> object:
    """``_JSON.decode(text)``: for a document from its first character to its last (or to a final
    line break, as a JSON Lines line ends), its scanner alone, without the whitespace checks
    around it; any other text (and every error) goes through ``decode`` itself."""
    try:
        data, end = _SCAN(text, 0)
    except StopIteration:
        return _JSON.decode(text)
    if end == len(text) or (end == len(text) - 1 and text[end] == "\n"):
        return data
    return _JSON.decode(text)


def from_json(
    text: str | bytes,
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> Encounter:
    """Parse JSON text into an :class:`Encounter`; numbers are read as exact ``Decimal``.

    >>> from_json('{"route": "iv"}').route
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidInput: 6 problems in the input:
    $.service_date: required [missing]
    $.indication: required [missing]
    $.setting: required [missing]
    $.payer: required [missing]
    $.diagnoses: required [missing]
    $.patient: required [missing]
    """
    return _loader(policies, drugs)(decode(text))


def decode(text: str | bytes) -> object:
    """Encounter JSON text as data, numbers as exact decimals; text that is not JSON raises
    :class:`~benlysta_coding.errors.InvalidInput`.

    >>> decode('{"patient": {"weight_kg": 63.4}}')
    {'patient': {'weight_kg': Decimal('63.4')}}
    """
    if not isinstance(text, str | bytes):
        raise TypeError(f"JSON text: expected str or bytes, not {type(text).__name__}")
    if len(text) > MAX_JSON_BYTES:
        raise InvalidInput(
            [Problem("$", "too-large", f"an encounter is at most {MAX_JSON_BYTES} bytes of JSON")]
        )
    try:
        if not isinstance(text, str):  # as json.loads reads bytes
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        data = _json(text)
    except json.JSONDecodeError as error:
        problem = Problem(
            "$", "invalid-json", f"not valid JSON: {error.msg} at line {error.lineno}"
        )
        raise InvalidInput([problem]) from None
    except UnicodeDecodeError:
        raise InvalidInput([Problem("$", "invalid-json", "not UTF-8 text")]) from None
    except RecursionError:
        raise InvalidInput(
            [Problem("$", "invalid-json", "nested deeper than an encounter can be")]
        ) from None
    return data


def load(
    path: str | os.PathLike[str],
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> Encounter:
    """Read an encounter JSON file (at most 1 MB); every problem is reported at once, and a file
    that cannot be read is named as it was given.

    >>> load("examples/encounter-hospital-iv.json").setting
    <Setting.HOSPITAL_OUTPATIENT: 'hospital_outpatient'>
    >>> load("no/such-file.json")
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidInput: 1 problem in the input:
    $: cannot read the file 'no/such-file.json' (FileNotFoundError) [unreadable]
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_JSON_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a path with a NUL character
        said = f"cannot read the file {str(path)[:200]!r} ({type(error).__name__})"
        raise InvalidInput([Problem("$", "unreadable", said)]) from None
    return from_json(data, policies, drugs)


@attrs.frozen
class BadRow:
    """A row of a CSV file that is no encounter: its number (the Nth data record after the header)
    and every problem, each named by its column as the file names it."""

    row: int
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        return f"row {self.row}: " + "; ".join(str(problem) for problem in self.problems)


def from_csv(
    path: str | os.PathLike[str],
    columns: str | os.PathLike[str] | _intake.ColumnMap | None = None,
    *,
    delimiter: str = ",",
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> Iterator[Encounter | BadRow]:
    """Read an infusion log exported as CSV, one administration per row: each row's
    :class:`Encounter`, or a :class:`BadRow` with every problem of that row. The file streams
    (a row at a time); a header that cannot be read raises
    :class:`~benlysta_coding.errors.InvalidInput` before any row.

    The columns are the library's (the docs' how-to "From a spreadsheet export to an 837" lists
    them); ``columns`` maps a site's own (a TOML file with ``[columns]``, ``[constants]`` and
    ``ignore``). ``delimiter`` is ``,`` or ``;`` (European spreadsheet exports). A record the CSV
    reader cannot read (an unclosed quote) or text that is not UTF-8 ends the file with a
    :class:`BadRow`: the rest cannot be read reliably.

    >>> rows = list(from_csv("examples/infusion-log.csv"))
    >>> [(r.claim_id, r.patient.weight_kg) for r in rows if isinstance(r, Encounter)][:2]
    [('LOG-0001', Decimal('68.3')), ('LOG-0002', Decimal('52'))]
    >>> [str(r) for r in rows if isinstance(r, BadRow)]
    ['row 3: weight_kg: expected a number greater than 0 and at most 1000 [invalid-value]']
    """
    mapping = columns if isinstance(columns, _intake.ColumnMap) else _intake.column_map(columns)
    with _intake.open_text(path) as text:
        yield from _csv_rows(text, mapping, delimiter, policies, drugs)


def _csv_rows(
    text: Iterable[str],
    mapping: _intake.ColumnMap,
    delimiter: str,
    policies: Mapping[str, PayerPolicy],
    drugs: Mapping[str, Drug],
) -> Iterator[Encounter | BadRow]:
    rows = _intake.rows(text, delimiter)
    try:
        _, header = next(rows, (0, []))
        shape = _intake.layout(header, mapping)
        paths = shape.paths()
        for number, row in rows:
            data, problems = _intake.record(row, shape)
            try:
                read = from_dict(data, policies, drugs)
            except InvalidInput as error:
                problems += _intake.renamed(error.problems, paths)
            if problems:
                yield BadRow(number, tuple(problems))
            else:
                yield read
    except _intake.BadRecord as error:
        yield BadRow(error.number, (Problem("record", "invalid-csv", error.reason),))
    except UnicodeDecodeError:
        yield BadRow(0, (Problem("file", "invalid-csv", "not UTF-8 text"),))


SCHEMA_ID: Final = "https://benlysta-coding.invalid/schema/encounter.schema.json"
"""The ``$id`` of the encounter schema (a name, not an address that serves it)."""


def schema(
    policies: Mapping[str, PayerPolicy] = policy.POLICIES,
    drugs: Mapping[str, Drug] = _drugs.DRUGS,
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the encounter format, generated from the same field
    declarations the loader reads; ``python -m benlysta_coding schema encounter`` prints it, and the
    package ships it as ``data/encounter.schema.json``. ``policies`` and ``drugs`` are the names
    ``payer``, ``drug`` and ``indication`` may take, as for :func:`from_dict` (the built-ins by
    default; ``schema encounter --policy FILE --drug FILE`` prints the schema with yours).

    What only the loader checks (the schema cannot say it): rules between fields (a birth date
    after the date of service, a payer claim number only for a replacement or void, an
    indication of the encounter's own drug), an NPI's check digit, a day a month does not have, a
    number of more than 12 decimals, and an NDC written as 10 bare digits (known products only).

    >>> schema()["required"]
    ['service_date', 'route', 'indication', 'setting', 'payer', 'diagnoses', 'patient']
    """
    overrides = {"payer": _payer(policies), "drug": _drug(drugs), "indication": _indication(drugs)}
    return json_schema(Encounter, "Encounter", SCHEMA_ID, overrides)


def reference(
    kind: type = Encounter, prefix: str = ""
) -> Iterator[tuple[str, str, bool, str, str]]:
    """Every key of the encounter JSON, nested keys included: (key, JSON type, required, example,
    description). The docs' reference table is generated from this.

    >>> next(reference())[:3]
    ('claim_id', 'string', False)
    """
    for field in attrs.fields(kind):
        info = field.metadata
        key = f"{prefix}{field.name}"
        required = field.default is attrs.NOTHING
        nested_kind = info.get("kind") or info.get("items")
        example = "" if info.get("example") is None else json.dumps(info["example"])
        yield key, str(info.get("json", "string")), required, example, str(info.get("help", ""))
        if nested_kind is not None:
            yield from reference(nested_kind, f"{key}{'[].' if info.get('items') else '.'}")
