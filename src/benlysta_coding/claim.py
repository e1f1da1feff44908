"""The claim: what the builder made from an encounter, as frozen values.

:class:`Claim` holds the billing content of one claim (no patient identifiers: those stay in the
encounter), its :class:`~benlysta_coding.lines.ServiceLine` values and its findings; a claim to a
secondary payer carries the primary payer's adjudication (:class:`OtherPayer`). :meth:`Claim.to_dict`
and :meth:`Claim.from_dict` write and read it as JSON. :func:`exportable` is the check every export
shares.

The claim is made by :func:`benlysta_coding.build.build_claim` (one encounter) and
:func:`benlysta_coding.stages.build_claims` (many).

>>> import datetime
>>> from benlysta_coding import build, encounter, examples
>>> claim = build.build_claim(encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1))
>>> str(claim.kind), claim.total_charge is None, Claim.from_dict(claim.to_dict()) == claim
('professional', True, True)
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from benlysta_coding import (
    products,
)
from benlysta_coding._util import EXACT, plain, to_date, to_decimal
from benlysta_coding.drug import BELIMUMAB, DRUGS, Drug, choose
from benlysta_coding.encounter import Setting
from benlysta_coding.errors import (
    ClaimHasErrors,
    InvalidFormat,
    ValidationError,
)
from benlysta_coding.findings import (
    Finding,
    PayerAnswer,
    Remedy,
    Severity,
)
from benlysta_coding.lines import LineKind, ServiceLine
from benlysta_coding.ndc import Unit as NDCUnit
from benlysta_coding.place_of_service import Frequency

__all__ = [
    "Adjustment",
    "Claim",
    "ClaimKind",
    "LineKind",
    "OtherPayer",
    "OtherPayerLine",
    "ServiceLine",
    "exportable",
]


class ClaimKind(enum.StrEnum):
    """Professional (CMS-1500 / 837P) or institutional (UB-04 / 837I)."""

    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


@attrs.frozen
class Adjustment:
    """One claim adjustment (X12 ``CAS``): group (CO, PR, OA, PI, CR), reason code, amount,
    quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@attrs.frozen(kw_only=True)
class OtherPayerLine:
    """How the other (primary) payer adjudicated one line (837 loop 2430)."""

    number: int
    """The line of this claim it answers."""
    paid: Decimal
    units: int
    adjustments: tuple[Adjustment, ...] = ()


@attrs.frozen(kw_only=True)
class OtherPayer:
    """The primary payer's adjudication, carried by a claim to the secondary payer (837 loop 2320,
    2330B and 2430)."""

    filing_code: str
    """The primary payer's claim filing indicator (SBR09 of loop 2320)."""
    paid: Decimal
    adjudicated: datetime.date
    adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[OtherPayerLine, ...] = ()


@attrs.frozen(kw_only=True)
class Claim:
    """A built claim: billing content only, no patient identifiers (those stay in the encounter)."""

    claim_id: str
    kind: ClaimKind
    setting: Setting
    payer: str
    filing_code: str
    """The X12 claim filing indicator (SBR09) for this payer and claim kind (``MB``, ``MA``, ``CI``)."""
    service_date: datetime.date
    route: products.Route
    indication: str
    dose_mg: Decimal | None
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    findings: tuple[Finding, ...]
    place_of_service: str | None
    type_of_bill: str | None
    prior_authorization: str | None
    documentation: tuple[str, ...]
    frequency: Frequency = Frequency.ORIGINAL
    """Original, replacement (frequency 7) or void (8) claim."""
    payer_claim_number: str | None = None
    """The payer's number of the claim replaced or voided (X12 ``REF*F8``)."""
    other_payer: OtherPayer | None = None
    """On a claim to the secondary payer: what the primary payer paid and adjusted."""
    drug: Drug = attrs.field(default=BELIMUMAB, repr=lambda drug: repr(drug.name))
    """The drug billed (its name in :meth:`to_dict`)."""

    @property
    def total_charge(self) -> Decimal | None:
        """The sum of the line charges, exactly; ``None`` if any line has no charge."""
        total = Decimal(0)
        for line in self.lines:
            if line.charge is None:
                return None
            total = EXACT.add(total, line.charge)
        return total if self.lines else None

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block the claim."""
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    def records(self, *, numeric: bool = False) -> list[dict[str, Any]]:
        """One flat record per service line, ready for ``pandas.DataFrame(claim.records())``.

        Values stay exact by default (``Decimal`` quantities and charges, ``date`` service dates).
        With ``numeric=True`` the quantities and charges are floats a DataFrame can plot and sum
        (charges are whole cents, so nothing is lost), and a missing price is ``nan``: sum with
        ``skipna=False`` (``df["charge"].sum(skipna=False)``) so that a line without a price makes
        the total missing instead of silently smaller.
        """

        def number(value: Decimal | None) -> Decimal | float | None:
            if not numeric:
                return value
            return float("nan") if value is None else float(value)

        return [
            {
                "claim_id": self.claim_id,
                "line": line.number,
                "kind": str(line.kind),
                "code": line.code,
                "modifiers": ":".join(line.modifiers),
                "units": line.units,
                "service_date": line.service_date,
                "ndc": line.ndc or "",
                "ndc_unit": str(line.ndc_unit) if line.ndc_unit else "",
                "ndc_quantity": number(line.ndc_quantity),
                "revenue_code": line.revenue_code or "",
                "charge": number(line.charge),
                "diagnoses": ",".join(self.diagnoses[p - 1] for p in line.diagnosis_pointers),
                "explanation": line.explanation,
                "control_number": line.control_number,
            }
            for line in self.lines
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: decimals as strings (exact), dates as ISO text."""
        data: dict[str, Any] = _to_json(self)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], drugs: Mapping[str, Drug] = DRUGS) -> Claim:
        """Read back what :meth:`to_dict` wrote; ``drugs`` holds the drugs its ``drug`` may name
        (the built-in belimumab by default; see :func:`benlysta_coding.drug.registry`).

        Anything else is refused with :class:`TypeError` (not a mapping) or
        :class:`~benlysta_coding.errors.InvalidFormat` naming the missing or wrong key. The values
        are not re-checked against the billing rules: run :func:`~benlysta_coding.checks.check_lines` for that; the exports
        check every value they write.
        """
        if not isinstance(data, Mapping):
            raise TypeError("claim data: expected a mapping as written by Claim.to_dict")
        try:
            return cls._from_dict(data, drugs)
        except KeyError as error:
            raise InvalidFormat(f"claim data: missing key {str(error)[:40]}") from None
        except (TypeError, AttributeError, ValueError, ArithmeticError) as error:
            if isinstance(error, ValidationError):
                raise
            raise InvalidFormat(
                "claim data: a value has the wrong type or shape (expected what Claim.to_dict "
                "writes)"
            ) from None

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any], drugs: Mapping[str, Drug]) -> Claim:
        lines = tuple(
            ServiceLine(
                number=line["number"],
                kind=LineKind(line["kind"]),
                code=line["code"],
                modifiers=tuple(line["modifiers"]),
                units=line["units"],
                service_date=to_date(line["service_date"], "service_date"),
                diagnosis_pointers=tuple(line["diagnosis_pointers"]),
                ndc=line["ndc"],
                ndc_unit=None if line["ndc_unit"] is None else NDCUnit(line["ndc_unit"]),
                ndc_quantity=_decimal_or_none(line["ndc_quantity"]),
                ndc_note=line["ndc_note"],
                revenue_code=line["revenue_code"],
                charge=_decimal_or_none(line["charge"]),
                explanation=line["explanation"],
                control_number=line.get("control_number", ""),
                expected_allowed=_decimal_or_none(line.get("expected_allowed")),
                coinsurance=_decimal_or_none(line.get("coinsurance")),
                expected_allowed_exact=_decimal_or_none(line.get("expected_allowed_exact")),
                coinsurance_exact=_decimal_or_none(line.get("coinsurance_exact")),
            )
            for line in data["lines"]
        )
        findings = tuple(
            Finding(
                code=f["code"],
                severity=Severity(f["severity"]),
                message=f["message"],
                path=f["path"],
                fix=f["fix"],
                source=f["source"],
                answer=_answer(f.get("answer")),
            )
            for f in data["findings"]
        )
        return cls(
            claim_id=data["claim_id"],
            kind=ClaimKind(data["kind"]),
            setting=Setting(data["setting"]),
            payer=data["payer"],
            filing_code=data["filing_code"],
            service_date=to_date(data["service_date"], "service_date"),
            route=products.Route(data["route"]),
            indication=str(data["indication"]),
            dose_mg=_decimal_or_none(data["dose_mg"]),
            diagnoses=tuple(data["diagnoses"]),
            lines=lines,
            findings=findings,
            place_of_service=data["place_of_service"],
            type_of_bill=data["type_of_bill"],
            prior_authorization=data["prior_authorization"],
            documentation=tuple(data["documentation"]),
            frequency=Frequency(data.get("frequency", "original")),
            payer_claim_number=data.get("payer_claim_number"),
            other_payer=_other_payer(data.get("other_payer")),
            drug=choose(data.get("drug", BELIMUMAB.name), drugs),
        )


def exportable(claim: object, *, allow_errors: bool = False) -> Claim:
    """Return ``claim`` if an export may write it; the one check every export shares.

    Raises :class:`TypeError` for anything but a :class:`Claim`, and
    :class:`~benlysta_coding.errors.ClaimHasErrors` (carrying the findings) for a claim with error
    findings, unless ``allow_errors`` is true (a draft: the forms and FHIR accept it; X12 never).

    >>> exportable("not a claim")
    Traceback (most recent call last):
        ...
    TypeError: claim: expected a benlysta_coding.claim.Claim
    """
    if not isinstance(claim, Claim):
        raise TypeError("claim: expected a benlysta_coding.claim.Claim")
    if not isinstance(allow_errors, bool):
        raise TypeError("allow_errors: expected True or False")
    if claim.errors and not allow_errors:
        raise ClaimHasErrors(claim.errors, claim.claim_id)
    return claim


def _adjustments(items: Any) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(
            item["group"],
            item["reason"],
            to_decimal(item["amount"], "amount"),
            _decimal_or_none(item["quantity"]),
        )
        for item in items
    )


def _other_payer(data: Mapping[str, Any] | None) -> OtherPayer | None:
    if data is None:
        return None
    return OtherPayer(
        filing_code=data["filing_code"],
        paid=to_decimal(data["paid"], "paid"),
        adjudicated=to_date(data["adjudicated"], "adjudicated"),
        adjustments=_adjustments(data["adjustments"]),
        lines=tuple(
            OtherPayerLine(
                number=line["number"],
                paid=to_decimal(line["paid"], "paid"),
                units=line["units"],
                adjustments=_adjustments(line["adjustments"]),
            )
            for line in data["lines"]
        ),
    )


def _answer(data: Mapping[str, Any] | None) -> PayerAnswer | None:
    if data is None:
        return None
    return PayerAnswer(
        carc=data["carc"],
        rarc=tuple(data["rarc"]),
        remedy=Remedy(data["remedy"]),
        source=data["source"],
    )


def _decimal_or_none(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "amount")


def _to_json(value: Any) -> Any:
    """A value as JSON holds it: attrs values as dicts of their fields, in order (as
    ``attrs.asdict``), tuples as lists, exact decimals as text, dates as ISO text, enums as values."""
    kind = value.__class__
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is tuple or kind is list:
        return [_to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Drug):
        return value.name
    if isinstance(value, Decimal):
        return plain(value) if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    fields = getattr(kind, "__attrs_attrs__", None)
    if fields is not None:
        return {field.name: _to_json(getattr(value, field.name)) for field in fields}
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value
