"""Benlysta (belimumab) presentations and their NDCs (labeler 49401, GlaxoSmithKline).

Each :class:`Product` carries the NDC as labeled (10 digits, hyphenated, with its layout) and in the
11-digit 5-4-2 form payers accept, its strength, container, the concentration after reconstitution,
route, device type and how sure each fact is.

* The vials are 5-3-2 on the label, so the 11-digit form pads the *product* segment: 101 -> 0101.
* "120 mg in a 5 mL vial" and "400 mg in a 20 mL vial" are container sizes: reconstituted with 1.5 mL or
  4.8 mL of sterile water both vials hold 80 mg/mL. Never derive a concentration from 120 mg / 5 mL.
* Every presentation is single-dose: unused drug is discarded, hence JW/JZ.
* The SC cartons and counts are verified; which SC NDC is an autoinjector and which a prefilled syringe
  comes from one state Medicaid list built from compendia (secondary). 49401-088-61 is on the label but
  its contents are not verified: it is listed with ``certainty`` ``?`` and no carton count.

More information:

* S1 openFDA NDC directory, https://api.fda.gov/drug/ndc.json
* S2 DailyMed BENLYSTA, https://dailymed.nlm.nih.gov/
* S6 GSK BENLYSTA billing and coding guide, https://www.benlystahcp.com/
* S16 Oregon Medicaid preferred drug list, https://www.orpdl.org/

>>> VIAL_400.ndc11, VIAL_400.ndc10, VIAL_400.concentration_mg_per_ml
('49401010201', '49401-102-01', Decimal('80'))
>>> lookup("49401-0101-01").strength_mg
Decimal('120')
>>> [p.ndc10 for p in IV_VIALS]
['49401-101-01', '49401-102-01']
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from benlysta_coding import ndc as _ndc
from benlysta_coding.errors import UnknownCode
from benlysta_coding.facts import Certainty

__all__ = [
    "CATALOGUE",
    "CODES",
    "IV_VIALS",
    "PRODUCTS",
    "SC_AUTOINJECTOR_1",
    "SC_AUTOINJECTOR_4",
    "SC_CARTON_088_61",
    "SC_SYRINGE_4",
    "VIAL_120",
    "VIAL_400",
    "Device",
    "Product",
    "Route",
    "lookup",
]


class Route(enum.StrEnum):
    """Route of administration."""

    IV = "iv"
    SC = "sc"


class Device(enum.StrEnum):
    """The container or device of a presentation."""

    VIAL = "vial"
    AUTOINJECTOR = "autoinjector"
    PREFILLED_SYRINGE = "prefilled_syringe"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class Product:
    """One Benlysta presentation (one carton NDC)."""

    ndc11: str
    ndc10: str
    layout: str
    description: str
    strength_mg: Decimal
    """Drug in one vial or device, in mg."""
    route: Route
    device: Device
    container: str
    concentration_mg_per_ml: Decimal
    """After reconstitution for the vials (80 mg/mL), as supplied for SC (200 mg/mL)."""
    volume_ml: Decimal
    """Volume of drug in one vial (after reconstitution) or device."""
    units_per_carton: int | None
    reconstitute_with_ml: Decimal | None = None
    inner_ndc10: str | None = None
    certainty: Certainty
    device_certainty: Certainty
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def single_dose(self) -> bool:
        """Every Benlysta presentation is single-dose (unused drug is discarded)."""
        return True


VIAL_120: Final = Product(
    ndc11="49401010101",
    ndc10="49401-101-01",
    layout="5-3-2",
    description="BENLYSTA 120 mg lyophilized powder, single-dose vial",
    strength_mg=Decimal(120),
    route=Route.IV,
    device=Device.VIAL,
    container="5 mL vial",
    concentration_mg_per_ml=Decimal(80),
    volume_ml=Decimal("1.5"),
    units_per_carton=1,
    reconstitute_with_ml=Decimal("1.5"),
    certainty=Certainty.VERIFIED,
    device_certainty=Certainty.VERIFIED,
    sources=("S1", "S2", "S6"),
)
"""BENLYSTA 120 mg lyophilized powder, single-dose vial (NDC 49401-101-01)."""
VIAL_400: Final = Product(
    ndc11="49401010201",
    ndc10="49401-102-01",
    layout="5-3-2",
    description="BENLYSTA 400 mg lyophilized powder, single-dose vial",
    strength_mg=Decimal(400),
    route=Route.IV,
    device=Device.VIAL,
    container="20 mL vial",
    concentration_mg_per_ml=Decimal(80),
    volume_ml=Decimal(5),
    units_per_carton=1,
    reconstitute_with_ml=Decimal("4.8"),
    certainty=Certainty.VERIFIED,
    device_certainty=Certainty.VERIFIED,
    sources=("S1", "S2", "S6"),
)
"""BENLYSTA 400 mg lyophilized powder, single-dose vial (NDC 49401-102-01)."""
SC_AUTOINJECTOR_1: Final = Product(
    ndc11="49401008802",
    ndc10="49401-088-02",
    layout="5-3-2",
    description="BENLYSTA 200 mg/mL SC, carton of 1",
    strength_mg=Decimal(200),
    route=Route.SC,
    device=Device.AUTOINJECTOR,
    container="1 mL",
    concentration_mg_per_ml=Decimal(200),
    volume_ml=Decimal(1),
    units_per_carton=1,
    inner_ndc10="49401-088-01",
    certainty=Certainty.VERIFIED,
    device_certainty=Certainty.SECONDARY,
    sources=("S1", "S16"),
)
"""BENLYSTA 200 mg/mL SC, carton of 1 (NDC 49401-088-02)."""
SC_AUTOINJECTOR_4: Final = Product(
    ndc11="49401008835",
    ndc10="49401-088-35",
    layout="5-3-2",
    description="BENLYSTA 200 mg/mL SC, carton of 4",
    strength_mg=Decimal(200),
    route=Route.SC,
    device=Device.AUTOINJECTOR,
    container="1 mL",
    concentration_mg_per_ml=Decimal(200),
    volume_ml=Decimal(1),
    units_per_carton=4,
    inner_ndc10="49401-088-01",
    certainty=Certainty.VERIFIED,
    device_certainty=Certainty.SECONDARY,
    sources=("S1", "S16"),
)
"""BENLYSTA 200 mg/mL SC, carton of 4 (NDC 49401-088-35)."""
SC_SYRINGE_4: Final = Product(
    ndc11="49401008847",
    ndc10="49401-088-47",
    layout="5-3-2",
    description="BENLYSTA 200 mg/mL SC prefilled syringe, carton of 4",
    strength_mg=Decimal(200),
    route=Route.SC,
    device=Device.PREFILLED_SYRINGE,
    container="1 mL",
    concentration_mg_per_ml=Decimal(200),
    volume_ml=Decimal(1),
    units_per_carton=4,
    inner_ndc10="49401-088-42",
    certainty=Certainty.VERIFIED,
    device_certainty=Certainty.SECONDARY,
    sources=("S1", "S16"),
)
"""BENLYSTA 200 mg/mL SC prefilled syringe, carton of 4 (NDC 49401-088-47)."""
SC_CARTON_088_61: Final = Product(
    ndc11="49401008861",
    ndc10="49401-088-61",
    layout="5-3-2",
    description="BENLYSTA 200 mg/mL SC, NDC 49401-088-61 (contents not verified)",
    strength_mg=Decimal(200),
    route=Route.SC,
    device=Device.UNKNOWN,
    container="1 mL",
    concentration_mg_per_ml=Decimal(200),
    volume_ml=Decimal(1),
    units_per_carton=None,
    certainty=Certainty.UNVERIFIED,
    device_certainty=Certainty.UNVERIFIED,
    note="Listed on the label; one Medicaid list calls it an autoinjector; count unknown.",
)
"""BENLYSTA 200 mg/mL SC, NDC 49401-088-61 (contents not verified) (NDC 49401-088-61)."""

CODES: Final[Mapping[str, Product]] = types.MappingProxyType(
    {
        p.ndc11: p
        for p in (
            VIAL_120,
            VIAL_400,
            SC_AUTOINJECTOR_1,
            SC_AUTOINJECTOR_4,
            SC_SYRINGE_4,
            SC_CARTON_088_61,
        )
    }
)
"""Every presentation by its 11-digit NDC (read-only), as in every code-set module."""

PRODUCTS: Final = CODES
"""The same mapping as :data:`CODES` (its name before 0.2.0)."""

CATALOGUE: Final[Mapping[str, str]] = types.MappingProxyType(
    {p.ndc11: p.ndc10 for p in CODES.values()}
)
"""11-digit NDC -> labeled 10-digit form: the catalogue to pass to :mod:`benlysta_coding.ndc` so that
10 bare digits and 11 -> 10 conversions resolve for Benlysta."""

IV_VIALS: Final[tuple[Product, ...]] = (VIAL_120, VIAL_400)
"""The IV vials, smallest first: the presentations billed under J0490."""


def lookup(ndc: str) -> Product:
    """Return the presentation for an NDC in any accepted spelling (see :mod:`benlysta_coding.ndc`).

    >>> lookup("49401-102-01").strength_mg
    Decimal('400')
    """
    ndc11 = _ndc.validate(ndc, CATALOGUE)
    product = CODES.get(ndc11)
    if product is None:
        raise UnknownCode(
            f"NDC {_ndc.format(ndc11)} is not a Benlysta presentation; known: "
            + ", ".join(p.ndc10 for p in CODES.values())
        )
    return product
