"""An HL7 FHIR R4 (4.0.1) ``Claim`` resource, as a JSON-ready dict with exact decimals.

Code systems: HCPCS ``http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets``, CPT
``http://www.ama-assn.org/go/cpt``, ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``, NDC
``http://hl7.org/fhir/sid/ndc`` (the hyphenated 10-digit labeled form, in ``item.detail``), NUBC revenue
codes on institutional claims. Quantities and money are :class:`~decimal.Decimal`; :func:`dumps` writes
them exactly (``19`` stays ``19``, ``862.50`` stays ``862.50``), which ``json.dumps`` cannot.

More information:

* https://hl7.org/fhir/R4/claim.html

>>> import datetime
>>> from benlysta_coding import build_claim, encounter, examples
>>> enc = encounter.from_dict(examples.OFFICE_IV)
>>> claim = build_claim(enc, prices={"J0490": "12.50", "96365": "150"},
...                     today=datetime.date(2026, 1, 1))
>>> resource = claim_resource(claim, created=datetime.date(2025, 3, 4))
>>> resource["item"][0]["detail"][0]["productOrService"]["coding"][0]["code"]
'49401-101-01'
>>> dumps(resource["total"])
'{"value": 1050.00, "currency": "USD"}'
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any, Final

from benlysta_coding import ndc
from benlysta_coding._util import exact, to_decimal
from benlysta_coding.claim import Claim, ClaimKind, ServiceLine, exportable
from benlysta_coding.drug import Drug
from benlysta_coding.errors import AmbiguousNDC, InvalidFormat
from benlysta_coding.parties import Parties

__all__ = ["CPT", "HCPCS", "ICD10CM", "NDC", "claim_resource", "dumps"]

HCPCS: Final = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
"""The HCPCS code system URI."""
CPT: Final = "http://www.ama-assn.org/go/cpt"
"""The CPT code system URI."""
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
"""The ICD-10-CM code system URI."""
NDC: Final = "http://hl7.org/fhir/sid/ndc"
"""The NDC code system URI."""
NPI: Final = "http://hl7.org/fhir/sid/us-npi"
REVENUE: Final = "https://www.nubc.org/CodeSystem/RevenueCodes"
CLAIM_TYPE: Final = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY: Final = "http://terminology.hl7.org/CodeSystem/processpriority"
RELATIONSHIP: Final = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
"""The FHIR R4 code system of the beneficiary's relationship to the subscriber (Coverage)."""


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": value, "currency": "USD"}


def _unit_price(charge: Decimal, units: int) -> Decimal | None:
    """The price per unit when it is a whole number of cents that gives the charge exactly."""
    if units <= 0:
        return None
    price = (charge / units).quantize(Decimal("0.01"))
    return price if price * units == charge else None


def _ndc_code(ndc11: str, drug: Drug) -> str:
    """The NDC as FHIR's NDC system writes it: the labeled 10-digit form where the drug file
    gives it, else the 11 digits (an NDC written 5-4-2 has no known 10-digit layout)."""
    labeled = drug.catalogue.get(ndc11)
    if labeled is not None:
        return labeled
    try:
        return ndc.to_10(ndc11)
    except AmbiguousNDC:
        return ndc11


def _item(line: ServiceLine, claim: Claim) -> dict[str, Any]:
    system = HCPCS if line.code_system == "HCPCS" else CPT
    item: dict[str, Any] = {"sequence": line.number}
    item["diagnosisSequence"] = list(line.diagnosis_pointers)
    if line.revenue_code:
        item["revenue"] = {"coding": [{"system": REVENUE, "code": line.revenue_code}]}
    item["productOrService"] = {"coding": [{"system": system, "code": line.code}]}
    if line.modifiers:
        item["modifier"] = [{"coding": [{"system": HCPCS, "code": m}]} for m in line.modifiers]
    item["servicedDate"] = line.service_date.isoformat()
    item["quantity"] = {"value": Decimal(line.units)}
    if line.charge is not None:
        unit_price = _unit_price(line.charge, line.units)
        if unit_price is not None:  # only when exact: net = quantity x unitPrice
            item["unitPrice"] = _money(unit_price)
        item["net"] = _money(line.charge)
    drug = line.claim_ndc
    if drug is not None:
        item["detail"] = [
            {
                "sequence": 1,
                "productOrService": {
                    "coding": [{"system": NDC, "code": _ndc_code(drug.ndc11, claim.drug)}]
                },
                "quantity": {"value": drug.quantity, "unit": str(drug.unit)},
            }
        ]
    return item


@exact
def claim_resource(
    claim: Claim,
    parties: Parties | None = None,
    *,
    created: datetime.date | None = None,
    patient_reference: str | None = None,
    allow_errors: bool = False,
) -> dict[str, Any]:
    """Return the FHIR R4 Claim for a built claim.

    With ``parties``, the patient is identified by member id, the provider by NPI and the insurer by
    payer id; without them, give ``patient_reference`` (such as ``"Patient/123"``) or the patient and
    provider are written as display text only. ``created`` defaults to today. A claim with error
    findings is refused (:class:`~benlysta_coding.errors.ClaimHasErrors`) unless ``allow_errors`` is
    true, for a draft.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV),
    ...     prices={"J0490": "12.50", "96365": "150"},
    ...     today=datetime.date(2026, 1, 1),
    ... )
    >>> claim_resource(claim, created=datetime.date(2026, 1, 2))["total"]
    {'value': Decimal('1050.00'), 'currency': 'USD'}
    """
    exportable(claim, allow_errors=allow_errors)
    if parties is not None and not isinstance(parties, Parties):
        raise TypeError("parties: expected benlysta_coding.export.parties.Parties")
    if patient_reference is not None and not isinstance(patient_reference, str):
        raise TypeError("patient_reference: expected a str such as 'Patient/123'")
    if patient_reference is not None:
        patient: dict[str, Any] = {"reference": patient_reference}
    elif parties is not None and parties.patient.member_id:
        patient = {"identifier": {"value": parties.patient.member_id}}
    else:  # a dependant has no member id of their own: FHIR allows no empty string
        patient = {"display": "patient"}
    resource: dict[str, Any] = {"resourceType": "Claim"}
    if claim.claim_id:
        resource["identifier"] = [{"value": claim.claim_id}]
    resource["status"] = "active"
    resource["type"] = {
        "coding": [
            {
                "system": CLAIM_TYPE,
                "code": (
                    "institutional" if claim.kind == ClaimKind.INSTITUTIONAL else "professional"
                ),
            }
        ]
    }
    resource["use"] = "claim"
    resource["patient"] = patient
    resource["billablePeriod"] = {
        "start": claim.service_date.isoformat(),
        "end": claim.service_date.isoformat(),
    }
    resource["created"] = (created or datetime.date.today()).isoformat()
    if parties is not None:
        provider = parties.billing_provider
        resource["insurer"] = {
            "identifier": {"value": parties.insurance.payer_id},
            "display": parties.insurance.payer_name,
        }
        resource["provider"] = {
            "identifier": {"system": NPI, "value": provider.npi},
            "display": provider.name,
        }
    else:
        resource["provider"] = {"display": "billing provider"}
    resource["priority"] = {"coding": [{"system": PRIORITY, "code": "normal"}]}
    resource["diagnosis"] = [
        {"sequence": i, "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM, "code": c}]}}
        for i, c in enumerate(claim.diagnoses, start=1)
    ]
    insurance: dict[str, Any] = {"sequence": 1, "focal": True}
    if parties is None:
        insurance["coverage"] = {"display": f"payer policy {claim.payer}"}
        resource["insurance"] = [insurance]
    else:
        resource["contained"], resource["insurance"] = _coverages(parties, patient)
        insurance = resource["insurance"][-1]
    if claim.prior_authorization:
        insurance["preAuthRef"] = [claim.prior_authorization]
    resource["item"] = [_item(line, claim) for line in claim.lines]
    total = claim.total_charge
    if total is not None:
        resource["total"] = _money(total)
    return resource


def _coverages(
    parties: Parties, patient: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The Coverage resources contained in the Claim and the insurance entries that reference them:
    the payer's (the subscriber, member id and relationship), and on a claim to the secondary payer
    the primary's first, as coordination of benefits orders them (the secondary is focal)."""
    subscriber = parties.subscriber
    relationship = subscriber.relationship.value if subscriber is not None else "self"
    if relationship not in ("spouse", "child", "self"):
        relationship = "other"
    plans = []
    if parties.other_insurance is not None:
        plans.append((parties.other_insurance, parties.other_member_id))
    member = subscriber.member_id if subscriber is not None else parties.patient.member_id
    plans.append((parties.insurance, member))
    contained, insurance = [], []
    for number, (payer, member_id) in enumerate(plans, start=1):
        coverage: dict[str, Any] = {
            "resourceType": "Coverage",
            "id": f"coverage-{number}",
            "status": "active",
        }
        if member_id:
            coverage["subscriberId"] = member_id
        if subscriber is not None:
            coverage["subscriber"] = {"display": "subscriber"}
        coverage["beneficiary"] = patient
        coverage["relationship"] = {"coding": [{"system": RELATIONSHIP, "code": relationship}]}
        coverage["payor"] = [{"identifier": {"value": payer.payer_id}, "display": payer.payer_name}]
        contained.append(coverage)
        insurance.append(
            {
                "sequence": number,
                "focal": number == len(plans),
                "coverage": {"reference": f"#coverage-{number}"},
            }
        )
    return contained, insurance


def dumps(value: Any, indent: int | None = None) -> str:
    """Write JSON with every Decimal as an exact JSON number (no float on the way).

    >>> from decimal import Decimal
    >>> dumps({"value": Decimal("37.50"), "items": [1, 2]})
    '{"value": 37.50, "items": [1, 2]}'
    """
    return _dump(value, indent, 0)


def _dump(value: Any, indent: int | None, level: int) -> str:
    if level > 32:
        raise InvalidFormat("dumps: nested deeper than a FHIR Claim is")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        if isinstance(value, Decimal) and not value.is_finite():
            raise InvalidFormat("dumps: NaN and infinite decimals are not JSON numbers")
        number = to_decimal(value, "dumps") if isinstance(value, Decimal) else value
        if isinstance(number, int) and abs(number) >= 10**18:
            raise InvalidFormat("dumps: integers of more than 18 digits are not written")
        return f"{number:f}" if isinstance(number, Decimal) else str(number)
    if isinstance(value, dict):
        items = [f"{json.dumps(str(k))}: {_dump(v, indent, level + 1)}" for k, v in value.items()]
        return _join("{", items, "}", indent, level)
    if isinstance(value, list | tuple):
        return _join("[", [_dump(v, indent, level + 1) for v in value], "]", indent, level)
    if isinstance(value, float):
        raise TypeError("dumps: a float cannot be written exactly; use Decimal")
    return json.dumps(value)


def _join(open_: str, items: list[str], close: str, indent: int | None, level: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(items) + close
    pad, inner = " " * indent * level, " " * indent * (level + 1)
    return open_ + "\n" + ",\n".join(inner + item for item in items) + "\n" + pad + close
