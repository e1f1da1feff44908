"""The claim builder: an encounter and a payer policy in, service lines and findings out.

:func:`build_claim` takes an :class:`~benlysta_coding.encounter.Encounter` and returns a frozen
:class:`Claim`:

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

The steps, each a function of this module or of :mod:`benlysta_coding.lines` and
:mod:`benlysta_coding.checks`: check the arguments; check the date and the patient's age; route and
diagnosis findings; the dose; the vials (record or plan); the service lines; the line checks; the
claim-level checks (parties, place, frequency); assemble the :class:`Claim`.

>>> from benlysta_coding import encounter
>>> enc = encounter.from_json('''{"claim_id": "A1", "service_date": "2025-03-03",
...   "route": "iv", "indication": "sle", "setting": "office", "payer": "medicare_part_b",
...   "infusion_minutes": 60, "diagnoses": ["M32.10"],
...   "products_used": [{"ndc": "49401-102-01", "count": 1}, {"ndc": "49401-101-01", "count": 4}],
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
import enum
import functools
import types
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final, NamedTuple

import attrs

from benlysta_coding import (
    checks,
    dosing,
    growth,
    lines,
    place_of_service,
    products,
    refdata,
    revenue,
    units,
)
from benlysta_coding._util import EXACT, article, chunks, exact, plain, to_date, to_decimal
from benlysta_coding.checks import check_lines
from benlysta_coding.drug import BELIMUMAB, DRUGS, Drug, Regimen, choose, indication_label
from benlysta_coding.encounter import Encounter, Setting
from benlysta_coding.errors import (
    ClaimHasErrors,
    InvalidFormat,
    NotSupported,
    OutOfRange,
    ValidationError,
)
from benlysta_coding.findings import (
    Finding,
    PayerAnswer,
    Remedy,
    Severity,
    apply_settings,
    fill,
    make,
    rule_settings,
)
from benlysta_coding.lines import LineKind, ServiceLine
from benlysta_coding.ndc import Unit as NDCUnit
from benlysta_coding.place_of_service import POS_11, Frequency, bill_type
from benlysta_coding.policy import PayerPolicy, VialPolicy

__all__ = [
    "STAGE",
    "Adjustment",
    "Claim",
    "ClaimKind",
    "LineKind",
    "OtherPayer",
    "OtherPayerLine",
    "ServiceLine",
    "build_claim",
    "build_claims",
    "check_lines",
    "exportable",
]

DOSE_TOLERANCE_PERCENT: Final = Decimal(10)
"""Default tolerance for the 'dose far from 10 mg/kg' warning."""


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


def _check_child_devices(
    encounter: Encounter, age: int, plan: units.VialPlan | None, drug: Drug, found: list[Finding]
) -> None:
    if encounter.route != products.Route.SC or age >= drug.adult_age_years or plan is None:
        return
    for use in plan.vials:
        if use.product.device not in drug.paediatric_sc_devices:
            found.append(
                make(
                    "sc-syringe-child",
                    f"NDC {use.product.ndc10} is {article(use.product.device)} for a patient under "
                    f"{drug.adult_age_years}",
                    "$.products_used" if encounter.products_used else "$.ndc",
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


@functools.lru_cache(maxsize=8)
def _from_plan(vial_policy: VialPolicy) -> Finding:
    """The note that the drug lines bill a policy's plan (a frozen finding, one per vial policy)."""
    return make(
        "products-from-plan",
        f"products_used is not given: the drug lines bill the {vial_policy} plan, not the record",
        "$.products_used",
    )


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
        found.append(_from_plan(policy.vial_policy))
        return units.plan_vials(dose, policy.vial_policy, choices, drug=drug) if choices else None
    used = _recorded(encounter, drug, found)
    if used is None:
        return None
    try:
        plan = units.plan_from_products(dose, used, drug=drug)
    except OutOfRange:
        held = sum((product.strength_mg * count for product, count in used), Decimal(0))
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
    found: list[Finding],
) -> tuple[ServiceLine, ...]:
    """The drug lines then the administration lines, numbered, with line control numbers."""
    institutional = encounter.setting.institutional
    pointers = checks.diagnosis_pointers(encounter.diagnoses, drug)
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
    prior authorization."""
    indications = " or ".join(indication_label(name) for name in drug.indications)
    needs = [
        "the order: drug, dose (mg), route and frequency",
        f"the diagnosis supporting medical necessity ({indications}, with organ "
        "involvement where billed)",
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
    """The prices as exact decimals. A fee schedule of text (as the command line gives) is read once
    and kept; other values are read each time (``Decimal("12.50")`` and ``Decimal("12.5")`` are
    equal, but a claim keeps the digits it was given)."""
    items = tuple(prices.items())
    if len(items) <= 64 and all(
        type(c) is str and type(v) is str and len(v) <= 64 for c, v in items
    ):
        return _text_prices(items)
    return _read_prices(items)


@functools.lru_cache(maxsize=64)
def _text_prices(items: tuple[tuple[str, str], ...]) -> Mapping[str, Decimal]:
    return _read_prices(items)


def _read_prices(items: tuple[tuple[Any, Any], ...]) -> Mapping[str, Decimal]:
    table = {code: to_decimal(value, f"price of {code}") for code, value in items}
    if any(price < 0 for price in table.values()):
        raise OutOfRange("prices: expected prices of zero or more")
    return types.MappingProxyType(table)


class _Settings(NamedTuple):
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


def _settings(
    policy: object,
    prices: object,
    drug_revenue_code: str,
    dose_tolerance_percent: object,
    today: object,
    reference: object,
    rules: object = None,
) -> _Settings:
    """Check the options of :func:`build_claim` and :func:`build_claims`."""
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
    return _Settings(
        policy,
        price_table,
        drug_revenue,
        tolerance,
        day,
        reference,
        rule_settings(rules),  # type: ignore[arg-type]
    )


def _date_and_age(
    encounter: Encounter, today: datetime.date, drug: Drug, found: list[Finding]
) -> int:
    """Check the date of service; return the patient's age on it (-1 if born after it)."""
    day = encounter.service_date
    if day > today:
        found.append(make("service-date-future", f"{day} is after {today}", "$.service_date"))
    if drug.hcpcs.effective and day < drug.hcpcs.effective:
        raise NotSupported(
            f"service_date: dates of service before {drug.hcpcs.effective} (when "
            f"{drug.hcpcs.code} took effect{'; ' + drug.before_hcpcs if drug.before_hcpcs else ''}) "
            "are out of this library's scope"
        )
    born = encounter.patient.birth_date
    age = dosing.age_on(born, day) if born <= day else -1
    if age < drug.min_age_years:
        found.append(
            make(
                "patient-under-5",
                f"the patient is younger than {drug.min_age_years} on the date of service: the "
                f"minimum age for {drug.name} is {drug.min_age_years}",
                "$.patient.birth_date",
            )
        )
    return age


def _weight_for_age(encounter: Encounter, age: int, found: list[Finding]) -> None:
    """A child's weight against the CDC weight-for-age chart (:mod:`benlysta_coding.growth`); an
    adult's is left to the plain range, without reading the chart."""
    patient = encounter.patient
    if patient.weight_kg is None or not 2 <= age < 20:
        return
    assessed = growth.assess(
        patient.weight_kg, patient.birth_date, encounter.service_date, patient.sex
    )
    if assessed is not None:
        found.append(make(*assessed, "$.patient.weight_kg"))


def _route_findings(
    encounter: Encounter, policy: PayerPolicy, drug: Drug, found: list[Finding]
) -> None:
    if not drug.products_for(encounter.route):
        found.append(
            make(
                "route-no-product",
                f"{drug.name} has no {encounter.route.upper()} presentation in its drug file",
                "$.route",
            )
        )
    if encounter.route != products.Route.SC:
        return
    if policy.medicare:
        found.append(
            make(
                "sc-medicare-part-b",
                f"SC {drug.brand} is self-administered and excluded from Medicare Part B",
                "$.route",
            )
        )
    elif not policy.sc_on_medical_benefit:
        found.append(
            make(
                "sc-medical-benefit",
                f"payer policy {policy.name} does not cover SC {drug.brand} on the medical benefit",
                "$.route",
            )
        )


def _claim_findings(encounter: Encounter, policy: PayerPolicy, found: list[Finding]) -> None:
    """The claim-level checks: parties, place, frequency, id."""
    institutional = encounter.setting.institutional
    if institutional and encounter.attending is None:
        found.append(
            make(
                "attending-missing",
                "an institutional claim needs the attending physician (837I loop 2310A): "
                "give 'attending' with first_name, last_name and npi",
                "$.attending",
            )
        )
    place = encounter.place_of_service
    if place is not None and institutional:
        found.append(
            make(
                "pos-not-used",
                f"place_of_service {place} is not used: an institutional claim carries a type "
                "of bill instead",
                "$.place_of_service",
            )
        )
    elif place in (place_of_service.POS_19.code, place_of_service.POS_22.code):
        found.append(
            make(
                "pos-hospital-professional",
                f"place of service {place} (outpatient hospital): the hospital bills the drug and "
                "its administration on its institutional claim; use setting "
                "'hospital_outpatient' for that claim",
                "$.place_of_service",
            )
        )
    if policy.medicare and not institutional and encounter.frequency != Frequency.ORIGINAL:
        found.append(
            make(
                "medicare-reopening",
                "Medicare Part B professional claims are corrected by a reopening, not by a "
                "replacement claim"
                if encounter.frequency == Frequency.REPLACEMENT
                else "Medicare Part B professional claims are cancelled through the contractor "
                "(a reopening, or its portal), not by a void claim",
                "$.frequency",
            )
        )
    if encounter.subscriber is not None and policy.medicare:
        found.append(
            make(
                "subscriber-medicare",
                "a Medicare beneficiary is always the subscriber: remove 'subscriber'",
                "$.subscriber",
            )
        )
    if not encounter.claim_id:
        found.append(make("claim-id-missing", "no claim_id", "$.claim_id"))


def _price_findings(
    claim_lines: tuple[ServiceLine, ...], prices: Mapping[str, Decimal]
) -> list[Finding]:
    if not prices:
        return []
    missing = sorted({line.code for line in claim_lines} - set(prices))
    found = [make("price-missing", f"no price given for {code}", "$.prices") for code in missing]
    for line in claim_lines:
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
                    f"$.lines[{line.number - 1}]",
                )
            )
    return found


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
    claims with the same options, :func:`build_claims` is faster.

    >>> import datetime
    >>> from benlysta_coding import encounter, examples
    >>> claim = build_claim(encounter.from_dict(examples.HOSPITAL_IV), today=datetime.date(2026, 1, 1))
    >>> [(line.revenue_code, line.code, line.units) for line in claim.lines]
    [('0636', 'J0490', 40), ('0636', 'J0490', 12), ('0260', '96365', 1), ('0260', '96366', 1)]
    """
    settings = _settings(
        policy, prices, drug_revenue_code, dose_tolerance_percent, today, reference, rules
    )
    *_, made = _steps(encounter, settings)
    assert made is not None  # the last step gives the claim
    return made


STAGE: Final = 256
"""Encounters :func:`build_claims` builds at a time before handing their claims out."""


def build_claims(
    encounters: Iterable[Encounter],
    *,
    policy: PayerPolicy | None = None,
    prices: Mapping[str, Decimal | int | str] | None = None,
    today: datetime.date | str | None = None,
    drug_revenue_code: str = revenue.REV_0636.code,
    dose_tolerance_percent: Decimal | int | str = DOSE_TOLERANCE_PERCENT,
    reference: refdata.Reference | None = None,
    rules: Mapping[str, str] | None = None,
) -> Iterator[Claim]:
    """The claims of many encounters, in order, each one the claim :func:`build_claim` gives for
    its encounter with the same options.

    The options are checked once, here, before any encounter is read (a bad option raises at the
    call); ``today`` defaults to the system date at the call. The encounters are then read
    :data:`STAGE` at a time and built together before their claims are handed out: memory stays
    bounded whatever the number of encounters, and a stream of claims written to an 837 takes about
    30% less time than with :func:`build_claim` for each (``benchmarks/bench_speed.py``). An
    encounter that cannot be built (a ``TypeError`` or a :class:`~benlysta_coding.errors.ValidationError`)
    raises once the claims before it have been handed out; so does an error raised by
    ``encounters`` itself (a feed that breaks).

    >>> import datetime
    >>> from benlysta_coding import encounter, examples
    >>> read = [encounter.from_dict(examples.OFFICE_IV), encounter.from_dict(examples.HOSPITAL_IV)]
    >>> [(c.claim_id, str(c.kind)) for c in build_claims(read, today=datetime.date(2026, 1, 1))]
    [('BEN-2025-0001', 'professional'), ('BEN-2025-0002', 'institutional')]
    """
    settings = _settings(
        policy, prices, drug_revenue_code, dose_tolerance_percent, today, reference, rules
    )
    if isinstance(encounters, Encounter | str | bytes | Mapping) or not isinstance(
        encounters, Iterable
    ):
        raise TypeError("encounters: expected an iterable of benlysta_coding.encounter.Encounter")
    return _stream(encounters, settings)


def _stream(encounters: Iterable[Encounter], settings: _Settings) -> Iterator[Claim]:
    for chunk in chunks(encounters, STAGE):
        made, failure = _build(chunk, settings)
        yield from made
        if failure is not None:
            raise failure


@exact
def _build(
    encounters: list[Encounter], settings: _Settings
) -> tuple[list[Claim], Exception | None]:
    """The claims of ``encounters``, in order, and the error of the first one that cannot be built
    (its claim and those after it are left out).

    Each step of :func:`_steps` runs for every encounter before the next step starts, so the
    processor stays on one kind of work at a time; each claim is still made from its own encounter
    alone, so a claim is the same whichever encounters are built with it."""
    runs = [_steps(item, settings) for item in encounters]
    failure: Exception | None = None
    made: list[Claim | None] = []
    for _ in range(_PAUSES + 1):
        made = []
        for index, run in enumerate(runs):
            try:
                made.append(next(run))
            except (TypeError, ValidationError) as error:
                del runs[index:]
                failure = error
                break
    return [claim for claim in made if claim is not None], failure


def _each(
    encounters: list[Encounter],
    *,
    prices: Mapping[str, Decimal | int | str] | None,
    today: datetime.date | None,
    reference: refdata.Reference | None,
    rules: Mapping[str, str] | None = None,
) -> list[Claim | ValidationError]:
    """For each encounter, its claim or the error that refused it: :func:`build_claim` for each,
    built in stages (for ``batch``, where one bad record must not stop the others)."""
    try:
        settings = _settings(
            None,
            prices,
            revenue.REV_0636.code,
            DOSE_TOLERANCE_PERCENT,
            today,
            reference,
            rules,
        )
    except ValidationError as error:
        return [error] * len(encounters)
    found: list[Claim | ValidationError] = []
    rest = encounters
    while rest:
        made, failure = _build(rest, settings)
        found.extend(made)
        if failure is None:
            break
        if not isinstance(failure, ValidationError):
            raise failure
        found.append(failure)
        rest = rest[len(made) + 1 :]
    return found


_PAUSES: Final = 3
"""The pauses of :func:`_steps` before it gives the claim."""


def _steps(encounter: Encounter, settings: _Settings) -> Iterator[Claim | None]:
    """Build one claim in steps: it pauses (gives ``None``) :data:`_PAUSES` times, after the dose
    and plan, the lines and the line checks, then gives the claim. :func:`build_claim` runs it
    through; :func:`_build` runs each step for many encounters before the next."""
    if not isinstance(encounter, Encounter):
        raise TypeError("encounter: expected a benlysta_coding.encounter.Encounter")
    chosen = encounter.payer if settings.policy is None else settings.policy
    if not isinstance(chosen, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    drug, price_table = encounter.drug, settings.prices
    found: list[Finding] = []
    age = _date_and_age(encounter, settings.today, drug, found)
    _weight_for_age(encounter, age, found)
    _route_findings(encounter, chosen, drug, found)
    found.extend(checks.diagnosis_findings(encounter.diagnoses, encounter.indication, drug))
    dose = _dose(encounter, age, settings.tolerance, drug, found)
    plan = _plan(encounter, dose, chosen, drug, found)
    _check_child_devices(encounter, age, plan, drug, found)
    yield None
    claim_lines = _service_lines(
        encounter, plan, chosen, drug, price_table, settings.drug_revenue, found
    )
    yield None
    pharmacy_route = encounter.route == products.Route.SC and not chosen.sc_on_medical_benefit
    found.extend(
        check_lines(
            encounter, claim_lines, chosen, plan, drug=drug, sc_pharmacy_route=pharmacy_route
        )
    )
    yield None
    found.extend(_price_findings(claim_lines, price_table))
    if settings.reference is not None:
        claim_lines = _with_reference(
            encounter, claim_lines, chosen, drug, settings.reference, found
        )
    _claim_findings(encounter, chosen, found)
    rules = {**dict(chosen.rules), **settings.rules} if chosen.rules else settings.rules
    found = apply_settings(fill(found, drug.facts), rules)
    yield _assemble(encounter, chosen, dose, claim_lines, found, plan)


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
