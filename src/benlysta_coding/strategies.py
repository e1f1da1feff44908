"""Hypothesis strategies for the library's values, for your own property tests.

This is the only module that imports Hypothesis, which is not a runtime dependency: install it
(``pip install hypothesis``) before importing this module.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from benlysta_coding import ndc

__all__ = ["labeled_ndcs", "ndc11s", "weights_kg"]

_DIGIT = "0123456789"


@st.composite
def labeled_ndcs(draw: st.DrawFn) -> tuple[str, ndc.Layout]:
    """A hyphenated 10-digit NDC in any of the three layouts, with its layout."""
    layout = draw(st.sampled_from(list(ndc.Layout)))
    lengths = [int(n) for n in layout.value.split("-")]
    segments = [draw(st.text(_DIGIT, min_size=n, max_size=n)) for n in lengths]
    return "-".join(segments), layout


def ndc11s() -> st.SearchStrategy[str]:
    """Eleven ASCII digits: an NDC in the normalised form."""
    return st.text(_DIGIT, min_size=11, max_size=11)


def weights_kg(low: str = "15", high: str = "250") -> st.SearchStrategy[Decimal]:
    """Body weights in kg with at most one decimal place."""
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=1)
