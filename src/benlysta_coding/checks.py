"""Claim edits: the diagnosis checks and the line checks a coder makes, as findings.

:func:`diagnosis_findings` checks the diagnoses against the drug's rules (billable, indication,
first-listed category); :func:`check_lines` checks any set of service lines, the library's own or lines
you edited (JW/JZ, modifier dates, units per day, precision of amounts).

>>> from benlysta_coding.dosing import Indication
>>> [f.code for f in diagnosis_findings(("M32.1",), Indication.SLE)]
['dx-not-billable', 'dx-no-sle']
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from benlysta_coding import icd10, modifiers, products
from benlysta_coding.dosing import Indication
from benlysta_coding.drug import BELIMUMAB, Drug
from benlysta_coding.findings import Finding, make
from benlysta_coding.lines import ServiceLine
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.units import VialPlan

if TYPE_CHECKING:
    from benlysta_coding.encounter import Encounter

__all__ = ["check_lines", "diagnosis_findings", "diagnosis_pointers"]


def diagnosis_pointers(diagnoses: Sequence[str], drug: Drug = BELIMUMAB) -> tuple[int, ...]:
    """The pointers (1-based, at most 4) to the diagnoses that support the drug; else the first."""
    supporting = drug.supporting_diagnoses
    pointing = [i for i, code in enumerate(diagnoses, start=1) if code in supporting]
    return tuple((pointing or [1])[:4])


def diagnosis_findings(
    diagnoses: Sequence[str], indication: Indication, drug: Drug = BELIMUMAB
) -> list[Finding]:
    """Findings about the diagnoses of a claim for ``drug`` given for ``indication``."""
    found: list[Finding] = []
    known = []
    for index, code in enumerate(diagnoses):
        path = f"$.diagnoses[{index}]"
        entry = icd10.CODES.get(code)
        if entry is None:
            found.append(
                make("dx-not-in-library", f"{code} is not in this library's code set", path)
            )
            continue
        known.append(code)
        if not entry.billable:
            found.append(
                make("dx-not-billable", f"{code} is a category header: {entry.note}", path)
            )
        if code == "N05.9":
            if indication is Indication.LUPUS_NEPHRITIS:
                found.append(
                    make(
                        "dx-n059-lupus-nephritis",
                        "N05.9 is unspecified nephritic syndrome, not lupus nephritis: use M32.14",
                        path,
                    )
                )
            else:
                found.append(
                    make(
                        "dx-indication-mismatch",
                        "N05.9 is not lupus-specific; lupus nephritis is M32.14",
                        path,
                    )
                )
        if code in drug.not_indicated:
            found.append(make("dx-drug-induced", f"{code}: {drug.not_indicated[code]}", path))
    supporting = drug.supporting_diagnoses
    if not any(code in supporting for code in known):
        found.append(
            make("dx-no-sle", "no billable SLE code (M32.10-M32.19, M32.8, M32.9)", "$.diagnoses")
        )
    nephritis = drug.indication_diagnoses[Indication.LUPUS_NEPHRITIS]
    has_nephritis = any(code in nephritis for code in known)
    if indication is Indication.LUPUS_NEPHRITIS and not has_nephritis:
        found.append(
            make(
                "dx-indication-mismatch",
                "indication is lupus nephritis but M32.14 is not among the diagnoses",
                "$.diagnoses",
            )
        )
    if indication is Indication.SLE and has_nephritis:
        found.append(
            make(
                "dx-indication-mismatch",
                "M32.14 (lupus nephritis) is billed but the indication is 'sle'",
                "$.indication",
            )
        )
    return found


def check_lines(
    encounter: Encounter | None,
    lines: Sequence[ServiceLine],
    policy: PayerPolicy,
    plan: VialPlan | None,
    *,
    drug: Drug = BELIMUMAB,
) -> list[Finding]:
    """Findings about the lines themselves: JW/JZ, modifier dates, units per day, amounts.

    Runs on any lines, so it also checks lines you edited or made yourself. ``plan`` is the vial plan
    the lines should bill (``None`` when unknown); ``encounter`` is not needed by these checks and may
    be ``None``.
    """
    found: list[Finding] = []
    code = drug.hcpcs.code
    drug_lines = [line for line in lines if line.code == code]
    for line in lines:
        path = f"$.lines[{line.number - 1}]"
        for modifier in line.modifiers:
            entry = modifiers.CODES.get(modifier)
            if entry is not None and not entry.in_effect(line.service_date):
                found.append(
                    make(
                        "modifier-not-in-effect",
                        f"{modifier} takes effect "
                        f"{entry.effective}; the line is dated {line.service_date}",
                        path,
                    )
                )
        if line.ndc_quantity is not None and line.ndc_quantity != line.ndc_quantity.quantize(
            Decimal("0.001")
        ):
            found.append(
                make(
                    "ndc-quantity-precision",
                    f"NDC quantity {line.ndc_quantity} has more than 3 decimals",
                    path,
                )
            )
        if line.charge is not None and line.charge != line.charge.quantize(Decimal("0.01")):
            found.append(
                make("charge-precision", f"charge {line.charge} has more than 2 decimals", path)
            )
        product = products.CODES.get(line.ndc or "")
        if line.code == code and product and product.route is products.Route.SC:
            found.append(make("j0490-sc-product", f"{code} is billed with an SC product NDC", path))
    waste_billed = any(modifiers.JW.code in line.modifiers for line in drug_lines)
    for day in sorted({line.service_date for line in drug_lines}):
        found.extend(_waste_findings(day, drug_lines, policy, plan, waste_billed))
    if policy.max_units_per_day is not None:
        total = sum(line.units for line in drug_lines)
        if total > policy.max_units_per_day:
            found.append(
                make(
                    "mue-exceeded",
                    f"{total} {code} units exceed the maximum of "
                    f"{policy.max_units_per_day} per day you supplied",
                    "$.lines",
                )
            )
    return found


def _waste_findings(
    day: datetime.date,
    drug_lines: Sequence[ServiceLine],
    policy: PayerPolicy,
    plan: VialPlan | None,
    waste_billed: bool,
) -> list[Finding]:
    found = []
    jw_from, jz_from = policy.jw_required_from, policy.jz_required_from
    wasted = plan is not None and plan.wasted_units > 0
    if plan is not None and wasted and not waste_billed and jw_from is not None and day >= jw_from:
        found.append(
            make(
                "jw-missing", f"{plan.wasted_units} unit(s) discarded without a JW line", "$.lines"
            )
        )
    if jz_from is None or day < jz_from or waste_billed or wasted:
        return found
    for line in drug_lines:
        if line.service_date == day and modifiers.JZ.code not in line.modifiers:
            found.append(
                make(
                    "jz-missing",
                    "nothing was discarded but the drug line has no JZ",
                    f"$.lines[{line.number - 1}]",
                )
            )
    return found
