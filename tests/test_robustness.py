"""Feed junk to every public entry point: only TypeError or the library's ValidationError may come out,
and every is_valid() answers False without raising."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from benlysta_coding import (
    ack,
    build_claim,
    checks,
    cpt,
    dosing,
    drug,
    encounter,
    growth,
    hcpcs,
    icd10,
    lines,
    modifiers,
    ndc,
    parties,
    place_of_service,
    policy,
    products,
    refdata,
    remit,
    revenue,
    units,
)
from benlysta_coding.claim import Claim
from benlysta_coding.errors import ValidationError
from benlysta_coding.export import fhir, forms, text, x12
from benlysta_coding.export import parties as export_parties
from benlysta_coding.stages import build_claims
from tests.helpers import claim_of, office
from tests.remit835 import remittance

CLAIM = claim_of(office(), prices={"J0490": 1, "96365": 1})
_FILES = tempfile.TemporaryDirectory()


def _with(text: str, key: str, value: Any) -> Path:
    """A copy of a TOML file with the first line ``key = ...`` set to ``value`` (written as JSON,
    which is TOML for text, numbers, booleans and lists; anything else makes the file invalid)."""
    huge = isinstance(value, int) and not isinstance(value, bool) and value > 10**100
    written = "9" * 5000 if huge else json.dumps(value, default=str)
    changed = re.sub(
        rf"^{re.escape(key)} = .*$", lambda _: f"{key} = {written}", text, count=1, flags=re.M
    )
    path = Path(_FILES.name, f"{abs(hash((key, written)))}.toml")
    path.write_text(changed, encoding="utf-8", errors="surrogatepass")
    return path


_DRUG_FILE = products.BELIMUMAB_FILE.read_text(encoding="utf-8")
_POLICY_FILE = policy.to_toml(attrs.evolve(policy.COMMERCIAL, name="acme"))
(REMITTANCE, PAYMENT), *_ = remit.read_835(text=remittance([(CLAIM, "1", {})]))
WHO = export_parties.from_encounter(encounter.from_dict(office()))

JUNK: list[Any] = [
    None,
    "",
    " ",
    "0",
    0,
    -1,
    1.5,
    float("nan"),
    b"49401010101",
    bytearray(b"x"),
    "\uff14\uff19\uff14\uff10\uff11\uff10\uff11\uff10\uff11\uff10\uff11",
    "\u0664" * 11,
    object(),
    [],
    {},
    (),
    Decimal("NaN"),
    Decimal("-Infinity"),
    dt.date(2024, 1, 1),
    "x" * 10_000,
    "\x00",
    "N4",
    "-",
    "--",
    "1-2-3",
    True,
    "M32.14\n",
    "💊",
    dt.date(9999, 12, 31),
    "9999-12-31",
    Decimal("sNaN"),
    Decimal("1E+1000"),
    Decimal("6.83E-199999999"),
    "1e99999999999999999999",
    10**5000,
]

ENTRY_POINTS: list[Callable[[Any], object]] = [
    ndc.compact,
    ndc.validate,
    ndc.format,
    ndc.split,
    ndc.to_10,
    ndc.parse_claim_string,
    products.lookup,
    hcpcs.lookup,
    cpt.lookup,
    modifiers.lookup,
    revenue.lookup,
    icd10.lookup,
    icd10.validate,
    icd10.compact,
    icd10.format,
    place_of_service.lookup,
    place_of_service.bill_type,
    cpt.infusion_qualifies,
    cpt.additional_hour_units,
    lambda value: ndc.claim_string("49401-101-01", value, "UN"),
    lambda value: ndc.claim_string(value, 1, "UN"),
    lambda value: ndc.claim_string("49401-101-01", 1, value),
    units.billing_units,
    units.plan_vials,
    lambda value: units.plan_vials(100, value),
    lambda value: units.plan_vials(100, vials=value),
    lambda value: units.round_dose(100, value),
    lambda value: units.round_dose(value, 5),
    lambda value: lines.drug_lines(units.plan_vials(100), value, policy.MEDICARE_PART_B),
    dosing.iv_dose_mg,
    dosing.pounds_to_kg,
    dosing.check_weight,
    lambda value: dosing.age_on(value, "2025-01-01"),
    lambda value: dosing.age_on("2000-01-01", value),
    lambda value: dosing.regimen_for(value, "sle", 30, 70),
    lambda value: dosing.regimen_for("iv", value, 30, 70),
    lambda value: dosing.regimen_for("iv", "sle", value, 70),
    lambda value: dosing.regimen_for("sc", "sle", 10, value),
    lambda value: dosing.dose_dates(dosing.regimen_for("sc", "sle", 30), value, 3),
    lambda value: dosing.dose_dates(dosing.regimen_for("sc", "sle", 30), "2025-01-01", value),
    lambda value: dosing.sc_switch_window(value, "2025-01-01", 3),
    lambda value: dosing.sc_switch_window("sle", value, 3),
    policy.lookup,
    encounter.from_dict,
    encounter.from_json,
    encounter.npi_is_valid,
    lambda value: encounter.from_dict(office(patient=value)),
    lambda value: encounter.from_dict(office(service_date=value, diagnoses=[value])),
    lambda value: encounter.from_dict(office(billing_provider=value, insurance=value)),
    lambda value: encounter.from_dict(office(infusion_minutes=value, dose_mg=value, ndc=value)),
    build_claim,
    lambda value: build_claim(encounter.from_dict(office()), prices={"J0490": value}),
    lambda value: build_claim(encounter.from_dict(office()), drug_revenue_code=value),
    lambda value: build_claim(encounter.from_dict(office()), dose_tolerance_percent=value),
    forms.cms1500,
    forms.ub04,
    fhir.claim_resource,
    fhir.dumps,
    export_parties.from_encounter,
    lambda value: x12.write_837(value, io.StringIO()),
    lambda value: text.finding_link(value, "https://docs.example.org/"),
    lambda value: text.finding_link("dx-no-sle", value),
    lambda value: text.render(CLAIM, links=value),
    lambda value: x12.render_837(value, WHO),
    lambda value: x12.render_837(CLAIM, value),
    lambda value: x12.Envelope(control_number=value),
    lambda value: fhir.claim_resource(CLAIM, value),
    lambda value: lines.waste_decision(value, "2024-01-01", policy.MEDICARE_PART_B),
    lambda value: lines.waste_decision(units.plan_vials(100), value, policy.MEDICARE_PART_B),
    lambda value: lines.waste_decision(units.plan_vials(100), "2024-01-01", value),
    lambda value: lines.drug_lines(value, "2024-01-01", policy.MEDICARE_PART_B),
    lambda value: lines.drug_lines(units.plan_vials(100), "2024-01-01", value),
    lambda value: dosing.dose_dates(value, "2025-01-01", 3),
    lambda value: dosing.check_weight(70, value),
    lambda value: units.plan_from_products(683, value),
    lambda value: checks.check_lines(None, value, policy.MEDICARE_PART_B, None),
    lambda value: checks.check_lines(None, CLAIM.lines, value, None),
    lambda value: build_claim(encounter.from_dict(office()), prices=value),
    lambda value: build_claim(encounter.from_dict(office()), today=value),
    lambda value: list(build_claims(value)),
    lambda value: list(build_claims([encounter.from_dict(office())], today=value, prices=value)),
    lambda value: x12.Envelope(created=value),
    lambda value: x12.Envelope(non_ascii=value),
    Claim.from_dict,
    lambda value: Claim.from_dict({**CLAIM.to_dict(), "lines": value}),
    lambda value: Claim.from_dict({**CLAIM.to_dict(), "lines": [value]}),
    lambda value: Claim.from_dict({**CLAIM.to_dict(), "service_date": value}),
    lambda value: attrs.evolve(policy.COMMERCIAL, vial_ndc_unit=value, max_units_per_day=value),
    lambda value: attrs.evolve(policy.COMMERCIAL, jz_required_from=value),
    lambda value: parties.Address(line1=value, city=value, state="IL", zip="62701"),
    lambda value: parties.Subscriber(
        relationship=value, first_name="A", last_name="B", member_id="X1"
    ),
    lambda value: encounter.from_dict(office(products_used=value)),
    lambda value: encounter.from_dict(office(products_used=[{"ndc": value, "count": value}])),
    lambda value: encounter.from_dict(office(subscriber=value, frequency=value)),
    lambda value: dosing.dose_dates(dosing.SC_ADULT_SLE, "9999-12-01", 10),
    lambda value: list(remit.read_835(value)),
    lambda value: list(remit.read_835(text=value)),
    lambda value: list(remit.Reader(value)),
    lambda value: remit.match(CLAIM, value),
    lambda value: remit.secondary_claim(CLAIM, value, value, policy.COMMERCIAL),
    lambda value: remit.secondary_claim(value, PAYMENT, REMITTANCE, policy.COMMERCIAL),
    lambda value: remit.explain(value),
    refdata.load_asp,
    refdata.load_crosswalk,
    refdata.load_mue,
    lambda value: refdata.load_crosswalk(b"_2026_CODE,NDC2\nJ0490,49401-0101-01\n", period=value),
    lambda value: refdata.load_mue(
        b"HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\nJ0490,1,3\n",
        effective=value,
    ),
    lambda value: growth.band(value, "F"),
    lambda value: growth.band(100, value),
    lambda value: growth.assess(value, dt.date(2015, 1, 1), dt.date(2025, 1, 1), "F"),
    lambda value: growth.assess(Decimal(30), value, dt.date(2025, 1, 1), "F"),
    lambda value: growth.assess(Decimal(30), dt.date(2015, 1, 1), dt.date(2025, 1, 1), value),
    lambda value: growth.age_in_months(value, dt.date(2025, 1, 1)),
    lambda value: list(ack.read_999(value)),
    lambda value: list(ack.read_999(text=value)),
    lambda value: list(ack.read_277ca(value)),
    lambda value: list(ack.read_277ca(text=value)),
    lambda value: ack.match(value, [CLAIM]),
    lambda value: ack.match([], value),
    ack.records,
    remit.records,
    drug.load,
    policy.load,
    *[
        (lambda value, key=key: drug.load(_with(_DRUG_FILE, key, value)))
        for key in (
            "name",
            "hcpcs",
            "unit_mg",
            "min_age_years",
            "strength_mg",
            "route",
            "dose",
            "loading_weeks",
            "sle",
            "default_sc_ndc",
            "per_carton",
            "indication",
        )
    ],
    *[
        (lambda value, key=key: policy.load(_with(_POLICY_FILE, key, value)))
        for key in ("name", "bill_waste", "vial_policy", "claim_filing_code")
    ],
    lambda value: policy.load(_with(_POLICY_FILE + "x = 1\n", "x", value)),
    lambda value: encounter.from_dict(office(drug=value, indication=value)),
    lambda value: drug.choose(value, drug.DRUGS),
    drug.registry,
    policy.registry,
    policy.to_toml,
    lambda value: Claim.from_dict({**CLAIM.to_dict(), "drug": value}),
]


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 10**100:
        return "int-5000-digits"
    return repr(value)[:40]


IS_VALID: list[Callable[[Any], bool]] = [ndc.is_valid, icd10.is_valid]


@pytest.mark.parametrize("function", ENTRY_POINTS)
@pytest.mark.parametrize("value", JUNK, ids=_shown)
def test_junk_raises_only_documented_errors(function: Callable[[Any], object], value: Any) -> None:
    message = "no error"
    try:
        function(value)
    except (TypeError, ValidationError) as error:
        message = str(error)
    except Exception as error:  # pragma: no cover - a failure message
        pytest.fail(f"{function} raised {type(error).__name__} for junk: {error}")
    assert message


@pytest.mark.parametrize("function", IS_VALID)
@pytest.mark.parametrize("value", JUNK, ids=_shown)
def test_is_valid_never_raises(function: Callable[[Any], bool], value: Any) -> None:
    assert function(value) in (True, False)
    if not isinstance(value, str):
        assert function(value) is False
