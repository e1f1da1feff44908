"""NDC (National Drug Code).

The NDC names a drug package in three segments: labeler, product and package. On the label it has 10
digits in one of three layouts (4-4-2, 5-3-2 or 5-4-1); on claims (HIPAA standard, X12 loop 2410,
CMS-1500 item 24, UB-04 form locator 43) payers want 11 digits in the 5-4-2 layout, made by padding
the short segment with a leading zero: ``49401-101-01`` (5-3-2) becomes ``49401-0101-01`` and is
written bare as ``49401010101``.

This module follows the python-stdnum interface: :func:`compact`, :func:`validate` (the 11 digits, or
an error), :func:`is_valid` (never raises), :func:`format` and :func:`split`, plus :func:`to_10` for the
labeled form and :func:`claim_string` / :func:`parse_claim_string` for the CMS-1500 NDC line.

Accepted spellings: hyphenated 4-4-2, 5-3-2, 5-4-1 and 5-4-2; 11 bare digits; surrounding white space;
the ``N4`` qualifier prefix. 10 bare digits fit three layouts, so they are accepted only when exactly one
layout gives a product of the ``catalogue`` you pass (a mapping of 11-digit NDCs to their labeled form,
such as :data:`benlysta_coding.products.CATALOGUE`); otherwise
:class:`~benlysta_coding.errors.AmbiguousNDC` names the candidates. Like a python-stdnum module, this
module knows the identifier only: it never imports a product list. Everything else is refused with a
clear error, including spaces or Unicode dashes (such as the en dash of a PDF) inside the value and
non-ASCII digits (full-width, Arabic-Indic), which are never read as if they were digits: write
segments with the ASCII hyphen-minus.

More information:

* https://www.fda.gov/drugs/drug-approvals-and-databases/national-drug-code-directory
* S14 X12 RFI 2151 (NDC in loop 2410); NUCC CMS-1500 instructions for item 24, https://www.nucc.org/

>>> validate("49401-101-01")
'49401010101'
>>> validate(" N449401010201 ")
'49401010201'
>>> from benlysta_coding.products import CATALOGUE
>>> format("4940110101", CATALOGUE)
'49401-0101-01'
>>> to_10("49401010201", catalogue=CATALOGUE)
'49401-102-01'
>>> to_10("00002759701", layout="4-4-2")
'0002-7597-01'
>>> validate("0002759701")
Traceback (most recent call last):
    ...
benlysta_coding.errors.AmbiguousNDC: 10 bare digits fit three layouts and none, or more than one, is a known product: 0002-7597-01 (4-4-2) = 00002759701, 00027-597-01 (5-3-2) = 00027059701, 00027-5970-1 (5-4-1) = 00027597001. Write the NDC with hyphens or as 11 digits.
>>> claim_string("49401-101-01", 1, Unit.UN)
'N449401010101 UN1'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Final, NamedTuple, NewType

from benlysta_coding._util import exact, plain, require_str, to_decimal
from benlysta_coding.errors import (
    AmbiguousNDC,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    OutOfRange,
)

__all__ = [
    "NDC11",
    "ClaimNDC",
    "Layout",
    "Unit",
    "claim_string",
    "compact",
    "format",
    "is_valid",
    "parse_claim_string",
    "split",
    "to_10",
    "validate",
]

NDC11 = NewType("NDC11", str)
"""An NDC in the normalised 11-digit form, digits only; made by :func:`validate`."""


class Layout(enum.StrEnum):
    """The three 10-digit labeled layouts (segment lengths)."""

    L442 = "4-4-2"
    L532 = "5-3-2"
    L541 = "5-4-1"


class Unit(enum.StrEnum):
    """NDC unit-of-measure qualifiers for claims (X12 CTP05-1, CMS-1500 item 24)."""

    F2 = "F2"
    """International unit."""
    GR = "GR"
    """Gram."""
    ME = "ME"
    """Milligram."""
    ML = "ML"
    """Millilitre."""
    UN = "UN"
    """Unit (each): a powder vial counts as one unit even after reconstitution."""


_NO_CATALOGUE: Final[Mapping[str, str]] = {}


_SHAPES: Final[dict[tuple[int, ...], Layout]] = {
    (4, 4, 2): Layout.L442,
    (5, 3, 2): Layout.L532,
    (5, 4, 1): Layout.L541,
}
_PAD_INDEX: Final = {Layout.L442: 0, Layout.L532: 5, Layout.L541: 9}
_DIGITS: Final = frozenset("0123456789")
_ACCEPTED = (
    "an NDC needs three segments in one of the layouts 4-4-2, 5-3-2, 5-4-1 or 5-4-2 "
    "(for example 49401-101-01), or 11 digits"
)
_CLAIM_PATTERN: Final = re.compile(
    r"N4([0-9]{11}) ?(F2|GR|ME|ML|UN)([0-9]+(?:\.[0-9]{1,3})?)", re.ASCII
)


def compact(value: str) -> str:
    """Return ``value`` without surrounding white space and without the ``N4`` claim qualifier.

    Hyphens are kept: they carry the layout.

    >>> compact("  N449401-101-01 ")
    '49401-101-01'
    """
    text = require_str(value, "NDC").strip()
    if text[:2].upper() == "N4":
        text = text[2:].strip()
    return text


def _check_characters(text: str) -> None:
    for char in text:
        if char in _DIGITS or char == "-":
            continue
        if char.isdigit() or char.isnumeric():
            raise InvalidFormat(
                "NDC: only ASCII digits 0-9 are accepted (full-width and other non-ASCII digits "
                "are refused)"
            )
        if char.isspace():
            raise InvalidFormat(
                "NDC: white space inside the value is refused; separate segments "
                "with '-' (ASCII hyphen-minus)"
            )
        if char in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d":
            raise InvalidFormat(
                "NDC: a Unicode dash is refused; separate segments with '-' (ASCII hyphen-minus)"
            )
        raise InvalidFormat(f"NDC: only digits and '-' are accepted; {_ACCEPTED}")


def _pad(digits: str, layout: Layout) -> str:
    index = _PAD_INDEX[layout]
    return digits[:index] + "0" + digits[index:]


def _hyphenate(digits10: str, layout: Layout) -> str:
    first, second, _ = (int(n) for n in layout.value.split("-"))
    return f"{digits10[:first]}-{digits10[first : first + second]}-{digits10[first + second :]}"


def _unpad(ndc11: str, layout: Layout) -> str:
    index = _PAD_INDEX[layout]
    return _hyphenate(ndc11[:index] + ndc11[index + 1 :], layout)


def _parse(value: str, catalogue: Mapping[str, str] | None) -> tuple[NDC11, Layout | None]:
    text = compact(value)
    if not text:
        raise InvalidFormat(f"NDC: the value is empty; {_ACCEPTED}")
    _check_characters(text)
    if "-" in text:
        segments = text.split("-")
        if len(segments) != 3:
            raise InvalidFormat(
                f"{_ACCEPTED[0].upper()}{_ACCEPTED[1:]}; got {len(segments)} segment(s)."
            )
        shape = tuple(len(s) for s in segments)
        if shape == (5, 4, 2):
            return NDC11("".join(segments)), None
        layout = _SHAPES.get(shape)
        if layout is None:
            raise InvalidFormat(
                f"NDC: segments of {'-'.join(map(str, shape))} digits are not a valid layout; "
                f"{_ACCEPTED}"
            )
        return NDC11(_pad("".join(segments), layout)), layout
    if len(text) == 11:
        return NDC11(text), None
    if len(text) == 10:
        fits = [(layout, _pad(text, layout)) for layout in Layout]
        known = [
            (layout, ndc11)
            for layout, ndc11 in fits
            if (catalogue or _NO_CATALOGUE).get(ndc11, "").replace("-", "") == text
        ]
        if len(known) == 1:
            return NDC11(known[0][1]), known[0][0]
        candidates = [f"{_hyphenate(text, layout)} ({layout}) = {ndc11}" for layout, ndc11 in fits]
        raise AmbiguousNDC(
            "10 bare digits fit three layouts and none, or more than one, is a known product: "
            + ", ".join(candidates)
            + ". Write the NDC with hyphens or as 11 digits.",
            candidates=[ndc11 for _, ndc11 in fits],
        )
    raise InvalidLength(
        f"NDC: {len(text)} digits is not a valid length; {_ACCEPTED} "
        "(10 bare digits only when they match a known product)"
    )


_FAST: Final = re.compile(r"([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})|([0-9]{11})")
_FAST_SHAPES: Final = frozenset({(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)})
_FAST_10: Final = re.compile(
    r"[0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-(?:[0-9]{3}-[0-9]{2}|[0-9]{4}-[0-9])"
)


def validate(value: str, catalogue: Mapping[str, str] | None = None) -> NDC11:
    """Return the 11-digit form (digits only) of an NDC, or raise a ValidationError.

    ``catalogue`` maps known 11-digit NDCs to their labeled form; it is used only to read 10 bare
    digits. A non-string is a :class:`TypeError`.

    >>> validate("49401-0102-01")
    '49401010201'
    """
    if value.__class__ is str:  # the common spellings, read by one pattern
        match = _FAST.fullmatch(value)
        if match is not None:
            if match[4]:
                return NDC11(match[4])
            labeler, product, package = match[1], match[2], match[3]
            if (len(labeler), len(product), len(package)) in _FAST_SHAPES:
                return NDC11(labeler.zfill(5) + product.zfill(4) + package.zfill(2))
    return _parse(value, catalogue)[0]


def is_valid(value: object, catalogue: Mapping[str, str] | None = None) -> bool:
    """Return whether ``value`` is an accepted NDC spelling; never raises, whatever it is given.

    >>> is_valid("49401-101-01"), is_valid("49401-101"), is_valid(None)
    (True, False, False)
    """
    try:
        validate(value, catalogue)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def split(value: str, catalogue: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """Return the labeler, product and package segments of the 11-digit form.

    >>> split("49401-101-01")
    ('49401', '0101', '01')
    """
    ndc11 = validate(value, catalogue)
    return ndc11[:5], ndc11[5:9], ndc11[9:]


def format(value: str, catalogue: Mapping[str, str] | None = None) -> str:  # noqa: A001
    """Return the hyphenated 11-digit 5-4-2 form, for example ``49401-0101-01``.

    >>> format("49401-101-01")
    '49401-0101-01'
    """
    return "-".join(split(value, catalogue))


def to_10(
    value: str,
    layout: Layout | str | None = None,
    catalogue: Mapping[str, str] | None = None,
) -> str:
    """Return the hyphenated 10-digit labeled form.

    11 -> 10 is ambiguous in general (``49401010201`` could be 5-3-2 or 5-4-1). The layout comes from,
    in order: ``layout`` if given; the input itself if it was a hyphenated 10-digit form; the
    catalogue; or the digits, when only one segment starts with the padding zero. Otherwise
    :class:`~benlysta_coding.errors.AmbiguousNDC` names the candidates.

    >>> to_10("49401010201", layout="5-4-1")
    '49401-0102-1'
    """
    if layout is None and value.__class__ is str and _FAST_10.fullmatch(value):
        return value  # already the hyphenated 10-digit form
    ndc11, known_layout = _parse(value, catalogue)
    if layout is not None:
        try:
            chosen = Layout(layout)
        except ValueError:
            raise InvalidFormat("NDC layout: expected '4-4-2', '5-3-2' or '5-4-1'") from None
        if ndc11[_PAD_INDEX[chosen]] != "0":
            raise InvalidComponent(
                f"NDC {format(ndc11)} has no {chosen} form: that segment does not start with the "
                "padding zero"
            )
        return _unpad(ndc11, chosen)
    if known_layout is not None:
        return _unpad(ndc11, known_layout)
    if catalogue and ndc11 in catalogue:
        return catalogue[ndc11]
    possible = [candidate for candidate in Layout if ndc11[_PAD_INDEX[candidate]] == "0"]
    if len(possible) == 1:
        return _unpad(ndc11, possible[0])
    if not possible:
        raise InvalidComponent(
            f"NDC {format(ndc11)} has no 10-digit form: no segment starts with a padding zero"
        )
    forms = [_unpad(ndc11, candidate) for candidate in possible]
    raise AmbiguousNDC(
        f"NDC {format(ndc11)} has more than one 10-digit form: {', '.join(forms)}; "
        "pass layout= or a catalogue that knows the product",
        candidates=forms,
    )


class ClaimNDC(NamedTuple):
    """The parts of a CMS-1500 NDC line: the 11-digit NDC, the unit qualifier, the quantity.

    An immutable named tuple (cheap to make and to import)."""

    ndc11: NDC11
    unit: Unit
    quantity: Decimal

    def __str__(self) -> str:
        return f"N4{self.ndc11} {self.unit}{plain(self.quantity)}"


def _quantity(quantity: object) -> Decimal:
    amount = to_decimal(quantity, "NDC quantity")
    if amount <= 0:
        raise OutOfRange("NDC quantity: expected a number greater than zero")
    if amount >= Decimal("1E+10"):
        raise OutOfRange("NDC quantity: expected fewer than 11 digits before the decimal point")
    if amount.quantize(Decimal("0.001")) != amount:
        raise OutOfRange(
            "NDC quantity: at most 3 decimal places are accepted (no rounding is done)"
        )
    return amount


@exact
def claim_string(ndc: str, quantity: Decimal | int | str, unit: Unit | str) -> str:
    """Return the CMS-1500 item 24 shaded-line NDC string: ``N4``, 11 digits, space, unit, quantity.

    The quantity is written without commas, exponent or trailing zeros; more than 3 decimals is an
    error (nothing is rounded).

    >>> claim_string("49401-088-02", "1.000", "ML")
    'N449401008802 ML1'
    """
    try:
        qualifier = Unit(unit)
    except ValueError:
        raise InvalidFormat(f"NDC unit: expected one of {', '.join(Unit)}") from None
    return str(ClaimNDC(validate(ndc), qualifier, _quantity(quantity)))


@exact
def parse_claim_string(text: str) -> ClaimNDC:
    """Read a CMS-1500 NDC string such as ``N449401010101 UN1`` back into its parts.

    >>> parse_claim_string("N449401010101 UN2")
    ClaimNDC(ndc11='49401010101', unit=<Unit.UN: 'UN'>, quantity=Decimal('2'))
    """
    match = _CLAIM_PATTERN.fullmatch(require_str(text, "NDC claim string").strip())
    if match is None:
        raise InvalidFormat(
            "NDC claim string: expected N4, 11 digits, a space, a unit (F2, GR, ME, ML, UN) and a "
            "quantity with at most 3 decimals, for example 'N449401010101 UN1'"
        )
    return ClaimNDC(NDC11(match[1]), Unit(match[2]), _quantity(match[3]))
