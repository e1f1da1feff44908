"""Claim edits: strict policies, the line checks a coder makes, diagnoses, modifiers, SC doses, the
exports' shared refusal, and what a payer would answer. Expectations are worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from benlysta_coding import checks, encounter, findings, parties, policy, products, units
from benlysta_coding.claim import Claim, LineKind, ServiceLine
from benlysta_coding.dosing import Indication
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.errors import ClaimHasErrors, InvalidComponent
from benlysta_coding.export import fhir, forms, x12
from benlysta_coding.ndc import Unit
from tests.helpers import TODAY, claim_of, codes, hospital, office, sc

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50", "96413": "200", "96372": "25"}


class TestStrictPolicies:
    def test_strings_naming_members_take_effect(self) -> None:
        # office example: 683 mg from six 120 mg vials; the NDC quantity counts vials (UN 6)
        vials = attrs.evolve(policy.COMMERCIAL, vial_ndc_unit="vials")
        claim = claim_of(office(payer="commercial"), policy=vials)
        assert (Unit.UN, Decimal(6)) == (claim.lines[0].ndc_unit, claim.lines[0].ndc_quantity)
        grams = attrs.evolve(policy.COMMERCIAL, vial_ndc_unit="milligrams")
        claim = claim_of(office(payer="commercial"), policy=grams)
        assert (Unit.ME, Decimal(683)) == (claim.lines[0].ndc_unit, claim.lines[0].ndc_quantity)
        wasted_mg = attrs.evolve(policy.COMMERCIAL, jw_ndc_quantity="wasted_mg")
        jw = claim_of(office(payer="commercial"), policy=wasted_mg).lines[1]
        assert ("JW", Unit.ME, Decimal(37)) == (jw.modifiers[0], jw.ndc_unit, jw.ndc_quantity)
        single = attrs.evolve(policy.COMMERCIAL, lines_per_ndc="single_line")
        claim = claim_of(office(payer="commercial", patient__weight_kg="85"), policy=single)
        drug = [line for line in claim.lines if line.code == "J0490" and not line.modifiers]
        assert [85] == [line.units for line in drug]  # 400 + 4 x 120 on one line
        complex_ = attrs.evolve(policy.COMMERCIAL, administration="complex")
        assert "96413" in [line.code for line in claim_of(office(), policy=complex_).lines]

    @pytest.mark.parametrize(
        ("field", "value", "accepted"),
        [
            ("vial_ndc_unit", "mg", "'vials', 'millilitres', 'milligrams'"),
            ("lines_per_ndc", "one", "'one_per_ndc', 'single_line'"),
            ("jw_ndc_quantity", 3, "'repeat', 'wasted_mg'"),
            ("administration", "chemo", "'therapeutic', 'complex'"),
            ("vial_policy", None, "'least_waste', 'fewest_vials'"),
            ("medicare", "yes", "True or False"),
            ("jz_required_from", "2023-13-01", "a date"),
            ("claim_filing_code", "XX", "SBR09"),
            ("institutional_filing_code", "mb", "SBR09"),
            ("max_units_per_day", 0, "from 1"),
            ("name", "a b", "letters"),
        ],
    )
    def test_anything_else_is_refused_naming_the_field(
        self, field: str, value: object, accepted: str
    ) -> None:
        with pytest.raises(InvalidComponent) as info:
            attrs.evolve(policy.COMMERCIAL, **{field: value})
        assert f"PayerPolicy.{field}" in str(info.value)
        assert accepted in str(info.value)

    def test_envelope_non_ascii_string(self) -> None:
        assert x12.NonASCII.TRANSLITERATE == x12.Envelope(non_ascii="transliterate").non_ascii
        with pytest.raises(InvalidComponent, match="non_ascii"):
            x12.Envelope(non_ascii="drop")
        data = office(patient__first_name="JOSÉ")
        claim = claim_of(data, prices=PRICES)
        who = parties.from_encounter(encounter.from_dict(data))
        text = x12.render_837(claim, who, x12.Envelope(non_ascii="transliterate"))
        assert "*JOSE*" in text


def edited(data: dict[str, Any], change: Callable[[list[ServiceLine]], list[ServiceLine]]) -> Claim:
    claim = claim_of(data)
    return attrs.evolve(claim, lines=tuple(change(list(claim.lines))))


def line_codes(claim: Claim, plan_of: dict[str, Any] | None = None) -> list[str]:
    from benlysta_coding import units

    data = plan_of or office()
    enc = encounter.from_dict(data)
    plan = units.plan_vials(Decimal(data["patient"]["weight_kg"]) * 10)
    return [f.code for f in checks.check_lines(enc, claim.lines, enc.payer, plan)]


def evolve_line(index: int, **changes: Any) -> Callable[[list[ServiceLine]], list[ServiceLine]]:
    def change(lines: list[ServiceLine]) -> list[ServiceLine]:
        lines[index] = attrs.evolve(lines[index], **changes)
        return lines

    return change


class TestLineChecks:
    """The office example: 68.3 kg, 683 mg, six 120 mg vials: lines J0490 x69 (UN 6), J0490-JW x3
    (UN 6), 96365 x1. Each check fires on an edited copy and not on the original."""

    def test_the_original_is_clean(self) -> None:
        assert [] == line_codes(claim_of(office()))

    def test_add_on_without_its_primary(self) -> None:
        data = office(infusion_minutes=95)  # 96365 + 96366
        claim = edited(data, lambda lines: [line for line in lines if line.code != "96365"])
        assert "addon-without-primary" in line_codes(claim, data)
        assert "addon-without-primary" not in line_codes(claim_of(data), data)

    def test_initial_code_twice(self) -> None:
        claim = edited(office(), evolve_line(2, units=2))  # the brief's "96365 for the extra hour"
        assert "initial-infusion-repeated" in line_codes(claim)
        both = edited(
            office(), lambda lines: [*lines, attrs.evolve(lines[2], code="96413", number=4)]
        )
        assert "initial-infusion-repeated" in line_codes(both)

    def test_each_date_of_service_is_checked_on_its_own(self) -> None:
        # the office example (J0490 x69, J0490-JW x3, 96365 x1, all 2025-03-03) billed again on
        # 2025-03-17, renumbered 4 to 6: every check holds per day, so the copy is clean too
        later = dt.date(2025, 3, 17)

        def twice(lines: list[ServiceLine]) -> list[ServiceLine]:
            again = [attrs.evolve(x, service_date=later, number=x.number + 3) for x in lines]
            return [*lines, *again]

        assert [] == line_codes(edited(office(), twice))
        # 96366 on the second day without that day's 96365: flagged at that line, on that day
        data = office(infusion_minutes=95)  # 96365 + 96366 on each day
        claim = edited(data, lambda lines: [*lines, attrs.evolve(lines[3], service_date=later)])
        found = [
            (f.code, f.path, f.message)
            for f in checks.check_lines(None, claim.lines, policy.MEDICARE_PART_B, None)
        ]
        assert [
            (
                "addon-without-primary",
                "$.lines[3]",
                "96366 is an add-on to 96365, which is not billed on 2025-03-17",
            )
        ] == found
        # one initial code on each of two days is not a repeat; two on one day is
        two_days = edited(office(), lambda ls: [*ls, attrs.evolve(ls[2], service_date=later)])
        assert "initial-infusion-repeated" not in line_codes(two_days)
        one_day = edited(office(), lambda ls: [*ls, attrs.evolve(ls[2], number=4)])
        assert "initial-infusion-repeated" in line_codes(one_day)

    def test_units_per_day_add_up_per_day(self) -> None:
        # 72 J0490 units (69 + 3 JW) a day; a maximum of 100 a day holds for 72 + 72 on two days
        later = dt.date(2025, 3, 17)
        capped = attrs.evolve(policy.MEDICARE_PART_B, max_units_per_day=100)
        claim = claim_of(office())
        again = [attrs.evolve(x, service_date=later, number=x.number + 3) for x in claim.lines]
        plan = units.plan_vials(683)
        two_days = checks.check_lines(None, [*claim.lines, *again], capped, plan)
        assert [] == [f.code for f in two_days]
        same_day = [attrs.evolve(x, number=x.number + 3) for x in claim.lines]
        one_day = checks.check_lines(None, [*claim.lines, *same_day], capped, plan)
        assert "144 J0490 units on 2025-03-03 exceed the maximum of 100 per day you supplied" in [
            f.message for f in one_day if f.code == "mue-exceeded"
        ]

    def test_jz_beside_jw(self) -> None:
        claim = edited(office(), evolve_line(0, modifiers=("JZ",)))
        assert "jz-with-jw" in line_codes(claim)

    def test_jw_and_jz_missing(self) -> None:
        no_jw = edited(office(), lambda lines: [lines[0], lines[2]])
        assert "jw-missing" in line_codes(no_jw)
        # 63.4 kg: 634 mg, 400 + 2 x 120, nothing wasted: JZ required by Medicare after 2023-07
        data = office(patient__weight_kg="63.4")
        no_jz = edited(data, evolve_line(0, modifiers=()))
        assert ["jz-missing"] == line_codes(no_jz, data)
        assert [] == line_codes(claim_of(data), data)

    def test_units_beyond_the_vials_counting_each_vial_once(self) -> None:
        # 69 + 4 = 73 units = 730 mg > six vials of 120 mg = 720 mg (the JW line repeats UN 6)
        claim = edited(office(), evolve_line(1, units=4))
        assert "units-exceed-vials" in line_codes(claim)
        assert "units-exceed-vials" not in line_codes(claim_of(office()))

    def test_units_not_matching_the_dose(self) -> None:
        claim = edited(office(), evolve_line(0, units=70))
        assert "units-dose-mismatch" in line_codes(claim)

    def test_ndc_not_of_the_code(self) -> None:
        claim = edited(office(), evolve_line(0, ndc="00002759701"))
        assert "ndc-hcpcs-mismatch" in line_codes(claim)
        admin = edited(
            office(),
            evolve_line(2, ndc="49401010101", ndc_unit=Unit.UN, ndc_quantity=Decimal(1)),
        )
        assert "ndc-hcpcs-mismatch" in line_codes(admin)

    def test_ndc_quantity_and_units_disagree(self) -> None:
        # five vials hold 600 mg, the line bills 69 units = 690 mg
        claim = edited(office(), evolve_line(0, ndc_quantity=Decimal(5)))
        assert "ndc-quantity-mismatch" in line_codes(claim)

    @pytest.mark.parametrize(
        ("modifiers", "day", "code"),
        [
            (("XX",), dt.date(2025, 3, 3), "modifier-unknown"),
            (("JZ",), dt.date(2022, 12, 31), "modifier-not-in-effect"),
            (("JG", "TB"), dt.date(2025, 3, 3), "modifier-jg-tb"),
            (("JG", "JZ", "XA", "XB", "XC"), dt.date(2025, 3, 3), "modifier-count"),
        ],
    )
    def test_modifiers(self, modifiers: tuple[str, ...], day: dt.date, code: str) -> None:
        claim = edited(office(), evolve_line(2, modifiers=modifiers, service_date=day))
        assert code in line_codes(claim)

    def test_units_per_day_limit_boundary(self) -> None:
        # 69 + 3 = 72 J0490 units on the day
        at_limit = attrs.evolve(policy.MEDICARE_PART_B, max_units_per_day=72)
        assert "mue-exceeded" not in codes(claim_of(office(), policy=at_limit))
        below = attrs.evolve(policy.MEDICARE_PART_B, max_units_per_day=71)
        assert "mue-exceeded" in codes(claim_of(office(), policy=below))


class TestDiagnoses:
    @pytest.mark.parametrize("code", ["M32.16", "M32.2", "M32.18"])
    def test_codes_that_do_not_exist(self, code: str) -> None:
        claim = claim_of(office(diagnoses=["M32.13", code]))
        assert "dx-invalid" in [f.code for f in claim.errors]
        assert "dx-not-in-library" not in codes(claim)

    def test_excludes1(self) -> None:
        claim = claim_of(office(diagnoses=["M32.14", "N08"], indication="lupus_nephritis"))
        assert "dx-excludes1" in [f.code for f in claim.errors]
        assert "dx-excludes1" not in codes(claim_of(office(diagnoses=["M32.14", "M32.13"])))

    def test_first_listed_outside_m32(self) -> None:
        claim = claim_of(office(diagnoses=["Z79.899", "M32.13"]))
        (found,) = [f for f in claim.findings if f.code == "dx-first-not-category"]
        assert "warning" == found.severity
        assert "dx-first-not-category" not in codes(claim_of(office()))

    def test_outside_the_library_stays_info(self) -> None:
        claim = claim_of(office(diagnoses=["M32.13", "Z79.899"]))
        (found,) = [f for f in claim.findings if f.code == "dx-not-in-library"]
        assert "info" == found.severity


class TestModifiersOnTheEncounter:
    def test_tb_from_2018_and_never_with_jg(self) -> None:
        ok = claim_of(hospital(drug_modifiers=["TB"], service_date="2019-05-06"))
        assert [] == list(ok.errors)
        both = claim_of(hospital(drug_modifiers=["JG", "TB"]))
        assert "modifier-jg-tb" in [f.code for f in both.errors]


class TestSubcutaneous:
    @pytest.mark.parametrize(
        ("indication", "dose", "warned"),
        [
            ("sle", "200", False),
            ("sle", "400", True),
            ("sle", "300", True),
            ("lupus_nephritis", "400", False),
            ("lupus_nephritis", "200", False),
            ("lupus_nephritis", "300", True),
        ],
    )
    def test_adult_doses(self, indication: str, dose: str, warned: bool) -> None:
        diagnoses = ["M32.14"] if indication == "lupus_nephritis" else ["M32.13"]
        claim = claim_of(sc(indication=indication, dose_mg=dose, diagnoses=diagnoses))
        assert warned == ("sc-dose-unusual" in codes(claim))

    def test_children_use_the_autoinjector(self) -> None:
        child = {"patient__birth_date": "2013-05-01", "patient__weight_kg": "45"}
        syringe = claim_of(sc(ndc="49401-088-47", **child))
        assert "sc-syringe-child" in codes(syringe)
        injector = claim_of(sc(ndc="49401-088-02", **child))
        assert "sc-syringe-child" not in codes(injector)
        adult = claim_of(sc(ndc="49401-088-47"))
        assert "sc-syringe-child" not in codes(adult)

    def test_commercial_gets_one_finding_about_the_route(self) -> None:
        found = codes(claim_of(sc()))
        assert "sc-medical-benefit" in found
        assert "j0490-sc-product" not in found


def test_under_five_is_a_warning_not_an_error() -> None:
    claim = claim_of(office(patient__birth_date="2021-06-01", patient__weight_kg="18"))
    (found,) = [f for f in claim.findings if f.code == "patient-under-5"]
    assert "warning" == found.severity
    assert "advance beneficiary notice" in found.fix


def test_an_ordinary_infusion_has_no_time_note() -> None:
    assert "infusion-additional-hour" not in codes(claim_of(office(infusion_minutes=60)))


class TestExportsRefuseTheSameWay:
    def test_every_export_refuses_a_claim_with_errors(self) -> None:
        professional = claim_of(office(diagnoses=["M32.13", "M32.1"]), prices=PRICES)
        institutional = claim_of(hospital(diagnoses=["M32.14", "M32.1"]), prices=PRICES)
        who = parties.from_encounter(encounter.from_dict(office()))
        attempts: list[Callable[[], object]] = [
            lambda: x12.render_837(professional, who),
            lambda: forms.cms1500(professional),
            lambda: forms.ub04(institutional),
            lambda: fhir.claim_resource(professional, who, created=TODAY),
        ]
        for attempt in attempts:
            with pytest.raises(ClaimHasErrors) as info:
                attempt()
            assert ["dx-not-billable"] == [f.code for f in info.value.findings]  # type: ignore[attr-defined]
            assert "BEN-2025" not in str(info.value)  # the claim id stays out of the message

    def test_drafts(self) -> None:
        professional = claim_of(office(diagnoses=["M32.13", "M32.1"]), prices=PRICES)
        assert forms.cms1500(professional, allow_errors=True)["rows"]
        institutional = claim_of(hospital(diagnoses=["M32.14", "M32.1"]), prices=PRICES)
        assert forms.ub04(institutional, allow_errors=True)["rows"]
        assert fhir.claim_resource(professional, allow_errors=True, created=TODAY)["item"]


class TestPayerAnswers:
    def test_ndc_denial(self) -> None:
        answer = findings.RULES["ndc-hcpcs-mismatch"].answer
        assert answer is not None
        assert ("CO-16", ("M119",), findings.Remedy.NEW_CLAIM) == (
            answer.carc,
            answer.rarc,
            answer.remedy,
        )

    def test_mue_denial(self) -> None:
        answer = findings.RULES["mue-exceeded"].answer
        assert answer is not None
        assert ("CO-96", ("N362",), findings.Remedy.APPEAL) == (
            answer.carc,
            answer.rarc,
            answer.remedy,
        )

    def test_answers_travel_on_findings_and_name_a_source(self) -> None:
        claim = claim_of(office(diagnoses=["M32.1"]))
        (found,) = [f for f in claim.findings if f.code == "dx-not-billable"]
        assert found.answer is not None
        assert "M76" in found.answer.rarc
        for rule in findings.RULES.values():
            if rule.answer is not None:
                assert rule.answer.source
        assert Claim.from_dict(claim.to_dict()) == claim


def test_line_kinds_unchanged() -> None:
    assert [LineKind.DRUG, LineKind.WASTE, LineKind.ADMINISTRATION] == [
        line.kind for line in claim_of(office()).lines
    ]


def test_the_ndc_findings_say_what_and_where() -> None:
    # the office claim: J0490 x69 and J0490-JW x3, each with NDC 49401-0101-01 (120 mg) x6 UN,
    # then 96365 x1 without an NDC
    first, waste, infusion = claim_of(office(), prices={"J0490": "12.50", "96365": "150"}).lines
    plan = units.plan_vials(683)

    def found(*lines: ServiceLine) -> list[tuple[str, str, str]]:
        checked = checks.check_lines(None, lines, policy.MEDICARE_PART_B, plan)
        return [(f.code, f.message, f.path) for f in checked if f.code.startswith(("ndc", "j0"))]

    with_ndc = attrs.evolve(infusion, ndc="49401010101", ndc_unit=Unit.UN, ndc_quantity=Decimal(1))
    assert [
        ("ndc-hcpcs-mismatch", "96365 is not a drug code but carries an NDC", "$.lines[2]")
    ] == found(first, waste, with_ndc)
    other_drug = attrs.evolve(first, ndc="00002759701")
    assert [
        (
            "ndc-hcpcs-mismatch",
            "NDC 00002759701 is not a product of J0490 (belimumab (Benlysta))",
            "$.lines[0]",
        )
    ] == found(other_drug, waste, infusion)
    autoinjector = attrs.evolve(first, ndc=products.SC_AUTOINJECTOR_1.ndc11)
    assert [("j0490-sc-product", "J0490 is billed with an SC product NDC", "$.lines[0]")] == found(
        autoinjector, waste, infusion
    )
    # five 120 mg vials hold 600 mg; 69 units are 690 mg
    too_few = attrs.evolve(first, ndc_quantity=Decimal(5))
    assert [
        (
            "ndc-quantity-mismatch",
            "the NDC quantity holds 600 mg but the line bills 69 units (690 mg)",
            "$.lines[0]",
        )
    ] == found(too_few, waste, infusion)


def test_diagnosis_findings_are_a_fresh_list_each_time() -> None:
    first = checks.diagnosis_findings(["M32.1", "N08"], Indication.SLE)
    assert ["dx-not-billable", "dx-no-sle"] == [f.code for f in first]
    first.clear()  # the caller's list: changing it changes nothing kept
    again = checks.diagnosis_findings(("M32.1", "N08"), Indication.SLE)
    assert ["dx-not-billable", "dx-no-sle"] == [f.code for f in again]
    assert (2, 3) == checks.diagnosis_pointers(["Z79.899", "M32.14", "M32.13"])
    assert (2, 3) == checks.diagnosis_pointers(("Z79.899", "M32.14", "M32.13"))


def test_diagnosis_checks_of_other_drugs_are_not_mixed_up() -> None:
    narrow = attrs.evolve(
        BELIMUMAB,
        name="a drug for lupus nephritis only",
        indication_diagnoses={
            "sle": ("M32.14",),
            "lupus_nephritis": ("M32.14",),
        },
    )
    assert narrow != BELIMUMAB
    assert [] == [f.code for f in checks.diagnosis_findings(["M32.13"], Indication.SLE)]
    assert ["dx-no-sle"] == [
        f.code for f in checks.diagnosis_findings(["M32.13"], Indication.SLE, narrow)
    ]
    assert (1,) == checks.diagnosis_pointers(["Z79.899", "M32.13"], narrow)
    assert (2,) == checks.diagnosis_pointers(["Z79.899", "M32.13"])


def test_long_diagnosis_lists_and_overlong_codes_get_the_same_checks() -> None:
    fourteen = ["Z79.899"] * 7 + [
        "M32.13",
        "M32.19",
        "M32.10",
        "M32.11",
        "M32.12",
        "M32.8",
        "M32.9",
    ]
    assert (8, 9, 10, 11) == checks.diagnosis_pointers(fourteen)  # at most 4, in order
    long_code = ["M32.13", "M32.1999999"]  # longer than any code: read without the cache
    assert (1,) == checks.diagnosis_pointers(long_code)
    codes = [f.code for f in checks.diagnosis_findings(long_code, Indication.SLE)]
    assert ["dx-invalid"] == codes
    assert ["dx-not-in-library"] * 7 + ["dx-first-not-category"] == [
        f.code for f in checks.diagnosis_findings(fourteen, Indication.SLE)
    ]  # Z79.899 is not in the library's code set; the first code is not M32
