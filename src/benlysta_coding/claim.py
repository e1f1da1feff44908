"""The claim builder: an encounter and a payer policy in, service lines and findings out.

:func:`build_claim` takes an :class:`~benlysta_coding.encounter.Encounter` and returns a frozen
:class:`Claim`:

* drug lines from the vial plan (:mod:`benlysta_coding.units`): J0490, one line per NDC (or one line
  with the other NDCs in a note), the JW line for waste, JZ where nothing is discarded and the payer
  requires it on that date;
* administration lines: 96365 (or 96413 where the payer pays complex administration), 96366 / 96415
  when the time rules are met, 96374 / 96409 for 15 minutes or less, 96372 per SC injection;
* on institutional claims, revenue codes 0636 (drug) and 0260 (IV therapy), 0510 for an injection;
* diagnosis pointers, charges when you pass prices (never built in), the prior authorization;
* findings (errors, warnings, info), each with a stable code from :mod:`benlysta_coding.findings`;
* what the medical record must show to support the claim.

Each line explains itself (``explanation``): why this code, these units, this modifier.

>>> from benlysta_coding import encounter
>>> enc = encounter.from_json('''{"claim_id": "A1", "service_date": "2025-03-03",
...   "route": "iv", "indication": "sle", "setting": "office", "payer": "medicare_part_b",
...   "infusion_minutes": 60, "diagnoses": ["M32.10"],
...   "patient": {"birth_date": "1980-05-17", "weight_kg": "85"}}''')
>>> claim = build_claim(enc, today=datetime.date(2025, 3, 4))
>>> [(line.code, line.modifiers, line.units, line.ndc) for line in claim.lines]
[('J0490', (), 40, '49401010201'), ('J0490', (), 45, '49401010101'), ('J0490', ('JW',), 3, '49401010101'), ('96365', (), 1, None)]
>>> [f.code for f in claim.findings]
['infusion-additional-hour']
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from benlysta_coding import cpt, dosing, hcpcs, icd10, modifiers, ndc, products, revenue, units
from benlysta_coding._util import plain, to_date, to_decimal
from benlysta_coding.encounter import Encounter, Setting
from benlysta_coding.errors import InvalidFormat, NotSupported, OutOfRange, ValidationError
from benlysta_coding.findings import Finding, Severity, make
from benlysta_coding.ndc import NDC11, ClaimNDC
from benlysta_coding.ndc import Unit as NDCUnit
from benlysta_coding.place_of_service import POS_11, bill_type
from benlysta_coding.policy import PayerPolicy

__all__ = ["Claim", "ClaimKind", "LineKind", "ServiceLine", "build_claim", "check_lines"]

DOSE_TOLERANCE_PERCENT: Final = Decimal(10)
"""Default tolerance for the 'dose far from 10 mg/kg' warning."""


class ClaimKind(enum.StrEnum):
    """Professional (CMS-1500 / 837P) or institutional (UB-04 / 837I)."""

    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


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
    ndc_unit: NDCUnit | None = None
    ndc_quantity: Decimal | None = None
    ndc_note: str = ""
    revenue_code: str | None = None
    charge: Decimal | None = None
    explanation: str = ""

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
class Claim:
    """A built claim: billing content only, no patient identifiers (those stay in the encounter)."""

    claim_id: str
    kind: ClaimKind
    setting: Setting
    payer: str
    filing_code: str
    """The payer policy's X12 claim filing indicator (``MB``, ``CI`` ...)."""
    service_date: datetime.date
    route: products.Route
    indication: dosing.Indication
    dose_mg: Decimal | None
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    findings: tuple[Finding, ...]
    place_of_service: str | None
    type_of_bill: str | None
    prior_authorization: str | None
    documentation: tuple[str, ...]

    @property
    def total_charge(self) -> Decimal | None:
        """The sum of the line charges, exactly; ``None`` if any line has no charge."""
        charges = [line.charge for line in self.lines]
        if not charges or any(charge is None for charge in charges):
            return None
        return sum((c for c in charges if c is not None), Decimal(0))

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block the claim."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    def records(self) -> list[dict[str, Any]]:
        """One flat record per service line, ready for ``pandas.DataFrame(claim.records())``.

        Values stay exact (``Decimal`` quantities and charges, ``date`` service dates).
        """
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
                "ndc_quantity": line.ndc_quantity,
                "revenue_code": line.revenue_code or "",
                "charge": line.charge,
                "diagnoses": ",".join(self.diagnoses[p - 1] for p in line.diagnosis_pointers),
                "explanation": line.explanation,
            }
            for line in self.lines
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: decimals as strings (exact), dates as ISO text."""
        data: dict[str, Any] = _to_json(attrs.asdict(self, recurse=True))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Claim:
        """Read back what :meth:`to_dict` wrote."""
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
            indication=dosing.Indication(data["indication"]),
            dose_mg=_decimal_or_none(data["dose_mg"]),
            diagnoses=tuple(data["diagnoses"]),
            lines=lines,
            findings=findings,
            place_of_service=data["place_of_service"],
            type_of_bill=data["type_of_bill"],
            prior_authorization=data["prior_authorization"],
            documentation=tuple(data["documentation"]),
        )


def _decimal_or_none(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "amount")


def _to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Decimal):
        return plain(value) if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _pointers(diagnoses: Sequence[str]) -> tuple[int, ...]:
    supporting = [
        i
        for i, code in enumerate(diagnoses, start=1)
        if code in icd10.CODES and icd10.CODES[code].sle
    ]
    return tuple((supporting or [1])[:4])


def _diagnosis_findings(encounter: Encounter) -> list[Finding]:
    found: list[Finding] = []
    entries = []
    for index, code in enumerate(encounter.diagnoses):
        path = f"$.diagnoses[{index}]"
        entry = icd10.CODES.get(code)
        if entry is None:
            found.append(
                make("dx-not-in-library", f"{code} is not in this library's code set", path)
            )
            continue
        entries.append(entry)
        if not entry.billable:
            found.append(
                make("dx-not-billable", f"{code} is a category header: {entry.note}", path)
            )
        if code == "N05.9":
            severity_code = "dx-n059-lupus-nephritis"
            if encounter.indication is dosing.Indication.LUPUS_NEPHRITIS:
                found.append(
                    make(
                        severity_code,
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
        if code == "M32.0":
            found.append(
                make("dx-drug-induced", "M32.0 drug-induced SLE is not an indication", path)
            )
    if not any(entry.sle and entry.billable for entry in entries):
        found.append(
            make("dx-no-sle", "no billable SLE code (M32.10-M32.19, M32.8, M32.9)", "$.diagnoses")
        )
    nephritis = any(entry.lupus_nephritis for entry in entries)
    if encounter.indication is dosing.Indication.LUPUS_NEPHRITIS and not nephritis:
        found.append(
            make(
                "dx-indication-mismatch",
                "indication is lupus nephritis but M32.14 is not among the diagnoses",
                "$.diagnoses",
            )
        )
    if encounter.indication is dosing.Indication.SLE and nephritis:
        found.append(
            make(
                "dx-indication-mismatch",
                "M32.14 (lupus nephritis) is billed but the indication is 'sle'",
                "$.indication",
            )
        )
    return found


def _dose(
    encounter: Encounter, age: int, tolerance: Decimal, found: list[Finding]
) -> Decimal | None:
    weight = encounter.patient.weight_kg
    if encounter.route is products.Route.IV:
        if weight is not None:
            try:
                label_dose = dosing.iv_dose_mg(weight)
            except ValidationError as error:
                if encounter.dose_mg is None:
                    found.append(make("dose-not-determined", str(error), "$.patient.weight_kg"))
                else:
                    found.append(make("weight-implausible", str(error), "$.patient.weight_kg"))
                return encounter.dose_mg
            if encounter.dose_mg is None:
                return label_dose
            if abs(encounter.dose_mg - label_dose) * 100 > label_dose * tolerance:
                found.append(
                    make(
                        "dose-far-from-label",
                        f"dose {plain(encounter.dose_mg)} mg "
                        f"differs from 10 mg/kg ({plain(label_dose)} mg) by more than "
                        f"{plain(tolerance)}%",
                        "$.dose_mg",
                    )
                )
            return encounter.dose_mg
        if encounter.dose_mg is None:
            found.append(
                make("dose-not-determined", "give dose_mg or the patient's weight", "$.dose_mg")
            )
        return encounter.dose_mg
    if encounter.dose_mg is not None:
        return encounter.dose_mg
    try:
        regimen = dosing.regimen_for(encounter.route, encounter.indication, max(age, 5), weight)
    except ValidationError as error:
        found.append(make("dose-not-determined", str(error), "$.dose_mg"))
        return None
    found.append(
        make(
            "dose-assumed",
            f"{regimen.description}: billed as {plain(regimen.dose_mg)} mg (maintenance dose)",
            "$.dose_mg",
        )
    )
    return regimen.dose_mg


def _sc_product(encounter: Encounter, found: list[Finding]) -> products.Product | None:
    """The SC product given (default: the single autoinjector); ``None`` for IV, after checks."""
    product = products.PRODUCTS.get(encounter.ndc or "")
    wanted = encounter.route
    if encounter.ndc is not None and (product is None or product.route is not wanted):
        kind = "SC product" if wanted is products.Route.SC else "IV vial"
        found.append(
            make("route-product-mismatch", f"the NDC given is not a Benlysta {kind}", "$.ndc")
        )
        product = None
    if wanted is products.Route.IV:
        return None
    return product or products.SC_AUTOINJECTOR_1


def _administration(
    encounter: Encounter, policy: PayerPolicy, plan: units.VialPlan | None, found: list[Finding]
) -> list[tuple[str, int, str]]:
    family = policy.administration
    if encounter.route is products.Route.SC:
        if plan is None:  # the dose, and so the number of injections, is unknown
            return []
        return [("96372", plan.vial_count, f"{plan.vial_count} SC injection(s), one unit each")]
    minutes = encounter.infusion_minutes
    if minutes is None:
        found.append(
            make(
                "infusion-minutes-missing",
                "no infusion_minutes for an IV administration; administration lines are left out",
                "$.infusion_minutes",
            )
        )
        return []
    if not cpt.infusion_qualifies(minutes):
        found.append(
            make(
                "infusion-too-short",
                f"{minutes} minutes is a push, not an infusion",
                "$.infusion_minutes",
            )
        )
        return [(family.push_code, 1, f"{minutes} minutes: 15 or less is coded as a push")]
    lines = [
        (
            family.initial_code,
            1,
            f"IV infusion of {minutes} minutes: initial hour "
            f"({family} administration under payer policy {policy.name})",
        )
    ]
    extra = cpt.additional_hour_units(minutes)
    if extra:
        lines.append(
            (
                family.additional_hour_code,
                extra,
                f"{minutes} minutes: {extra} additional hour(s), each more than 30 "
                "minutes past the last full hour",
            )
        )
        found.append(
            make(
                "infusion-additional-hour",
                f"{minutes} minutes reach {family.additional_hour_code} x{extra}",
                "$.infusion_minutes",
            )
        )
    else:
        found.append(
            make(
                "infusion-additional-hour",
                f"{minutes} minutes do not reach "
                f"{family.additional_hour_code} (it needs 91 minutes or more)",
                "$.infusion_minutes",
            )
        )
    return lines


def _charge(code: str, units_: int, prices: Mapping[str, Decimal]) -> Decimal | None:
    price = prices.get(code)
    return None if price is None else price * units_


def check_lines(
    encounter: Encounter,
    lines: Sequence[ServiceLine],
    policy: PayerPolicy,
    plan: units.VialPlan | None,
) -> list[Finding]:
    """Findings about the lines themselves: JW/JZ, modifier dates, MUE, precision of amounts.

    Runs on any lines, so it also checks lines you edited or made yourself.
    """
    found: list[Finding] = []
    day = encounter.service_date
    drug = [line for line in lines if line.code == hcpcs.J0490.code]
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
        product = products.PRODUCTS.get(line.ndc or "")
        if line.code == hcpcs.J0490.code and product and product.route is products.Route.SC:
            found.append(make("j0490-sc-product", "J0490 is billed with an SC product NDC", path))
    waste_billed = any("JW" in line.modifiers for line in drug)
    if (
        plan is not None
        and plan.wasted_units
        and not waste_billed
        and (policy.jw_required_from is not None and day >= policy.jw_required_from)
    ):
        found.append(
            make(
                "jw-missing", f"{plan.wasted_units} unit(s) discarded without a JW line", "$.lines"
            )
        )
    if policy.jz_required_from is not None and day >= policy.jz_required_from and not waste_billed:
        for line in drug:
            if "JZ" not in line.modifiers and (plan is None or not plan.wasted_units):
                found.append(
                    make(
                        "jz-missing",
                        "nothing was discarded but the drug line has no JZ",
                        f"$.lines[{line.number - 1}]",
                    )
                )
    if policy.max_units_per_day is not None:
        total = sum(line.units for line in drug)
        if total > policy.max_units_per_day:
            found.append(
                make(
                    "mue-exceeded",
                    f"{total} J0490 units exceed the maximum of "
                    f"{policy.max_units_per_day} per day you supplied",
                    "$.lines",
                )
            )
    return found


def _documentation(encounter: Encounter, plan: units.VialPlan | None) -> tuple[str, ...]:
    needs = [
        "the order: drug, dose (mg), route and frequency",
        "the diagnosis supporting medical necessity (SLE or lupus nephritis, with organ "
        "involvement where billed)",
        "the patient's weight on the date of service"
        if encounter.route is products.Route.IV
        else "that SC administration in the clinic was medically needed",
        "the NDC and number of each vial or device used",
    ]
    if encounter.route is products.Route.IV:
        needs.append("infusion start and stop times (they support the administration codes)")
    if plan is not None and plan.wasted_units:
        needs.append(f"the amount discarded ({plain(plan.wasted_mg)} mg) and that it was discarded")
    elif plan is not None:
        needs.append("that no billable amount was discarded (supports JZ where required)")
    if encounter.prior_authorization:
        needs.append("the prior authorization on file")
    return tuple(needs)


def build_claim(
    encounter: Encounter,
    *,
    policy: PayerPolicy | None = None,
    prices: Mapping[str, Decimal | int | str] | None = None,
    today: datetime.date | None = None,
    drug_revenue_code: str = "0636",
    dose_tolerance_percent: Decimal | int | str = DOSE_TOLERANCE_PERCENT,
) -> Claim:
    """Build the claim for one encounter.

    ``policy`` overrides the encounter's payer policy. ``prices`` maps codes (``"J0490"``,
    ``"96365"`` ...) to a price per unit, for example from the CMS ASP file or your fee schedule;
    no price is built in. ``today`` (default: the system date) is used only to flag dates of service
    in the future. ``drug_revenue_code`` is ``0636`` or ``0250`` on institutional claims.
    """
    if not isinstance(encounter, Encounter):
        raise TypeError("encounter: expected a benlysta_coding.encounter.Encounter")
    chosen = encounter.payer if policy is None else policy
    if not isinstance(chosen, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    price_table = {
        code: to_decimal(value, f"price of {code}") for code, value in (prices or {}).items()
    }
    if any(price < 0 for price in price_table.values()):
        raise OutOfRange("prices: expected prices of zero or more")
    drug_revenue = revenue.lookup(drug_revenue_code).code
    if drug_revenue not in ("0636", "0250"):
        raise InvalidFormat("drug_revenue_code: expected '0636' or '0250'")
    tolerance = to_decimal(dose_tolerance_percent, "dose_tolerance_percent")
    today = today if today is not None else datetime.date.today()
    day = encounter.service_date
    found: list[Finding] = []
    if day > today:
        found.append(make("service-date-future", f"{day} is after {today}", "$.service_date"))
    if hcpcs.J0490.effective and day < hcpcs.J0490.effective:
        raise NotSupported(
            "service_date: dates of service before 2012-01-01 (when J0490 took "
            "effect; Q2044 was used in 2011) are out of this library's scope"
        )
    age = (
        dosing.age_on(encounter.patient.birth_date, day)
        if encounter.patient.birth_date <= day
        else -1
    )
    if age < dosing.MIN_AGE_YEARS:
        found.append(
            make(
                "patient-under-5",
                "the patient is younger than 5 on the date of service",
                "$.patient.birth_date",
            )
        )
    if encounter.route is products.Route.SC:
        if chosen.medicare:
            found.append(
                make(
                    "sc-medicare-part-b",
                    "SC Benlysta is self-administered and excluded from Medicare Part B",
                    "$.route",
                )
            )
        elif not chosen.sc_on_medical_benefit:
            found.append(
                make(
                    "sc-medical-benefit",
                    f"payer policy {chosen.name} does not cover SC Benlysta on the medical benefit",
                    "$.route",
                )
            )
    found.extend(_diagnosis_findings(encounter))
    dose = _dose(encounter, age, tolerance, found)
    sc_product = _sc_product(encounter, found)
    vials = products.IV_VIALS if sc_product is None else (sc_product,)
    plan = units.plan_vials(dose, chosen.vial_policy, vials) if dose is not None else None
    pointers = _pointers(encounter.diagnoses)
    institutional = encounter.setting.institutional
    lines: list[ServiceLine] = []
    if plan is not None:
        for drug in units.drug_lines(plan, day, chosen):
            waste = drug.modifier == modifiers.JW.code
            why = "J0490 is belimumab, 10 mg per unit; " + (
                f"{drug.reason}; NDC of the partly used vial {ndc.format(drug.product.ndc11)}"
                if waste
                else f"{drug.units} unit(s) administered from "
                f"{ndc.format(drug.product.ndc11)} (dose {plain(plan.dose_mg)} mg, rounded up "
                f"to whole units; {plan.policy} vial plan)"
            )
            if drug.modifier == modifiers.JZ.code:
                why += f"; JZ: {drug.reason}"
            lines.append(
                ServiceLine(
                    number=len(lines) + 1,
                    kind=LineKind.WASTE if waste else LineKind.DRUG,
                    code=hcpcs.J0490.code,
                    modifiers=((drug.modifier,) if drug.modifier else ())
                    + encounter.drug_modifiers,
                    units=drug.units,
                    service_date=day,
                    diagnosis_pointers=pointers,
                    ndc=drug.product.ndc11,
                    ndc_unit=drug.ndc_unit,
                    ndc_quantity=drug.ndc_quantity,
                    ndc_note=drug.note,
                    revenue_code=drug_revenue if institutional else None,
                    charge=_charge(hcpcs.J0490.code, drug.units, price_table),
                    explanation=why,
                )
            )
    for code, count, why in _administration(encounter, chosen, plan, found):
        rev = None
        if institutional:
            rev = "0510" if code == "96372" else "0260"
        lines.append(
            ServiceLine(
                number=len(lines) + 1,
                kind=LineKind.ADMINISTRATION,
                code=code,
                modifiers=(),
                units=count,
                service_date=day,
                diagnosis_pointers=pointers,
                revenue_code=rev,
                charge=_charge(code, count, price_table),
                explanation=why,
            )
        )
    found.extend(check_lines(encounter, lines, chosen, plan))
    if price_table:
        for code in sorted({line.code for line in lines} - set(price_table)):
            found.append(make("price-missing", f"no price given for {code}", "$.prices"))
    if not encounter.claim_id:
        found.append(make("claim-id-missing", "no claim_id", "$.claim_id"))
    return Claim(
        claim_id=encounter.claim_id,
        kind=ClaimKind.INSTITUTIONAL if institutional else ClaimKind.PROFESSIONAL,
        setting=encounter.setting,
        payer=chosen.name,
        filing_code=chosen.claim_filing_code,
        service_date=day,
        route=encounter.route,
        indication=encounter.indication,
        dose_mg=dose,
        diagnoses=encounter.diagnoses,
        lines=tuple(lines),
        findings=tuple(found),
        place_of_service=None if institutional else POS_11.code,
        type_of_bill=None
        if not institutional
        else bill_type("085x" if encounter.setting is Setting.CRITICAL_ACCESS_HOSPITAL else "013x"),
        prior_authorization=encounter.prior_authorization,
        documentation=_documentation(encounter, plan),
    )
