"""Tests that pin details a mutation run found unguarded: record keys, deprecation shims, the SC
device shorthand, the texts that explain a line, the messages of recorded products."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from benlysta_coding import ndc, products, units
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.errors import InvalidFormat
from tests.helpers import claim_of, codes, hospital, office, sc


def test_a_record_holds_every_key_with_its_value() -> None:
    # hospital example: 52 kg, 520 mg = 400 + 120 mg, nothing wasted, commercial (no JZ); 95 minutes
    claim = claim_of(hospital(), prices={"J0490": "12.50", "96365": 150, "96366": 40})
    first, second = claim.records()[:2]
    explanation = first.pop("explanation")
    assert {
        "claim_id": "BEN-2025-0002",
        "line": 1,
        "kind": "drug",
        "code": "J0490",
        "modifiers": "",
        "units": 40,
        "service_date": dt.date(2025, 4, 14),
        "ndc": "49401010201",
        "ndc_unit": "UN",
        "ndc_quantity": Decimal(1),
        "revenue_code": "0636",
        "charge": Decimal("500.00"),
        "diagnoses": "M32.14",
        "control_number": "BEN-2025-0002-1",
    } == first
    assert explanation.startswith("J0490 is belimumab (Benlysta), 10 mg per unit; 40 unit(s)")
    assert "49401-102-01" in explanation
    assert (2, "drug", 12, "BEN-2025-0002-2") == (
        second["line"],
        second["kind"],
        second["units"],
        second["control_number"],
    )


def test_line_explanations() -> None:
    claim = claim_of(office())
    drug, waste, admin = (line.explanation for line in claim.lines)
    assert (
        "69 unit(s) administered from 49401-101-01 (dose 683 mg, rounded up to whole units; least_waste vial plan)"
        in drug
    )
    assert waste.startswith("J0490 is belimumab (Benlysta), 10 mg per unit; 3 unit(s) discarded")
    assert waste.endswith("NDC of the partly used vial 49401-101-01")
    assert "IV infusion of 62 minutes: initial hour (therapeutic administration" in admin
    recorded = claim_of(office(products_used=[{"ndc": "49401-101-01", "count": 6}]))
    assert "vials from the record" in recorded.lines[0].explanation
    jz = claim_of(office(patient__weight_kg="63.4"))
    assert (
        "; JZ: nothing discarded in billing units and payer policy medicare_part_b requires JZ from 2023-07-01"
        in jz.lines[0].explanation
    )


@pytest.mark.parametrize("name", ["drug_lines", "waste_decision", "DrugLine", "WasteDecision"])
def test_names_moved_to_lines_live_there_only(name: str) -> None:
    from benlysta_coding import lines

    assert hasattr(lines, name)
    assert not hasattr(units, name)  # 0.x: the shim that imported upward is gone


def test_unknown_module_attributes_raise_attribute_error() -> None:
    for module in (units, ndc):
        with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
            getattr(module, "nothing_here")  # noqa: B009


def test_the_sc_device_shorthand() -> None:
    # four devices in a carton, one 200 mg device used: 20 units, 96372 once
    claim = claim_of(sc(ndc="49401-088-35"))
    assert [("J0490", 20, "49401008835"), ("96372", 1, None)] == [
        (line.code, line.units, line.ndc) for line in claim.lines
    ]
    vial = claim_of(sc(ndc="49401-101-01"))
    (found,) = [f for f in vial.errors if f.code == "route-product-mismatch"]
    assert ("$.ndc", "the NDC given is not a Benlysta SC product") == (found.path, found.message)
    device_for_iv = claim_of(office(ndc="49401-088-02"))
    (found,) = [f for f in device_for_iv.errors if f.code == "route-product-mismatch"]
    assert "the NDC given is not a Benlysta IV vial" == found.message
    default = claim_of(sc())
    assert "49401008802" == default.lines[0].ndc


def test_messages_of_recorded_products() -> None:
    unknown = claim_of(office(products_used=[{"ndc": "0002-7597-01", "count": 6}]))
    (found,) = [f for f in unknown.errors if f.code == "product-unknown"]
    assert ("$.products_used[0].ndc", "NDC 00002759701 is not a belimumab (Benlysta) product") == (
        found.path,
        found.message,
    )
    wrong = claim_of(
        office(
            products_used=[{"ndc": "49401-101-01", "count": 6}, {"ndc": "49401-088-02", "count": 1}]
        )
    )
    (found,) = [f for f in wrong.errors if f.code == "route-product-mismatch"]
    assert ("$.products_used[1].ndc", "NDC 49401-088-02 is for route sc, not iv") == (
        found.path,
        found.message,
    )


def test_sc_dose_check_applies_from_18() -> None:
    seventeen = sc(dose_mg="300", patient__birth_date="2007-03-04")  # 17 on 2025-03-03
    eighteen = sc(dose_mg="300", patient__birth_date="2007-03-03")  # 18 that day
    assert "sc-dose-unusual" not in codes(claim_of(seventeen))
    assert "sc-dose-unusual" in codes(claim_of(eighteen))


def test_unit_findings_messages_and_paths() -> None:
    import attrs

    from benlysta_coding import checks, policy

    claim = claim_of(office())
    plan = units.plan_vials(683)
    more = [attrs.evolve(claim.lines[0], units=70), *claim.lines[1:]]
    found = [
        (f.code, f.path, f.message)
        for f in checks.check_lines(None, more, policy.MEDICARE_PART_B, plan)
    ]
    assert (
        "units-dose-mismatch",
        "$.lines",
        "70 administered units; the dose 683 mg is 69 units (rounded up)",
    ) in found
    assert (
        "units-exceed-vials",
        "$.lines",
        "70 administered + 3 wasted units are 730 mg; the vials opened hold 720 mg",
    ) in found


def test_capacity_in_millilitres_and_milligrams() -> None:
    import attrs

    from benlysta_coding import checks, policy
    from benlysta_coding.ndc import Unit

    # SC: one 1 mL device of 200 mg under the millilitre basis holds 20 units; 21 do not fit
    claim = claim_of(sc())
    assert (Unit.ML, Decimal(1)) == (claim.lines[0].ndc_unit, claim.lines[0].ndc_quantity)
    over = [attrs.evolve(claim.lines[0], units=21), *claim.lines[1:]]
    codes_found = [f.code for f in checks.check_lines(None, over, policy.COMMERCIAL, None)]
    assert "ndc-quantity-mismatch" in codes_found
    assert "units-exceed-vials" in codes_found
    # milligram quantities add up: 683 mg + 37 mg = 720 mg hold 72 units, not 73
    grams = attrs.evolve(policy.MEDICARE_PART_B, vial_ndc_unit="milligrams")
    mg_claim = claim_of(office(), policy=grams)
    assert [Unit.ME, Unit.ME] == [line.ndc_unit for line in mg_claim.lines[:2]]
    plan = units.plan_vials(683)
    assert [] == checks.check_lines(None, mg_claim.lines, grams, plan)
    extra = [mg_claim.lines[0], attrs.evolve(mg_claim.lines[1], units=4), mg_claim.lines[2]]
    assert "units-exceed-vials" in [f.code for f in checks.check_lines(None, extra, grams, plan)]


def test_records_of_a_340b_institutional_claim() -> None:
    claim = claim_of(
        hospital(drug_modifiers=["TB"], patient__weight_kg="55", payer="medicare_part_b")
    )
    records = claim.records()
    assert "JW:TB" == records[1]["modifiers"]
    assert ("", "0260") == (records[2]["ndc_unit"], records[2]["revenue_code"])
    professional = claim_of(office()).records()
    assert "" == professional[0]["revenue_code"]


def test_lines_without_a_claim_id_get_line_control_numbers() -> None:
    claim = claim_of(office(claim_id=None))
    assert ["LINE-1", "LINE-2", "LINE-3"] == [line.control_number for line in claim.lines]


def test_a_secondary_claim_survives_a_json_round_trip() -> None:
    import json

    from benlysta_coding import remit
    from benlysta_coding.claim import Claim
    from benlysta_coding.policy import COMMERCIAL
    from tests.remit835 import remittance

    claim = claim_of(office(), prices={"J0490": "12.50", "96365": "150"})
    answers = {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}
    (remitted, payment), *_ = remit.read_835(text=remittance([(claim, "1", answers)]))
    secondary = remit.secondary_claim(claim, payment, remitted, COMMERCIAL)
    data = json.loads(json.dumps(secondary.to_dict()))
    assert {
        "filing_code": "MB",
        "paid": "877.5",
        "adjudicated": "2025-04-14",
        "adjustments": [],
    } == {k: data["other_payer"][k] for k in ("filing_code", "paid", "adjudicated", "adjustments")}
    assert {"number": 1, "paid": "690", "units": 69} == {
        k: data["other_payer"]["lines"][0][k] for k in ("number", "paid", "units")
    }
    assert [{"group": "PR", "reason": "2", "amount": "172.5", "quantity": None}] == data[
        "other_payer"
    ]["lines"][0]["adjustments"]
    assert secondary == Claim.from_dict(data)
    assert ("commercial", "CI") == (secondary.payer, secondary.filing_code)


def test_plan_table_rows() -> None:
    # 55 kg: 550 mg, five 120 mg vials (600 mg), 55 units, 5 wasted, 50 mg wasted
    (row,) = units.plan_table(["55"])
    assert {
        "weight_kg": Decimal(55),
        "dose_mg": Decimal(550),
        "vials": "5 x 120 mg",
        "administered_units": 55,
        "wasted_units": 5,
        "wasted_mg": Decimal(50),
        "total_mg": Decimal(600),
    } == row
    (numeric,) = units.plan_table([70], numeric=True)
    assert (700.0, 20.0, "6 x 120 mg") == (
        numeric["dose_mg"],
        numeric["wasted_mg"],
        numeric["vials"],
    )
    fewest = units.plan_table(["120"], "fewest_vials")[0]
    assert "3 x 400 mg" == fewest["vials"]
    # 63.4 kg: 634 mg; least waste opens 400 + 2 x 120 (640 mg), fewest vials 2 x 400 (800 mg)
    assert ["1 x 400 mg + 2 x 120 mg", "2 x 400 mg"] == [
        units.plan_table(["63.4"], chosen)[0]["vials"] for chosen in ("least_waste", "fewest_vials")
    ]
    # exact by default: Decimal, not a float that compares equal; floats when asked for
    assert all(isinstance(row[key], Decimal) for key in ("weight_kg", "dose_mg", "wasted_mg"))
    keys = ("weight_kg", "dose_mg", "wasted_mg", "total_mg")
    assert [float] * 4 == [type(numeric[key]) for key in keys]
    # another drug's vials: 550 mg from 400 mg vials only is 2 x 400 (800 mg), 80 - 55 = 25 units
    # and 250 mg wasted
    only_400 = attrs.evolve(
        BELIMUMAB,
        presentations=tuple(p for p in BELIMUMAB.presentations if p != products.VIAL_120),
    )
    (other,) = units.plan_table(["55"], drug=only_400)
    assert ("2 x 400 mg", 55, 25, Decimal(250)) == (
        other["vials"],
        other["administered_units"],
        other["wasted_units"],
        other["wasted_mg"],
    )
    with pytest.raises(TypeError, match=r"^weights_kg: expected a sequence of weights, not one"):
        units.plan_table("55")
    with pytest.raises(InvalidFormat, match=r"^weights_kg\[1\]: expected a decimal number"):
        units.plan_table(["55", "heavy"])


def test_displays() -> None:
    plan = units.plan_vials(683)
    assert "683 mg: 6 x 120 mg; 69 units administered, 3 wasted" == str(plan)

    class Printer:
        def __init__(self) -> None:
            self.text_seen = ""

        def text(self, value: str) -> None:
            self.text_seen = value

    printer = Printer()
    plan._repr_pretty_(printer, False)
    assert "VialPlan(683 mg: 6 x 120 mg; 69 units administered, 3 wasted)" == printer.text_seen
    from benlysta_coding import html as displays

    html = displays.plan_table(plan)
    assert "683 mg from the least_waste plan: 69 units administered, 3 wasted (37 mg)" in html
    claim = claim_of(office(diagnoses=["M32.13", "M32.1"]))
    page = displays.claim_table(claim)
    assert (
        "<caption>Claim BEN-2025-0001: professional, medicare_part_b, 2025-03-03; total - (no prices)</caption>"
        in page
    )
    assert "color:#b00020" in page  # the error, in red


def test_numeric_records() -> None:
    import math

    priced = claim_of(office(), prices={"J0490": "12.50"})  # no price for 96365
    records = priced.records(numeric=True)
    assert [862.5, 37.5] == [r["charge"] for r in records[:2]]
    assert math.isnan(records[2]["charge"])
    assert [6.0, 6.0, None] == [
        r["ndc_quantity"] if r["ndc_quantity"] == r["ndc_quantity"] else None for r in records
    ]
