"""Example tests for NDC normalisation, including the facts-file products and the user-asks cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benlysta_coding import ndc, products
from benlysta_coding.errors import (
    AmbiguousNDC,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    OutOfRange,
    UnknownCode,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("49401-101-01", "49401010101"),
        ("49401-102-01", "49401010201"),
        ("49401-088-02", "49401008802"),
        ("49401-088-35", "49401008835"),
        ("49401-088-47", "49401008847"),
        ("49401-088-61", "49401008861"),
        ("49401-0101-01", "49401010101"),
        ("49401010101", "49401010101"),
        ("  49401-101-01\t", "49401010101"),
        ("N449401010101", "49401010101"),
        ("n4 49401-102-01", "49401010201"),
        ("0002-7597-01", "00002759701"),
        ("60575-4112-1", "60575411201"),
    ],
)
def test_validate_examples(value: str, expected: str) -> None:
    assert expected == ndc.validate(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("4940110101", "49401010101"), ("4940110201", "49401010201")]
)
def test_ten_bare_digits_need_the_catalogue(value: str, expected: str) -> None:
    assert expected == ndc.validate(value, products.CATALOGUE)
    with pytest.raises(AmbiguousNDC):  # the module knows no product list of its own
        ndc.validate(value)


def test_the_removed_default_catalogue_is_gone() -> None:
    assert not hasattr(ndc, "BENLYSTA_CATALOGUE")  # 0.x: removed with its upward import
    assert "49401-101-01" == products.CATALOGUE["49401010101"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", InvalidFormat),
        ("   ", InvalidFormat),
        ("N4", InvalidFormat),
        ("49401-101", InvalidFormat),
        ("49401-101-01-1", InvalidFormat),
        ("4940-101-01", InvalidFormat),
        ("49401-10101", InvalidFormat),
        ("49401 101 01", InvalidFormat),
        ("49401\u2013101\u201301", InvalidFormat),
        ("\uff14\uff19\uff14\uff10\uff11-101-01", InvalidFormat),
        ("\u0664\u0669401-101-01", InvalidFormat),
        ("49401-1O1-01", InvalidFormat),
        ("49401_101_01", InvalidFormat),
        ("4940101", InvalidLength),
        ("494010101", InvalidLength),
        ("494010101011", InvalidLength),
        ("0002759701", AmbiguousNDC),
    ],
)
def test_validate_rejects(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        ndc.validate(value)
    assert ndc.is_valid(value) is False


def test_non_string_is_type_error() -> None:
    with pytest.raises(TypeError):
        ndc.validate(49401010101)  # type: ignore[arg-type]


def test_ambiguous_ten_digits_lists_candidates() -> None:
    with pytest.raises(AmbiguousNDC) as info:
        ndc.validate("0002759701")
    assert ("00002759701", "00027059701", "00027597001") == info.value.candidates


def test_ten_digits_resolved_with_custom_catalogue() -> None:
    catalogue = {"00002759701": "0002-7597-01"}
    assert "00002759701" == ndc.validate("0002759701", catalogue)
    assert "0002-7597-01" == ndc.to_10("00002759701", catalogue=catalogue)


def test_to_10_uses_catalogue_for_benlysta() -> None:
    # 49401010201 fits 5-3-2 and 5-4-1; the catalogue knows the label says 5-3-2.
    assert "49401-102-01" == ndc.to_10("49401010201", catalogue=products.CATALOGUE)
    with pytest.raises(AmbiguousNDC) as info:
        ndc.to_10("49401010201", catalogue={})
    assert ("49401-102-01", "49401-0102-1") == info.value.candidates


def test_to_10_explicit_layout_and_impossible_layout() -> None:
    assert "49401-0102-1" == ndc.to_10("49401010201", layout="5-4-1")
    with pytest.raises(InvalidComponent):
        ndc.to_10("49401010201", layout="4-4-2")
    with pytest.raises(InvalidFormat):
        ndc.to_10("49401010201", layout="6-3-1")


def test_to_10_single_possible_layout_and_none() -> None:
    assert "60575-4112-1" == ndc.to_10("60575411201", catalogue={})
    with pytest.raises(InvalidComponent):
        ndc.to_10("12345678911")


def test_to_10_keeps_hyphenated_input_layout() -> None:
    assert "0002-7597-01" == ndc.to_10("0002-7597-01")


def test_format_and_split() -> None:
    assert "49401-0101-01" == ndc.format("49401-101-01")
    assert ("49401", "0102", "01") == ndc.split("4940110201", products.CATALOGUE)


def test_vials_pad_the_product_segment() -> None:
    # Facts section 1: the vials are 5-3-2 on the label, so 101 -> 0101.
    for product in products.IV_VIALS:
        assert product.layout == "5-3-2"
        labeler, product_segment, package = product.ndc10.split("-")
        assert product.ndc11 == labeler + "0" + product_segment + package


def test_claim_string_round_trip() -> None:
    text = ndc.claim_string("49401-101-01", Decimal(2), ndc.Unit.UN)
    assert "N449401010101 UN2" == text
    parsed = ndc.parse_claim_string(text)
    assert ("49401010101", ndc.Unit.UN, Decimal(2)) == (parsed.ndc11, parsed.unit, parsed.quantity)


@pytest.mark.parametrize("quantity", ["1.2345", "0", "-1", Decimal("1E+11")])
def test_claim_string_rejects_quantities(quantity: str | Decimal) -> None:
    with pytest.raises(OutOfRange):
        ndc.claim_string("49401-101-01", quantity, "UN")


def test_claim_string_rejects_float_and_unit() -> None:
    with pytest.raises(TypeError):
        ndc.claim_string("49401-101-01", 1.5, "UN")  # type: ignore[arg-type]
    with pytest.raises(InvalidFormat):
        ndc.claim_string("49401-101-01", 1, "EA")


@pytest.mark.parametrize(
    "text", ["N449401010101 XX1", "49401010101 UN1", "N449401010101 UN1,000", "N449401010101 UN"]
)
def test_parse_claim_string_rejects(text: str) -> None:
    with pytest.raises(InvalidFormat):
        ndc.parse_claim_string(text)


def test_products_lookup() -> None:
    assert products.VIAL_120 is products.lookup("4940110101")
    with pytest.raises(UnknownCode):
        products.lookup("0002-7597-01")
