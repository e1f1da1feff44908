"""Property tests for NDC normalisation over every layout."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import ndc
from benlysta_coding.errors import ValidationError
from benlysta_coding.strategies import labeled_ndcs, ndc11s


@given(labeled_ndcs())
def test_10_to_11_to_10_round_trip(labeled: tuple[str, ndc.Layout]) -> None:
    text, layout = labeled
    ndc11 = ndc.validate(text)
    assert 11 == len(ndc11)
    assert ndc11.isdigit()
    assert text == ndc.to_10(ndc11, layout=layout)
    assert text == ndc.to_10(text)


@given(labeled_ndcs())
def test_padding_inserts_exactly_one_zero(labeled: tuple[str, ndc.Layout]) -> None:
    text, _ = labeled
    ndc11 = ndc.validate(text)
    segments = text.split("-")
    padded = ndc.split(ndc11)
    assert [5, 4, 2] == [len(s) for s in padded]
    for original, normalised in zip(segments, padded, strict=True):
        assert normalised.lstrip("0") == original.lstrip("0")
        assert int(normalised) == int(original)


@given(ndc11s())
def test_validate_is_idempotent_and_agrees_with_format(ndc11: str) -> None:
    once = ndc.validate(ndc11)
    assert once == ndc.validate(once)
    assert once == ndc.validate(ndc.format(once))
    assert ndc.format(once).replace("-", "") == once
    assert ndc.is_valid(ndc.format(once))


@given(
    ndc11s(),
    st.sampled_from(list(ndc.Unit)),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999999"), places=3),
)
def test_claim_string_round_trip(ndc11: str, unit: ndc.Unit, quantity: Decimal) -> None:
    parsed = ndc.parse_claim_string(ndc.claim_string(ndc11, quantity, unit))
    assert (ndc11, unit, quantity) == (parsed.ndc11, parsed.unit, parsed.quantity)


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789- N4\u2013\uff10"),
        st.binary(),
        st.integers(),
        st.none(),
        st.floats(),
    )
)
def test_is_valid_agrees_with_validate_and_junk_raises_only_documented(value: object) -> None:
    try:
        ndc.validate(value)  # type: ignore[arg-type]
    except ValidationError:
        assert ndc.is_valid(value) is False
    except TypeError:
        assert not isinstance(value, str)
        assert ndc.is_valid(value) is False
    else:
        assert ndc.is_valid(value) is True


@given(st.text("0123456789", min_size=10, max_size=10))
def test_npi_check_digit_matches_the_luhn_definition(npi: str) -> None:
    """The NPI check: Luhn over the prefix 80840 and the ten digits, written out plainly here."""
    from benlysta_coding.parties import npi_is_valid

    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    assert (total % 10 == 0) == npi_is_valid(npi)
