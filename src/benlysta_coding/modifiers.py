"""HCPCS modifiers used on Benlysta drug lines: JW, JZ, JG and TB.

* JW: drug amount discarded from a single-dose container. Reported on its own line with the wasted
  units. In use long before 2017; Medicare requires it for Part B single-dose waste from 2017-01-01.
* JZ: zero drug amount discarded. Effective 2023-01-01, required by Medicare from 2023-07-01; claims
  missing JW/JZ may be returned from 2023-10-01. JW/JZ apply to physician office, hospital outpatient
  and critical access hospital claims, not to rural health clinics, FQHCs or inpatient claims.
* JG: drug acquired through the 340B program (since 2018-01-01, secondary source).
* TB: 340B-acquired drug, informational, for some hospital types (since 2018-01-01; from 2024-01-01
  more hospital types report it; secondary source). A line carries JG or TB, never both.
  No retirement of JG was found, so none is encoded.

Whether a payer requires JW/JZ is a payer policy (:mod:`benlysta_coding.policy`), not a rule here.

More information:

* S11 CMS, JW and JZ modifier policy, https://www.cms.gov/medicare/medicare-fee-for-service-payment/hospitaloutpatientpps/jw-modifier-and-jz-modifier-policy
* S12 Noridian, Modifier JZ, https://med.noridianmedicare.com/
* S9 CGS Medicare Part B, JW and JZ modifier guidelines

>>> JZ.effective, JZ.required_from
(datetime.date(2023, 1, 1), datetime.date(2023, 7, 1))
>>> lookup("jz", on=datetime.date(2022, 12, 31))
Traceback (most recent call last):
    ...
benlysta_coding.errors.CodeNotInEffect: Modifier code JZ is in effect from 2023-01-01 to now, not on 2022-12-31
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Final

import attrs

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding.facts import Certainty

__all__ = ["CODES", "JG", "JW", "JZ", "TB", "Modifier", "lookup"]


@attrs.frozen(kw_only=True)
class Modifier(CodeEntry):
    """A modifier with the date Medicare began to require it, where that is known."""

    required_from: datetime.date | None = None


JW: Final = Modifier(
    code="JW",
    summary="Drug amount discarded (single-dose container); reported on its own line",
    required_from=datetime.date(2017, 1, 1),
    certainty=Certainty.VERIFIED,
    sources=("S11",),
    note="In use before 2017; the start date of the modifier itself is not encoded.",
)
"""JW: Drug amount discarded (single-dose container); reported on its own line."""
JZ: Final = Modifier(
    code="JZ",
    summary="Zero drug amount discarded (single-dose container)",
    effective=datetime.date(2023, 1, 1),
    required_from=datetime.date(2023, 7, 1),
    certainty=Certainty.VERIFIED,
    sources=("S11", "S12"),
    note="Claims missing JW/JZ may be returned from 2023-10-01.",
)
"""JZ: Zero drug amount discarded (single-dose container)."""
JG: Final = Modifier(
    code="JG",
    summary="Drug acquired through the 340B program",
    effective=datetime.date(2018, 1, 1),
    certainty=Certainty.SECONDARY,
    sources=("S18",),
)
"""JG: Drug acquired through the 340B program."""
TB: Final = Modifier(
    code="TB",
    summary="340B-acquired drug, informational, for certain hospital types",
    effective=datetime.date(2018, 1, 1),
    certainty=Certainty.SECONDARY,
    sources=("S18",),
    note="From 2018-01-01 for rural sole community, children's and PPS-exempt cancer hospitals; "
    "from 2024-01-01 also critical access hospitals, Maryland hospitals and non-excepted "
    "off-campus departments; other 340B entities use JG. A line carries JG or TB, never both. "
    "Which applies to a provider is the provider's own knowledge.",
)
"""TB: 340B-acquired drug, informational, for certain hospital types."""

_TABLE: Final = CodeTable("Modifier", (JW, JZ, JG, TB), normalise=lambda t: t.strip().upper())

CODES: Final[Mapping[str, Modifier]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""


def lookup(code: str, on: datetime.date | None = None) -> Modifier:
    """Return the modifier ``code``; with ``on``, also check it is in effect on that date.

    >>> lookup("jw").code
    'JW'
    """
    return _TABLE.lookup(code, on)
