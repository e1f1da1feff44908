"""The report wrapper's quick path gives textwrap's lines, for every text it takes."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding.export.text import wrap

words = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)


@given(
    st.lists(words, max_size=30).map(" ".join) | st.text(max_size=200),
    st.integers(min_value=0, max_value=120),
    st.sampled_from(["", "  ", "    "]),
    st.sampled_from(["", "    ", "      "]),
)
def test_wrap_is_textwrap(text: str, width: int, first: str, rest: str) -> None:
    expected = textwrap.wrap(
        text,
        width=max(width, 40),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    assert expected == wrap(text, width, first, rest)
