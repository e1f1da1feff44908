"""Line assembly: drug lines (units, JW/JZ, NDC quantity), administration lines and revenue codes.

Everything here turns calculator results (:mod:`benlysta_coding.units`) and a payer policy into
:class:`ServiceLine` values; the checks live in :mod:`benlysta_coding.checks`, the claim in
:mod:`benlysta_coding.claim`.

* Waste goes on its own line with modifier JW; with nothing wasted, the drug line carries JZ when the
  payer requires it on that date (S11, S12).
* IV administration: the initial-hour code of the payer's family (96365 or 96413), the additional-hour
  add-on from 91 minutes, the push code for 15 minutes or less; SC: 96372 per injection.
* Institutional claims: revenue code 0636 (or 0250) for the drug, 0260 for IV therapy, 0510 for an
  injection in a clinic.

More information:

* S11 CMS JW/JZ policy (Claims Processing Manual, chapter 17, section 40)
* S6 GSK BENLYSTA billing and coding guide (revenue and administration codes)
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import attrs

from benlysta_coding import cpt, modifiers, products, revenue
from benlysta_coding._util import EXACT, ZERO, exact, places, plain, require, to_date
from benlysta_coding.drug import BELIMUMAB, Drug
from benlysta_coding.findings import Finding, make
from benlysta_coding.ndc import NDC11, ClaimNDC, Unit
from benlysta_coding.policy import JWQuantity, LinesPerNDC, NDCQuantityBasis, PayerPolicy
from benlysta_coding.units import VialPlan

__all__ = [
    "DRUG_REVENUE_CODES",
    "PRICE_DECIMALS",
    "DrugLine",
    "LineKind",
    "ServiceLine",
    "WasteDecision",
    "administration_lines",
    "control_number",
    "drug_lines",
    "drug_service_lines",
    "line_charge",
    "price_decimals",
    "to_cent",
    "waste_decision",
]

NEAR_THRESHOLD_MINUTES: Final = 10
"""An infusion ending this close below a time that adds a unit (81 to 90 minutes, 141 to 150 ...) gets
an info finding so the record's times can be checked; other times need no comment."""

DRUG_REVENUE_CODES: Final = frozenset({revenue.REV_0636.code, revenue.REV_0250.code})
"""The revenue codes accepted for the drug line of an institutional claim."""


class LineKind(enum.StrEnum):
    """What a service line bills."""

    DRUG = "drug"
    WASTE = "waste"
    ADMINISTRATION = "administration"


@attrs.frozen(kw_only=True)
class ServiceLine:
    """One service line. Quantities are exact; ``charge`` is ``None`` when no price was given."""

    number: int
    kind: LineKind
    code: str
    modifiers: tuple[str, ...]
    units: int
    service_date: datetime.date
    diagnosis_pointers: tuple[int, ...]
    ndc: str | None = None
    ndc_unit: Unit | None = None
    ndc_quantity: Decimal | None = None
    ndc_note: str = ""
    revenue_code: str | None = None
    charge: Decimal | None = None
    explanation: str = ""
    control_number: str = ""
    """The line item control number (X12 ``REF*6R``) that a remittance echoes back."""
    expected_allowed: Decimal | None = None
    """Expected Medicare allowed amount (with reference data): the lesser of the charge and units x
    the ASP payment limit in force on the date of service, rounded half-up to the cent."""
    coinsurance: Decimal | None = None
    """The patient's coinsurance share of the expected allowed amount, where the file gives it,
    rounded half-up to the cent."""
    expected_allowed_exact: Decimal | None = None
    """The expected allowed amount before rounding (``24.811 x 69 = 1711.959``)."""
    coinsurance_exact: Decimal | None = None
    """The coinsurance share of the exact expected allowed amount, before rounding."""

    @property
    def claim_ndc(self) -> ClaimNDC | None:
        """The NDC, unit and quantity of a drug line (``N449401010101 UN6`` as text); else ``None``."""
        if not (self.ndc and self.ndc_unit and self.ndc_quantity is not None):
            return None
        return ClaimNDC(NDC11(self.ndc), self.ndc_unit, self.ndc_quantity)

    @property
    def code_system(self) -> str:
        """``HCPCS`` for J codes, ``CPT`` for the administration codes."""
        return "HCPCS" if self.code[:1].isalpha() else "CPT"


@attrs.frozen(kw_only=True)
class WasteDecision:
    """Whether the claim gets a JW line (and its units) and whether drug lines carry JZ, and why."""

    jw_units: int
    jz: bool
    reason: str


def waste_decision(
    plan: VialPlan, service_date: datetime.date | str, policy: PayerPolicy
) -> WasteDecision:
    """Decide JW / JZ for a plan on a date of service under a payer policy.

    >>> from benlysta_coding.policy import MEDICARE_PART_B
    >>> from benlysta_coding import units
    >>> waste_decision(units.plan_vials(634), "2024-05-01", MEDICARE_PART_B).jz
    True
    >>> waste_decision(units.plan_vials(634), "2023-06-30", MEDICARE_PART_B).jz
    False
    """
    require(plan, VialPlan, "plan", "a benlysta_coding.units.VialPlan")
    require(policy, PayerPolicy, "policy", "a benlysta_coding.policy.PayerPolicy")
    day = to_date(service_date, "service_date")
    if plan.wasted_units > 0:
        if policy.bill_waste:
            return WasteDecision(
                jw_units=plan.wasted_units,
                jz=False,
                reason=f"{plan.wasted_units} unit(s) discarded: billed on a separate JW line (CMS "
                "Claims Processing Manual ch. 17 sec. 40; wasted units rounded down)",
            )
        return WasteDecision(
            jw_units=0, jz=False, reason=f"payer policy {policy.name} does not bill discarded drug"
        )
    required = policy.jz_required_from
    if required is not None and day >= required:
        return WasteDecision(
            jw_units=0,
            jz=True,
            reason=f"nothing discarded in billing units and payer policy {policy.name} requires "
            f"JZ from {required.isoformat()}",
        )
    if required is None:
        why = f"payer policy {policy.name} does not require JZ"
    else:
        why = f"JZ is required by payer policy {policy.name} only from {required.isoformat()}"
    return WasteDecision(jw_units=0, jz=False, reason=f"nothing discarded; {why}")


@attrs.frozen(kw_only=True)
class DrugLine:
    """One drug service line before it becomes a claim line: J0490 units and the NDC quantity."""

    product: products.Product
    units: int
    modifier: str | None
    ndc_unit: Unit
    ndc_quantity: Decimal
    mg: Decimal
    """The drug this line stands for: administered mg, or discarded mg on a JW line."""
    note: str = ""
    """Other NDCs of a single-line claim, written ``N4... UNn``, for item 19 / NTE."""
    reason: str = ""
    """Why the line carries JW or JZ (or neither), from :func:`waste_decision`."""


def _quantity(
    product: products.Product, count: int, mg: Decimal, basis: NDCQuantityBasis | None
) -> tuple[Unit, Decimal]:
    if basis is None:  # the presentation's own unit (the drug file's ndc_unit)
        basis = (
            NDCQuantityBasis.VIALS if product.ndc_unit == Unit.UN else NDCQuantityBasis.MILLILITRES
        )
    if basis == NDCQuantityBasis.VIALS:
        return Unit.UN, Decimal(count)
    if basis == NDCQuantityBasis.MILLILITRES:
        return Unit.ML, product.volume_ml * count
    return Unit.ME, mg


@exact
def drug_lines(
    plan: VialPlan,
    service_date: datetime.date | str,
    policy: PayerPolicy,
    *,
    drug: Drug = BELIMUMAB,
) -> tuple[DrugLine, ...]:
    """Return the drug lines for a plan: administered lines per NDC (or one line), then the JW line.

    The units of the lines add up to the plan's administered units, plus its wasted units when they are
    billed on the JW line.

    >>> from benlysta_coding.policy import MEDICARE_PART_B
    >>> from benlysta_coding import units
    >>> [(l.product.ndc10, l.units, l.modifier, str(l.ndc_unit), l.ndc_quantity)
    ...  for l in drug_lines(units.plan_vials(850), "2024-05-01", MEDICARE_PART_B)]
    [('49401-102-01', 40, None, 'UN', Decimal('1')), ('49401-101-01', 45, None, 'UN', Decimal('4')), ('49401-101-01', 3, 'JW', 'UN', Decimal('4'))]
    """
    decision = waste_decision(plan, service_date, policy)
    route = plan.vials[0].product.route
    basis = policy.vial_ndc_unit if route == products.Route.IV else policy.sc_ndc_unit
    jz = modifiers.JZ.code if decision.jz else None
    reason = "" if decision.jw_units else decision.reason
    administered: list[DrugLine] = []
    units_left, mg_left = plan.administered_units, plan.dose_mg
    for use in plan.vials:  # largest first: the dose fills the vials in the order they are used
        units = min(int(use.mg / drug.unit_mg), units_left)
        mg = min(use.mg, mg_left)
        units_left, mg_left = units_left - units, mg_left - mg
        unit, quantity = _quantity(use.product, use.count, mg, basis)
        administered.append(
            DrugLine(
                product=use.product,
                units=units,
                modifier=jz,
                ndc_unit=unit,
                ndc_quantity=quantity,
                mg=mg,
                reason=reason,
            )
        )
    if policy.lines_per_ndc == LinesPerNDC.SINGLE_LINE and len(administered) > 1:
        first, others = administered[0], administered[1:]
        note = "; ".join(
            str(ClaimNDC(NDC11(line.product.ndc11), line.ndc_unit, line.ndc_quantity))
            for line in others
        )
        administered = [
            attrs.evolve(
                first,
                units=sum(line.units for line in administered),
                mg=sum((line.mg for line in administered), ZERO),
                note=note,
            )
        ]
    lines = [line for line in administered if line.units > 0]
    if decision.jw_units:
        if policy.jw_ndc_quantity == JWQuantity.WASTED_MG or basis == NDCQuantityBasis.MILLIGRAMS:
            unit, quantity = Unit.ME, plan.wasted_mg
        else:  # REPEAT: the quantity of the partly used NDC's own administered line
            last = plan.vials[-1]
            unit, quantity = _quantity(last.product, last.count, last.mg - plan.wasted_mg, basis)
        lines.append(
            DrugLine(
                product=plan.partial,
                units=decision.jw_units,
                modifier=modifiers.JW.code,
                ndc_unit=unit,
                ndc_quantity=quantity,
                mg=plan.wasted_mg,
                reason=decision.reason,
            )
        )
    return tuple(lines)


CENT: Final = Decimal("0.01")
PRICE_DECIMALS: Final = 3
"""Decimal places a unit price may carry (CMS publishes payment limits to 3 decimals; trailing
zeros do not count)."""


def price_decimals(price: Decimal) -> int:
    """The decimal places that carry value: ``9.2450`` has 3, ``12.50`` has 1.

    >>> (
    ...     price_decimals(Decimal("9.2450")),
    ...     price_decimals(Decimal("12.50")),
    ...     price_decimals(Decimal(100)),
    ... )
    (3, 1, 0)
    """
    exponent = EXACT.normalize(price).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def line_charge(price: Decimal, count: int) -> Decimal:
    """Units x price, rounded half-up to the cent when a price of up to 3 decimals gives sub-cents;
    the exact product otherwise (a price of more decimals is an error finding,
    ``charge-precision``).

    >>> line_charge(Decimal("9.245"), 69), line_charge(Decimal("12.50"), 69)
    (Decimal('637.91'), Decimal('862.50'))
    """
    exact = EXACT.multiply(price, count)
    if places(exact) <= 2 or price_decimals(price) > PRICE_DECIMALS:
        return exact
    return to_cent(exact)


def to_cent(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent, as claims and payers write money.

    >>> to_cent(Decimal("637.905")), to_cent(Decimal("342.3918"))
    (Decimal('637.91'), Decimal('342.39'))
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=EXACT)


def _charge(code: str, count: int, prices: Mapping[str, Decimal]) -> Decimal | None:
    price = prices.get(code)
    return None if price is None else line_charge(price, count)


def drug_service_lines(
    drug: Drug,
    plan: VialPlan,
    day: datetime.date,
    policy: PayerPolicy,
    *,
    pointers: tuple[int, ...],
    extra_modifiers: tuple[str, ...],
    revenue_code: str | None,
    prices: Mapping[str, Decimal],
    first_number: int = 1,
    claim_id: str = "",
) -> list[ServiceLine]:
    """The drug's service lines for a plan, each explaining its code, units and modifier, numbered
    from ``first_number`` with line control numbers made from ``claim_id``.

    >>> import datetime
    >>> from benlysta_coding import units
    >>> from benlysta_coding.drug import BELIMUMAB
    >>> from benlysta_coding.policy import COMMERCIAL
    >>> made = drug_service_lines(
    ...     BELIMUMAB,
    ...     units.plan_vials(550),
    ...     datetime.date(2025, 3, 3),
    ...     COMMERCIAL,
    ...     pointers=(1,),
    ...     extra_modifiers=(),
    ...     revenue_code=None,
    ...     prices={},
    ...     claim_id="A1",
    ... )
    >>> [(line.modifiers, line.units, line.control_number) for line in made]
    [((), 55, 'A1-1'), (('JW',), 5, 'A1-2')]
    """
    code = drug.hcpcs.code
    lines = []
    for number, (kind, line, why) in enumerate(
        _drug_line_parts(drug, plan, plan.written, day, policy), start=first_number
    ):
        lines.append(
            ServiceLine(
                number=number,
                kind=kind,
                code=code,
                modifiers=((line.modifier,) if line.modifier else ()) + extra_modifiers,
                units=line.units,
                service_date=day,
                diagnosis_pointers=pointers,
                ndc=line.product.ndc11,
                ndc_unit=line.ndc_unit,
                ndc_quantity=line.ndc_quantity,
                ndc_note=line.note,
                revenue_code=revenue_code,
                charge=_charge(code, line.units, prices),
                explanation=why,
                control_number=control_number(claim_id, number),
            )
        )
    return lines


@functools.lru_cache(maxsize=1024)
def _drug_line_parts(
    drug: Drug,
    plan: VialPlan,
    written: tuple[str, tuple[tuple[str, ...], ...]],
    day: datetime.date,
    policy: PayerPolicy,
) -> tuple[tuple[LineKind, DrugLine, str], ...]:
    """The drug lines of a plan with their kinds and explanations: the same for every claim of a
    drug, a dose, a date and a policy, so they are kept for the doses that recur.

    A cache keyed by values only (the drug, the plan and the policy hash their fields once). Equal
    plans may write their numbers differently (``683.50`` and ``683.5`` mg), so the plan's amounts
    as written (:attr:`~benlysta_coding.units.VialPlan.written`) are part of the key and the lines
    keep the digits of their own plan. ``benchmarks/bench_caches.py``
    measures what it buys."""
    code = drug.hcpcs.code
    found = []
    for line in drug_lines(plan, day, policy, drug=drug):
        waste = line.modifier == modifiers.JW.code
        vials = "vials from the record" if plan.policy is None else f"{plan.policy} vial plan"
        why = f"{code} is {drug.label}, {plain(drug.unit_mg)} mg per unit; " + (
            f"{line.reason}; NDC of the partly used vial {line.product.ndc10}"
            if waste
            else f"{line.units} unit(s) administered from {line.product.ndc10} (dose "
            f"{plain(plan.dose_mg)} mg, rounded up to whole units; {vials})"
        )
        if line.modifier == modifiers.JZ.code:
            why += f"; JZ: {line.reason}"
        found.append((LineKind.WASTE if waste else LineKind.DRUG, line, why))
    return tuple(found)


def _administration_codes(
    drug: Drug,
    route: products.Route,
    minutes: int | None,
    policy: PayerPolicy,
    plan: VialPlan | None,
    found: list[Finding],
) -> tuple[tuple[str, int, str], ...]:
    if route == products.Route.SC:
        if plan is None:  # the dose, and so the number of injections, is unknown
            return ()
        return (
            (
                drug.injection.code,
                plan.vial_count,
                f"{plan.vial_count} SC injection(s), one unit each",
            ),
        )
    if minutes is not None and type(minutes) is not int:
        raise TypeError("infusion_minutes: expected whole minutes (an int) or None")
    codes, notes = _infusion_codes(drug, minutes, policy)
    found.extend(notes)
    return codes


@functools.lru_cache(maxsize=1024)
def _infusion_codes(
    drug: Drug, minutes: int | None, policy: PayerPolicy
) -> tuple[tuple[tuple[str, int, str], ...], tuple[Finding, ...]]:
    """The IV administration codes for an infusion time, and the findings about the time.

    Kept for the times that recur (a clinic's infusions last a few lengths): a cache keyed by
    values only (whole minutes, checked to be an ``int`` by the caller, and the drug and policy,
    which hash their fields once); ``benchmarks/bench_caches.py`` measures what it buys."""
    family = policy.administration.family
    if minutes is None:
        missing = make(
            "infusion-minutes-missing",
            "no infusion_minutes for an IV administration; administration lines are left out",
            "$.infusion_minutes",
        )
        return (), (missing,)
    if not cpt.infusion_qualifies(minutes):
        push = make(
            "infusion-too-short",
            f"{minutes} minutes is a push, not an infusion",
            "$.infusion_minutes",
        )
        return ((family.push.code, 1, f"{minutes} minutes: 15 or less is coded as a push"),), (
            push,
        )
    codes = [
        (
            family.initial.code,
            1,
            f"IV infusion of {minutes} minutes: initial hour "
            f"({family.name} administration under payer policy {policy.name})",
        )
    ]
    extra = cpt.additional_hour_units(minutes)
    if extra:
        codes.append(
            (
                family.additional_hour.code,
                extra,
                f"{minutes} minutes: {extra} additional hour(s), each more than 30 "
                "minutes past the last full hour",
            )
        )
    notes = []
    if cpt.additional_hour_units(minutes + NEAR_THRESHOLD_MINUTES) > extra:
        notes.append(
            make(
                "infusion-additional-hour",
                f"{minutes} minutes end just below the time that adds a unit of "
                f"{family.additional_hour.code}; check the recorded start and stop times",
                "$.infusion_minutes",
            )
        )
    return tuple(codes), tuple(notes)


def administration_lines(
    drug: Drug,
    route: products.Route,
    minutes: int | None,
    policy: PayerPolicy,
    plan: VialPlan | None,
    *,
    day: datetime.date,
    pointers: tuple[int, ...],
    institutional: bool,
    prices: Mapping[str, Decimal],
    first_number: int,
    found: list[Finding],
    claim_id: str = "",
) -> list[ServiceLine]:
    """The administration lines (and the findings about the infusion time, into ``found``).

    >>> import datetime
    >>> from benlysta_coding.drug import BELIMUMAB
    >>> from benlysta_coding.policy import MEDICARE_PART_B
    >>> from benlysta_coding.products import Route
    >>> found = []
    >>> made = administration_lines(
    ...     BELIMUMAB,
    ...     Route.IV,
    ...     95,
    ...     MEDICARE_PART_B,
    ...     None,
    ...     day=datetime.date(2025, 3, 3),
    ...     pointers=(1,),
    ...     institutional=True,
    ...     prices={},
    ...     first_number=3,
    ...     found=found,
    ... )
    >>> [(line.number, line.code, line.revenue_code) for line in made]
    [(3, '96365', '0260'), (4, '96366', '0260')]
    """
    lines = []
    codes = _administration_codes(drug, route, minutes, policy, plan, found)
    for number, (code, count, why) in enumerate(codes, start=first_number):
        rev = None
        if institutional:
            injection = code == drug.injection.code
            rev = (revenue.REV_0510 if injection else revenue.REV_0260).code
        lines.append(
            ServiceLine(
                number=number,
                kind=LineKind.ADMINISTRATION,
                code=code,
                modifiers=(),
                units=count,
                service_date=day,
                diagnosis_pointers=pointers,
                revenue_code=rev,
                charge=_charge(code, count, prices),
                explanation=why,
                control_number=control_number(claim_id, number),
            )
        )
    return lines


def control_number(claim_id: str, number: int) -> str:
    """The default line item control number: the claim id and the line number (``BEN-1-2``).

    >>> control_number("BEN-1", 2), control_number("", 1)
    ('BEN-1-2', 'LINE-1')
    """
    return f"{claim_id or 'LINE'}-{number}"
