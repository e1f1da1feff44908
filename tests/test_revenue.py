"""benlysta_coding.revenue: the revenue codes of institutional claims."""

from __future__ import annotations

import pytest

from benlysta_coding import revenue
from benlysta_coding.facts import Certainty


class TestRevenue:
    @pytest.mark.parametrize("code", ["0636", "0260", "0250", "0637", "0510"])
    def test_codes_keep_leading_zero(self, code: str) -> None:
        assert code == revenue.lookup(code).code
        assert code == revenue.lookup(code[1:]).code

    def test_usage(self) -> None:
        assert "detailed coding" in revenue.REV_0636.summary
        assert "IV therapy" == revenue.REV_0260.summary
        assert Certainty.UNVERIFIED is revenue.REV_0637.certainty
