"""CPT administration codes for a Benlysta claim, with summaries in this library's own words.

CPT descriptors are licensed text of the American Medical Association: this module ships the code
numbers with short summaries written for this library, never the official descriptors.

The usual IV claim carries one unit of 96365 (initial hour of a therapeutic infusion) or, where the payer
pays monoclonal antibodies as complex administration, 96413. 96365 is the *initial* hour; 96366 is each
*additional* hour (the original brief this project came from said otherwise).

Time rules (the add-on rules are from secondary sources):

* an infusion must run more than 15 minutes to be an infusion; 15 minutes or less is reported as a push
  (96374, or 96409 for complex administration);
* an additional-hour unit needs more than 30 minutes beyond the last full hour, so the first unit of
  96366 / 96415 starts at 91 minutes in total.

More information:

* S6 GSK BENLYSTA billing and coding guide, https://www.benlystahcp.com/
* S13 Noridian, payment for monoclonal and complex biological therapies; Medicare Claims Processing
  Manual, chapter 12, section 30.5

>>> lookup("96365").add_on_to is None, lookup("96366").add_on_to
(True, '96365')
>>> infusion_qualifies(15), infusion_qualifies(16)
(False, True)
>>> [additional_hour_units(m) for m in (60, 90, 91, 150, 151)]
[0, 0, 1, 1, 2]
"""

from __future__ import annotations

import datetime as _dt
import types
from collections.abc import Mapping
from typing import Final

import attrs

from benlysta_coding._codeset import CodeEntry, CodeTable
from benlysta_coding.errors import OutOfRange
from benlysta_coding.facts import Certainty

__all__ = [
    "CODES",
    "COMPLEX_INFUSION",
    "CPT_96365",
    "CPT_96366",
    "CPT_96372",
    "CPT_96374",
    "CPT_96409",
    "CPT_96413",
    "CPT_96415",
    "FAMILIES",
    "THERAPEUTIC_INFUSION",
    "CPTCode",
    "InfusionFamily",
    "additional_hour_units",
    "infusion_qualifies",
    "lookup",
]

PUSH_MAX_MINUTES: Final = 15
"""An administration of this many minutes or fewer is a push, not an infusion."""

ADDITIONAL_HOUR_THRESHOLD_MINUTES: Final = 30
"""An additional-hour unit needs more than this many minutes beyond the last full hour."""


@attrs.frozen(kw_only=True)
class CPTCode(CodeEntry):
    """An administration code: its own-words summary, the primary code of an add-on, its time rule."""

    add_on_to: str | None = None
    time_rule: str = ""
    complex: bool = False


CPT_96365: Final = CPTCode(
    code="96365",
    summary="IV infusion for therapy, first hour",
    time_rule="the infusion must run more than 15 minutes",
    certainty=Certainty.VERIFIED,
    sources=("S6",),
)
"""96365: IV infusion for therapy, first hour."""
CPT_96366: Final = CPTCode(
    code="96366",
    summary="IV infusion for therapy, each further hour (add-on to 96365)",
    add_on_to="96365",
    time_rule="one unit per further hour; a unit needs more than 30 minutes past the last full hour "
    "(first unit from 91 minutes in total)",
    certainty=Certainty.SECONDARY,
)
"""96366: IV infusion for therapy, each further hour (add-on to 96365)."""
CPT_96413: Final = CPTCode(
    code="96413",
    summary="Chemotherapy or complex-drug IV infusion, first hour",
    time_rule="as 96365",
    complex=True,
    certainty=Certainty.VERIFIED,
    sources=("S6", "S13"),
)
"""96413: Chemotherapy or complex-drug IV infusion, first hour."""
CPT_96415: Final = CPTCode(
    code="96415",
    summary="Chemotherapy or complex-drug IV infusion, each further hour (add-on to 96413)",
    add_on_to="96413",
    time_rule="as 96366",
    complex=True,
    certainty=Certainty.SECONDARY,
)
"""96415: Chemotherapy or complex-drug IV infusion, each further hour (add-on to 96413)."""
CPT_96372: Final = CPTCode(
    code="96372",
    summary="Therapeutic injection under the skin or into a muscle",
    time_rule="one unit per injection",
    certainty=Certainty.SECONDARY,
)
"""96372: Therapeutic injection under the skin or into a muscle."""
CPT_96374: Final = CPTCode(
    code="96374",
    summary="IV push, single or first drug (also an infusion of 15 minutes or less)",
    certainty=Certainty.SECONDARY,
)
"""96374: IV push, single or first drug (also an infusion of 15 minutes or less)."""
CPT_96409: Final = CPTCode(
    code="96409",
    summary="Chemotherapy or complex-drug IV push, single or first drug",
    complex=True,
    certainty=Certainty.SECONDARY,
)
"""96409: Chemotherapy or complex-drug IV push, single or first drug."""

_TABLE: Final = CodeTable(
    "CPT",
    (CPT_96365, CPT_96366, CPT_96413, CPT_96415, CPT_96372, CPT_96374, CPT_96409),
)

CODES: Final[Mapping[str, CPTCode]] = _TABLE.codes
"""Every entry of this code set by its code (read-only)."""


@attrs.frozen(kw_only=True)
class InfusionFamily:
    """The codes of one IV administration family: initial hour, each additional hour, push."""

    name: str
    initial: CPTCode
    additional_hour: CPTCode
    push: CPTCode


THERAPEUTIC_INFUSION: Final = InfusionFamily(
    name="therapeutic", initial=CPT_96365, additional_hour=CPT_96366, push=CPT_96374
)
"""96365 / 96366 / 96374: therapeutic IV administration."""
COMPLEX_INFUSION: Final = InfusionFamily(
    name="complex", initial=CPT_96413, additional_hour=CPT_96415, push=CPT_96409
)
"""96413 / 96415 / 96409: chemotherapy and complex-drug IV administration."""
FAMILIES: Final[Mapping[str, InfusionFamily]] = types.MappingProxyType(
    {family.name: family for family in (THERAPEUTIC_INFUSION, COMPLEX_INFUSION)}
)
"""The IV administration families by name (``therapeutic``, ``complex``)."""


def lookup(code: str, on: _dt.date | None = None) -> CPTCode:
    """Return the entry for ``code``; with ``on``, also check it is in effect on that date.

    >>> lookup("96366").add_on_to
    '96365'
    """
    return _TABLE.lookup(code, on)


def _minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError(f"infusion minutes: expected an int, not {type(minutes).__name__}")
    if minutes < 0:
        raise OutOfRange("infusion minutes: expected zero or more whole minutes")
    return minutes


def infusion_qualifies(minutes: int) -> bool:
    """Return whether an administration of ``minutes`` counts as an infusion (more than 15 minutes).

    >>> infusion_qualifies(15), infusion_qualifies(16)
    (False, True)
    """
    return _minutes(minutes) > PUSH_MAX_MINUTES


def additional_hour_units(minutes: int) -> int:
    """Return the units of the additional-hour add-on (96366 / 96415) for a total infusion time.

    Each unit needs more than 30 minutes beyond the last full hour: 91 minutes give one unit, 151 two.

    >>> additional_hour_units(90), additional_hour_units(91), additional_hour_units(151)
    (0, 1, 2)
    """
    beyond_first_hour = _minutes(minutes) - 60 - ADDITIONAL_HOUR_THRESHOLD_MINUTES
    if beyond_first_hour <= 0:
        return 0
    return (beyond_first_hour - 1) // 60 + 1
