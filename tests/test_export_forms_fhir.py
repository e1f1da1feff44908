"""CMS-1500 and UB-04 rows; the FHIR R4 Claim, validated by fhir.resources."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from fhir.resources.R4B.claim import Claim as FHIRClaim

from benlysta_coding import encounter, policy
from benlysta_coding import parties as _parties
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.export import fhir, forms, parties
from tests.helpers import claim_of, hospital, office

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


class TestCMS1500:
    def test_item_24_rows(self) -> None:
        form = forms.cms1500(claim_of(office(), prices=PRICES))
        first, waste, admin = form["rows"]
        assert {
            "page": "1",
            "line": "1",
            "shaded": "N449401010101 UN6",
            "24A_from": "030325",
            "24A_to": "030325",
            "24B": "11",
            "24C": "",
            "24D": "J0490",
            "24E": "AB",
            "24F": "862.50",
            "24G": "69",
        } == first
        assert ("J0490 JW", "3", "37.50") == (waste["24D"], waste["24G"], waste["24F"])
        assert ("", "96365") == (admin["shaded"], admin["24D"])
        assert ({"A": "M32.13", "B": "M32.19"}, "PA-778812", "1050.00") == (
            form["item_21"],
            form["item_23"],
            form["item_28"],
        )

    def test_single_line_note_in_item_19_and_pages(self) -> None:
        single = attrs.evolve(policy.MEDICARE_PART_B, lines_per_ndc=policy.LinesPerNDC.SINGLE_LINE)
        form = forms.cms1500(claim_of(office(patient__weight_kg="85"), policy=single))
        assert "N449401010101 UN4" == form["item_19"]
        assert "" == form["item_28"]

    def test_wrong_kind(self) -> None:
        with pytest.raises(InvalidFormat):
            forms.cms1500(claim_of(hospital()))
        with pytest.raises(InvalidFormat):
            forms.ub04(claim_of(office()))
        with pytest.raises(TypeError):
            forms.cms1500("claim")  # type: ignore[arg-type]


class TestUB04:
    def test_rows(self) -> None:
        form = forms.ub04(claim_of(hospital(), prices=PRICES))
        assert ("0131", "850.00", "M3214") == (form["FL4"], form["FL47_total"], form["FL67"])
        rows = form["rows"]
        assert ["0636", "0636", "0260", "0260"] == [row["FL42"] for row in rows]
        assert "N449401010201UN1" == rows[0]["FL43"]
        assert "IV INFUSION FOR THERAPY," == rows[2]["FL43"]
        assert ["J0490", "J0490", "96365", "96366"] == [row["FL44"] for row in rows]
        assert ("041425", "40", "500.00") == (rows[0]["FL45"], rows[0]["FL46"], rows[0]["FL47"])

    def test_modifiers_follow_the_code(self) -> None:
        form = forms.ub04(claim_of(hospital(payer="medicare_part_b", patient__weight_kg="55")))
        assert "J0490JW" in [row["FL44"] for row in form["rows"]]


class TestFHIR:
    def resource(self, **changes: object) -> dict[str, Any]:
        data = office(**changes)
        claim = claim_of(data, prices=PRICES)
        who = parties.from_encounter(encounter.from_dict(data))
        return fhir.claim_resource(claim, who, created=dt.date(2025, 3, 4))

    def test_validates_and_codes(self) -> None:
        resource = self.resource()
        FHIRClaim.model_validate_json(fhir.dumps(resource))
        item = resource["item"]
        assert isinstance(item, list)
        assert fhir.HCPCS == item[0]["productOrService"]["coding"][0]["system"]
        assert fhir.CPT == item[2]["productOrService"]["coding"][0]["system"]
        assert "JW" == item[1]["modifier"][0]["coding"][0]["code"]
        detail = item[0]["detail"][0]
        assert (fhir.NDC, "49401-101-01") == (
            detail["productOrService"]["coding"][0]["system"],
            detail["productOrService"]["coding"][0]["code"],
        )
        assert {"value": Decimal(6), "unit": "UN"} == detail["quantity"]
        assert "M32.13" == resource["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["code"]
        assert ["PA-778812"] == resource["insurance"][0]["preAuthRef"]

    def test_decimals_stay_exact(self) -> None:
        text = fhir.dumps(self.resource())
        assert '"total": {"value": 1050.00, "currency": "USD"}' in text
        assert '"quantity": {"value": 69}' in text
        assert "69.0" not in text
        parsed = json.loads(text, parse_float=Decimal)
        assert Decimal("1050.00") == parsed["total"]["value"]
        assert json.loads(fhir.dumps(self.resource(), indent=2), parse_float=Decimal) == parsed

    def test_without_parties_and_without_prices(self) -> None:
        claim = claim_of(hospital())
        resource = fhir.claim_resource(
            claim, patient_reference="Patient/1", created=dt.date(2025, 4, 15)
        )
        FHIRClaim.model_validate_json(fhir.dumps(resource))
        assert "total" not in resource
        assert {"reference": "Patient/1"} == resource["patient"]
        bare = fhir.claim_resource(claim)
        FHIRClaim.model_validate_json(fhir.dumps(bare))
        assert "institutional" == bare["type"]["coding"][0]["code"]

    def test_dumps_refuses_floats(self) -> None:
        with pytest.raises(TypeError):
            fhir.dumps({"x": 1.5})
        assert "[]" == fhir.dumps([])
        with pytest.raises(TypeError):
            fhir.claim_resource("claim")  # type: ignore[arg-type]


# valid FHIR for every example and every kind of encounter ---------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _kinds() -> dict[str, tuple[dict[str, Any], bool]]:
    """Encounters of every kind, and whether the claim goes to the secondary payer."""
    secondary = {"payer_name": "ACME HEALTH PLAN", "payer_id": "60054", "member_id": "ACM1234",
                 "policy": "commercial"}  # fmt: skip
    found = {
        path.stem: (json.loads(path.read_text()), False) for path in sorted(EXAMPLES.glob("*.json"))
    }
    found["void-837p"] = (office(frequency="void", payer_claim_number="2025104500123"), False)
    found["replacement-837p"] = (
        office(frequency="replacement", payer_claim_number="2025104500123"),
        False,
    )
    found["secondary-837p"] = (office(secondary_insurance=secondary), True)
    found["secondary-dependant"] = (
        {**json.loads((EXAMPLES / "encounter-dependant-office-iv.json").read_text()),
         "secondary_insurance": secondary},
        True,
    )  # fmt: skip
    found["secondary-837i"] = (
        hospital(payer="medicare_part_b", secondary_insurance=secondary),
        True,
    )
    return found


def _secondary_of(data: dict[str, Any]) -> Any:
    from benlysta_coding import remit
    from tests.remit835 import remittance

    claim = claim_of(data, prices=PRICES)
    ((info, payment),) = list(remit.read_835(text=remittance([(claim, "1", {})])))
    return remit.secondary_claim(claim, payment, info, policy.COMMERCIAL)


@pytest.mark.parametrize("name", sorted(_kinds()))
def test_every_kind_of_encounter_gives_valid_fhir(name: str) -> None:
    data, to_secondary = _kinds()[name]
    loaded = encounter.from_dict(data)
    if to_secondary:
        claim, who = _secondary_of(data), _parties.for_secondary(loaded)
    else:
        claim, who = claim_of(data, prices=PRICES), parties.from_encounter(loaded)
    resource = fhir.claim_resource(claim, who, created=dt.date(2025, 3, 4))
    text = fhir.dumps(resource)
    FHIRClaim.model_validate_json(text)
    assert '""' not in text  # no empty string anywhere
    coverages = {c["id"]: c for c in resource["contained"] if c["resourceType"] == "Coverage"}
    focal = next(i for i in resource["insurance"] if i["focal"])
    covered = coverages[focal["coverage"]["reference"].removeprefix("#")]
    assert who.insurance.payer_id == covered["payor"][0]["identifier"]["value"]
    relationship = covered["relationship"]["coding"][0]["code"]
    if who.subscriber is not None:
        assert ("child", who.subscriber.member_id) == (relationship, covered["subscriberId"])
        assert {"display": "patient"} == resource["patient"]
    else:
        assert ("self", who.patient.member_id) == (relationship, covered["subscriberId"])
    assert len(resource["insurance"]) == (2 if to_secondary else 1)


def test_an_empty_identifier_is_what_the_fhir_models_reject() -> None:
    data = json.loads((EXAMPLES / "encounter-dependant-office-iv.json").read_text())
    loaded = encounter.from_dict(data)
    resource = fhir.claim_resource(claim_of(data, prices=PRICES), parties.from_encounter(loaded))
    resource["patient"] = {"identifier": {"value": ""}}  # what was written before
    with pytest.raises(ValueError, match="patient"):
        FHIRClaim.model_validate_json(fhir.dumps(resource))


def test_the_command_line_writes_valid_fhir_for_a_dependant() -> None:
    import io

    from benlysta_coding import cli

    out, err = io.StringIO(), io.StringIO()
    path = str(EXAMPLES / "encounter-dependant-office-iv.json")
    assert 0 == cli.main(["claim", path, "--format", "fhir", "--created", "2025-03-04T09:00"], out,
                         err), err.getvalue()  # fmt: skip
    FHIRClaim.model_validate_json(out.getvalue())
    assert '"value": ""' not in out.getvalue()
