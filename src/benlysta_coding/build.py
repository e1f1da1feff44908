"""The claim builder: an encounter and a payer policy in, a :class:`~benlysta_coding.claim.Claim` out.

:func:`build_claim` takes an :class:`~benlysta_coding.encounter.Encounter` and returns a frozen
:class:`~benlysta_coding.claim.Claim`:

* drug lines from the vials the record says were opened (``products_used``), or else from the vial
  plan (:mod:`benlysta_coding.units`): J0490, one line per NDC (or one line with the other NDCs in a
  note), the JW line for waste, JZ where nothing is discarded and the payer requires it on that date;
* administration lines: 96365 (or 96413 where the payer pays complex administration), 96366 / 96415
  when the time rules are met, 96374 / 96409 for 15 minutes or less, 96372 per SC injection;
* on institutional claims, revenue codes 0636 (drug) and 0260 (IV therapy), 0510 for an injection;
* diagnosis pointers, charges when you pass prices (never built in), the prior authorization;
* findings (errors, warnings, info), each with a stable code from :mod:`benlysta_coding.findings`;
* what the medical record must show to support the claim.

Each line explains itself (``explanation``): why this code, these units, this modifier, and carries a
line item control number (the claim id and the line number) that a remittance echoes back.

:func:`steps` lists the steps of a build by name: check the arguments; the date and the patient's
age; the encounter's edits; the dose; the vials (record or plan); the service lines; the line edits;
the claim's edits; assemble the claim. The claim edits are the registry's
(:mod:`benlysta_coding.edits`); the staged engine that builds many claims at once is
:mod:`benlysta_coding.stages`.

>>> from benlysta_coding import encounter
>>> enc = encounter.from_json('''{"claim_id": "A1", "service_date": "2025-03-03",
...   "route": "iv", "indication": "sle", "setting": "office",
...   "payer": "medicare_part_b", "infusion_minutes": 60, "diagnoses": ["M32.10"],
...   "products_used": [{"ndc": "49401-102-01", "count": 1},
...                     {"ndc": "49401-101-01", "count": 4}],
...   "patient": {"birth_date": "1980-05-17", "weight_kg": "85"}}''')
>>> claim = build_claim(enc, today=datetime.date(2025, 3, 4))
>>> [(line.code, line.modifiers, line.units, line.ndc) for line in claim.lines]
[('J0490', (), 40, '49401010201'), ('J0490', (), 45, '49401010101'), ('J0490', ('JW',), 3, '49401010101'), ('96365', (), 1, None)]
>>> [line.control_number for line in claim.lines]
['A1-1', 'A1-2', 'A1-3', 'A1-4']
>>> [f.code for f in claim.findings]
[]
"""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Final, NamedTuple

import attrs

from benlysta_coding import (
    checks,
    dosing,
    lines,
    place_of_service,
    products,
    refdata,
    revenue,
    units,
)
from benlysta_coding._util import ZERO, exact, plain, to_date, to_decimal
from benlysta_coding.claim import Claim, ClaimKind
from benlysta_coding.drug import Drug, Regimen
from benlysta_coding.edits import Context, Stage, run, step
from benlysta_coding.encounter import Encounter, Setting
from benlysta_coding.errors import (
    InvalidFormat,
    NotSupported,
    OutOfRange,
    ValidationError,
)
from benlysta_coding.findings import Finding, apply_settings, fill, make, rule_settings
from benlysta_coding.lines import ServiceLine
from benlysta_coding.place_of_service import POS_11, bill_type
from benlysta_coding.policy import PayerPolicy, VialPolicy

__all__ = ["DOSE_TOLERANCE_PERCENT", "PAUSES", "Options", "build_claim", "options", "steps"]

DOSE_TOLERANCE_PERCENT: Final = Decimal(10)
"""Default tolerance for the 'dose far from 10 mg/kg' warning."""

# The rules the build steps make while they work (the edits' rules are registered with the edits).
step(
    "dose",
    "dose-not-determined",
    "weight-implausible",
    "dose-assumed",
    "dose-far-from-label",
    "sc-dose-unusual",
)
step(
    "vials",
    "route-product-mismatch",
    "product-unknown",
    "products-insufficient",
    "products-from-plan",
    "products-differ-from-plan",
)
step(  # benlysta_coding.lines.administration_lines
    "service lines", "infusion-minutes-missing", "infusion-too-short", "infusion-additional-hour"
)
step(
    "reference",
    "mue-exceeded",
    "ndc-not-in-crosswalk",
    "crosswalk-units-disagree",
    "reference-not-covered",
)


def _dose(
    encounter: Encounter, age: int, tolerance: Decimal, drug: Drug, found: list[Finding]
) -> Decimal | None:
    """The dose billed: the record's, else 10 mg/kg (IV) or the regimen's (SC); checked."""
    weight, per_kg = encounter.patient.weight_kg, drug.iv_mg_per_kg
    if encounter.route == products.Route.IV and per_kg is None:
        return _flat_iv_dose(encounter, age, tolerance, drug, found)
    if encounter.route == products.Route.IV and per_kg is not None:
        if weight is not None:
            try:
                label_dose = dosing.check_weight(weight) * per_kg
            except ValidationError as error:
                code = "dose-not-determined" if encounter.dose_mg is None else "weight-implausible"
                found.append(make(code, str(error), "$.patient.weight_kg"))
                return encounter.dose_mg
            if encounter.dose_mg is None:
                return label_dose
            label = f"{plain(per_kg)} mg/kg ({plain(label_dose)} mg)"
            _far_from_label(encounter.dose_mg, label_dose, label, tolerance, found)
            return encounter.dose_mg
        if encounter.dose_mg is None:
            found.append(
                make("dose-not-determined", "give dose_mg or the patient's weight", "$.dose_mg")
            )
        return encounter.dose_mg
    if encounter.dose_mg is not None:
        _check_sc_dose(encounter.dose_mg, encounter, age, drug, found)
        return encounter.dose_mg
    try:
        regimen = drug.regimen_for(
            encounter.route,
            encounter.indication,
            max(age, drug.min_age_years),
            weight,
            dosing.check_weight,
        )
    except ValidationError as error:
        found.append(make("dose-not-determined", str(error), "$.dose_mg"))
        return None
    return _assumed(regimen, found)


def _assumed(regimen: Regimen, found: list[Finding]) -> Decimal:
    """The regimen's dose, billed when the record gives none (an info finding says so)."""
    found.append(
        make(
            "dose-assumed",
            f"{regimen.description}: billed as {plain(regimen.dose_mg)} mg (maintenance dose)",
            "$.dose_mg",
        )
    )
    return regimen.dose_mg


def _far_from_label(
    dose: Decimal, label_dose: Decimal, label: str, tolerance: Decimal, found: list[Finding]
) -> None:
    """A dose more than ``tolerance`` percent from the label's (written ``label``) is a warning."""
    if abs(dose - label_dose) * 100 > label_dose * tolerance:
        found.append(
            make(
                "dose-far-from-label",
                f"dose {plain(dose)} mg differs from {label} by more than {plain(tolerance)}%",
                "$.dose_mg",
            )
        )


def _flat_iv_dose(
    encounter: Encounter, age: int, tolerance: Decimal, drug: Drug, found: list[Finding]
) -> Decimal | None:
    """The IV dose of a drug with a flat IV dose: the record's, else the regimen's; a dose far
    from the regimen's is a warning."""
    try:
        regimen = drug.regimen_for(
            encounter.route, encounter.indication, max(age, drug.min_age_years)
        )
    except ValidationError as error:
        if encounter.dose_mg is None:
            found.append(make("dose-not-determined", str(error), "$.dose_mg"))
        return encounter.dose_mg
    if encounter.dose_mg is None:
        return _assumed(regimen, found)
    label = f"the labeled {plain(regimen.dose_mg)} mg"
    _far_from_label(encounter.dose_mg, regimen.dose_mg, label, tolerance, found)
    return encounter.dose_mg


def _check_sc_dose(
    dose: Decimal, encounter: Encounter, age: int, drug: Drug, found: list[Finding]
) -> None:
    """An SC dose that matches no labeled regimen for the indication is a warning (adults: SLE
    200 mg; lupus nephritis 400 mg for four doses, then 200 mg)."""
    if age < drug.adult_age_years:
        return  # children: weight-banded SLE regimens, and no verified lupus nephritis regimen
    for regimen in drug.sc_regimens:
        if regimen.indication == encounter.indication:
            allowed = {regimen.dose_mg, regimen.loading_dose_mg or regimen.dose_mg}
            if dose not in allowed:
                found.append(
                    make(
                        "sc-dose-unusual",
                        f"{plain(dose)} mg matches no dose of the regimen '{regimen.description}'",
                        "$.dose_mg",
                    )
                )


def _sc_device(encounter: Encounter, drug: Drug, found: list[Finding]) -> products.Product | None:
    """The SC device of the ``ndc`` shorthand (default: the drug's default device); checked."""
    product = drug.presentation(encounter.ndc) if encounter.ndc else None
    if encounter.ndc is not None and (product is None or product.route != encounter.route):
        kind = "SC product" if encounter.route == products.Route.SC else "IV vial"
        found.append(
            make("route-product-mismatch", f"the NDC given is not a {drug.brand} {kind}", "$.ndc")
        )
        product = None
    return product or drug.default_sc_product


def _recorded(
    encounter: Encounter, drug: Drug, found: list[Finding]
) -> list[tuple[products.Product, int]] | None:
    """The products the record says were opened, checked; ``None`` when one is refused."""
    used = []
    for index, use in enumerate(encounter.products_used):
        path = f"$.products_used[{index}].ndc"
        product = drug.presentation(use.ndc)
        if product is None:
            found.append(
                make("product-unknown", f"NDC {use.ndc} is not a {drug.label} product", path)
            )
        elif product.route != encounter.route:
            found.append(
                make(
                    "route-product-mismatch",
                    f"NDC {product.ndc10} is for route {product.route}, not {encounter.route}",
                    path,
                )
            )
        else:
            used.append((product, use.count))
    return used if len(used) == len(encounter.products_used) else None


_FROM_PLAN: Final = {
    vial_policy: make(
        "products-from-plan",
        f"products_used is not given: the drug lines bill the {vial_policy} plan, not the record",
        "$.products_used",
    )
    for vial_policy in VialPolicy
}
"""The note that the drug lines bill a policy's plan, for each vial policy."""


def _describe(plan: units.VialPlan) -> str:
    return " + ".join(f"{use.count} x {plain(use.product.strength_mg)} mg" for use in plan.vials)


def _plan(
    encounter: Encounter,
    dose: Decimal | None,
    policy: PayerPolicy,
    drug: Drug,
    found: list[Finding],
) -> units.VialPlan | None:
    """The vials billed: the record's (``products_used``), else the policy's plan."""
    if dose is None:
        return None
    if encounter.route == products.Route.IV:
        if encounter.ndc is not None:
            _sc_device(encounter, drug, found)
        choices: tuple[products.Product, ...] = drug.iv_vials
    else:
        device = _sc_device(encounter, drug, found)
        choices = () if device is None else (device,)
    if not encounter.products_used:
        found.append(_FROM_PLAN[policy.vial_policy])
        return units.plan_vials(dose, policy.vial_policy, choices, drug=drug) if choices else None
    used = _recorded(encounter, drug, found)
    if used is None:
        return None
    try:
        plan = units.plan_from_products(dose, used, drug=drug)
    except OutOfRange:
        held = sum((product.strength_mg * count for product, count in used), ZERO)
        found.append(
            make(
                "products-insufficient",
                f"the products opened hold {plain(held)} mg, less than the dose {plain(dose)} mg",
                "$.products_used",
            )
        )
        return None
    best = units.plan_vials(
        dose, policy.vial_policy, choices or tuple(p for p, _ in used), drug=drug
    )
    if {(u.product.ndc11, u.count) for u in plan.vials} != {
        (u.product.ndc11, u.count) for u in best.vials
    }:
        found.append(
            make(
                "products-differ-from-plan",
                f"the record opened {_describe(plan)}; the {policy.vial_policy} plan is "
                f"{_describe(best)}, so {plain(plan.wasted_mg - best.wasted_mg)} mg more is "
                "wasted",
                "$.products_used",
            )
        )
    return plan


def _service_lines(
    encounter: Encounter,
    plan: units.VialPlan | None,
    policy: PayerPolicy,
    drug: Drug,
    prices: Mapping[str, Decimal],
    drug_revenue: str,
    pointers: tuple[int, ...],
    found: list[Finding],
) -> tuple[ServiceLine, ...]:
    """The drug lines then the administration lines, numbered, with line control numbers."""
    institutional = encounter.setting.institutional
    drug_part = (
        lines.drug_service_lines(
            drug,
            plan,
            encounter.service_date,
            policy,
            pointers=pointers,
            extra_modifiers=encounter.drug_modifiers,
            revenue_code=drug_revenue if institutional else None,
            prices=prices,
            claim_id=encounter.claim_id,
        )
        if plan is not None
        else []
    )
    administration = lines.administration_lines(
        drug,
        encounter.route,
        encounter.infusion_minutes,
        policy,
        plan,
        day=encounter.service_date,
        pointers=pointers,
        institutional=institutional,
        prices=prices,
        first_number=len(drug_part) + 1,
        found=found,
        claim_id=encounter.claim_id,
    )
    return (*drug_part, *administration)


def _documentation(encounter: Encounter, plan: units.VialPlan | None) -> tuple[str, ...]:
    wasted_mg = plan.wasted_mg if plan is not None and plan.wasted_units else None
    authorized = bool(encounter.prior_authorization)
    return _needs(encounter.drug, encounter.route, plan is not None, wasted_mg, authorized)


@functools.lru_cache(maxsize=256)
def _needs(
    drug: Drug,
    route: products.Route,
    planned: bool,
    wasted_mg: Decimal | None,
    authorized: bool,
) -> tuple[str, ...]:
    """What the record must show, for a drug, a route, the vials billed (if any), their waste and a
    prior authorization.

    Kept for the claims that need the same (most do): a cache keyed by values only (the drug hashes
    its fields once; equal amounts of waste are written alike by :func:`plain`);
    ``benchmarks/bench_caches.py`` measures what it buys."""
    needs = [
        "the order: drug, dose (mg), route and frequency",
        f"the diagnosis supporting medical necessity ({drug.facts['either_indication']}, with "
        "organ involvement where billed)",
        "the patient's weight on the date of service"
        if route == products.Route.IV
        else "that SC administration in the clinic was medically needed",
        "the NDC and number of each vial or device used",
    ]
    if route == products.Route.IV:
        needs.append("infusion start and stop times (they support the administration codes)")
    if wasted_mg is not None:
        needs.append(f"the amount discarded ({plain(wasted_mg)} mg) and that it was discarded")
    elif planned:
        needs.append("that no billable amount was discarded (supports JZ where required)")
    if authorized:
        needs.append("the prior authorization on file")
    return tuple(needs)


def _price_table(prices: Mapping[Any, Any]) -> Mapping[str, Decimal]:
    """The prices as exact decimals (a claim keeps the digits it was given)."""
    table = {code: to_decimal(value, f"price of {code}") for code, value in prices.items()}
    if any(price < 0 for price in table.values()):
        raise OutOfRange("prices: expected prices of zero or more")
    return types.MappingProxyType(table)


class Options(NamedTuple):
    """The options of :func:`build_claim`, checked and converted once."""

    policy: PayerPolicy | None
    prices: Mapping[str, Decimal]
    drug_revenue: str
    tolerance: Decimal
    today: datetime.date
    """The date of service dates are compared with (the system date at the call by default)."""
    reference: refdata.Reference | None
    rules: Mapping[str, str] = types.MappingProxyType({})
    """Rule settings (:func:`benlysta_coding.findings.rule_settings`)."""


def options(
    policy: object,
    prices: object,
    drug_revenue_code: str,
    dose_tolerance_percent: object,
    today: object,
    reference: object,
    rules: object = None,
) -> Options:
    """Check the options of :func:`build_claim` and
    :func:`~benlysta_coding.stages.build_claims`, once for all their encounters.

    >>> import datetime
    >>> checked = options(
    ...     None, {"J0490": "12.50"}, "0636", 10, datetime.date(2026, 1, 1), None
    ... )
    >>> checked.prices["J0490"], checked.tolerance
    (Decimal('12.50'), Decimal('10'))
    """
    if policy is not None and not isinstance(policy, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    if prices is not None and not isinstance(prices, Mapping):
        raise TypeError("prices: expected a mapping of code to price, such as {'96365': '150'}")
    price_table = _price_table(prices or {})
    drug_revenue = (
        drug_revenue_code
        if drug_revenue_code in lines.DRUG_REVENUE_CODES
        else revenue.lookup(drug_revenue_code).code
    )
    if drug_revenue not in lines.DRUG_REVENUE_CODES:
        raise InvalidFormat("drug_revenue_code: expected '0636' or '0250'")
    tolerance = (
        DOSE_TOLERANCE_PERCENT
        if dose_tolerance_percent is DOSE_TOLERANCE_PERCENT
        else to_decimal(dose_tolerance_percent, "tolerance")
    )
    if today is None:
        day = datetime.date.today()
    else:
        day = today if type(today) is datetime.date else to_date(today, "today")
    if reference is not None and not isinstance(reference, refdata.Reference):
        raise TypeError("reference: expected a benlysta_coding.refdata.Reference")
    return Options(
        policy,
        price_table,
        drug_revenue,
        tolerance,
        day,
        reference,
        rule_settings(rules),  # type: ignore[arg-type]
    )


def _date_and_age(encounter: Encounter, drug: Drug) -> int:
    """The patient's age on the date of service (-1 if born after it); a date before the drug's
    HCPCS code took effect is out of scope."""
    day = encounter.service_date
    if drug.hcpcs.effective and day < drug.hcpcs.effective:
        raise NotSupported(
            f"service_date: dates of service before {drug.hcpcs.effective} (when "
            f"{drug.hcpcs.code} took effect{'; ' + drug.before_hcpcs if drug.before_hcpcs else ''}) "
            "are out of this library's scope"
        )
    born = encounter.patient.birth_date
    return dosing.age_on(born, day) if born <= day else -1


@exact
def build_claim(
    encounter: Encounter,
    *,
    policy: PayerPolicy | None = None,
    prices: Mapping[str, Decimal | int | str] | None = None,
    today: datetime.date | str | None = None,
    drug_revenue_code: str = revenue.REV_0636.code,
    dose_tolerance_percent: Decimal | int | str = DOSE_TOLERANCE_PERCENT,
    reference: refdata.Reference | None = None,
    rules: Mapping[str, str] | None = None,
) -> Claim:
    """Build the claim for one encounter.

    ``policy`` overrides the encounter's payer policy. ``prices`` maps codes (``"J0490"``,
    ``"96365"`` ...) to a price per unit, for example from the CMS ASP file or your fee schedule;
    no price is built in. ``today`` (a date or ``YYYY-MM-DD``; default: the system date) is used
    only to flag dates of service in the future. ``drug_revenue_code`` is ``0636`` or ``0250`` on
    institutional claims. The drug billed is the encounter's (its ``drug`` key; belimumab by default).
    ``reference`` holds the CMS files you loaded (:mod:`benlysta_coding.refdata`): with it,
    Medicare drug lines get their expected allowed amount, and MUE and crosswalk checks run on the
    date of service. ``rules`` maps rule codes to ``off``, ``info``, ``warning`` or ``error``
    (``python -m benlysta_coding rules`` lists them; the rules of
    :data:`benlysta_coding.findings.MANDATORY` cannot be turned off or lowered). To build many
    claims with the same options, :func:`~benlysta_coding.stages.build_claims` is faster.

    >>> import datetime
    >>> from benlysta_coding import encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.HOSPITAL_IV), today=datetime.date(2026, 1, 1)
    ... )
    >>> [(line.revenue_code, line.code, line.units) for line in claim.lines]
    [('0636', 'J0490', 40), ('0636', 'J0490', 12), ('0260', '96365', 1), ('0260', '96366', 1)]
    """
    settings = options(
        policy, prices, drug_revenue_code, dose_tolerance_percent, today, reference, rules
    )
    *_, made = steps(encounter, settings)
    assert made is not None  # the last step gives the claim
    return made


PAUSES: Final = 3
"""The pauses of :func:`steps` before it gives the claim."""


def steps(encounter: Encounter, settings: Options) -> Iterator[Claim | None]:
    """Build one claim, step by step: it pauses (gives ``None``) :data:`PAUSES` times, after the
    dose and plan, the lines and the line edits, then gives the claim. :func:`build_claim` runs it
    through; :func:`benlysta_coding.stages.build_claims` runs each step for many encounters before
    the next.

    The steps: check the arguments and the date; the encounter's edits; the dose; the vials; the
    plan's edits; the service lines; the line edits; the price edits; the CMS reference files; the
    claim's edits; the rule settings; the claim. The edits are the registry's
    (:mod:`benlysta_coding.edits`).

    >>> import datetime
    >>> from benlysta_coding import encounter, examples
    >>> run = steps(
    ...     encounter.from_dict(examples.OFFICE_IV),
    ...     options(None, None, "0636", 10, datetime.date(2026, 1, 1), None),
    ... )
    >>> [type(made).__name__ for made in run]
    ['NoneType', 'NoneType', 'NoneType', 'Claim']
    """
    context, pointers = _context(encounter, settings)
    found = run(Stage.ENCOUNTER, context)
    context.dose = _dose(encounter, context.age, settings.tolerance, context.drug, found)
    context.plan = _plan(encounter, context.dose, context.policy, context.drug, found)
    run(Stage.PLAN, context, found)
    yield None
    context.lines = _service_lines(
        encounter,
        context.plan,
        context.policy,
        context.drug,
        settings.prices,
        settings.drug_revenue,
        pointers,
        found,
    )
    yield None
    found.extend(checks.line_edits(context))
    yield None
    run(Stage.PRICES, context, found)
    if settings.reference is not None:
        context.lines = _with_reference(
            encounter, tuple(context.lines), context.policy, context.drug, settings.reference, found
        )
    run(Stage.CLAIM, context, found)
    policy = context.policy
    rules = {**dict(policy.rules), **settings.rules} if policy.rules else settings.rules
    found = apply_settings(fill(found, context.drug.facts), rules)
    yield _assemble(encounter, policy, context.dose, tuple(context.lines), found, context.plan)


def _context(encounter: Encounter, settings: Options) -> tuple[Context, tuple[int, ...]]:
    """The arguments checked, the date, the patient's age and the diagnosis review: what the edits
    start from; and the pointers to the diagnoses that support the drug, for the lines."""
    if not isinstance(encounter, Encounter):
        raise TypeError("encounter: expected a benlysta_coding.encounter.Encounter")
    chosen = encounter.payer if settings.policy is None else settings.policy
    if not isinstance(chosen, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    drug = encounter.drug
    review = checks.diagnosis_review(encounter.diagnoses, encounter.indication, drug)
    context = Context(
        encounter=encounter,
        policy=chosen,
        drug=drug,
        today=settings.today,
        age=_date_and_age(encounter, drug),
        prices=settings.prices,
        sc_pharmacy_route=encounter.route == products.Route.SC and not chosen.sc_on_medical_benefit,
        diagnosis_review=review,
    )
    return context, review[1]


def _with_reference(
    encounter: Encounter,
    claim_lines: tuple[ServiceLine, ...],
    policy: PayerPolicy,
    drug: Drug,
    reference: refdata.Reference,
    found: list[Finding],
) -> tuple[ServiceLine, ...]:
    """Expected Medicare allowed amounts, MUE and crosswalk checks from the loaded CMS files."""
    day = encounter.service_date
    code = drug.hcpcs.code
    setting = "outpatient_hospital" if encounter.setting.institutional else "practitioner"
    uncovered: set[str] = set()
    for billed in sorted({line.code for line in claim_lines}):
        units = sum(line.units for line in claim_lines if line.code == billed)
        try:
            mue, mue_table = reference.mue_for(billed, day, setting)
        except refdata.NotCovered as error:
            if reference.mue:
                uncovered.add(str(error))
            continue
        if units > mue.value:
            found.append(
                make(
                    "mue-exceeded",
                    f"{units} {billed} units on {day} exceed the {setting} MUE of {mue.value} "
                    f"({mue_table.source.name}); MAI {mue.indicator}: {mue.meaning}",
                    "$.lines",
                )
            )
    try:
        crosswalk: refdata.CrosswalkTable | None = reference.crosswalk_for(day)
    except refdata.NotCovered as error:
        crosswalk = None
        if reference.crosswalk:
            uncovered.add(str(error))
    if crosswalk is not None:
        known = crosswalk.ndcs(code)
        for line in claim_lines:
            if line.code != code or not line.ndc:
                continue
            path = f"$.lines[{line.number - 1}]"
            if line.ndc not in known:
                found.append(
                    make(
                        "ndc-not-in-crosswalk",
                        f"NDC {line.ndc} is not in {crosswalk.source.name} for {code}",
                        path,
                    )
                )
            product = drug.by_ndc.get(line.ndc)
            if product is None:
                continue
            for row in crosswalk.rows(code, line.ndc):
                expected = product.strength_mg / drug.unit_mg * (product.units_per_carton or 1)
                if row.billing_units_per_package not in (None, expected):
                    found.append(
                        make(
                            "crosswalk-units-disagree",
                            f"{crosswalk.source.name} gives {row.billing_units_per_package} "
                            f"billing units per package for NDC {line.ndc}; the product holds "
                            f"{plain(expected)}",
                            path,
                        )
                    )
    lines_out = []
    for line in claim_lines:
        if policy.medicare and line.code == code and reference.asp:
            try:
                limit, _ = reference.payment_limit(code, day)
            except refdata.NotCovered as error:
                uncovered.add(str(error))
            else:
                if limit.limit is not None:
                    cap = limit.limit * line.units
                    allowed = cap if line.charge is None else min(line.charge, cap)
                    share = (
                        None
                        if limit.coinsurance_percent is None
                        else allowed * limit.coinsurance_percent / 100
                    )
                    line = attrs.evolve(
                        line,
                        expected_allowed=lines.to_cent(allowed),
                        coinsurance=None if share is None else lines.to_cent(share),
                        expected_allowed_exact=allowed,
                        coinsurance_exact=share,
                    )
        lines_out.append(line)
    found.extend(
        make("reference-not-covered", message, "$.service_date") for message in sorted(uncovered)
    )
    return tuple(lines_out)


def _assemble(
    encounter: Encounter,
    policy: PayerPolicy,
    dose: Decimal | None,
    claim_lines: tuple[ServiceLine, ...],
    found: list[Finding],
    plan: units.VialPlan | None,
) -> Claim:
    institutional = encounter.setting.institutional
    frequency = encounter.frequency
    if institutional:
        critical = encounter.setting == Setting.CRITICAL_ACCESS_HOSPITAL
        prefix = (place_of_service.TOB_085X if critical else place_of_service.TOB_013X).code
        type_of_bill: str | None = bill_type(prefix, frequency.code)
        place = None
    else:
        type_of_bill = None
        place = encounter.place_of_service or POS_11.code
    return Claim(
        claim_id=encounter.claim_id,
        kind=ClaimKind.INSTITUTIONAL if institutional else ClaimKind.PROFESSIONAL,
        setting=encounter.setting,
        payer=policy.name,
        filing_code=policy.filing_code(institutional),
        service_date=encounter.service_date,
        route=encounter.route,
        indication=encounter.indication,
        dose_mg=dose,
        diagnoses=encounter.diagnoses,
        lines=claim_lines,
        findings=tuple(found),
        place_of_service=place,
        type_of_bill=type_of_bill,
        prior_authorization=encounter.prior_authorization,
        documentation=_documentation(encounter, plan),
        frequency=frequency,
        payer_claim_number=encounter.payer_claim_number,
        drug=encounter.drug,
    )
