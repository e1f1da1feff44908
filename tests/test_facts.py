"""benlysta_coding.facts: every cited source exists, and the errors of the brief are not carried."""

from __future__ import annotations

from benlysta_coding import cpt, hcpcs, icd10, modifiers, place_of_service, products, revenue
from benlysta_coding.facts import SOURCES


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
