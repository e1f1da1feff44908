"""The claim model: products used, subscriber and patient, providers, places, filing codes, corrected
claims and line control numbers. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from benlysta_coding import cli, encounter, parties
from benlysta_coding import examples as _examples
from benlysta_coding._structure import to_json as claim_json
from benlysta_coding.claim import Adjustment, Claim, OtherPayer, OtherPayerLine
from benlysta_coding.errors import InvalidInput
from benlysta_coding.export import x12
from benlysta_coding.products import Route
from tests.helpers import claim_of, codes, hospital, office
from tests.x12check import own_checks, pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50", "96413": "200", "96415": "60"}
WHEN = dt.datetime(2025, 7, 1, 8, 0)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


OFFICE_PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


def x12_text(data: dict[str, Any]) -> str:
    claim = claim_of(data, prices=PRICES)
    who = parties.from_encounter(encounter.from_dict(data))
    return x12.render_837(claim, who, x12.Envelope(control_number=7, created=WHEN))


def drug_lines(data: dict[str, Any]) -> list[tuple[tuple[str, ...], int, str | None, str]]:
    claim = claim_of(data)
    return [
        (line.modifiers, line.units, line.ndc, str(line.ndc_quantity))
        for line in claim.lines
        if line.code == "J0490"
    ]


def used(*pairs: tuple[str, int]) -> list[dict[str, object]]:
    return [{"ndc": ndc, "count": count} for ndc, count in pairs]


class TestProductsUsed:
    def test_record_matching_the_plan(self) -> None:
        # 68.3 kg -> 683 mg -> 69 units; 6 x 120 mg = 720 mg -> 72 - 69 = 3 wasted units.
        data = office(products_used=used(("49401-101-01", 6)))
        assert [
            ((), 69, "49401010101", "6"),
            (("JW",), 3, "49401010101", "6"),
        ] == drug_lines(data)
        found = codes(claim_of(data))
        assert "products-differ-from-plan" not in found
        assert "products-from-plan" not in found

    def test_record_differing_from_the_plan_bills_the_record_and_warns(self) -> None:
        # 55 kg -> 550 mg -> 55 units. Record: 1 x 400 + 2 x 120 = 640 mg -> 64 - 55 = 9 wasted,
        # on the 120 mg vial (the smaller, used last). Least waste: 5 x 120 = 600 mg, 50 mg waste;
        # the record wastes 90 mg, 40 mg more.
        data = office(
            patient__weight_kg="55", products_used=used(("49401010101", 2), ("4940110201", 1))
        )
        assert [
            ((), 40, "49401010201", "1"),
            ((), 15, "49401010101", "2"),
            (("JW",), 9, "49401010101", "2"),
        ] == drug_lines(data)
        claim = claim_of(data)
        (warning,) = [f for f in claim.findings if f.code == "products-differ-from-plan"]
        assert "warning" == warning.severity
        assert "5 x 120 mg" in warning.message
        assert "40 mg more" in warning.message

    def test_nothing_wasted_gets_jz(self) -> None:
        # 63.4 kg -> 634 mg -> 64 units; 400 + 2 x 120 = 640 mg -> 64 units: nothing wasted.
        data = office(
            patient__weight_kg="63.4",
            products_used=used(("49401-102-01", 1), ("49401-101-01", 2)),
        )
        assert [
            (("JZ",), 40, "49401010201", "1"),
            (("JZ",), 24, "49401010101", "2"),
        ] == drug_lines(data)

    @pytest.mark.parametrize(
        ("products", "code"),
        [
            (used(("49401-101-01", 5)), "products-insufficient"),  # 600 mg < 683 mg
            (used(("0002-7597-01", 6)), "product-unknown"),
            (used(("49401-088-02", 4)), "route-product-mismatch"),  # an SC device for IV
        ],
    )
    def test_errors(self, products: list[dict[str, object]], code: str) -> None:
        claim = claim_of(office(products_used=products))
        assert code in [f.code for f in claim.errors]
        assert [] == [line for line in claim.lines if line.code == "J0490"]

    def test_absent_is_an_info_finding(self) -> None:
        claim = claim_of(office())
        (info,) = [f for f in claim.findings if f.code == "products-from-plan"]
        assert "info" == info.severity

    def test_bad_entries_are_load_problems_with_paths(self) -> None:
        data = office(products_used=[{"ndc": "49401-101", "count": 0}, {"ndc": "x"}, 5])
        with pytest.raises(InvalidInput) as info:
            encounter.from_dict(data)
        assert [
            ("$.products_used[0].ndc", "invalid-value"),
            ("$.products_used[0].count", "invalid-value"),
            ("$.products_used[1].ndc", "invalid-value"),
            ("$.products_used[1].count", "missing"),
            ("$.products_used[2]", "invalid-type"),
        ] == [(p.path, p.code) for p in info.value.problems]

    def test_sc_device_recorded(self) -> None:
        # SC lupus nephritis loading dose 400 mg: two 200 mg autoinjectors, nothing wasted.
        data = office(
            route="sc",
            indication="lupus_nephritis",
            payer="commercial",
            infusion_minutes=None,
            diagnoses=["M32.14"],
            dose_mg="400",
            products_used=used(("49401-088-02", 2)),
        )
        claim = claim_of(data)
        assert [("J0490", 40, "49401008802"), ("96372", 2, None)] == [
            (line.code, line.units, line.ndc) for line in claim.lines
        ]


def dependant(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(_examples.DEPENDANT_OFFICE_IV)
    data.update(changes)
    return data


class TestSubscriber:
    def test_dependant_loops_in_837p(self) -> None:
        text = x12_text(dependant())
        assert [] == pyx12_errors(text)
        own_checks(text)
        assert "HL*2*1*22*1~\nSBR*P********CI~\nNM1*IL*1*SAMPLE*JOHN****MI*ACM778812001~" in text
        assert "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*SAMPLE*LILY~" in text
        assert "DMG*D8*20130220*F~" in text

    @pytest.mark.parametrize(("relationship", "code"), [("spouse", "01"), ("other", "G8")])
    def test_relationship_codes(self, relationship: str, code: str) -> None:
        subscriber = dict(_examples.DEPENDANT_OFFICE_IV["subscriber"], relationship=relationship)
        text = x12_text(dependant(subscriber=subscriber))
        assert f"PAT*{code}~" in text
        assert [] == pyx12_errors(text)

    def test_dependant_in_837i(self) -> None:
        data = hospital(subscriber=_examples.DEPENDANT_OFFICE_IV["subscriber"])
        text = x12_text(data)
        assert "HL*3*2*23*0~\nPAT*19~" in text
        assert [] == pyx12_errors(text)

    def test_member_ids(self) -> None:
        # the patient's member id is optional with a subscriber, required without one
        assert "member_id" not in dependant()["patient"]
        parties.from_encounter(encounter.from_dict(dependant()))
        alone = dependant(subscriber=None)
        del alone["subscriber"]
        with pytest.raises(InvalidInput, match=r"\$\.patient\.member_id"):
            parties.from_encounter(encounter.from_dict(alone))
        bad = dependant(subscriber={"relationship": "child", "first_name": "J", "last_name": "S"})
        with pytest.raises(InvalidInput) as info:
            encounter.from_dict(bad)
        assert [("$.subscriber.member_id", "missing")] == [
            (p.path, p.code) for p in info.value.problems
        ]

    def test_identity_never_shown(self) -> None:
        loaded = encounter.from_dict(dependant())
        claim = claim_of(dependant())
        shown = repr(loaded) + str(loaded) + repr(claim) + json.dumps(claim.to_dict())
        shown += repr(parties.from_encounter(loaded))
        for secret in ("JOHN", "ACM778812001", "1982-09-30", "12 ELM ST", "SPRINGFIELD"):
            assert secret not in shown
        bad = dependant(
            subscriber=dict(
                _examples.DEPENDANT_OFFICE_IV["subscriber"],
                relationship="cousin",
                birth_date="1982-13-30",
                member_id="ACM 7788",
            )
        )
        with pytest.raises(InvalidInput) as info:
            encounter.from_dict(bad)
        message = str(info.value)
        assert "$.subscriber.relationship" in message
        for secret in ("cousin", "1982-13-30", "ACM 7788", "JOHN"):
            assert secret not in message

    def test_medicare_beneficiary_is_the_subscriber(self) -> None:
        data = office(subscriber=_examples.DEPENDANT_OFFICE_IV["subscriber"])
        assert "subscriber-medicare" in [f.code for f in claim_of(data).errors]


class TestProviders:
    def test_attending_required_on_institutional(self) -> None:
        data = hospital(attending=None)
        assert ["attending-missing"] == [f.code for f in claim_of(data).errors]

    def test_command_line_names_the_missing_key(self, tmp_path: Path) -> None:
        path = tmp_path / "hospital.json"
        path.write_text(json.dumps(hospital(attending=None)))
        out, err = io.StringIO(), io.StringIO()
        status = cli.main(
            ["claim", str(path), "--format", "837i", "--price", "J0490=1", "--price", "96365=1"],
            out,
            err,
        )
        assert 2 == status
        assert "$.attending" in err.getvalue()
        assert "attending-missing" in err.getvalue()
        assert "ISA" not in out.getvalue()

    def test_rendering_and_service_facility_837p(self) -> None:
        facility = {
            "name": "EAST CLINIC",
            "npi": "1600000008",
            "address": {"line1": "5 EAST RD", "city": "URBANA", "state": "IL", "zip": "61801"},
        }
        text = x12_text(
            office(
                rendering={"first_name": "PAT", "last_name": "MORGAN", "npi": "1003000100"},
                service_facility=facility,
            )
        )
        assert (
            "HI*ABK:M3213*ABF:M3219~\nNM1*82*1*MORGAN*PAT****XX*1003000100~\n"
            "NM1*77*2*EAST CLINIC*****XX*1600000008~\nN3*5 EAST RD~\nN4*URBANA*IL*61801~\nLX*1~"
        ) in text
        assert [] == pyx12_errors(text)

    def test_service_facility_837i(self) -> None:
        facility = {
            "name": "EAST INFUSION CENTER",
            "address": {"line1": "5 EAST RD", "city": "URBANA", "state": "IL", "zip": "61801"},
        }
        text = x12_text(hospital(service_facility=facility))
        assert "NM1*71*1*RIVERA*ALEX****XX*1003000001~\nNM1*77*2*EAST INFUSION CENTER~" in text
        assert [] == pyx12_errors(text)


class TestPlaceOfService:
    def test_independent_clinic(self) -> None:
        text = x12_text(office(place_of_service="49"))
        assert "CLM*BEN-2025-0001*1050***49:B:1*Y*A*Y*Y~" in text
        assert [] == pyx12_errors(text)

    @pytest.mark.parametrize("place", ["19", "22"])
    def test_outpatient_hospital_is_refused_on_a_professional_claim(self, place: str) -> None:
        claim = claim_of(office(place_of_service=place))
        assert ["pos-hospital-professional"] == [f.code for f in claim.errors]

    def test_unknown_place_is_a_load_problem(self) -> None:
        with pytest.raises(InvalidInput, match=r"\$\.place_of_service"):
            encounter.from_dict(office(place_of_service="12"))


class TestFilingCodes:
    def test_medicare_professional_and_institutional(self) -> None:
        assert "SBR*P*18*******MB~" in x12_text(office())
        text = x12_text(hospital(payer="medicare_part_b"))
        assert "SBR*P*18*******MA~" in text
        assert [] == pyx12_errors(text)

    def test_commercial(self) -> None:
        assert "SBR*P*18*******CI~" in x12_text(hospital())


class TestFrequency:
    def test_replacement_institutional(self) -> None:
        data = copy.deepcopy(_examples.REPLACEMENT_HOSPITAL_IV)
        claim = claim_of(data)
        assert "0137" == claim.type_of_bill
        # 52 kg -> 520 mg -> 52 units x 12.50 = 650; one 96365 at 150 (62 minutes): 800
        text = x12_text(data)
        assert "CLM*BEN-2025-0002*800***13:A:7**A*Y*Y~" in text
        assert "REF*F8*2025104500123~" in text
        assert [] == pyx12_errors(text)

    def test_void_professional_and_its_medicare_warning(self) -> None:
        data = office(payer="commercial", frequency="void", payer_claim_number="PCN-9")
        text = x12_text(data)
        assert "11:B:8" in text
        assert "REF*G1*PA-778812~\nREF*F8*PCN-9~" in text
        assert [] == pyx12_errors(text)
        replacement = office(frequency="replacement", payer_claim_number="PCN-9")
        assert "medicare-reopening" in codes(claim_of(replacement))
        assert "medicare-reopening" not in codes(claim_of(data))  # a commercial void
        medicare_void = office(frequency="void", payer_claim_number="PCN-9")
        assert "medicare-reopening" in codes(claim_of(medicare_void))
        hospital_void = hospital(payer="medicare_part_b", frequency="void",
                                 payer_claim_number="PCN-9")  # fmt: skip
        assert "medicare-reopening" not in codes(claim_of(hospital_void))  # 837I: TOB xx8 is right

    def test_payer_claim_number_rules(self) -> None:
        with pytest.raises(InvalidInput) as info:
            encounter.from_dict(office(frequency="replacement"))
        assert [("$.payer_claim_number", "missing")] == [
            (p.path, p.code) for p in info.value.problems
        ]
        with pytest.raises(InvalidInput, match="only for a replacement or void"):
            encounter.from_dict(office(payer_claim_number="PCN-9"))


class TestLineControlNumbers:
    def test_each_line_carries_one(self) -> None:
        text = x12_text(office())
        assert [
            "BEN-2025-0001-1",
            "BEN-2025-0001-2",
            "BEN-2025-0001-3",
        ] == [seg.split("*")[2] for seg in text.split("~\n") if seg.startswith("REF*6R*")]

    def test_stable_across_runs_and_in_json(self) -> None:
        first, second = claim_of(office()), claim_of(office())
        assert [line.control_number for line in first.lines] == [
            line.control_number for line in second.lines
        ]
        assert "BEN-2025-0001-2" == first.to_dict()["lines"][1]["control_number"]


def test_shipped_examples() -> None:
    for name, data in (
        ("encounter-dependant-office-iv.json", _examples.DEPENDANT_OFFICE_IV),
        ("encounter-replacement-hospital-iv.json", _examples.REPLACEMENT_HOSPITAL_IV),
    ):
        assert data == json.loads((EXAMPLES / name).read_text())
        claim = claim_of(data, prices=PRICES)
        assert [] == list(claim.errors)
        assert [] == pyx12_errors(x12_text(data))


def test_encounter_reference_lists_every_key_with_a_meaning() -> None:
    rows = list(encounter.reference())
    keys = [row[0] for row in rows]
    for key in (
        "products_used",
        "products_used[].ndc",
        "products_used[].count",
        "subscriber.relationship",
        "subscriber.member_id",
        "rendering.npi",
        "service_facility.address.zip",
        "frequency",
        "payer_claim_number",
        "place_of_service",
        "patient.weight_kg",
    ):
        assert key in keys
    assert all(row[4] for row in rows)
    assert len(keys) == len(set(keys))


def _as_json(value: Any) -> Any:
    """The reference: ``attrs.asdict``, then JSON types by hand (as to_dict did before it walked
    the values itself)."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral_value() else f"{value:f}"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


@pytest.mark.parametrize(
    "data",
    [
        office(),
        office(patient__weight_kg="120"),
        office(route="sc", payer="commercial"),
        hospital(),
    ],
)
def test_to_dict_writes_what_asdict_holds(data: dict[str, Any]) -> None:
    claim = claim_of(data, prices=OFFICE_PRICES)
    secondary = attrs.evolve(
        claim,
        other_payer=OtherPayer(
            filing_code="MB",
            paid=Decimal("80.00"),
            adjudicated=dt.date(2025, 4, 1),
            adjustments=(Adjustment("PR", "1", Decimal("20.5"), Decimal("1")),),
            lines=(OtherPayerLine(number=1, paid=Decimal("80"), units=69),),
        ),
    )
    for value in (claim, secondary):
        written = value.to_dict()
        reference = attrs.asdict(value, recurse=True) | {"drug": value.drug.name}
        assert _as_json(reference) == written  # the drug is written by its name
        assert json.loads(json.dumps(written)) == written
        assert Claim.from_dict(written) == value


def test_json_values_of_every_shape() -> None:
    class Pair(tuple[int, int]):
        pass

    value = {
        "a": Pair((1, 2)),
        "b": [Decimal("1.50"), dt.date(2025, 1, 2)],
        "c": 0.5,
        "d": Route.SC,
    }
    assert {"a": [1, 2], "b": ["1.50", "2025-01-02"], "c": 0.5, "d": "sc"} == claim_json(value)


def test_claim_json_is_read_by_its_field_types_every_problem_at_once() -> None:
    claim = claim_of(office(), prices=PRICES)
    data = claim.to_dict()
    assert Claim.from_dict(json.loads(json.dumps(data))) == claim
    data.update(drug="nothing", dose_mg=None, extra=1)
    data["lines"][0].update(units=True, charge="12,50", service_date="2025-02-30")
    data["findings"] = [{"code": "x"}]
    with pytest.raises(InvalidInput) as caught:
        Claim.from_dict(data)
    assert {
        ("$", "unknown-key"),
        ("$.drug", "invalid-value"),
        ("$.lines[0].units", "invalid-type"),
        ("$.lines[0].charge", "invalid-value"),
        ("$.lines[0].service_date", "invalid-value"),
        ("$.findings[0].severity", "missing"),
        ("$.findings[0].message", "missing"),
    } <= {(p.path, p.code) for p in caught.value.problems}
    without_dose = claim.to_dict() | {"dose_mg": None}
    assert Claim.from_dict(without_dose).dose_mg is None  # null is a value where the type allows it
    with pytest.raises(InvalidInput, match=r"\$\.dose_mg: required"):
        Claim.from_dict({k: v for k, v in claim.to_dict().items() if k != "dose_mg"})
