"""Places of service (CMS-1500 / 837P) and type-of-bill prefixes (UB-04 / 837I).

Place of service goes on the professional claim: 11 for an office; 19 (off-campus) or 22 (on-campus)
outpatient hospital for the physician's claim of a hospital outpatient visit, since 2016-01-01. The
hospital's own institutional claim carries no place of service but a type of bill: 013x for hospital
outpatient, 085x for a critical access hospital (which uses 085x, not 013x).

More information:

* https://www.cms.gov/medicare/coding-billing/place-of-service-codes
* https://www.nubc.org/

>>> lookup("11").summary
'Office'
>>> TYPE_OF_BILL["085x"].facility_code
'85'
>>> bill_type("013x", frequency="1")
'0131'
"""

from __future__ import annotations

import datetime as _dt
import enum
import types
from collections.abc import Mapping
from typing import Final

import attrs

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding.errors import InvalidFormat, UnknownCode
from benlysta_coding.facts import Certainty

__all__ = [
    "CODES",
    "POS_11",
    "POS_19",
    "POS_22",
    "POS_49",
    "TOB_013X",
    "TOB_085X",
    "TYPE_OF_BILL",
    "Frequency",
    "TypeOfBill",
    "bill_type",
    "lookup",
]

POS_11: Final = CodeEntry(code="11", summary="Office", certainty=Certainty.SECONDARY)
"""11: Office."""
POS_19: Final = CodeEntry(
    code="19",
    summary="Off-campus outpatient hospital",
    effective=_dt.date(2016, 1, 1),
    certainty=Certainty.VERIFIED,
)
"""19: Off-campus outpatient hospital."""
POS_22: Final = CodeEntry(
    code="22",
    summary="On-campus outpatient hospital",
    effective=_dt.date(2016, 1, 1),
    certainty=Certainty.VERIFIED,
    note="Called 'outpatient hospital' before 2016-01-01.",
)
"""22: On-campus outpatient hospital."""

POS_49: Final = CodeEntry(
    code="49",
    summary="Independent clinic",
    certainty=Certainty.SECONDARY,
    note="A clinic that is not part of a hospital and bills on professional claims.",
)
"""49: Independent clinic."""

_TABLE: Final = CodeTable("Place of service", (POS_11, POS_19, POS_22, POS_49))

CODES: Final[Mapping[str, CodeEntry]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""


def lookup(code: str, on: _dt.date | None = None) -> CodeEntry:
    """Return the place of service ``code``; with ``on``, check it is in effect on that date.

    >>> lookup("49").summary
    'Independent clinic'
    """
    return _TABLE.lookup(code, on)


@attrs.frozen(kw_only=True)
class TypeOfBill(CodeEntry):
    """A type-of-bill prefix such as ``013x``: the facility and care type, before the frequency digit."""

    facility_code: str


TOB_013X: Final = TypeOfBill(
    code="013x", facility_code="13", summary="Hospital outpatient", certainty=Certainty.SECONDARY
)
"""013x: Hospital outpatient."""
TOB_085X: Final = TypeOfBill(
    code="085x",
    facility_code="85",
    summary="Critical access hospital outpatient",
    certainty=Certainty.SECONDARY,
)
"""085x: Critical access hospital outpatient."""

TYPE_OF_BILL: Final[Mapping[str, TypeOfBill]] = types.MappingProxyType(
    {t.code: t for t in (TOB_013X, TOB_085X)}
)
"""The type-of-bill prefixes by code (read-only)."""


class Frequency(enum.StrEnum):
    """The claim frequency: CLM05-3 in X12 and the last digit of the type of bill (NUBC)."""

    ORIGINAL = "original"
    REPLACEMENT = "replacement"
    VOID = "void"

    @property
    def code(self) -> str:
        """``1`` original (admit through discharge), ``7`` replacement, ``8`` void/cancel."""
        return {"original": "1", "replacement": "7", "void": "8"}[self.value]


def bill_type(prefix: str, frequency: str = "1") -> str:
    """Return the 4-character type of bill: prefix ``013x`` with frequency ``1`` gives ``0131``.

    >>> bill_type("085x", "7")
    '0857'
    """
    entry = TYPE_OF_BILL.get(prefix)
    if entry is None:
        raise UnknownCode(f"type of bill: expected one of {', '.join(TYPE_OF_BILL)}")
    if not (len(frequency) == 1 and frequency.isascii() and frequency.isalnum()):
        raise InvalidFormat("type of bill frequency: expected one character such as '1' (original)")
    return f"0{entry.facility_code}{frequency}"
