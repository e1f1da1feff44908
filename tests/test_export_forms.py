"""benlysta_coding.export.forms: the CMS-1500 and UB-04 field maps."""

from __future__ import annotations

import attrs
import pytest

from benlysta_coding import policy
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.export import forms
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
