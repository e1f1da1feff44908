"""HCPCS Level II (Healthcare Common Procedure Coding System) codes for belimumab.

J0490 is "Injection, belimumab, 10 mg": one billing unit is 10 mg. It is billed with the two IV vial
NDCs; subcutaneous Benlysta is normally a pharmacy-benefit drug (Medicare presumes drugs injected under
the skin are self-administered and excludes them from Part B).

J0491 is anifrolumab (Saphnelo), not belimumab; looking it up raises an error that says so. The temporary
code Q2044 was used in 2011 and J0490 from 2012-01-01 (both from payer policies, secondary sources); a
claim for a 2011 date of service is out of this library's scope.

HCPCS descriptors are published by CMS and are in the public domain.

More information:

* S6 GSK BENLYSTA billing and coding guide, https://www.benlystahcp.com/
* S7 Medicare Benefit Policy Manual, chapter 15, section 50.2
* https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system

>>> J0490.billing_unit_mg
Decimal('10')
>>> lookup("j0490").code
'J0490'
>>> lookup("J0491")
Traceback (most recent call last):
    ...
benlysta_coding.errors.UnknownCode: HCPCS code J0491 is not in this library's code set; J0491 is anifrolumab (Saphnelo), not belimumab: bill belimumab as J0490. Known codes: J0490.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding.facts import Certainty

__all__ = ["CODES", "J0490", "HCPCSCode", "lookup"]


@attrs.frozen(kw_only=True)
class HCPCSCode(CodeEntry):
    """A HCPCS drug code with the amount of drug in one billing unit."""

    billing_unit_mg: Decimal


J0490: Final = HCPCSCode(
    code="J0490",
    summary="Injection, belimumab, 10 mg",
    billing_unit_mg=Decimal(10),
    certainty=Certainty.VERIFIED,
    effective=_dt.date(2012, 1, 1),
    sources=("S6",),
    note="Bill with the IV vial NDCs (49401-0101-01, 49401-0102-01). The 2012-01-01 start is "
    "from payer policies (secondary); Q2044 was used in 2011.",
)
"""J0490: Injection, belimumab, 10 mg."""

_TABLE: Final = CodeTable(
    "HCPCS",
    (J0490,),
    normalise=lambda text: text.strip().upper(),
    hints={
        "J0491": "J0491 is anifrolumab (Saphnelo), not belimumab: bill belimumab as J0490",
        "Q2044": "Q2044 was the temporary belimumab code of 2011; a 2011 date of service is out of "
        "this library's scope",
    },
)

CODES: Final[Mapping[str, HCPCSCode]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""


def lookup(code: str, on: _dt.date | None = None) -> HCPCSCode:
    """Return the entry for ``code`` (case and surrounding space ignored).

    With ``on``, also check that the code is in effect on that date of service.

    >>> lookup("j0490").billing_unit_mg
    Decimal('10')
    """
    return _TABLE.lookup(code, on)
