"""Findings: the problems and advice a claim carries, each with a stable code.

Errors block a claim (the command line exits 2); warnings advise; info explains a decision. Every
finding has a stable ``code`` (listed in :data:`RULES` and in the docs), a message, the JSON path of the
field it concerns, a fix, and the rule or source it comes from.

>>> RULES["dx-n059-lupus-nephritis"].severity
<Severity.ERROR: 'error'>
>>> make("dx-not-billable", "M32.1 is a category header", "$.diagnoses[0]").fix
'Bill one of M32.10 to M32.19 (the specific organ or system involvement).'
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["RULES", "Finding", "Rule", "Severity", "make"]


class Severity(enum.StrEnum):
    """How much a finding matters."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Rule:
    """A kind of finding: its stable code, severity, title, fix and source."""

    code: str
    severity: Severity
    title: str
    fix: str
    source: str = ""


@attrs.frozen(kw_only=True)
class Finding:
    """One finding on a claim."""

    code: str
    severity: Severity
    message: str
    path: str
    fix: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message} [{self.code}]"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: Final[Mapping[str, Rule]] = types.MappingProxyType(
    {
        rule.code: rule
        for rule in (
            Rule(
                "dx-not-billable",
                _E,
                "A diagnosis code is a category header, not billable",
                "Bill one of M32.10 to M32.19 (the specific organ or system involvement).",
                "ICD-10-CM tabular list",
            ),
            Rule(
                "dx-n059-lupus-nephritis",
                _E,
                "N05.9 used for lupus nephritis",
                "N05.9 is unspecified nephritic syndrome; bill lupus nephritis as M32.14.",
                "ICD-10-CM tabular list",
            ),
            Rule(
                "dx-no-sle",
                _E,
                "No SLE diagnosis on the claim",
                "Add the SLE code that the record supports (M32.10 to M32.19, M32.8 or M32.9).",
                "Benlysta payer policies (S8)",
            ),
            Rule(
                "dx-indication-mismatch",
                _W,
                "The indication and the diagnoses disagree",
                "For lupus nephritis bill M32.14; for SLE without nephritis use the matching M32 code.",
                "BENLYSTA label (S3)",
            ),
            Rule(
                "dx-drug-induced",
                _W,
                "Drug-induced lupus (M32.0) is not a Benlysta indication",
                "Check the diagnosis; Benlysta is indicated for SLE and lupus nephritis.",
                "S3",
            ),
            Rule(
                "dx-not-in-library",
                _I,
                "A diagnosis outside this library's code set was not checked",
                "Check it against the current ICD-10-CM release.",
                "",
            ),
            Rule(
                "patient-under-5",
                _E,
                "The patient is younger than 5 years",
                "Benlysta is indicated from 5 years of age; check the birth date.",
                "S3",
            ),
            Rule(
                "sc-medicare-part-b",
                _E,
                "Subcutaneous Benlysta billed to Medicare Part B",
                "SC Benlysta is a self-administered drug, excluded from Part B: bill the pharmacy "
                "benefit (Part D).",
                "Medicare Benefit Policy Manual ch. 15 sec. 50.2 (S7)",
            ),
            Rule(
                "sc-medical-benefit",
                _W,
                "Subcutaneous Benlysta billed on the medical benefit",
                "SC Benlysta is normally a pharmacy-benefit drug; confirm the payer covers it here.",
                "S7, S8",
            ),
            Rule(
                "j0490-sc-product",
                _W,
                "J0490 billed with a subcutaneous product NDC",
                "J0490 pairs with the IV vials (49401-0101-01, 49401-0102-01).",
                "S6",
            ),
            Rule(
                "route-product-mismatch",
                _E,
                "The NDC given does not match the route",
                "Give an SC product NDC for route 'sc'; IV vials are chosen by the vial plan.",
                "S1",
            ),
            Rule(
                "infusion-minutes-missing",
                _E,
                "IV administration without infusion minutes",
                "Give infusion_minutes (start to stop time from the record).",
                "CPT time rules",
            ),
            Rule(
                "infusion-too-short",
                _E,
                "Infusion of 15 minutes or less",
                "Benlysta is infused over about 1 hour and must not be given as a push or bolus; check "
                "the times. A 15-minute or shorter administration is coded as a push.",
                "S3",
            ),
            Rule(
                "infusion-additional-hour",
                _I,
                "Infusion time and the additional-hour code",
                "No action: shown so the record can be checked.",
                "CPT time rules",
            ),
            Rule(
                "dose-far-from-label",
                _W,
                "The dose is far from 10 mg/kg of the weight given",
                "Check the weight and the dose in the record.",
                "S3",
            ),
            Rule(
                "weight-implausible",
                _W,
                "The weight is outside the plausible range, so the dose was not checked against it",
                "Check the weight's unit (kg, not pounds or grams).",
                "S3",
            ),
            Rule(
                "dose-not-determined",
                _E,
                "The dose could not be determined",
                "Give dose_mg, or the weight for an IV dose.",
                "S3",
            ),
            Rule(
                "dose-assumed",
                _I,
                "The SC dose was assumed from the regimen",
                "Give dose_mg when it differs (for example a 400 mg loading dose).",
                "S3",
            ),
            Rule(
                "jz-missing",
                _E,
                "A drug line with nothing discarded lacks JZ",
                "Add JZ to every drug line when no drug was discarded.",
                "CMS JW/JZ policy (S11)",
            ),
            Rule(
                "jw-missing",
                _E,
                "Discarded drug is not billed on a JW line",
                "Bill the discarded units on a separate line with modifier JW.",
                "S11",
            ),
            Rule(
                "modifier-not-in-effect",
                _E,
                "A modifier is used before it took effect",
                "Remove the modifier: it did not exist on the date of service.",
                "S11",
            ),
            Rule(
                "service-date-future",
                _E,
                "The date of service is in the future",
                "Check the date of service.",
                "",
            ),
            Rule(
                "mue-exceeded",
                _E,
                "The units exceed the payer's maximum units per day",
                "Check the dose; the payer's MUE (which you supplied) is lower.",
                "Payer policy",
            ),
            Rule(
                "ndc-quantity-precision",
                _E,
                "An NDC quantity has more than 3 decimals",
                "Round the dose or weight explicitly; NDC quantities take at most 3 decimals.",
                "S14",
            ),
            Rule(
                "charge-precision",
                _E,
                "A line charge has more than 2 decimals",
                "Give a unit price whose line charges come to whole cents.",
                "X12 837 amounts",
            ),
            Rule(
                "price-missing",
                _W,
                "No price for a line's code",
                "Pass prices for every code (from your fee schedule); charges are never built in.",
                "",
            ),
            Rule(
                "products-from-plan",
                _I,
                "The drug lines come from the vial plan, not the record",
                "Give products_used (the NDC and count of each vial or device opened) so that the "
                "claim bills what the record says.",
                "S9 (least waste); the record is what an auditor reads",
            ),
            Rule(
                "products-differ-from-plan",
                _W,
                "The vials opened differ from the payer's vial plan",
                "Check the record; auditors compare the vials opened with the least-waste "
                "combination and may question the extra waste.",
                "CGS JW/JZ guidelines (S9)",
            ),
            Rule(
                "products-insufficient",
                _E,
                "The vials opened cannot cover the dose",
                "Check products_used and the dose against the record.",
                "",
            ),
            Rule(
                "product-unknown",
                _E,
                "An NDC of products_used is not a product of the drug",
                "Give the NDC of a Benlysta vial (IV) or device (SC).",
                "S1",
            ),
            Rule(
                "attending-missing",
                _E,
                "An institutional claim without the attending physician",
                "Give 'attending' (first_name, last_name, npi): 837I loop 2310A is required.",
                "005010X223A2 loop 2310A (S19)",
            ),
            Rule(
                "pos-hospital-professional",
                _E,
                "A professional claim for an outpatient hospital place of service",
                "The hospital bills the drug and its administration on its institutional claim "
                "(setting 'hospital_outpatient'); bill the office (11) or independent clinic (49) "
                "on a professional claim.",
                "S6",
            ),
            Rule(
                "pos-not-used",
                _I,
                "A place of service on an institutional claim",
                "No action: an institutional claim carries the type of bill instead.",
                "NUBC / 005010X223A2",
            ),
            Rule(
                "medicare-reopening",
                _W,
                "A replacement claim asked of Medicare Part B professional billing",
                "Medicare Part B corrects a processed professional claim by a reopening (contact "
                "the contractor), not by a replacement claim.",
                "Medicare Claims Processing Manual ch. 34 (reopenings)",
            ),
            Rule(
                "subscriber-medicare",
                _E,
                "A separate subscriber on a Medicare claim",
                "A Medicare beneficiary is always the subscriber: remove 'subscriber'.",
                "Medicare 837 companion guides",
            ),
            Rule(
                "claim-id-missing",
                _W,
                "No claim id (patient control number)",
                "Give claim_id: the X12 exports need it.",
                "",
            ),
        )
    }
)
"""Every finding code, by code."""


def make(code: str, message: str, path: str = "$") -> Finding:
    """Return a finding of the rule ``code`` with a specific message and path."""
    rule = RULES[code]
    return Finding(
        code=code,
        severity=rule.severity,
        message=message,
        path=path,
        fix=rule.fix,
        source=rule.source,
    )
