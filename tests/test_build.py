"""Example tests for the claim builder: settings, payers, routes, findings, charges."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import build_claim, encounter, findings, policy
from benlysta_coding.checks import check_lines
from benlysta_coding.claim import Claim, ClaimKind, LineKind
from benlysta_coding.errors import InvalidFormat, InvalidInput, NotSupported, OutOfRange
from benlysta_coding.ndc import Unit
from tests.helpers import TODAY, claim_of, codes, hospital, office, summary


class TestOfficeMedicare:
    def test_lines(self) -> None:
        claim = claim_of(office())
        assert ClaimKind.PROFESSIONAL is claim.kind
        assert ("11", None) == (claim.place_of_service, claim.type_of_bill)
        # 68.3 kg -> 683 mg -> 69 units from six 120 mg vials, 720 - 690 = 3 units wasted.
        assert [("J0490", (), 69), ("J0490", ("JW",), 3), ("96365", (), 1)] == summary(claim)
        drug, waste, admin = claim.lines
        assert ("49401010101", Unit.UN, Decimal(6)) == (drug.ndc, drug.ndc_unit, drug.ndc_quantity)
        assert "49401010101" == waste.ndc
        assert (LineKind.DRUG, LineKind.WASTE, LineKind.ADMINISTRATION) == (
            drug.kind,
            waste.kind,
            admin.kind,
        )
        assert admin.ndc is None
        assert {None} == {line.revenue_code for line in claim.lines}
        assert (1, 2) == drug.diagnosis_pointers
        assert "PA-778812" == claim.prior_authorization
        assert not claim.errors

    def test_jz_when_nothing_is_wasted_from_july_2023(self) -> None:
        claim = claim_of(office(patient__weight_kg="63.4"))
        assert [("J0490", ("JZ",), 40), ("J0490", ("JZ",), 24), ("96365", (), 1)] == summary(claim)
        early = claim_of(office(patient__weight_kg="63.4", service_date="2023-06-30"))
        assert [("J0490", (), 40), ("J0490", (), 24), ("96365", (), 1)] == summary(early)
        assert "jz-missing" not in codes(early)

    def test_complex_administration_policy(self) -> None:
        noridian = attrs.evolve(
            policy.MEDICARE_PART_B, name="noridian", administration=policy.Administration.COMPLEX
        )
        claim = claim_of(office(infusion_minutes=95), policy=noridian)
        assert ["96413", "96415"] == [line.code for line in claim.lines[-2:]]
        assert "noridian" == claim.payer

    def test_prices_and_totals(self) -> None:
        claim = claim_of(office(), prices={"J0490": "12.25", "96365": 150})
        assert [Decimal("845.25"), Decimal("36.75"), Decimal(150)] == [
            line.charge for line in claim.lines
        ]
        assert Decimal("1032.00") == claim.total_charge
        partial = claim_of(office(), prices={"J0490": "12.25"})
        assert partial.total_charge is None
        assert ["price-missing"] == [c for c in codes(partial) if c == "price-missing"]
        assert claim_of(office()).total_charge is None

    def test_price_precision_and_bad_prices(self) -> None:
        claim = claim_of(office(), prices={"J0490": "12.3451", "96365": 150})
        assert ["charge-precision", "charge-precision"] == [
            c for c in codes(claim) if c.startswith("charge-")
        ]
        with pytest.raises(OutOfRange):
            claim_of(office(), prices={"J0490": "-1"})
        with pytest.raises(TypeError):
            claim_of(office(), prices={"J0490": 12.5})


@pytest.mark.parametrize(
    ("price", "charges", "rounded"),
    [
        # 69 x 9.245 = 637.905 -> 637.91 (half-up, not half-even's 637.90); 3 x 9.245 = 27.735
        ("9.245", ["637.91", "27.74"], ["69 x 9.245 = 637.905", "3 x 9.245 = 27.735"]),
        ("9.2450", ["637.91", "27.74"], ["69 x 9.245 = 637.905", "3 x 9.245 = 27.735"]),
        ("24.811", ["1711.96", "74.43"], ["69 x 24.811 = 1711.959", "3 x 24.811 = 74.433"]),
        ("12.50", ["862.50", "37.50"], []),
        ("12.4", ["855.6", "37.2"], []),
    ],
)
def test_prices_as_published_give_line_charges_to_the_cent(
    price: str, charges: list[str], rounded: list[str]
) -> None:
    claim = claim_of(office(), prices={"J0490": price, "96365": "150"})
    assert charges == [str(line.charge) for line in claim.lines[:2]]
    found = [f for f in claim.findings if f.code == "charge-rounded"]
    assert rounded == [f.message.split(",")[0] for f in found]
    assert all(f.severity == "info" for f in found)
    assert not claim.errors
    total = sum((line.charge or Decimal(0) for line in claim.lines), Decimal(0))
    assert total == claim.total_charge


@given(
    price=st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False),
    units=st.integers(min_value=0, max_value=10_000),
)
def test_a_line_charge_is_the_product_rounded_half_up_to_the_cent(
    price: Decimal, units: int
) -> None:
    from benlysta_coding.lines import line_charge

    exact = price * units
    charge = line_charge(price, units)
    assert abs(charge - exact) <= Decimal("0.005")
    assert charge == charge.quantize(Decimal("0.01")) or charge == exact
    # half-up: a product ending in 5 thousandths goes up, by hand
    cents, rest = divmod(exact * 100, 1)
    assert charge == exact if rest == 0 else charge == (cents + (rest >= Decimal("0.5"))) / 100


class TestHospital:
    def test_institutional_lines_and_revenue_codes(self) -> None:
        claim = claim_of(hospital())
        assert (ClaimKind.INSTITUTIONAL, None, "0131") == (
            claim.kind,
            claim.place_of_service,
            claim.type_of_bill,
        )
        # 52 kg -> 520 mg -> one 400 and one 120 mg vial, nothing wasted; commercial: no JZ.
        assert [
            ("J0490", (), 40),
            ("J0490", (), 12),
            ("96365", (), 1),
            ("96366", (), 1),
        ] == summary(claim)
        assert ["0636", "0636", "0260", "0260"] == [line.revenue_code for line in claim.lines]
        assert not claim.errors

    def test_critical_access_and_pharmacy_revenue(self) -> None:
        claim = claim_of(hospital(setting="critical_access_hospital"), drug_revenue_code="250")
        assert "0851" == claim.type_of_bill
        assert "0250" == claim.lines[0].revenue_code
        with pytest.raises(InvalidFormat):
            claim_of(hospital(), drug_revenue_code="0637")


class TestSubcutaneous:
    def test_medicare_part_b_refuses_sc(self) -> None:
        claim = claim_of(office(route="sc", infusion_minutes=None))
        assert "sc-medicare-part-b" in codes(claim)
        assert "j0490-sc-product" not in codes(claim)  # one finding explains the route
        assert [("J0490", ("JZ",), 20), ("96372", (), 1)] == summary(claim)
        assert (Unit.ML, Decimal(1), "49401008802") == (
            claim.lines[0].ndc_unit,
            claim.lines[0].ndc_quantity,
            claim.lines[0].ndc,
        )

    def test_commercial_sc_loading_dose_and_product(self) -> None:
        claim = claim_of(
            hospital(route="sc", infusion_minutes=None, dose_mg="400", ndc="49401-088-47")
        )
        assert "sc-medical-benefit" in codes(claim)
        assert [("J0490", (), 40), ("96372", (), 2)] == summary(claim)
        assert "0510" == claim.lines[1].revenue_code
        assert Decimal(2) == claim.lines[0].ndc_quantity

    def test_dose_assumed_and_refused(self) -> None:
        assert "dose-assumed" in codes(claim_of(hospital(route="sc", infusion_minutes=None)))
        child = claim_of(
            hospital(
                route="sc",
                infusion_minutes=None,
                patient__birth_date="2015-01-01",
                patient__weight_kg="30",
            )
        )
        assert "dose-not-determined" in codes(child)  # paediatric SC lupus nephritis: unverified
        assert () == child.lines
        assert [
            (
                "SC regimen for children with lupus nephritis: approved June 2025 but not "
                "verified for this library; give the dose explicitly",
                "$.dose_mg",
            )
        ] == [(f.message, f.path) for f in child.findings if f.code == "dose-not-determined"]

    def test_the_plan_note_names_the_payers_vial_policy(self) -> None:
        fewest = attrs.evolve(policy.MEDICARE_PART_B, vial_policy="fewest_vials")
        assert [
            (
                "products_used is not given: the drug lines bill the fewest_vials plan, not the "
                "record",
                "$.products_used",
            )
        ] == [
            (f.message, f.path)
            for f in claim_of(office(), policy=fewest).findings
            if f.code == "products-from-plan"
        ]

    def test_route_product_mismatch(self) -> None:
        assert "route-product-mismatch" in codes(claim_of(office(ndc="49401-088-02")))
        assert "route-product-mismatch" in codes(
            claim_of(office(route="sc", infusion_minutes=None, ndc="49401-101-01"))
        )


class TestDiagnosisFindings:
    def test_m32_1_header(self) -> None:
        claim = claim_of(office(diagnoses=["M32.1"]))
        assert {"dx-not-billable", "dx-no-sle"} <= set(codes(claim))
        assert "$.diagnoses[0]" == claim.findings[0].path

    def test_n05_9_for_lupus_nephritis(self) -> None:
        claim = claim_of(hospital(diagnoses=["N05.9", "M32.9"]))
        found = {f.code: f for f in claim.findings}
        assert "M32.14" in found["dx-n059-lupus-nephritis"].fix
        assert findings.Severity.ERROR is found["dx-n059-lupus-nephritis"].severity
        assert "dx-indication-mismatch" in found
        assert "dx-indication-mismatch" in codes(claim_of(office(diagnoses=["M32.9", "N05.9"])))

    def test_no_sle_and_drug_induced_and_unknown(self) -> None:
        claim = claim_of(office(diagnoses=["M32.0", "Z79.899"]))
        assert {"dx-drug-induced", "dx-no-sle", "dx-not-in-library"} <= set(codes(claim))

    def test_sle_indication_with_nephritis_code(self) -> None:
        claim = claim_of(office(diagnoses=["M32.14"]))
        assert ["$.indication"] == [
            f.path for f in claim.findings if f.code == "dx-indication-mismatch"
        ]

    def test_pointers_go_to_sle_codes(self) -> None:
        claim = claim_of(office(diagnoses=["Z79.899", "M32.13"]))
        assert (2,) == claim.lines[0].diagnosis_pointers
        assert (1,) == claim_of(office(diagnoses=["Z79.899"])).lines[0].diagnosis_pointers


class TestOtherFindings:
    def test_patient_under_5(self) -> None:
        claim = claim_of(office(patient__birth_date="2021-01-01", patient__weight_kg="18"))
        assert "patient-under-5" in codes(claim)
        with pytest.raises(
            InvalidInput, match=r"\$\.patient\.birth_date: expected a birth date on"
        ):
            encounter.from_dict(office(patient__birth_date="2025-06-01"))  # after the service

    @pytest.mark.parametrize(
        ("minutes", "expected", "finding"),
        [
            (10, ["96374"], "infusion-too-short"),
            (15, ["96374"], "infusion-too-short"),
            (16, ["96365"], None),
            (60, ["96365"], None),
            (80, ["96365"], None),
            (81, ["96365"], "infusion-additional-hour"),  # 10 minutes short of a 96366 unit
            (90, ["96365"], "infusion-additional-hour"),
            (91, ["96365", "96366"], None),
            (140, ["96365", "96366"], None),
            (141, ["96365", "96366"], "infusion-additional-hour"),  # 10 short of a second unit
            (150, ["96365", "96366"], "infusion-additional-hour"),
            (151, ["96365", "96366"], None),
        ],
    )
    def test_infusion_minutes(self, minutes: int, expected: list[str], finding: str | None) -> None:
        claim = claim_of(office(infusion_minutes=minutes))
        admin = [line for line in claim.lines if line.kind is LineKind.ADMINISTRATION]
        assert expected == [line.code for line in admin]
        if finding is not None:
            assert finding in codes(claim)
        else:
            assert "infusion-additional-hour" not in codes(claim)
        if minutes >= 151:
            assert 2 == admin[1].units

    def test_minutes_missing(self) -> None:
        claim = claim_of(office(infusion_minutes=None))
        assert "infusion-minutes-missing" in codes(claim)
        assert {"J0490"} == {line.code for line in claim.lines}

    def test_dose_far_from_label(self) -> None:
        assert "dose-far-from-label" in codes(claim_of(office(dose_mg="800")))
        assert "dose-far-from-label" not in codes(claim_of(office(dose_mg="700")))
        assert "dose-far-from-label" not in codes(
            claim_of(office(dose_mg="800"), dose_tolerance_percent=20)
        )

    def test_dose_without_weight(self) -> None:
        data = office(dose_mg="700")
        del data["patient"]["weight_kg"]
        assert Decimal(700) == claim_of(data).dose_mg
        del data["dose_mg"]
        assert "dose-not-determined" in codes(claim_of(data))
        assert "dose-not-determined" in codes(claim_of(office(patient__weight_kg="900")))
        with_dose = claim_of(office(patient__weight_kg="900", dose_mg="700"))
        assert "weight-implausible" in codes(with_dose)
        assert not with_dose.errors

    def test_future_date_and_out_of_scope(self) -> None:
        assert "service-date-future" in codes(claim_of(office(service_date="2026-01-02")))
        with pytest.raises(NotSupported, match="2012-01-01"):
            claim_of(office(service_date="2011-12-31"))

    def test_the_date_findings_say_what_and_where(self) -> None:
        claim = claim_of(office(service_date="2026-02-02"), today=dt.date(2026, 1, 1))
        assert [("2026-02-02 is after 2026-01-01", "$.service_date", "error")] == [
            (f.message, f.path, f.severity)
            for f in claim.findings
            if f.code == "service-date-future"
        ]
        on_the_day = claim_of(office(service_date="2026-01-01"), today=dt.date(2026, 1, 1))
        assert "service-date-future" not in codes(on_the_day)
        with pytest.raises(NotSupported) as refused:
            claim_of(office(service_date="2011-12-31"))
        assert (
            "service_date: dates of service before 2012-01-01 (when J0490 took effect; Q2044 was "
            "used in 2011) are out of this library's scope"
        ) == str(refused.value)

    def test_the_fifth_birthday_is_the_boundary(self) -> None:
        # the office example is dated 2025-03-03: born 2020-03-03 the patient is 5 that day
        five = claim_of(office(patient__birth_date="2020-03-03", patient__weight_kg="20"))
        assert "patient-under-5" not in codes(five)
        younger = claim_of(office(patient__birth_date="2020-03-04", patient__weight_kg="20"))
        assert [
            (
                "the patient is younger than 5 on the date of service: the minimum age for "
                "belimumab is 5",
                "$.patient.birth_date",
            )
        ] == [(f.message, f.path) for f in younger.findings if f.code == "patient-under-5"]

    def test_mue_supplied_by_user(self) -> None:
        capped = attrs.evolve(policy.MEDICARE_PART_B, max_units_per_day=60)
        assert "mue-exceeded" in codes(claim_of(office(), policy=capped))

    def test_waste_not_billed_before_and_after_jw_requirement(self) -> None:
        no_jw = attrs.evolve(policy.MEDICARE_PART_B, bill_waste=False)
        assert "jw-missing" in codes(claim_of(office(), policy=no_jw))
        assert "jw-missing" not in codes(claim_of(office(service_date="2016-12-31"), policy=no_jw))

    def test_claim_id_missing(self) -> None:
        assert "claim-id-missing" in codes(claim_of(office(claim_id=None)))

    def test_ndc_quantity_precision(self) -> None:
        grams = attrs.evolve(
            policy.MEDICARE_PART_B, vial_ndc_unit=policy.NDCQuantityBasis.MILLIGRAMS
        )
        claim = claim_of(office(dose_mg="683.0001"), policy=grams)
        assert "ndc-quantity-precision" in codes(claim)


class TestCheckLines:
    """check_lines also checks lines a user edited."""

    def test_jz_missing_and_modifier_dates(self) -> None:
        data = office(patient__weight_kg="63.4")
        claim = claim_of(data)
        enc = encounter.from_dict(data)
        stripped = [attrs.evolve(line, modifiers=()) for line in claim.lines]
        found = check_lines(enc, stripped, policy.MEDICARE_PART_B, None)
        assert ["jz-missing", "jz-missing"] == [f.code for f in found]
        early = [attrs.evolve(line, service_date=dt.date(2022, 12, 1)) for line in claim.lines]
        found = check_lines(enc, early, policy.MEDICARE_PART_B, None)
        assert ["modifier-not-in-effect", "modifier-not-in-effect"] == [f.code for f in found]


class TestRoundTripAndPrivacy:
    def test_json_round_trip(self) -> None:
        for data in (office(), hospital(), office(route="sc", infusion_minutes=None)):
            claim = claim_of(
                data, prices={"J0490": "12.50", "96365": 150, "96366": 40, "96372": 25}
            )
            text = json.dumps(claim.to_dict())
            assert claim == Claim.from_dict(json.loads(text))

    def test_no_identifiers_in_repr_str_or_errors(self) -> None:
        data = office()
        enc = encounter.from_dict(data)
        claim = build_claim(enc, today=TODAY)
        secrets = ["JANE", "SAMPLE", "1EG4TE5MK73", "1978-06-14", "12 ELM ST", "1978"]
        shown = repr(enc) + str(enc) + repr(claim) + str(claim) + json.dumps(claim.to_dict())
        bad = office(
            patient__birth_date="1978-13-14",
            patient__member_id="1EG4 TE5MK73!",
            patient__first_name="JANE\n",
        )
        with pytest.raises(InvalidInput) as info:
            encounter.from_dict(bad)
        shown += str(info.value)
        for secret in secrets:
            assert secret not in shown

    def test_type_errors(self) -> None:
        with pytest.raises(TypeError):
            build_claim(office())  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            build_claim(encounter.from_dict(office()), policy="medicare")  # type: ignore[arg-type]


def test_records_are_flat_and_exact() -> None:
    records = claim_of(office(), prices={"J0490": "12.25", "96365": 150}).records()
    assert 3 == len(records)
    first = records[0]
    assert ("J0490", "", 69, "49401010101", "UN", Decimal(6), Decimal("845.25")) == (
        first["code"],
        first["modifiers"],
        first["units"],
        first["ndc"],
        first["ndc_unit"],
        first["ndc_quantity"],
        first["charge"],
    )
    assert "M32.13,M32.19" == first["diagnoses"]
    assert "JW" == records[1]["modifiers"]
    assert ("", None) == (records[2]["ndc"], records[2]["ndc_quantity"])
    assert all(not isinstance(v, dict | list | tuple) for r in records for v in r.values())


def test_340b_modifiers_on_drug_lines_only() -> None:
    claim = claim_of(
        hospital(drug_modifiers=["TB"], patient__weight_kg="55", payer="medicare_part_b")
    )
    assert [("J0490", ("TB",)), ("J0490", ("JW", "TB")), ("96365", ()), ("96366", ())] == [
        (line.code, line.modifiers) for line in claim.lines
    ]
    early = claim_of(hospital(drug_modifiers=["TB"], service_date="2017-12-31"))
    assert "modifier-not-in-effect" in codes(early)
    valid = claim_of(hospital(drug_modifiers=["TB"], service_date="2019-03-04"))
    assert "modifier-not-in-effect" not in codes(valid)  # TB is valid from 2018-01-01
    with pytest.raises(InvalidInput, match="drug_modifiers"):
        encounter.from_dict(hospital(drug_modifiers=["JG", "JG"]))
    with pytest.raises(InvalidInput, match="drug_modifiers"):
        encounter.from_dict(hospital(drug_modifiers="JG"))


def test_prices_keep_their_digits_and_are_refused_every_time() -> None:
    text = claim_of(office(), prices={"J0490": "12.50"})
    exact = claim_of(office(), prices={"J0490": Decimal("12.5")})
    assert "862.50" == str(text.lines[0].charge)  # 69 units x 12.50, the digits kept
    assert "862.5" == str(exact.lines[0].charge)
    assert "862.50" == str(claim_of(office(), prices={"J0490": "12.50"}).lines[0].charge)
    for _ in range(2):
        with pytest.raises(OutOfRange, match="prices: expected prices of zero or more"):
            claim_of(office(), prices={"J0490": "-1"})
        with pytest.raises(InvalidFormat, match=r"^price of J0490: expected a decimal number"):
            claim_of(office(), prices={"J0490": "12,50"})
