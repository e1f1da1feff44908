"""J0490 billing units, vial plans, wastage, JW/JZ and the NDC quantity of each drug line.

Rules (Medicare Part B, single-dose containers):

* Administered units = dose in mg / 10, rounded **up** to a whole unit (S9).
* Bill from the vial combination that covers the dose with the **least waste**; ties go to fewer vials.
  Some payers want the fewest vials instead: :class:`~benlysta_coding.policy.VialPolicy` (S9).
* Wasted units are rounded **down**, so administered + wasted units never exceed what the opened vials
  hold: with vials of whole tens of mg, wasted units = vial total / 10 - administered units (S10).
* Waste goes on its own line with modifier JW; with nothing wasted, the drug line carries JZ when the
  payer requires it on that date (S11, S12).
* The waste belongs to the vial that was only partly used: vials are used largest first, so it is the
  smallest vial size of the plan.

>>> plan = plan_vials(Decimal(850))
>>> [(use.product.strength_mg, use.count) for use in plan.vials]
[(Decimal('400'), 1), (Decimal('120'), 4)]
>>> plan.administered_units, plan.wasted_units, plan.wasted_mg
(85, 3, Decimal('30'))

More information:

* S9 CGS Medicare Part B, JW and JZ modifier guidelines, https://www.cgsmedicare.com/
* S10 NGS Medicare, rounding administered and discarded units, https://www.ngsmedicare.com/
* S11 CMS JW/JZ policy (Claims Processing Manual, chapter 17, section 40)
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Final

import attrs

from benlysta_coding import hcpcs, modifiers, products
from benlysta_coding._util import to_date, to_decimal
from benlysta_coding.errors import InvalidComponent, InvalidFormat, OutOfRange
from benlysta_coding.ndc import NDC11, ClaimNDC, Unit
from benlysta_coding.policy import (
    JWQuantity,
    LinesPerNDC,
    NDCQuantityBasis,
    PayerPolicy,
    VialPolicy,
)

__all__ = [
    "MAX_PLAN_DOSE_MG",
    "DoseRounding",
    "DrugLine",
    "VialPlan",
    "VialUse",
    "WasteDecision",
    "billing_units",
    "drug_lines",
    "plan_vials",
    "round_dose",
    "waste_decision",
]

UNIT_MG: Final = hcpcs.J0490.billing_unit_mg
"""One J0490 billing unit: 10 mg."""
_UNIT: Final = int(UNIT_MG)
MAX_PLAN_DOSE_MG: Final = Decimal(20000)
"""Largest dose a plan accepts: a guard against unit mistakes, far above any labeled dose."""


def _dose(dose_mg: object, max_dose_mg: Decimal = MAX_PLAN_DOSE_MG) -> Decimal:
    dose = to_decimal(dose_mg, "dose_mg")
    if not 0 < dose <= max_dose_mg:
        raise OutOfRange(f"dose_mg: expected more than 0 and at most {max_dose_mg} mg")
    return dose


def billing_units(dose_mg: Decimal | int | str) -> int:
    """Return the J0490 units for a dose: mg / 10 rounded up to a whole unit.

    >>> billing_units(Decimal("683")), billing_units(700), billing_units("0.5")
    (69, 70, 1)
    """
    return int((_dose(dose_mg) / UNIT_MG).to_integral_value(rounding=ROUND_CEILING))


@attrs.frozen
class VialUse:
    """``count`` vials (or devices) of one product."""

    product: products.Product
    count: int

    @property
    def mg(self) -> Decimal:
        """Drug in these vials."""
        return self.product.strength_mg * self.count


@attrs.frozen(kw_only=True)
class VialPlan:
    """The vials that cover a dose, and the units administered and wasted.

    ``vials`` are listed largest first, which is the order they are used in; the last one is the vial
    that is only partly used, and the waste belongs to it.
    """

    dose_mg: Decimal
    vials: tuple[VialUse, ...]
    policy: VialPolicy
    total_mg: Decimal
    administered_units: int
    wasted_units: int
    wasted_mg: Decimal

    @property
    def vial_count(self) -> int:
        """Vials (or devices) opened."""
        return sum(use.count for use in self.vials)

    @property
    def partial(self) -> products.Product:
        """The product of the vial that was only partly used (the smallest size in the plan)."""
        return self.vials[-1].product


def _sizes(vials: Sequence[products.Product]) -> tuple[tuple[int, products.Product], ...]:
    """The distinct vial sizes in mg, largest first, each with its product."""
    if not vials:
        raise InvalidComponent("vials: expected at least one vial product")
    sizes = {}
    for product in vials:
        if not isinstance(product, products.Product):
            raise TypeError("vials: expected benlysta_coding.products.Product values")
        strength = product.strength_mg
        if strength <= 0 or strength % UNIT_MG != 0:
            raise InvalidComponent("vials: each vial must hold a whole multiple of 10 mg")
        sizes[int(strength)] = product
    return tuple(sorted(sizes.items(), reverse=True))


_IV_TABLE: Final = _sizes(products.IV_VIALS)


def _combinations(need: int, sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """Every count tuple, largest size first, in which no vial could be dropped from the end."""
    if len(sizes) == 1:
        return [(-(-need // sizes[0]) if need > 0 else 0,)]
    found = []
    for count in range(-(-need // sizes[0]) + 1):
        rest = need - count * sizes[0]
        for tail in _combinations(rest, sizes[1:]):
            found.append((count, *tail))
        if rest <= 0:
            break
    return found


def _best_counts(need: int, sizes: Sequence[int], policy: VialPolicy) -> tuple[int, ...]:
    least_waste = policy is VialPolicy.LEAST_WASTE
    if len(sizes) == 2:  # the IV vials: a direct loop, no intermediate lists
        large, small = sizes
        best_key: tuple[int, int, int] = (0, 0, 0)
        best: tuple[int, ...] = (0, 0)
        for n_large in range(-(-need // large) + 1):
            rest = need - n_large * large
            n_small = -(-rest // small) if rest > 0 else 0
            total, number = n_large * large + n_small * small, n_large + n_small
            key = (total, number, -n_large) if least_waste else (number, total, -n_large)
            if n_large == 0 or key < best_key:
                best_key, best = key, (n_large, n_small)
        return best
    ranked = []
    for counts in _combinations(need, sizes):
        total = sum(c * s for c, s in zip(counts, sizes, strict=True))
        number = sum(counts)
        rank = (total, number) if least_waste else (number, total)
        ranked.append((*rank, *(-c for c in counts)))
    return tuple(-c for c in min(ranked)[2:])


def plan_vials(
    dose_mg: Decimal | int | str,
    policy: VialPolicy | str = VialPolicy.LEAST_WASTE,
    vials: Sequence[products.Product] = products.IV_VIALS,
    max_dose_mg: Decimal = MAX_PLAN_DOSE_MG,
) -> VialPlan:
    """Return the vial plan for a dose under a vial policy.

    ``LEAST_WASTE`` (default) takes the combination with the least drug left over, ties broken by fewer
    vials; ``FEWEST_VIALS`` the fewest vials, ties broken by less waste. Remaining ties (only possible
    with other vial sizes) go to larger vials.

    >>> plan = plan_vials(1200)
    >>> [(u.product.ndc10, u.count) for u in plan.vials], plan.wasted_units
    ([('49401-102-01', 3)], 0)
    """
    dose = _dose(dose_mg, max_dose_mg)
    if policy.__class__ is VialPolicy:
        chosen = policy
    else:
        try:
            chosen = VialPolicy(policy)
        except ValueError:
            raise InvalidFormat("vial policy: expected 'least_waste' or 'fewest_vials'") from None
    table = _IV_TABLE if vials is products.IV_VIALS else _sizes(vials)
    need = math.ceil(dose)
    best = _best_counts(need, [size for size, _ in table], chosen)
    uses = []
    total = 0
    for (size, product), count in zip(table, best, strict=True):
        if count:
            uses.append(VialUse(product, count))
            total += size * count
    administered = -(-need // _UNIT)  # ceil(ceil(dose) / 10) == ceil(dose / 10)
    return VialPlan(
        dose_mg=dose,
        vials=tuple(uses),
        policy=chosen,
        total_mg=Decimal(total),
        administered_units=administered,
        wasted_units=total // _UNIT - administered,
        wasted_mg=total - dose,
    )


@attrs.frozen(kw_only=True)
class DoseRounding:
    """The result of rounding a dose to a vial combination within a tolerance."""

    original_mg: Decimal
    rounded_mg: Decimal
    tolerance_percent: Decimal
    was_rounded: bool

    @property
    def deviation_mg(self) -> Decimal:
        """Rounded minus original dose, exactly (negative when rounded down)."""
        return self.rounded_mg - self.original_mg


def round_dose(
    dose_mg: Decimal | int | str,
    tolerance_percent: Decimal | int | str,
    vials: Sequence[products.Product] = products.IV_VIALS,
) -> DoseRounding:
    """Round a dose to the nearest whole-vial total within ``tolerance_percent`` of it.

    A practice of health systems and payers (commonly 5 % or 10 %), not of the label: off unless you
    call it. The nearest achievable total wins; on a tie, the lower one. A dose that is already a vial
    total, or has no total within the tolerance, is returned unchanged with ``was_rounded`` false.

    >>> round_dose(Decimal(550), 10).rounded_mg
    Decimal('520')
    >>> round_dose(Decimal(550), 5).was_rounded
    False
    """
    dose = _dose(dose_mg)
    tolerance = to_decimal(tolerance_percent, "tolerance_percent")
    if not 0 <= tolerance <= 50:
        raise OutOfRange("tolerance_percent: expected 0 to 50")
    sizes = [size for size, _ in (_IV_TABLE if vials is products.IV_VIALS else _sizes(vials))]
    low, high = dose * (100 - tolerance) / 100, dose * (100 + tolerance) / 100
    top = int(high.to_integral_value(rounding=ROUND_CEILING))
    totals = {0}
    for size in sizes:
        totals |= {
            t + size * n for t in totals for n in range(top // size + 1) if t + size * n <= top
        }
    within = sorted(
        (abs(Decimal(t) - dose), Decimal(t)) for t in totals if t and low <= Decimal(t) <= high
    )
    if not within or within[0][0] == 0:
        return DoseRounding(
            original_mg=dose, rounded_mg=dose, tolerance_percent=tolerance, was_rounded=False
        )
    return DoseRounding(
        original_mg=dose, rounded_mg=within[0][1], tolerance_percent=tolerance, was_rounded=True
    )


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
    >>> waste_decision(plan_vials(634), "2024-05-01", MEDICARE_PART_B).jz
    True
    >>> waste_decision(plan_vials(634), "2023-06-30", MEDICARE_PART_B).jz
    False
    """
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
    product: products.Product, count: int, mg: Decimal, basis: NDCQuantityBasis
) -> tuple[Unit, Decimal]:
    if basis is NDCQuantityBasis.VIALS:
        return Unit.UN, Decimal(count)
    if basis is NDCQuantityBasis.MILLILITRES:
        return Unit.ML, product.volume_ml * count
    return Unit.ME, mg


def drug_lines(
    plan: VialPlan, service_date: datetime.date | str, policy: PayerPolicy
) -> tuple[DrugLine, ...]:
    """Return the drug lines for a plan: administered lines per NDC (or one line), then the JW line.

    The units of the lines add up to the plan's administered units, plus its wasted units when they are
    billed on the JW line.

    >>> from benlysta_coding.policy import MEDICARE_PART_B
    >>> [(l.product.ndc10, l.units, l.modifier, str(l.ndc_unit), l.ndc_quantity)
    ...  for l in drug_lines(plan_vials(850), "2024-05-01", MEDICARE_PART_B)]
    [('49401-102-01', 40, None, 'UN', Decimal('1')), ('49401-101-01', 45, None, 'UN', Decimal('4')), ('49401-101-01', 3, 'JW', 'UN', Decimal('4'))]
    """
    decision = waste_decision(plan, service_date, policy)
    route = plan.vials[0].product.route
    basis = policy.vial_ndc_unit if route is products.Route.IV else policy.sc_ndc_unit
    jz = modifiers.JZ.code if decision.jz else None
    reason = "" if decision.jw_units else decision.reason
    administered: list[DrugLine] = []
    for use in plan.vials:
        wasted = plan.wasted_mg if use is plan.vials[-1] else Decimal(0)
        units = int(use.mg / UNIT_MG) - (plan.wasted_units if use is plan.vials[-1] else 0)
        unit, quantity = _quantity(use.product, use.count, use.mg - wasted, basis)
        administered.append(
            DrugLine(
                product=use.product,
                units=units,
                modifier=jz,
                ndc_unit=unit,
                ndc_quantity=quantity,
                mg=use.mg - wasted,
                reason=reason,
            )
        )
    if policy.lines_per_ndc is LinesPerNDC.SINGLE_LINE and len(administered) > 1:
        first, others = administered[0], administered[1:]
        note = "; ".join(
            str(ClaimNDC(NDC11(line.product.ndc11), line.ndc_unit, line.ndc_quantity))
            for line in others
        )
        administered = [
            attrs.evolve(
                first,
                units=sum(line.units for line in administered),
                mg=sum((line.mg for line in administered), Decimal(0)),
                note=note,
            )
        ]
    lines = [line for line in administered if line.units > 0]
    if decision.jw_units:
        if policy.jw_ndc_quantity is JWQuantity.WASTED_MG or basis is NDCQuantityBasis.MILLIGRAMS:
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
