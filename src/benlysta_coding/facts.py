"""How sure each encoded fact is, and the public sources behind them.

Every code-set entry and product carries a :class:`Certainty`:

* ``VERIFIED`` ("V"): checked in an official source (FDA label, openFDA / DailyMed, the manufacturer's
  billing guide, CMS or a Medicare contractor, X12 / NUCC).
* ``SECONDARY`` ("S"): seen only in secondary sources (coding sites, payer pages). Treat it as a payer- or
  source-dependent default.
* ``UNVERIFIED`` ("?"): not verified. The library never applies such a fact as a hard rule; it is a
  parameter or a policy that the caller sets.

``SOURCES`` maps the source keys used in docstrings (``"S1"`` ...) to their titles and addresses.

>>> Certainty.VERIFIED.value, SOURCES["S9"].title
('V', 'CGS Medicare Part B, JW and JZ modifier guidelines (2023)')
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["SOURCES", "Certainty", "Source"]


class Certainty(enum.StrEnum):
    """How sure a fact is: checked officially, seen in secondary sources, or not verified."""

    VERIFIED = "V"
    SECONDARY = "S"
    UNVERIFIED = "?"


@attrs.frozen
class Source:
    """A public source named by a key such as ``"S1"``."""

    key: str
    title: str
    url: str


SOURCES: Final[Mapping[str, Source]] = types.MappingProxyType(
    {
        source.key: source
        for source in (
            Source(
                "S1",
                "openFDA NDC directory, products 49401-101, 49401-102, 49401-088",
                "https://api.fda.gov/drug/ndc.json",
            ),
            Source(
                "S2",
                "DailyMed, BENLYSTA carton and package listings",
                "https://dailymed.nlm.nih.gov/",
            ),
            Source(
                "S3",
                "BENLYSTA US prescribing information, revision 6/2025",
                "https://dailymed.nlm.nih.gov/",
            ),
            Source("S6", "GSK BENLYSTA billing and coding guide", "https://www.benlystahcp.com/"),
            Source(
                "S7",
                "Medicare Benefit Policy Manual, chapter 15, section 50.2",
                "https://www.cms.gov/regulations-and-guidance/guidance/manuals",
            ),
            Source(
                "S8",
                "Payer medical-benefit policies for Benlysta IV",
                "https://www.uhcprovider.com/",
            ),
            Source(
                "S9",
                "CGS Medicare Part B, JW and JZ modifier guidelines (2023)",
                "https://www.cgsmedicare.com/",
            ),
            Source(
                "S10",
                "NGS Medicare, rounding administered and discarded units",
                "https://www.ngsmedicare.com/",
            ),
            Source(
                "S11",
                "CMS, JW/JZ modifier requirement for single-dose containers "
                "(Claims Processing Manual ch. 17 sec. 40) and FAQ",
                "https://www.cms.gov/medicare/medicare-fee-for-service-payment/"
                "hospitaloutpatientpps/jw-modifier-and-jz-modifier-policy",
            ),
            Source("S12", "Noridian, Modifier JZ", "https://med.noridianmedicare.com/"),
            Source(
                "S13",
                "Noridian, payment for monoclonal, complex biological and "
                "rheumatological therapies; Claims Processing Manual ch. 12 sec. 30.5",
                "https://med.noridianmedicare.com/",
            ),
            Source(
                "S14",
                "X12 RFI 2151 (NDC in loop 2410); NUCC CMS-1500 item 24 instructions",
                "https://www.nucc.org/",
            ),
            Source("S15", "UB-04 form-locator guides (FL 43)", "https://www.nubc.org/"),
            Source(
                "S16", "Oregon Medicaid preferred drug list, belimumab", "https://www.orpdl.org/"
            ),
            Source(
                "S17",
                "Palmetto GBA, Reporting the NDC; state Medicaid NDC instructions; "
                "NCPDP billing unit standard",
                "https://www.palmettogba.com/",
            ),
            Source(
                "S18",
                "CY2018 OPPS final rule CMS-1678-FC and the CMS 340B modifier FAQ (JG, TB); CMS "
                "Part B inflation rebate guidance of 2023",
                "https://www.cms.gov/",
            ),
            Source(
                "S19",
                "ASC X12 005010X223A2 (837I) loop 2310A usage; Medicare 837I companion guides (SBR09)",
                "https://x12.org/",
            ),
            Source(
                "S20",
                "CDC, National Center for Health Statistics, 2000 CDC Growth Charts, "
                "weight-for-age 2 to 20 years (wtage.csv; public domain)",
                "https://www.cdc.gov/growthcharts/cdc-data-files.htm",
            ),
        )
    }
)
"""Every source the library cites, by key (read-only)."""
