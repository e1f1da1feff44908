"""ICD-10-CM diagnosis codes for systemic lupus erythematosus (SLE) and lupus nephritis.

Titles are the official ICD-10-CM titles (public domain, published by CMS and NCHS). Codes are accepted
with or without the dot and in any case; :func:`compact` gives the dot-less form used in X12 and
:func:`format` the dotted form.

Corrections to common mistakes (the original brief of this project made each of them):

* M32.1 is a category header, not billable: bill one of M32.10 to M32.19.
* M32.10 is SLE with organ or system involvement *unspecified*, not "without" involvement.
* N05.9 is unspecified *nephritic syndrome*, not lupus nephritis: lupus nephritis is M32.14.

The ICD-10-CM code set changes every October 1; the titles here match the FY2026 release (checked
against the ``simple-icd-10-cm`` data in the tests).

More information:

* https://www.cms.gov/medicare/coding-billing/icd-10-codes
* https://www.cdc.gov/nchs/icd/icd-10-cm/

>>> lookup("m3214").title
'Glomerular disease in systemic lupus erythematosus'
>>> lookup("M32.1").billable
False
>>> compact("M32.14"), format("m3214")
('M3214', 'M32.14')
"""

from __future__ import annotations

import datetime as _dt
import re
import types
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding._util import require_str
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.facts import Certainty

__all__ = [
    "CATEGORY_CODES",
    "CODES",
    "DiagnosisCode",
    "compact",
    "excludes1_conflicts",
    "format",
    "is_valid",
    "lookup",
    "validate",
]

_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?", re.ASCII)
_DOTTED = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?", re.ASCII)
"""A code already written as :func:`validate` writes it (upper case, dotted after the third)."""


@attrs.frozen(kw_only=True)
class DiagnosisCode(CodeEntry):
    """An ICD-10-CM code with its official title and what it means for Benlysta billing."""

    title: str
    billable: bool
    sle: bool = False
    lupus_nephritis: bool = False
    excludes1: tuple[str, ...] = ()
    """Codes never reported together with this one (ICD-10-CM Excludes1 notes, this code's own and
    its category's); ``M32.-`` stands for the whole category."""


def _entry(
    code: str,
    title: str,
    *,
    billable: bool = True,
    sle: bool = True,
    nephritis: bool = False,
    note: str = "",
    excludes1: tuple[str, ...] = (),
) -> DiagnosisCode:
    return DiagnosisCode(
        code=code,
        title=title,
        summary=title,
        billable=billable,
        sle=sle,
        lupus_nephritis=nephritis,
        note=note,
        excludes1=excludes1,
        certainty=Certainty.SECONDARY,
    )


_ENTRIES: Final = (
    _entry(
        "M32",
        "Systemic lupus erythematosus (SLE)",
        billable=False,
        note="Category header: bill a more specific code.",
        excludes1=("L93.0",),
    ),
    _entry(
        "M32.0",
        "Drug-induced systemic lupus erythematosus",
        sle=False,
        note="Drug-induced lupus is not a Benlysta indication.",
    ),
    _entry(
        "M32.1",
        "Systemic lupus erythematosus with organ or system involvement",
        billable=False,
        note="Category header, not billable: use M32.10 to M32.19.",
    ),
    _entry(
        "M32.10",
        "Systemic lupus erythematosus, organ or system involvement unspecified",
        note="Organ involvement unspecified (not 'without involvement').",
    ),
    _entry("M32.11", "Endocarditis in systemic lupus erythematosus"),
    _entry("M32.12", "Pericarditis in systemic lupus erythematosus"),
    _entry("M32.13", "Lung involvement in systemic lupus erythematosus"),
    _entry(
        "M32.14",
        "Glomerular disease in systemic lupus erythematosus",
        nephritis=True,
        note="The lupus nephritis code.",
    ),
    _entry("M32.15", "Tubulo-interstitial nephropathy in systemic lupus erythematosus"),
    _entry("M32.19", "Other organ or system involvement in systemic lupus erythematosus"),
    _entry("M32.8", "Other forms of systemic lupus erythematosus"),
    _entry("M32.9", "Systemic lupus erythematosus, unspecified"),
    _entry(
        "N05.9",
        "Unspecified nephritic syndrome with unspecified morphologic changes",
        sle=False,
        note="Not lupus-specific: lupus nephritis is M32.14.",
    ),
    _entry(
        "N08",
        "Glomerular disorders in diseases classified elsewhere",
        sle=False,
        note="Excludes1 glomerulonephritis in systemic lupus erythematosus: that is M32.14 alone.",
        excludes1=("M32.14", "N16"),
    ),
    _entry(
        "N16",
        "Renal tubulo-interstitial disorders in diseases classified elsewhere",
        sle=False,
        note="Excludes1 tubulo-interstitial nephritis in SLE: that is M32.15 alone.",
        excludes1=("M32.15",),
    ),
    _entry(
        "L93.0",
        "Discoid lupus erythematosus",
        sle=False,
        note="Cutaneous (discoid) lupus; Excludes1 with systemic lupus (M32.-).",
        excludes1=("M32.-",),
    ),
)


CATEGORY_CODES: Final = frozenset(
    (
        "M32", "M32.0", "M32.1", "M32.10", "M32.11", "M32.12", "M32.13", "M32.14", "M32.15",
        "M32.19", "M32.8", "M32.9",
    )
)  # fmt: skip
"""Every code of category M32 in ICD-10-CM (FY2026): anything else starting M32 does not exist."""


def _covers(token: str, code: str) -> bool:
    """Whether an Excludes1 token (``M32.14`` or the category ``M32.-``) covers ``code``."""
    return code.startswith(token.removesuffix("-").removesuffix("."))


def _tokens(code: str) -> tuple[str, ...]:
    """The Excludes1 tokens of a code and of the codes above it in this library's table."""
    return tuple(
        token
        for other, entry in CODES.items()
        if code.startswith(other)
        for token in entry.excludes1
    )


def _inherited(code: str) -> tuple[str, ...]:
    known = _INHERITED.get(code)
    return known if known is not None else _tokens(code)


def excludes1_conflicts(codes: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of ``codes`` (dotted, as :func:`validate` gives) that an Excludes1 note forbids
    together, each pair once, in the order given. Only the notes of codes in this library are known.

    >>> excludes1_conflicts(["M32.14", "N08", "M32.9"])
    [('M32.14', 'N08')]
    """
    found = []
    for index, first in enumerate(codes):
        for second in codes[index + 1 :]:
            if any(_covers(t, second) for t in _inherited(first)) or any(
                _covers(t, first) for t in _inherited(second)
            ):
                found.append((first, second))
    return found


def compact(code: str) -> str:
    """Return the code upper-cased, without the dot and surrounding space: ``"m32.14" -> "M3214"``.

    >>> compact("m32.14")
    'M3214'
    """
    return require_str(code, "ICD-10-CM code").strip().upper().replace(".", "", 1)


def validate(code: str) -> str:
    """Return the dotted form of a code of valid ICD-10-CM shape (known or not), or raise.

    >>> validate("m3219")
    'M32.19'
    """
    dotted = _dotted(code)
    if dotted is None:
        raise InvalidFormat(
            "ICD-10-CM code: expected a letter, two characters, then up to four more, "
            "with or without a dot after the third (for example M32.14)"
        )
    return dotted


def _dotted(code: str) -> str | None:
    """The dotted form of a code of valid shape, else ``None`` (then :func:`validate` raises)."""
    if type(code) is str and (code in CODES or _DOTTED.fullmatch(code)):
        return code  # a code of the table (its keys are dotted), or written as the table would
    text = compact(code)
    if not _SHAPE.fullmatch(text) or code.strip().find(".") not in (-1, 3):
        return None  # a bad shape, or a dot anywhere but after the third character
    return text if len(text) == 3 else f"{text[:3]}.{text[3:]}"


def format(code: str) -> str:  # noqa: A001 - the stdnum interface name
    """Return the dotted form: ``"M3214" -> "M32.14"``.

    >>> format("M3214")
    'M32.14'
    """
    return validate(code)


def is_valid(code: object) -> bool:
    """Return whether ``code`` has a valid ICD-10-CM shape; never raises.

    >>> is_valid("M32.14"), is_valid("M32.1A9X9"), is_valid(3214)
    (True, False, False)
    """
    try:
        validate(code)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _normalise(text: str) -> str:
    try:
        return validate(text)
    except InvalidFormat:
        return text.strip()


_TABLE: Final = CodeTable("ICD-10-CM", _ENTRIES, normalise=_normalise)

CODES: Final[Mapping[str, DiagnosisCode]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""

_INHERITED: Final[Mapping[str, tuple[str, ...]]] = types.MappingProxyType(
    {code: _tokens(code) for code in CODES}
)


def lookup(code: str, on: _dt.date | None = None) -> DiagnosisCode:
    """Return the entry for ``code``, given with or without the dot, in any case.

    >>> lookup("M32.10").billable
    True
    """
    return _TABLE.lookup(code, on)
