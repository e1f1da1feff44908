"""Check the ICD-10-CM table against an independent copy of the CMS data (simple-icd-10-cm)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import icd10
from benlysta_coding.errors import InvalidFormat, UnknownCode

reference = pytest.importorskip("simple_icd_10_cm")


@pytest.mark.parametrize("code", list(icd10.CODES))
def test_title_and_billable_flag_match_reference(code: str) -> None:
    entry = icd10.CODES[code]
    assert reference.is_valid_item(code)
    assert reference.get_description(code) == entry.title
    assert reference.is_leaf(code) == entry.billable


def test_m32_1_children_are_all_encoded() -> None:
    assert set(reference.get_children("M32.1")) <= set(icd10.CODES)
    assert set(reference.get_children("M32")) <= set(icd10.CODES)


def _reference_tokens(code: str) -> list[str]:
    """The codes named in the Excludes1 notes of ``code`` and its ancestors, from the CMS data."""
    notes = list(reference.get_excludes1(code))
    for ancestor in reference.get_ancestors(code):
        if reference.is_valid_item(ancestor) and not reference.is_chapter_or_block(ancestor):
            notes.extend(reference.get_excludes1(ancestor))
    tokens = []
    for note in notes:
        for found in re.findall(r"\(([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]*)?-?)\)", note):
            tokens.append(found)
    return tokens


def _reference_conflict(first: str, second: str) -> bool:
    def covers(token: str, code: str) -> bool:
        return code.startswith(token.rstrip("-").rstrip("."))

    return any(covers(t, second) for t in _reference_tokens(first)) or any(
        covers(t, first) for t in _reference_tokens(second)
    )


def test_excludes1_pairs_match_the_reference_for_every_pair() -> None:
    codes = list(icd10.CODES)
    expected = [
        (a, b) for i, a in enumerate(codes) for b in codes[i + 1 :] if _reference_conflict(a, b)
    ]
    assert ("M32.14", "N08") in expected  # the example of the issue: a real conflict
    assert expected == icd10.excludes1_conflicts(codes)


def test_every_code_of_category_m32_is_known() -> None:
    def descendants(code: str) -> set[str]:
        found = {code}
        for child in reference.get_children(code):
            found |= descendants(child)
        return found

    assert descendants("M32") == icd10.CATEGORY_CODES
    assert not reference.is_valid_item("M32.16")
    assert not reference.is_valid_item("M32.2")


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


_SHAPES = st.from_regex(r"[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?", fullmatch=True)


def _by_hand(code: str) -> str | None:
    """The dotted form worked out character by character, or ``None`` for a bad shape."""
    text = code.strip().upper()
    if "." in text:
        head, _, tail = text.partition(".")
        if len(head) != 3:
            return None
        text = head + tail
    alphanumeric = all(c.isascii() and c.isalnum() for c in text)
    if not (3 <= len(text) <= 7 and alphanumeric and text[0].isalpha() and text[1].isdigit()):
        return None
    return text if len(text) == 3 else f"{text[:3]}.{text[3:]}"


@given(st.one_of(_SHAPES, _SHAPES.map(lambda c: f"  {c} "), st.text(max_size=9)))
def test_validate_writes_every_spelling_as_worked_out_by_hand(code: str) -> None:
    expected = _by_hand(code)
    if expected is None:
        with pytest.raises(InvalidFormat):
            icd10.validate(code)
    else:
        assert icd10.validate(code) == expected
        assert icd10.validate(expected) == expected  # the written form is read as it is


def test_a_dot_is_read_only_after_the_third_character() -> None:
    assert icd10.validate(" m32.14 ") == "M32.14"
    assert icd10.validate("M3214") == "M32.14"
    for misplaced in ("M3.214", "M321.4", ".M3214", "M32..14"):
        assert _by_hand(misplaced) is None
        with pytest.raises(InvalidFormat):
            icd10.validate(misplaced)


def test_every_code_of_the_table_is_already_in_the_written_form() -> None:
    """validate() gives a code of the table back as it is, without reading it: right only because
    every key is the dotted form the shape check would give."""
    for code in icd10.CODES:
        assert icd10.validate(code.lower()) == code
        assert icd10.validate(code.replace(".", "")) == code
