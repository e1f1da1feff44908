"""benlysta_coding.modifiers: the modifiers, their meanings and the dates they are in effect."""

from __future__ import annotations

import datetime as dt

import pytest

from benlysta_coding import modifiers
from benlysta_coding.errors import CodeNotInEffect


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
