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
from typing import TYPE_CHECKING, Final, TypeVar

from benlysta_coding import cpt, growth, icd10, modifiers, ndc, place_of_service, products
from benlysta_coding._util import EXACT, ZERO, article, exact, plain, require, require_str
from benlysta_coding.drug import BELIMUMAB, Drug, indication_label
from benlysta_coding.edits import (
    Context,
    DayContext,
    Held,
    LineContext,
    Stage,
    checks_of,
    edit,
    run,
)
from benlysta_coding.errors import ValidationError
from benlysta_coding.findings import Finding, fill, make
from benlysta_coding.lines import ServiceLine
from benlysta_coding.place_of_service import Frequency
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.products import Product
from benlysta_coding.units import VialPlan

if TYPE_CHECKING:
    from benlysta_coding.encounter import Encounter

__all__ = ["check_lines", "diagnosis_findings", "diagnosis_pointers", "diagnosis_review"]


def diagnosis_pointers(diagnoses: Sequence[str], drug: Drug = BELIMUMAB) -> tuple[int, ...]:
    """The pointers (1-based, at most 4) to the diagnoses that support the drug; else the first.

    >>> diagnosis_pointers(["Z79.899", "M32.14", "M32.13"])
    (2, 3)
    """
    return _pointers(_codes(diagnoses), drug)


def _pointers(diagnoses: Sequence[str], drug: Drug) -> tuple[int, ...]:
    pointing = [i for i, code in enumerate(diagnoses, start=1) if _supports(drug, code)]
    return tuple((pointing or [1])[:4])


def _codes(diagnoses: object) -> tuple[str, ...]:
    if type(diagnoses) is tuple and all(type(code) is str for code in diagnoses):
        return diagnoses  # an encounter's
    if isinstance(diagnoses, str) or not isinstance(diagnoses, Sequence):
        raise TypeError("diagnoses: expected a list of ICD-10-CM codes")
    for code in diagnoses:
        require_str(code, "diagnoses")
    return tuple(diagnoses)


def diagnosis_review(
    diagnoses: Sequence[str], indication: str, drug: Drug = BELIMUMAB
) -> tuple[list[Finding], tuple[int, ...]]:
    """:func:`diagnosis_findings` and :func:`diagnosis_pointers` of one list at once, as the claim
    builder needs them.

    >>> found, pointers = diagnosis_review(["Z79.899", "M32.10"], "sle")
    >>> [f.code for f in found], pointers
    (['dx-not-in-library', 'dx-first-not-category'], (2,))
    """
    require_str(indication, "indication")
    found, pointers = _review(_codes(diagnoses), indication, drug)
    return list(found), pointers


@functools.lru_cache(maxsize=1024)
def _review(
    diagnoses: tuple[str, ...], indication: str, drug: Drug
) -> tuple[tuple[Finding, ...], tuple[int, ...]]:
    """The findings about a diagnosis list and the pointers to its codes that support the drug.

    Kept for the lists that recur (claims bill a few): a cache keyed by values only (the codes and
    the indication as text, and the drug, whose hash is computed once); ``benchmarks/bench_caches.py``
    measures what it buys."""
    return tuple(_diagnosis_findings(diagnoses, indication, drug)), _pointers(diagnoses, drug)


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
    return diagnosis_review(diagnoses, indication, drug)[0]


def _listed(drug: Drug, indication: str) -> str:
    codes = drug.indication_diagnoses.get(indication, ())
    return ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else "".join(codes)


def _diagnosis_findings(diagnoses: Sequence[str], indication: str, drug: Drug) -> list[Finding]:
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
        return fill(found, drug.facts)
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
    return fill(found, drug.facts)


_T = TypeVar("_T")

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
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
    ... )
    >>> [
    ...     f.code
    ...     for f in check_lines(
    ...         None, claim.lines[::2], policy.MEDICARE_PART_B, units.plan_vials(683)
    ...     )
    ... ]
    ['jw-missing']
    """
    require(policy, PayerPolicy, "policy", "a benlysta_coding.policy.PayerPolicy")
    if isinstance(lines, str | bytes) or not all(isinstance(x, ServiceLine) for x in lines):
        raise TypeError("lines: expected a sequence of benlysta_coding.claim.ServiceLine")
    if plan is not None:
        require(plan, VialPlan, "plan", "a benlysta_coding.units.VialPlan or None")
    context = Context(
        encounter=encounter,
        policy=policy,
        drug=drug,
        plan=plan,
        lines=lines,
        sc_pharmacy_route=sc_pharmacy_route,
    )
    return fill(line_edits(context), drug.facts)


def line_edits(context: Context) -> list[Finding]:
    """The findings of the registered edits of the stages :attr:`~Stage.LINE` (each line, in
    order), :attr:`~Stage.LINES` and :attr:`~Stage.DAY` (each date of the drug's lines) for the
    lines of ``context``, as :func:`check_lines` and the claim builder run them.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples, policy
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
    ... )
    >>> context = Context(
    ...     encounter=None,
    ...     policy=policy.MEDICARE_PART_B,
    ...     drug=BELIMUMAB,
    ...     lines=claim.lines[:1],
    ... )
    >>> [f.code for f in line_edits(context)]  # the drug line alone: no JW line, no JZ
    ['jz-missing']
    """
    found: list[Finding] = []
    code, drug = context.drug.hcpcs.code, context.drug
    drug_lines = []  # each line of the drug with the NDCs it names, read once
    line_checks = checks_of(Stage.LINE)
    for line in context.lines:
        held = None
        if line.code == code:
            held = _products_of(line, drug)
            drug_lines.append((line, held))
        each = LineContext(line, held, context)
        for check in line_checks:
            made = check(each)
            if made:
                found.extend(made)
    run(Stage.LINES, context, found)
    waste_billed = any(modifiers.JW.code in line.modifiers for line, _ in drug_lines)
    for day, on_day in _by_day(drug_lines, [line.service_date for line, _ in drug_lines]):
        run(Stage.DAY, DayContext(day, on_day, waste_billed, context), found)
    return found


@edit(
    Stage.LINE,
    "modifier-unknown",
    "modifier-not-in-effect",
    "modifier-jg-tb",
    "modifier-count",
    name="line-modifiers",
)
def _line_modifiers(context: LineContext) -> Sequence[Finding]:
    """A line's modifiers: known, in effect on the date, JG with TB, at most four."""
    line = context.line
    return _modifier_findings(line) if line.modifiers else ()


@edit(Stage.LINE, "ndc-quantity-precision")
def _ndc_quantity_precision(context: LineContext) -> Sequence[Finding]:
    """An NDC quantity of at most 3 decimals (X12 CTP04, the claim forms)."""
    line = context.line
    return _decimals_over(line, line.ndc_quantity, 3, "NDC quantity", "ndc-quantity-precision")


@edit(Stage.LINE, "charge-precision")
def _charge_precision(context: LineContext) -> Sequence[Finding]:
    """A charge of at most 2 decimals (an X12 amount)."""
    return _decimals_over(context.line, context.line.charge, 2, "charge", "charge-precision")


_STEPS: Final = {2: _CENT, 3: _THOUSANDTH}


def _decimals_over(
    line: ServiceLine, value: Decimal | None, most: int, what: str, code: str
) -> Sequence[Finding]:
    """The finding ``code`` when ``value`` (the line's ``what``) has more than ``most`` decimals,
    trailing zeros aside."""
    if value is None or value == value.quantize(_STEPS[most]):
        return ()
    message = f"{what} {value} has more than {most} decimals"
    return (make(code, message, _at(line)),)


@edit(
    Stage.LINE,
    "ndc-hcpcs-mismatch",
    "j0490-sc-product",
    "ndc-quantity-mismatch",
    name="line-ndc",
)
def _line_ndc(context: LineContext) -> Sequence[Finding]:
    """A line's NDC: one of the drug's, of the route the code bills, its quantity the units'."""
    line, claim = context.line, context.claim
    if not line.ndc:
        return ()
    return _ndc_findings(line, claim.drug, claim.sc_pharmacy_route, context.held)


@edit(Stage.LINES, "addon-without-primary", "initial-infusion-repeated")
def _administration(context: Context) -> list[Finding]:
    """Administration codes: an add-on with its primary code, the initial hour once a day."""
    return _administration_findings(context.lines)


@edit(Stage.DAY, "jw-missing", "jz-missing", "jz-with-jw", name="waste")
def _waste(context: DayContext) -> list[Finding]:
    """JW and JZ on a day's drug lines, as the payer policy requires them on that date."""
    claim = context.claim
    on_day = [line for line, _ in context.lines]
    return _waste_findings(context.day, on_day, claim.policy, claim.plan, context.waste_billed)


@edit(Stage.DAY, "units-dose-mismatch", "units-exceed-vials", name="units")
def _units(context: DayContext) -> list[Finding]:
    """A day's units: the dose's, and no more than the vials the lines name hold."""
    return _unit_findings(context.lines, context.claim.plan, context.claim.drug)


@edit(Stage.DAY, "mue-exceeded", name="units-per-day")
def _units_per_day(context: DayContext) -> list[Finding]:
    """A day's units of the drug against the maximum per day the payer policy gives, if any."""
    policy, drug = context.claim.policy, context.claim.drug
    if policy.max_units_per_day is None:
        return []
    total = sum(line.units for line, _ in context.lines)
    if total <= policy.max_units_per_day:
        return []
    message = (
        f"{total} {drug.hcpcs.code} units on {context.day} exceed the maximum of "
        f"{policy.max_units_per_day} per day you supplied"
    )
    return [make("mue-exceeded", message, "$.lines")]


def _at(line: ServiceLine) -> str:
    """The path of a line in findings."""
    return f"$.lines[{line.number - 1}]"


def _modifier_findings(line: ServiceLine) -> list[Finding]:
    found = []
    billed = line.modifiers
    for modifier in billed:
        entry = modifiers.CODES.get(modifier)
        if entry is None:
            shown = modifier[:4] if modifier.isascii() and modifier.isalnum() else "(value)"
            found.append(make("modifier-unknown", f"modifier {shown} is not known", _at(line)))
        elif not entry.in_effect(line.service_date):
            found.append(
                make(
                    "modifier-not-in-effect",
                    f"{modifier} takes effect {entry.effective}; the line is dated "
                    f"{line.service_date}",
                    _at(line),
                )
            )
    if modifiers.JG.code in billed and modifiers.TB.code in billed:
        found.append(make("modifier-jg-tb", "the line carries both JG and TB", _at(line)))
    if len(billed) > MAX_MODIFIERS:
        found.append(
            make(
                "modifier-count",
                f"{len(billed)} modifiers; a line holds {MAX_MODIFIERS}",
                _at(line),
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
    total = ZERO
    for product, quantity, unit in held:
        if unit == "ME":
            return None
        count = quantity if unit == "UN" else quantity / product.volume_ml
        total += count * product.strength_mg
    return total


def _by_day(
    items: Sequence[_T], days: Sequence[datetime.date]
) -> list[tuple[datetime.date, Sequence[_T]]]:
    """Lines (or lines with what was read from them) grouped by date of service (``days[i]`` is
    the date of ``items[i]``), earliest first (every check counts per day)."""
    unique = sorted(set(days))
    if len(unique) == 1:
        return [(unique[0], items)]
    return [
        (day, [item for item, on in zip(items, days, strict=True) if on == day]) for day in unique
    ]


def _administration_findings(lines: Sequence[ServiceLine]) -> list[Finding]:
    found = []
    for day, on_day in _by_day(lines, [line.service_date for line in lines]):
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
    on_day: Sequence[tuple[ServiceLine, Held]], plan: VialPlan | None, drug: Drug
) -> list[Finding]:
    found = []
    jw = modifiers.JW.code
    administered = wasted = 0
    for line, _ in on_day:
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
    held = ZERO  # milligram quantities state the drug itself: they add up
    for _, line_held in on_day:
        for product, quantity, unit in line_held:
            if unit == "ME":
                held += quantity
            else:
                count = quantity if unit == "UN" else quantity / product.volume_ml
                mg = count * product.strength_mg
                vials[product.ndc11] = max(vials.get(product.ndc11, ZERO), mg)
    held += sum(vials.values(), ZERO)
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


# The edits of the claim as a whole, stage by stage in the order they run --------------------------


def _encounter(context: Context) -> Encounter:
    if context.encounter is None:
        raise TypeError("context: this edit checks an encounter (the claim builder gives one)")
    return context.encounter


@edit(Stage.ENCOUNTER, "service-date-future")
def _service_date_future(context: Context) -> list[Finding]:
    """A date of service after today (the build's ``today``)."""
    day = _encounter(context).service_date
    if context.today is None or day <= context.today:
        return []
    return [make("service-date-future", f"{day} is after {context.today}", "$.service_date")]


@edit(Stage.ENCOUNTER, "patient-under-5", name="patient-under-minimum-age")
def _patient_under_minimum_age(context: Context) -> list[Finding]:
    """A patient younger than the drug's minimum age on the date of service."""
    drug = context.drug
    if context.age >= drug.min_age_years:
        return []
    message = (
        f"the patient is younger than {drug.min_age_years} on the date of service: the "
        f"minimum age for {drug.name} is {drug.min_age_years}"
    )
    return [make("patient-under-5", message, "$.patient.birth_date")]


@edit(Stage.ENCOUNTER, "weight-unusual-for-age", "weight-implausible-for-age")
def _weight_for_age(context: Context) -> list[Finding]:
    """A child's weight against the CDC weight-for-age chart (:mod:`benlysta_coding.growth`); an
    adult's is left to the plain range, without reading the chart."""
    encounter = _encounter(context)
    patient = encounter.patient
    if patient.weight_kg is None or not 2 <= context.age < 20:
        return []
    assessed = growth.assess(
        patient.weight_kg, patient.birth_date, encounter.service_date, patient.sex
    )
    return [] if assessed is None else [make(*assessed, "$.patient.weight_kg")]


@edit(Stage.ENCOUNTER, "route-no-product")
def _route_no_product(context: Context) -> list[Finding]:
    """A route the drug file lists no vial or device for."""
    route, drug = _encounter(context).route, context.drug
    if drug.products_for(route):
        return []
    message = f"{drug.name} has no {route.upper()} presentation in its drug file"
    return [make("route-no-product", message, "$.route")]


@edit(Stage.ENCOUNTER, "sc-medicare-part-b")
def _sc_medicare_part_b(context: Context) -> list[Finding]:
    """A subcutaneous drug billed to Medicare Part B (self-administered: excluded)."""
    if _encounter(context).route != products.Route.SC or not context.policy.medicare:
        return []
    message = f"SC {context.drug.brand} is self-administered and excluded from Medicare Part B"
    return [make("sc-medicare-part-b", message, "$.route")]


@edit(Stage.ENCOUNTER, "sc-medical-benefit")
def _sc_medical_benefit(context: Context) -> list[Finding]:
    """A subcutaneous drug billed on the medical benefit of a payer that does not cover it there."""
    policy = context.policy
    if _encounter(context).route != products.Route.SC or policy.medicare:
        return []
    if policy.sc_on_medical_benefit:
        return []
    message = (
        f"payer policy {policy.name} does not cover SC {context.drug.brand} on the medical benefit"
    )
    return [make("sc-medical-benefit", message, "$.route")]


@edit(
    Stage.ENCOUNTER,
    "dx-invalid",
    "dx-not-in-library",
    "dx-not-billable",
    "dx-n059-lupus-nephritis",
    "dx-indication-mismatch",
    "dx-drug-induced",
    "dx-excludes1",
    "dx-first-not-category",
    "dx-no-sle",
)
def _diagnoses(context: Context) -> list[Finding]:
    """The diagnoses: real and billable codes, Excludes1 pairs, a code that supports the drug and
    the indication, the first-listed category (a drug file may route a misleading code to another
    rule)."""
    if context.diagnosis_review is not None:  # the builder's, worked out once for the pointers too
        return context.diagnosis_review[0]
    encounter = _encounter(context)
    return diagnosis_review(encounter.diagnoses, encounter.indication, context.drug)[0]


@edit(Stage.PLAN, "sc-syringe-child")
def _sc_syringe_child(context: Context) -> list[Finding]:
    """A child's SC device other than the ones the drug file allows children."""
    encounter, drug, plan = _encounter(context), context.drug, context.plan
    if encounter.route != products.Route.SC or context.age >= drug.adult_age_years or not plan:
        return []
    path = "$.products_used" if encounter.products_used else "$.ndc"
    return [
        make(
            "sc-syringe-child",
            f"NDC {use.product.ndc10} is {article(use.product.device)} for a patient under "
            f"{drug.adult_age_years}",
            path,
        )
        for use in plan.vials
        if use.product.device not in drug.paediatric_sc_devices
    ]


@edit(Stage.PRICES, "price-missing", "charge-rounded")
def _prices(context: Context) -> list[Finding]:
    """Prices: one for every code billed, and a charge that is the exact units x price."""
    prices = context.prices
    if not prices:
        return []
    missing = {line.code for line in context.lines} - prices.keys()
    found = [
        make("price-missing", f"no price given for {code}", "$.prices") for code in sorted(missing)
    ]
    for line in context.lines:
        price = prices.get(line.code)
        if price is None or line.charge is None:
            continue
        product = EXACT.multiply(price, line.units)
        if product != line.charge:
            found.append(
                make(
                    "charge-rounded",
                    f"{line.units} x {plain(price)} = {plain(product)}, billed as "
                    f"{line.charge} (rounded half-up to the cent)",
                    _at(line),
                )
            )
    return found


@edit(Stage.CLAIM, "attending-missing")
def _attending_missing(context: Context) -> list[Finding]:
    """An institutional claim without its attending physician (837I loop 2310A)."""
    encounter = _encounter(context)
    if not encounter.setting.institutional or encounter.attending is not None:
        return []
    message = (
        "an institutional claim needs the attending physician (837I loop 2310A): give "
        "'attending' with first_name, last_name and npi"
    )
    return [make("attending-missing", message, "$.attending")]


@edit(Stage.CLAIM, "pos-not-used", "pos-hospital-professional")
def _place_of_service(context: Context) -> list[Finding]:
    """A place of service on an institutional claim, or an outpatient hospital one on a
    professional claim."""
    encounter = _encounter(context)
    place = encounter.place_of_service
    if place is not None and encounter.setting.institutional:
        message = (
            f"place_of_service {place} is not used: an institutional claim carries a type of bill "
            "instead"
        )
        return [make("pos-not-used", message, "$.place_of_service")]
    if place in (place_of_service.POS_19.code, place_of_service.POS_22.code):
        message = (
            f"place of service {place} (outpatient hospital): the hospital bills the drug and its "
            "administration on its institutional claim; use setting 'hospital_outpatient' for "
            "that claim"
        )
        return [make("pos-hospital-professional", message, "$.place_of_service")]
    return []


@edit(Stage.CLAIM, "medicare-reopening")
def _medicare_reopening(context: Context) -> list[Finding]:
    """A replacement or void of a Medicare Part B professional claim (a reopening instead)."""
    encounter = _encounter(context)
    frequency = encounter.frequency
    if not context.policy.medicare or encounter.setting.institutional:
        return []
    if frequency == Frequency.ORIGINAL:
        return []
    message = (
        "Medicare Part B professional claims are corrected by a reopening, not by a replacement "
        "claim"
        if frequency == Frequency.REPLACEMENT
        else "Medicare Part B professional claims are cancelled through the contractor (a "
        "reopening, or its portal), not by a void claim"
    )
    return [make("medicare-reopening", message, "$.frequency")]


@edit(Stage.CLAIM, "subscriber-medicare")
def _subscriber_medicare(context: Context) -> list[Finding]:
    """A subscriber other than the patient on a Medicare claim."""
    if _encounter(context).subscriber is None or not context.policy.medicare:
        return []
    message = "a Medicare beneficiary is always the subscriber: remove 'subscriber'"
    return [make("subscriber-medicare", message, "$.subscriber")]


@edit(Stage.CLAIM, "claim-id-missing", name="claim-id")
def _claim_id(context: Context) -> list[Finding]:
    """A claim without its id (the patient control number the X12 exports need)."""
    if _encounter(context).claim_id:
        return []
    return [make("claim-id-missing", "no claim_id", "$.claim_id")]
