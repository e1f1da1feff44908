"""UB-04 / 837I revenue codes for a Benlysta claim.

Codes are 4-character strings: ``"0636"`` keeps its leading zero. A 3-digit value such as ``"636"`` is
accepted by :func:`lookup` and padded.

* 0636 drugs requiring detailed coding: the J0490 line.
* 0260 IV therapy: the infusion administration line.
* 0250 general pharmacy: an alternative drug revenue code some facilities use.
* 0637 self-administrable drugs: an SC drug given in hospital outpatient (usually not covered by
  Medicare); how it is used was not verified.
* 0510 clinic, general: a clinic visit line (not in the facts file's sources; secondary).

More information:

* S6 GSK BENLYSTA billing and coding guide, https://www.benlystahcp.com/
* https://www.nubc.org/

>>> lookup("636").code
'0636'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Final

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding.facts import Certainty

__all__ = [
    "CODES",
    "REV_0250",
    "REV_0260",
    "REV_0510",
    "REV_0636",
    "REV_0637",
    "RevenueCode",
    "lookup",
]

RevenueCode = CodeEntry
"""A revenue code entry (the common code-set entry)."""

REV_0636: Final = CodeEntry(
    code="0636",
    summary="Drugs requiring detailed coding",
    certainty=Certainty.VERIFIED,
    sources=("S6",),
)
"""0636: Drugs requiring detailed coding."""
REV_0260: Final = CodeEntry(
    code="0260", summary="IV therapy", certainty=Certainty.VERIFIED, sources=("S6",)
)
"""0260: IV therapy."""
REV_0250: Final = CodeEntry(
    code="0250", summary="Pharmacy, general", certainty=Certainty.VERIFIED, sources=("S6",)
)
"""0250: Pharmacy, general."""
REV_0637: Final = CodeEntry(
    code="0637",
    summary="Self-administrable drugs",
    certainty=Certainty.UNVERIFIED,
    note="Its use for SC Benlysta in hospital outpatient was not verified; Medicare usually does "
    "not cover self-administered drugs.",
)
"""0637: Self-administrable drugs."""
REV_0510: Final = CodeEntry(code="0510", summary="Clinic, general", certainty=Certainty.SECONDARY)
"""0510: Clinic, general."""


def _normalise(text: str) -> str:
    text = text.strip()
    return text.zfill(4) if len(text) == 3 and text.isascii() and text.isdigit() else text


_TABLE: Final = CodeTable(
    "Revenue", (REV_0636, REV_0260, REV_0250, REV_0637, REV_0510), normalise=_normalise
)

CODES: Final[Mapping[str, CodeEntry]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""


def lookup(code: str, on: _dt.date | None = None) -> CodeEntry:
    """Return the revenue code entry (a 3-digit code is padded to 4).

    >>> lookup("636").code
    '0636'
    """
    return _TABLE.lookup(code, on)
