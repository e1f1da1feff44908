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
>>> claim = build.build_claim(
...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
... )
>>> (
...     str(claim.kind),
...     claim.total_charge is None,
...     Claim.from_dict(claim.to_dict()) == claim,
... )
('professional', True, True)
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from benlysta_coding import (
    products,
)
from benlysta_coding._structure import Reader, to_json, typed
from benlysta_coding._util import EXACT, ZERO, require_str
from benlysta_coding.drug import BELIMUMAB, DRUGS, Drug, choose
from benlysta_coding.encounter import Setting
from benlysta_coding.errors import ClaimHasErrors, InvalidInput, Problem
from benlysta_coding.findings import (
    Finding,
    PayerAnswer,
    Severity,
)
from benlysta_coding.lines import LineKind, ServiceLine
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


def _drug_name(drug: Drug) -> str:
    return drug.name


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
    drug: Drug = attrs.field(
        default=BELIMUMAB, repr=lambda drug: repr(drug.name), metadata={"write": _drug_name}
    )
    """The drug billed (its name in :meth:`to_dict`)."""

    @property
    def total_charge(self) -> Decimal | None:
        """The sum of the line charges, exactly; ``None`` if any line has no charge."""
        total = ZERO
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
        """A JSON-ready dict: decimals as strings (exact), dates as ISO text, the drug by its name
        (``benlysta_coding._structure.to_json``)."""
        data: dict[str, Any] = to_json(self)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], drugs: Mapping[str, Drug] = DRUGS) -> Claim:
        """Read back what :meth:`to_dict` wrote; ``drugs`` holds the drugs its ``drug`` may name
        (the built-in belimumab by default; see :func:`benlysta_coding.drug.registry`).

        The fields are read by their types (``benlysta_coding._structure.typed``): anything
        else is refused with :class:`TypeError` (not a mapping) or
        :class:`~benlysta_coding.errors.InvalidInput` listing every missing, unknown or wrong key
        with its JSON path. The values are not re-checked against the billing rules: run
        :func:`~benlysta_coding.checks.check_lines` for that; the exports check every value they
        write.

        >>> Claim.from_dict({"claim_id": "A1", "kind": "dental"})
        Traceback (most recent call last):
            ...
        benlysta_coding.errors.InvalidInput: 15 problems in the input:
        $.kind: expected one of professional, institutional [invalid-value]
        ...
        """
        if not isinstance(data, Mapping):
            raise TypeError("claim data: expected a mapping as written by Claim.to_dict")
        reader = Reader()
        made = reader.read(cls, data, "$", overrides={"drug": functools.partial(_drug, drugs)})
        if reader.problems or made is None:
            raise InvalidInput(reader.problems or [Problem("$", "invalid-type", "not a claim")])
        return made


def _drug(drugs: Mapping[str, Drug], name: object) -> Drug:
    return choose(require_str(name, "drug"), drugs)


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


typed(Adjustment, OtherPayerLine, OtherPayer, PayerAnswer, Finding, ServiceLine, Claim)
# the claim and what it holds are read from JSON and written to it by their fields' types
