"""benlysta_coding.hcpcs: the drug's HCPCS code, its billing unit and its dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from benlysta_coding import hcpcs
from benlysta_coding.errors import CodeNotInEffect, UnknownCode
from benlysta_coding.facts import Certainty


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
