"""Example tests for every sure fact of the facts file (sections 1, 2, 4, 5, 6, 7) and its section 9."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from benlysta_coding import cpt, hcpcs, icd10, modifiers, place_of_service, products, revenue
from benlysta_coding.errors import CodeNotInEffect, InvalidFormat, UnknownCode
from benlysta_coding.facts import SOURCES, Certainty


class TestProducts:
    def test_vials(self) -> None:
        v120, v400 = products.VIAL_120, products.VIAL_400
        assert ("49401-101-01", "49401010101") == (v120.ndc10, v120.ndc11)
        assert ("49401-102-01", "49401010201") == (v400.ndc10, v400.ndc11)
        assert (Decimal(120), Decimal(400)) == (v120.strength_mg, v400.strength_mg)
        assert ("5 mL vial", "20 mL vial") == (v120.container, v400.container)
        assert (Decimal("1.5"), Decimal("4.8")) == (
            v120.reconstitute_with_ml,
            v400.reconstitute_with_ml,
        )
        for vial in (v120, v400):
            assert Decimal(80) == vial.concentration_mg_per_ml
            assert vial.route is products.Route.IV
            assert vial.single_dose
            assert 1 == vial.units_per_carton
            assert Certainty.VERIFIED is vial.certainty

    def test_concentration_is_not_strength_over_container(self) -> None:
        # 120 mg in a 5 mL container is not 24 mg/mL: both vials are 80 mg/mL reconstituted.
        assert Decimal(24) != products.VIAL_120.concentration_mg_per_ml
        assert products.VIAL_120.strength_mg / products.VIAL_120.concentration_mg_per_ml == Decimal(
            "1.5"
        )

    @pytest.mark.parametrize(
        ("product", "ndc11", "count", "device", "inner"),
        [
            (
                products.SC_AUTOINJECTOR_1,
                "49401008802",
                1,
                products.Device.AUTOINJECTOR,
                "49401-088-01",
            ),
            (
                products.SC_AUTOINJECTOR_4,
                "49401008835",
                4,
                products.Device.AUTOINJECTOR,
                "49401-088-01",
            ),
            (
                products.SC_SYRINGE_4,
                "49401008847",
                4,
                products.Device.PREFILLED_SYRINGE,
                "49401-088-42",
            ),
        ],
    )
    def test_sc_cartons(
        self, product: products.Product, ndc11: str, count: int, device: products.Device, inner: str
    ) -> None:
        assert (ndc11, count, device, inner) == (
            product.ndc11,
            product.units_per_carton,
            product.device,
            product.inner_ndc10,
        )
        assert products.Route.SC is product.route
        assert Decimal(200) == product.concentration_mg_per_ml
        assert Certainty.VERIFIED is product.certainty
        assert Certainty.SECONDARY is product.device_certainty

    def test_unverified_carton_is_marked_not_hidden(self) -> None:
        entry = products.lookup("49401-088-61")
        assert Certainty.UNVERIFIED is entry.certainty
        assert entry.units_per_carton is None
        assert products.Device.UNKNOWN is entry.device

    def test_every_product_ndc_round_trips(self) -> None:
        from benlysta_coding import ndc

        for product in products.PRODUCTS.values():
            assert product.ndc11 == ndc.validate(product.ndc10)
            assert product.ndc10 == ndc.to_10(product.ndc11, catalogue=products.CATALOGUE)
        assert products.PRODUCTS is products.CODES


class TestHCPCS:
    def test_j0490(self) -> None:
        entry = hcpcs.lookup(" j0490 ")
        assert "Injection, belimumab, 10 mg" == entry.summary
        assert Decimal(10) == entry.billing_unit_mg
        assert Certainty.VERIFIED is entry.certainty

    def test_j0491_is_not_belimumab(self) -> None:
        with pytest.raises(UnknownCode, match="anifrolumab"):
            hcpcs.lookup("J0491")

    def test_2011_is_out_of_scope(self) -> None:
        with pytest.raises(CodeNotInEffect):
            hcpcs.lookup("J0490", on=dt.date(2011, 12, 31))
        assert hcpcs.J0490.in_effect(dt.date(2012, 1, 1))
        with pytest.raises(UnknownCode, match="2011"):
            hcpcs.lookup("Q2044")


class TestCPT:
    def test_96365_is_initial_hour_and_96366_additional(self) -> None:
        # Section 9: the brief called 96365 "each additional hour".
        assert "first hour" in cpt.CPT_96365.summary
        assert cpt.CPT_96365.add_on_to is None
        assert "each further hour" in cpt.CPT_96366.summary
        assert "96365" == cpt.CPT_96366.add_on_to
        assert "96413" == cpt.CPT_96415.add_on_to
        assert cpt.CPT_96413.complex
        assert cpt.CPT_96415.complex
        assert cpt.CPT_96409.complex
        assert not cpt.CPT_96365.complex

    def test_sure_codes(self) -> None:
        assert {"96365", "96413"} == {
            c.code for c in cpt.CODES.values() if c.certainty is Certainty.VERIFIED
        }

    @pytest.mark.parametrize(
        ("minutes", "infusion", "extra"),
        [
            (0, False, 0),
            (15, False, 0),
            (16, True, 0),
            (60, True, 0),
            (90, True, 0),
            (91, True, 1),
            (150, True, 1),
            (151, True, 2),
            (211, True, 3),
        ],
    )
    def test_time_rules(self, minutes: int, infusion: bool, extra: int) -> None:
        assert infusion == cpt.infusion_qualifies(minutes)
        assert extra == cpt.additional_hour_units(minutes)

    def test_time_rule_input(self) -> None:
        with pytest.raises(TypeError):
            cpt.additional_hour_units(60.0)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="zero or more"):
            cpt.infusion_qualifies(-1)


class TestModifiers:
    def test_dates(self) -> None:
        assert dt.date(2017, 1, 1) == modifiers.JW.required_from
        assert (dt.date(2023, 1, 1), dt.date(2023, 7, 1)) == (
            modifiers.JZ.effective,
            modifiers.JZ.required_from,
        )
        assert dt.date(2018, 1, 1) == modifiers.JG.effective
        assert dt.date(2018, 1, 1) == modifiers.TB.effective  # the facts file corrected this
        assert modifiers.JG.end is None

    def test_effective_lookup(self) -> None:
        assert modifiers.JZ is modifiers.lookup("jz", on=dt.date(2023, 1, 1))
        with pytest.raises(CodeNotInEffect):
            modifiers.lookup("JZ", on=dt.date(2022, 12, 31))
        assert modifiers.JW is modifiers.lookup("JW", on=dt.date(2010, 1, 1))


class TestRevenue:
    @pytest.mark.parametrize("code", ["0636", "0260", "0250", "0637", "0510"])
    def test_codes_keep_leading_zero(self, code: str) -> None:
        assert code == revenue.lookup(code).code
        assert code == revenue.lookup(code[1:]).code

    def test_usage(self) -> None:
        assert "detailed coding" in revenue.REV_0636.summary
        assert "IV therapy" == revenue.REV_0260.summary
        assert Certainty.UNVERIFIED is revenue.REV_0637.certainty


class TestICD10:
    def test_lupus_nephritis_is_m32_14_not_n05_9(self) -> None:
        assert icd10.lookup("M32.14").lupus_nephritis
        n059 = icd10.lookup("N05.9")
        assert not n059.lupus_nephritis
        assert not n059.sle
        assert "nephritic syndrome" in n059.title
        assert "M32.14" in n059.note

    def test_m32_1_is_a_header(self) -> None:
        assert icd10.lookup("M32.1").billable is False
        assert [f"M32.1{d}" for d in "0123459"] == [
            c for c, e in icd10.CODES.items() if c.startswith("M32.1") and e.billable
        ]

    def test_m32_10_is_unspecified_not_without(self) -> None:
        title = icd10.lookup("M3210").title
        assert "unspecified" in title
        assert "without" not in title

    def test_shapes(self) -> None:
        assert "M32.14" == icd10.validate(" m3214 ")
        assert "M32" == icd10.format("m32")
        assert icd10.is_valid("Z99.89")
        for bad in ("", "3214", "M3", "M32.14.1", "M32.1456789", 3214):
            assert not icd10.is_valid(bad)
        with pytest.raises(InvalidFormat):
            icd10.validate("M-32")
        with pytest.raises(UnknownCode):
            icd10.lookup("Z99.89")


class TestPlaceOfService:
    def test_codes(self) -> None:
        assert "Office" == place_of_service.lookup("11").summary
        assert "Off-campus" in place_of_service.POS_19.summary
        assert "On-campus" in place_of_service.POS_22.summary
        with pytest.raises(CodeNotInEffect):
            place_of_service.lookup("19", on=dt.date(2015, 12, 31))

    def test_type_of_bill(self) -> None:
        assert "0131" == place_of_service.bill_type("013x")
        assert "0851" == place_of_service.bill_type("085x", "1")
        with pytest.raises(UnknownCode):
            place_of_service.bill_type("011x")
        with pytest.raises(InvalidFormat):
            place_of_service.bill_type("013x", "12")


def test_every_cited_source_exists() -> None:
    tables = [
        hcpcs.CODES,
        cpt.CODES,
        modifiers.CODES,
        revenue.CODES,
        icd10.CODES,
        place_of_service.CODES,
    ]
    cited = {s for table in tables for entry in table.values() for s in entry.sources}
    cited |= {s for p in products.PRODUCTS.values() for s in p.sources}
    assert cited <= set(SOURCES)


def test_docs_list_every_finding_code() -> None:
    import subprocess
    import sys
    from pathlib import Path

    from benlysta_coding.findings import RULES

    root = Path(__file__).resolve().parent.parent
    check = subprocess.run(
        [sys.executable, "scripts/docs_tables.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == check.returncode, check.stderr
    page = (root / "docs" / "findings.rst").read_text()
    for code in RULES:
        assert f"_`{code}`" in page  # the code with its anchor


class TestErrorsOfTheBrief:
    """Facts file, section 9: each error of the original brief, and the value the library carries."""

    def test_96365_is_not_each_additional_hour(self) -> None:
        assert "first hour" in cpt.lookup("96365").summary
        assert "each further hour" in cpt.lookup("96366").summary

    def test_n05_9_is_not_lupus_nephritis(self) -> None:
        assert not icd10.lookup("N05.9").lupus_nephritis
        assert [c for c, e in icd10.CODES.items() if e.lupus_nephritis] == ["M32.14"]

    def test_m32_10_is_involvement_unspecified(self) -> None:
        assert icd10.lookup("M32.10").title.endswith("organ or system involvement unspecified")

    def test_m32_1_is_not_billable(self) -> None:
        assert not icd10.lookup("M32.1").billable

    def test_faq_96365_initial_and_96413_96415_complex(self) -> None:
        assert cpt.CPT_96365.add_on_to is None
        assert (True, True) == (cpt.CPT_96413.complex, cpt.CPT_96415.complex)

    def test_j0490_pairs_with_the_iv_vials(self) -> None:
        assert hcpcs.J0490.note.startswith("Bill with the IV vial NDCs")
        assert {products.Route.IV} == {p.route for p in products.IV_VIALS}
