"""benlysta_coding.cpt: the administration codes and the infusion time rules."""

from __future__ import annotations

import pytest

from benlysta_coding import cpt
from benlysta_coding.facts import Certainty


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
