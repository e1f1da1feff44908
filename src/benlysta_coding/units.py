"""Billing units, vial plans and wastage: calculators over ``Decimal``, for a :class:`~benlysta_coding.drug.Drug`.

Rules (Medicare Part B, single-dose containers):

* Administered units = dose in mg / 10, rounded **up** to a whole unit (S9).
* Bill from the vial combination that covers the dose with the **least waste**; ties go to fewer vials.
  Some payers want the fewest vials instead: :class:`VialPolicy` (S9).
* Wasted units are rounded **down**, so administered + wasted units never exceed what the opened vials
  hold: with vials of whole tens of mg, wasted units = vial total / 10 - administered units (S10).
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

import enum
import functools
import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any, Final

import attrs

from benlysta_coding import products
from benlysta_coding._util import ZERO, exact, to_decimal
from benlysta_coding.drug import BELIMUMAB, Drug
from benlysta_coding.errors import InvalidComponent, InvalidFormat, NotSupported, OutOfRange

__all__ = [
    "MAX_PLAN_DOSE_MG",
    "DoseRounding",
    "VialPlan",
    "VialPolicy",
    "VialUse",
    "billing_units",
    "plan_from_products",
    "plan_table",
    "plan_vials",
    "round_dose",
]


class VialPolicy(enum.StrEnum):
    """How to choose the vials that cover a dose (a calculator's own parameter; a payer policy
    names one: :attr:`benlysta_coding.policy.PayerPolicy.vial_policy`)."""

    LEAST_WASTE = "least_waste"
    """The combination with the least drug left over; ties go to fewer vials (contractors' rule)."""
    FEWEST_VIALS = "fewest_vials"
    """The combination with the fewest vials; ties go to less waste."""


UNIT_MG: Final = BELIMUMAB.unit_mg
"""One J0490 billing unit: 10 mg (kept for compatibility; the calculators read ``drug.unit_mg``)."""
MAX_PLAN_DOSE_MG: Final = Decimal(20000)
"""Largest dose a plan accepts: a guard against unit mistakes, far above any labeled dose."""


def _dose(dose_mg: object, max_dose_mg: Decimal = MAX_PLAN_DOSE_MG) -> Decimal:
    if max_dose_mg is not MAX_PLAN_DOSE_MG:
        max_dose_mg = to_decimal(max_dose_mg, "max_dose_mg")  # NaN and infinities refused
        if max_dose_mg <= 0:
            raise OutOfRange("max_dose_mg: expected more than 0 mg")
    dose = to_decimal(dose_mg, "dose_mg")
    if not 0 < dose <= max_dose_mg:
        raise OutOfRange(f"dose_mg: expected more than 0 and at most {max_dose_mg} mg")
    return dose


@exact
def billing_units(dose_mg: Decimal | int | str, drug: Drug = BELIMUMAB) -> int:
    """Return the billing units for a dose: mg / unit size (10 mg for J0490) rounded up.

    >>> billing_units(Decimal("683")), billing_units(700), billing_units("0.5")
    (69, 70, 1)
    """
    return int((_dose(dose_mg) / drug.unit_mg).to_integral_value(rounding=ROUND_CEILING))


@attrs.frozen
class VialUse:
    """``count`` vials (or devices) of one product."""

    product: products.Product
    count: int

    @property
    @exact
    def mg(self) -> Decimal:
        """Drug in these vials."""
        return self.product.strength_mg * self.count


@attrs.frozen(kw_only=True, cache_hash=True)
class VialPlan:
    """The vials that cover a dose, and the units administered and wasted.

    ``vials`` are listed largest first, which is the order they are used in; the last one is the vial
    that is only partly used, and the waste belongs to it.
    """

    dose_mg: Decimal
    vials: tuple[VialUse, ...]
    policy: VialPolicy | None
    """The vial policy that chose the vials; ``None`` when they come from the record."""
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

    @property
    def written(self) -> tuple[str, tuple[tuple[str, ...], ...]]:
        """The dose and the vials' amounts as written: with the plan, the key under which the
        library keeps what it derives from a plan, so that equal plans written differently
        (``683.50`` and ``683.5`` mg) keep their own digits."""
        return str(self.dose_mg), tuple(use.product.written for use in self.vials)

    def __str__(self) -> str:
        return (
            f"{self.dose_mg} mg: {_vial_list(self)}; {self.administered_units} units administered, "
            f"{self.wasted_units} wasted"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"VialPlan({self})")


def _sizes(
    vials: Sequence[products.Product], unit_mg: Decimal = UNIT_MG
) -> tuple[tuple[int, products.Product], ...]:
    """The distinct vial sizes in mg, largest first, each with its product."""
    if not vials:
        raise InvalidComponent("vials: expected at least one vial product")
    sizes = {}
    for product in vials:
        if not isinstance(product, products.Product):
            raise TypeError("vials: expected benlysta_coding.products.Product values")
        strength = product.strength_mg
        if strength <= 0 or strength % unit_mg != 0:
            raise InvalidComponent(
                f"vials: each vial must hold a whole multiple of the {unit_mg} mg billing unit"
            )
        sizes[int(strength)] = product
    return tuple(sorted(sizes.items(), reverse=True))


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
    least_waste = policy == VialPolicy.LEAST_WASTE
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


@exact
def plan_vials(
    dose_mg: Decimal | int | str,
    policy: VialPolicy | str = VialPolicy.LEAST_WASTE,
    vials: Sequence[products.Product] | None = None,
    max_dose_mg: Decimal = MAX_PLAN_DOSE_MG,
    *,
    drug: Drug = BELIMUMAB,
) -> VialPlan:
    """Return the vial plan for a dose under a vial policy.

    ``vials`` defaults to the drug's IV vials. ``LEAST_WASTE`` (default) takes the combination with the least drug left over, ties broken by fewer
    vials; ``FEWEST_VIALS`` the fewest vials, ties broken by less waste. Remaining ties (only possible
    with other vial sizes) go to larger vials.

    >>> plan = plan_vials(1200)
    >>> [(u.product.ndc10, u.count) for u in plan.vials], plan.wasted_units
    ([('49401-102-01', 3)], 0)
    """
    dose = _dose(dose_mg, max_dose_mg)
    chosen = _vial_policy(policy)
    if vials is None:
        vials = drug.iv_vials
    if isinstance(vials, str) or not isinstance(vials, Sequence):
        raise TypeError("vials: expected a sequence of benlysta_coding.products.Product values")
    if not all(isinstance(product, products.Product) for product in vials):
        raise TypeError("vials: expected benlysta_coding.products.Product values")
    vials = tuple(vials)
    return _vial_plan(str(dose), chosen, vials, tuple(p.written for p in vials), drug.unit_mg)


@functools.lru_cache(maxsize=1024)
def _vial_plan(
    dose_text: str,
    chosen: VialPolicy,
    vials: tuple[products.Product, ...],
    written: tuple[tuple[str, ...], ...],
    unit_mg: Decimal,
) -> VialPlan:
    """The plan of :func:`plan_vials` (a frozen value), kept for the doses that recur.

    A cache keyed by values only: the dose as its text and the vials' amounts as written
    (``written``), so that a plan keeps the digits it was given (``683`` and ``683.0`` mg are two
    entries), the policy, the vials (products hash their fields once) and the unit.
    ``benchmarks/bench_caches.py`` measures what it buys."""
    dose = Decimal(dose_text)
    table = _sizes(vials, unit_mg)
    best = _best_counts(math.ceil(dose), [size for size, _ in table], chosen)
    uses = [
        VialUse(product, count) for (_, product), count in zip(table, best, strict=True) if count
    ]
    return _plan(dose, tuple(uses), chosen, unit_mg)


def _vial_policy(policy: object) -> VialPolicy:
    if isinstance(policy, VialPolicy):
        return policy
    if isinstance(policy, str) and policy in VialPolicy.__members__.values():
        return VialPolicy(policy)
    raise InvalidFormat("vial policy: expected 'least_waste' or 'fewest_vials'")


def _plan(
    dose: Decimal, uses: tuple[VialUse, ...], policy: VialPolicy | None, unit_mg: Decimal
) -> VialPlan:
    """The units of a plan. Administered units round up; wasted units round down (S9, S10)."""
    total = sum((use.mg for use in uses), ZERO)
    administered = int((dose / unit_mg).to_integral_value(rounding=ROUND_CEILING))
    return VialPlan(
        dose_mg=dose,
        vials=uses,
        policy=policy,
        total_mg=total,
        administered_units=administered,
        wasted_units=int(total // unit_mg) - administered,
        wasted_mg=total - dose,
    )


@exact
def plan_from_products(
    dose_mg: Decimal | int | str,
    used: Sequence[tuple[products.Product, int]],
    *,
    drug: Drug = BELIMUMAB,
) -> VialPlan:
    """Return the plan of the vials or devices the record says were opened for a dose.

    ``used`` lists (product, count) pairs, each product once. The vials are taken largest first, so
    the smallest size is the one used last and only partly: the waste is billed on its NDC. The plan's
    ``policy`` is ``None``: the record chose the vials, not a policy. Raises :class:`~benlysta_coding.errors.OutOfRange` when the products
    hold less than the dose.

    >>> from benlysta_coding.products import VIAL_120, VIAL_400
    >>> plan = plan_from_products(550, [(VIAL_120, 2), (VIAL_400, 1)])
    >>> [(u.product.ndc10, u.count) for u in plan.vials], plan.wasted_units
    ([('49401-102-01', 1), ('49401-101-01', 2)], 9)
    """
    dose = _dose(dose_mg)
    counts: dict[str, int] = {}
    by_ndc: dict[str, products.Product] = {}
    if isinstance(used, str | bytes) or not all(
        isinstance(pair, tuple) and len(pair) == 2 for pair in used
    ):
        raise TypeError("used: expected (Product, count) pairs")
    for product, count in used:
        if not isinstance(product, products.Product):
            raise TypeError("used: expected (Product, count) pairs")
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError("used: each count must be an int")
        if count < 1:
            raise OutOfRange("used: each count must be 1 or more")
        _sizes((product,), drug.unit_mg)
        counts[product.ndc11] = counts.get(product.ndc11, 0) + count
        by_ndc[product.ndc11] = product
    if not counts:
        raise InvalidComponent("used: expected at least one product")
    uses = tuple(
        sorted(
            (VialUse(by_ndc[key], count) for key, count in counts.items()),
            key=lambda use: (-use.product.strength_mg, use.product.ndc11),
        )
    )
    if sum(use.mg for use in uses) < dose:
        raise OutOfRange("used: the products opened hold less than the dose")
    return _plan(dose, uses, None, drug.unit_mg)


@attrs.frozen(kw_only=True)
class DoseRounding:
    """The result of rounding a dose to a vial combination within a tolerance."""

    original_mg: Decimal
    rounded_mg: Decimal
    tolerance_percent: Decimal
    was_rounded: bool

    @property
    @exact
    def deviation_mg(self) -> Decimal:
        """Rounded minus original dose, exactly (negative when rounded down)."""
        return self.rounded_mg - self.original_mg


@exact
def round_dose(
    dose_mg: Decimal | int | str,
    tolerance_percent: Decimal | int | str,
    vials: Sequence[products.Product] | None = None,
    *,
    drug: Drug = BELIMUMAB,
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
    if vials is None:
        vials = drug.iv_vials
    table = _sizes(vials, drug.unit_mg)
    sizes = [size for size, _ in table]
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


def _vial_list(plan: VialPlan) -> str:
    """The vials of a plan as ``1 x 400 mg + 2 x 120 mg``."""
    return " + ".join(f"{use.count} x {use.product.strength_mg} mg" for use in plan.vials)


@exact
def plan_table(
    weights_kg: Sequence[Decimal | int | str],
    policy: VialPolicy | str = VialPolicy.LEAST_WASTE,
    *,
    drug: Drug = BELIMUMAB,
    numeric: bool = False,
) -> list[dict[str, Any]]:
    """A weight sweep as records, one per weight: the 10 mg/kg IV dose, the vials, the units
    administered and wasted, ready for ``pandas.DataFrame(plan_table(weights))``.

    Numbers are exact ``Decimal`` values, or floats with ``numeric=True`` (for plotting).

    >>> [(r["weight_kg"], r["vials"], r["administered_units"], r["wasted_units"])
    ...  for r in plan_table(["55", "63.4"])]
    [(Decimal('55'), '5 x 120 mg', 55, 5), (Decimal('63.4'), '1 x 400 mg + 2 x 120 mg', 64, 0)]
    """
    if isinstance(weights_kg, str | bytes):
        raise TypeError("weights_kg: expected a sequence of weights, not one string")
    per_kg = drug.iv_mg_per_kg
    if per_kg is None:
        raise NotSupported(f"weights_kg: {drug.name} has no weight-based IV dose")
    rows: list[dict[str, Any]] = []
    for weight in weights_kg:
        kg = to_decimal(weight, f"weights_kg[{len(rows)}]")
        plan = plan_vials(kg * per_kg, policy, drug=drug)
        values: dict[str, Any] = {
            "weight_kg": kg,
            "dose_mg": plan.dose_mg,
            "vials": _vial_list(plan),
            "administered_units": plan.administered_units,
            "wasted_units": plan.wasted_units,
            "wasted_mg": plan.wasted_mg,
            "total_mg": plan.total_mg,
        }
        if numeric:
            values = {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}
        rows.append(values)
    return rows
