"""benlysta_coding.export.fhir: every kind of encounter gives FHIR the fhir.resources models accept."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.claim import Claim as FHIRClaim

from benlysta_coding import encounter, policy
from benlysta_coding import parties as _parties
from benlysta_coding.export import fhir, parties
from tests.helpers import claim_of, hospital, office

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


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
