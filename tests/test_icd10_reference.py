"""Check the ICD-10-CM table against an independent copy of the CMS data (simple-icd-10-cm)."""

from __future__ import annotations

import pytest

from benlysta_coding import icd10

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
