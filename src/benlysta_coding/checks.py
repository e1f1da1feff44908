"""Claim edits: the diagnosis checks and the line checks a coder makes, as findings.

:func:`diagnosis_findings` checks the diagnoses against the drug's rules (billable, indication,
first-listed category); :func:`check_lines` checks any set of service lines, the library's own or lines
you edited (JW/JZ, modifier dates, units per day, precision of amounts).

>>> [f.code for f in diagnosis_findings(("M32.1",), "sle")]
['dx-not-billable', 'dx-no-sle']
"""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from benlysta_coding import cpt, icd10, modifiers, ndc, products
from benlysta_coding._util import exact, plain, require
from benlysta_coding.drug import BELIMUMAB, Drug, indication_label
from benlysta_coding.errors import ValidationError
from benlysta_coding.findings import Finding, fill, make
from benlysta_coding.lines import ServiceLine
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.products import Product
from benlysta_coding.units import VialPlan

if TYPE_CHECKING:
    from benlysta_coding.encounter import Encounter

__all__ = ["check_lines", "diagnosis_findings", "diagnosis_pointers"]


def diagnosis_pointers(diagnoses: Sequence[str], drug: Drug = BELIMUMAB) -> tuple[int, ...]:
    """The pointers (1-based, at most 4) to the diagnoses that support the drug; else the first.

    >>> diagnosis_pointers(["Z79.899", "M32.14", "M32.13"])
    (2, 3)
    """
    if _plain_codes(diagnoses):
        return _pointers(tuple(diagnoses), drug)
    return _pointers.__wrapped__(diagnoses, drug)


_CACHE: Final = 1024
"""Distinct diagnosis lists whose findings and pointers are kept (claims repeat a few lists)."""


def _plain_codes(diagnoses: object) -> bool:
    """Whether ``diagnoses`` is a short list or tuple of text, which the caches may hold."""
    if not isinstance(diagnoses, tuple | list) or len(diagnoses) > 12:
        return False
    return all(type(code) is str and len(code) <= 8 for code in diagnoses)


@functools.lru_cache(maxsize=_CACHE)
def _pointers(diagnoses: Sequence[str], drug: Drug) -> tuple[int, ...]:
    pointing = [i for i, code in enumerate(diagnoses, start=1) if _supports(drug, code)]
    return tuple((pointing or [1])[:4])


def _supports(drug: Drug, code: str, indication: str | None = None) -> bool:
    """A diagnosis supports the drug when the drug file lists it (or a pattern covers it) and the
    code set does not know it as a category header."""
    entry = icd10.CODES.get(code)
    return (entry is None or entry.billable) and drug.supports(code, indication)


def diagnosis_findings(
    diagnoses: Sequence[str], indication: str, drug: Drug = BELIMUMAB
) -> list[Finding]:
    """Findings about the diagnoses of a claim for ``drug`` given for ``indication``: codes that do
    not exist or are headers, Excludes1 pairs, codes that do not support the drug or the indication,
    and a first-listed code outside the drug's category.

    >>> [f.code for f in diagnosis_findings(["M32.14", "N08"], "lupus_nephritis")]
    ['dx-excludes1']
    """
    if _plain_codes(diagnoses) and isinstance(indication, str):
        return list(_diagnosis_findings(tuple(diagnoses), indication, drug))
    return list(_diagnosis_findings.__wrapped__(diagnoses, indication, drug))


def _listed(drug: Drug, indication: str) -> str:
    codes = drug.indication_diagnoses.get(indication, ())
    return ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else "".join(codes)


@functools.lru_cache(maxsize=_CACHE)
def _diagnosis_findings(
    diagnoses: Sequence[str], indication: str, drug: Drug
) -> tuple[Finding, ...]:
    found: list[Finding] = []
    known = []
    category = drug.diagnosis_category
    for index, code in enumerate(diagnoses):
        path = f"$.diagnoses[{index}]"
        entry = icd10.CODES.get(code)
        if entry is None:
            if category and code.startswith(category) and code not in icd10.CATEGORY_CODES:
                found.append(
                    make(
                        "dx-invalid",
                        f"{code} is not an ICD-10-CM code of category {category}",
                        path,
                    )
                )
            else:
                found.append(
                    make("dx-not-in-library", f"{code} is not in this library's code set", path)
                )
            continue
        known.append(code)
        if not entry.billable:
            found.append(
                make("dx-not-billable", f"{code} is a category header: {entry.note}", path)
            )
        if code in drug.misleading_diagnoses:
            why, for_indication, rule = drug.misleading_diagnoses[code]
            found.append(
                make(
                    rule if indication == for_indication else "dx-indication-mismatch",
                    f"{code}: {why}",
                    path,
                )
            )
        if code in drug.not_indicated:
            found.append(make("dx-drug-induced", f"{code}: {drug.not_indicated[code]}", path))
    for first, second in icd10.excludes1_conflicts(known):
        found.append(
            make(
                "dx-excludes1",
                f"{first} and {second} exclude each other (Excludes1): code only one",
                f"$.diagnoses[{list(diagnoses).index(second)}]",
            )
        )
    if category and diagnoses and not diagnoses[0].startswith(category):
        found.append(
            make(
                "dx-first-not-category",
                f"the first-listed diagnosis {diagnoses[0]} is not in category {category}",
                "$.diagnoses[0]",
            )
        )
    listed = [code for code in diagnoses if code in known or drug.supports(code)]
    if not any(_supports(drug, code) for code in listed):
        found.append(
            make(
                "dx-no-sle",
                f"no billable diagnosis that supports {drug.name} ({drug.facts['diagnoses']})",
                "$.diagnoses",
            )
        )
        return tuple(fill(found, drug.facts))
    if not any(_supports(drug, code, indication) for code in listed):
        found.append(
            make(
                "dx-indication-mismatch",
                f"indication is {indication_label(indication)} but {_listed(drug, indication)} is not among "
                "the diagnoses",
                "$.diagnoses",
            )
        )
    for other in drug.indications:  # a narrower indication's diagnosis billed under a wider one
        mine = set(drug.indication_diagnoses[indication])
        theirs = set(drug.indication_diagnoses[other])
        if other == indication or not theirs < mine:
            continue
        for code in listed:
            if _supports(drug, code, other):
                found.append(
                    make(
                        "dx-indication-mismatch",
                        f"{code} ({indication_label(other)}) is billed but the indication is '{indication}'",
                        "$.indication",
                    )
                )
                break
    return tuple(fill(found, drug.facts))


MAX_MODIFIERS: Final = 4
"""Modifiers a line holds: CMS-1500 item 24D and 837 SV101-3 to SV101-6."""

_INITIAL_CODES: Final = frozenset(family.initial.code for family in cpt.FAMILIES.values())
_ADD_ONS: Final = types.MappingProxyType(
    {code: entry for code, entry in cpt.CODES.items() if entry.add_on_to}
)
"""The add-on codes (each needs its primary code billed the same day)."""
_CENT: Final = Decimal("0.01")
_THOUSANDTH: Final = Decimal("0.001")


@exact
def check_lines(
    encounter: Encounter | None,
    lines: Sequence[ServiceLine],
    policy: PayerPolicy,
    plan: VialPlan | None,
    *,
    drug: Drug = BELIMUMAB,
    sc_pharmacy_route: bool = False,
) -> list[Finding]:
    """Findings about the lines themselves, the checks a coder makes on any claim.

    Runs on any lines, so it also checks lines you edited or made yourself: modifiers (known, in
    effect, JG with TB, at most four), add-on codes and initial codes, JW / JZ, units against the dose
    and the opened vials, NDCs against the HCPCS code and the units, units per day, amounts.
    ``plan`` is the vial plan the lines should bill (``None`` when unknown: the dose checks are then
    skipped); ``encounter`` is not needed and may be ``None``. ``sc_pharmacy_route`` leaves out the
    SC-product note when the claim already explains the pharmacy-benefit route.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples, policy, units
    >>> claim = build_claim(encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1))
    >>> [f.code for f in check_lines(None, claim.lines[::2], policy.MEDICARE_PART_B, units.plan_vials(683))]
    ['jw-missing']
    """
    require(policy, PayerPolicy, "policy", "a benlysta_coding.policy.PayerPolicy")
    if isinstance(lines, str | bytes) or not all(isinstance(x, ServiceLine) for x in lines):
        raise TypeError("lines: expected a sequence of benlysta_coding.claim.ServiceLine")
    if plan is not None:
        require(plan, VialPlan, "plan", "a benlysta_coding.units.VialPlan or None")
    found: list[Finding] = []
    code = drug.hcpcs.code
    drug_lines = []
    held: dict[int, list[tuple[Product, Decimal, str]]] = {}  # each line's NDCs, read once
    for line in lines:
        if line.modifiers:
            found.extend(_modifier_findings(line, _at(line)))
        quantity, charge = line.ndc_quantity, line.charge
        if quantity is not None and quantity != quantity.quantize(_THOUSANDTH):
            found.append(
                make(
                    "ndc-quantity-precision",
                    f"NDC quantity {quantity} has more than 3 decimals",
                    _at(line),
                )
            )
        if charge is not None and charge != charge.quantize(_CENT):
            found.append(
                make("charge-precision", f"charge {charge} has more than 2 decimals", _at(line))
            )
        if line.code == code:
            drug_lines.append(line)
            held[id(line)] = _products_of(line, drug)
        if line.ndc:
            found.extend(_ndc_findings(line, drug, sc_pharmacy_route, held.get(id(line))))
    found.extend(_administration_findings(lines))
    waste_billed = any(modifiers.JW.code in line.modifiers for line in drug_lines)
    for day, on_day in _by_day(drug_lines):
        found.extend(_waste_findings(day, on_day, policy, plan, waste_billed))
        found.extend(_unit_findings(on_day, plan, drug, held))
        if policy.max_units_per_day is not None:
            total = sum(line.units for line in on_day)
            if total > policy.max_units_per_day:
                found.append(
                    make(
                        "mue-exceeded",
                        f"{total} {drug.hcpcs.code} units on {day} exceed the maximum of "
                        f"{policy.max_units_per_day} per day you supplied",
                        "$.lines",
                    )
                )
    return fill(found, drug.facts)


def _at(line: ServiceLine) -> str:
    """The path of a line in findings."""
    return f"$.lines[{line.number - 1}]"


def _modifier_findings(line: ServiceLine, path: str) -> list[Finding]:
    found = []
    known = [m for m in line.modifiers if m in modifiers.CODES]
    for modifier in line.modifiers:
        entry = modifiers.CODES.get(modifier)
        if entry is None:
            shown = modifier[:4] if modifier.isascii() and modifier.isalnum() else "(value)"
            found.append(make("modifier-unknown", f"modifier {shown} is not known", path))
        elif not entry.in_effect(line.service_date):
            found.append(
                make(
                    "modifier-not-in-effect",
                    f"{modifier} takes effect {entry.effective}; the line is dated "
                    f"{line.service_date}",
                    path,
                )
            )
    if modifiers.JG.code in known and modifiers.TB.code in known:
        found.append(make("modifier-jg-tb", "the line carries both JG and TB", path))
    if len(line.modifiers) > MAX_MODIFIERS:
        found.append(
            make(
                "modifier-count",
                f"{len(line.modifiers)} modifiers; a line holds {MAX_MODIFIERS}",
                path,
            )
        )
    return found


def _ndc_findings(
    line: ServiceLine,
    drug: Drug,
    sc_pharmacy_route: bool,
    held: list[tuple[Product, Decimal, str]] | None,
) -> list[Finding]:
    """``held`` is what :func:`_products_of` gives for a drug line (``None`` for other lines)."""
    code = drug.hcpcs.code
    if held is None:  # not a line of the drug's code
        return [
            make(
                "ndc-hcpcs-mismatch",
                f"{line.code} is not a drug code but carries an NDC",
                _at(line),
            )
        ]
    product = drug.by_ndc.get(line.ndc or "")
    if product is None:
        return [
            make(
                "ndc-hcpcs-mismatch",
                f"NDC {line.ndc} is not a product of {code} ({drug.label})",
                _at(line),
            )
        ]
    found = []
    if product.route != products.Route.IV and not sc_pharmacy_route:
        found.append(
            make("j0490-sc-product", f"{code} is billed with an SC product NDC", _at(line))
        )
    if (
        modifiers.JW.code in line.modifiers
    ):  # the waste of all the vials: units-exceed-vials checks it
        return found
    capacity = _capacity_mg(held)
    need = line.units * drug.unit_mg
    if capacity is not None and capacity < need:
        found.append(
            make(
                "ndc-quantity-mismatch",
                f"the NDC quantity holds {plain(capacity)} mg but the line bills {line.units} "
                f"units ({plain(need)} mg)",
                _at(line),
            )
        )
    return found


def _products_of(line: ServiceLine, drug: Drug) -> list[tuple[Product, Decimal, str]]:
    """The line's NDC and the NDCs of its note (single-line policy): product, quantity, unit."""
    found = []
    if line.ndc and line.ndc_unit is not None and line.ndc_quantity is not None:
        product = drug.by_ndc.get(line.ndc)
        if product is not None:
            found.append((product, line.ndc_quantity, str(line.ndc_unit)))
    if not line.ndc_note:
        return found
    for text in filter(None, (part.strip() for part in line.ndc_note.split(";"))):
        try:
            part = ndc.parse_claim_string(text)
        except ValidationError:
            continue
        product = drug.by_ndc.get(part.ndc11)
        if product is not None:
            found.append((product, part.quantity, str(part.unit)))
    return found


def _capacity_mg(held: list[tuple[Product, Decimal, str]]) -> Decimal | None:
    """The mg that a line's NDC quantities can hold (``None`` for milligram quantities, which
    state the drug itself rather than the containers)."""
    total = Decimal(0)
    for product, quantity, unit in held:
        if unit == "ME":
            return None
        count = quantity if unit == "UN" else quantity / product.volume_ml
        total += count * product.strength_mg
    return total


def _by_day(
    lines: Sequence[ServiceLine],
) -> list[tuple[datetime.date, Sequence[ServiceLine]]]:
    """The lines grouped by date of service, earliest first (every check counts per day)."""
    days = sorted({line.service_date for line in lines})
    if len(days) == 1:
        return [(days[0], lines)]
    return [(day, [line for line in lines if line.service_date == day]) for day in days]


def _administration_findings(lines: Sequence[ServiceLine]) -> list[Finding]:
    found = []
    for day, on_day in _by_day(lines):
        billed = {line.code for line in on_day}
        for line in on_day:
            entry = _ADD_ONS.get(line.code)
            if entry is not None and entry.add_on_to not in billed:
                found.append(
                    make(
                        "addon-without-primary",
                        f"{line.code} is an add-on to {entry.add_on_to}, which is not billed on "
                        f"{day}",
                        f"$.lines[{line.number - 1}]",
                    )
                )
        if billed.isdisjoint(_INITIAL_CODES):
            continue
        initial = [line for line in on_day if line.code in _INITIAL_CODES]
        if sum(line.units for line in initial) > 1:
            found.append(
                make(
                    "initial-infusion-repeated",
                    f"{sum(line.units for line in initial)} units of initial infusion codes on "
                    f"{day}; the initial hour is billed once (further hours: the add-on code)",
                    f"$.lines[{initial[-1].number - 1}]",
                )
            )
    return found


def _unit_findings(
    on_day: Sequence[ServiceLine],
    plan: VialPlan | None,
    drug: Drug,
    held_by_line: dict[int, list[tuple[Product, Decimal, str]]],
) -> list[Finding]:
    found = []
    jw = modifiers.JW.code
    administered = wasted = 0
    for line in on_day:
        if jw in line.modifiers:
            wasted += line.units
        else:
            administered += line.units
    if plan is not None and administered != plan.administered_units:
        found.append(
            make(
                "units-dose-mismatch",
                f"{administered} administered units; the dose {plain(plan.dose_mg)} mg is "
                f"{plan.administered_units} units (rounded up)",
                "$.lines",
            )
        )
    vials: dict[str, Decimal] = {}  # NDC -> mg: each vial counted once, whichever lines repeat it
    held = Decimal(0)  # milligram quantities state the drug itself: they add up
    for line in on_day:
        for product, quantity, unit in held_by_line[id(line)]:
            if unit == "ME":
                held += quantity
            else:
                count = quantity if unit == "UN" else quantity / product.volume_ml
                mg = count * product.strength_mg
                vials[product.ndc11] = max(vials.get(product.ndc11, Decimal(0)), mg)
    held += sum(vials.values(), Decimal(0))
    if held and (administered + wasted) * drug.unit_mg > held:
        found.append(
            make(
                "units-exceed-vials",
                f"{administered} administered + {wasted} wasted units are "
                f"{plain((administered + wasted) * drug.unit_mg)} mg; the vials opened hold "
                f"{plain(held)} mg",
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
    if waste_billed:
        for line in drug_lines:
            if modifiers.JZ.code in line.modifiers:
                found.append(
                    make(
                        "jz-with-jw",
                        f"JZ (nothing discarded) on a line while a JW line bills waste on {day}",
                        f"$.lines[{line.number - 1}]",
                    )
                )
    if jz_from is None or day < jz_from or waste_billed or wasted:
        return found
    for line in drug_lines:
        if modifiers.JZ.code not in line.modifiers:
            found.append(
                make(
                    "jz-missing",
                    "nothing was discarded but the drug line has no JZ",
                    f"$.lines[{line.number - 1}]",
                )
            )
    return found
