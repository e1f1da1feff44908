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
from pathlib import Path
from typing import Any, Final

import attrs

from benlysta_coding import _datafile
from benlysta_coding import ndc as _ndc
from benlysta_coding._util import plain
from benlysta_coding.errors import UnknownCode, ValidationError
from benlysta_coding.facts import Certainty
from benlysta_coding.ndc import Unit

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


@attrs.frozen(kw_only=True, cache_hash=True)
class Product:
    """One presentation of a drug (one carton NDC)."""

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

    ndc_unit: Unit = Unit.UN
    """The NDC quantity unit of the presentation on a claim line (``UN`` a vial or device, ``ML``
    millilitres); a payer policy may ask for another (:class:`~benlysta_coding.policy.PayerPolicy`)."""

    written: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The amounts as written (``120`` and ``120.0`` mg are equal values written differently):
    with the product, the key under which a plan is kept, so that a plan keeps its vials' digits."""

    def __attrs_post_init__(self) -> None:
        amounts = (self.strength_mg, self.volume_ml, self.concentration_mg_per_ml)
        object.__setattr__(self, "written", tuple(map(str, amounts)))

    @property
    def single_dose(self) -> bool:
        """Every presentation this library bills is single-dose (unused drug is discarded)."""
        return True


_FORMS: Final = {
    "vial": Device.VIAL,
    "autoinjector": Device.AUTOINJECTOR,
    "prefilled-syringe": Device.PREFILLED_SYRINGE,
    "unknown": Device.UNKNOWN,
}
_CERTAINTY: Final = {c.value: c for c in Certainty}
_PRESENTATION_KEYS: Final = (
    "ndc", "strength_mg", "volume_ml", "route", "form", "ndc_unit", "description", "container",
    "concentration_mg_per_ml", "reconstitute_with_ml", "per_carton", "inner_ndc", "certainty",
    "device_certainty", "sources", "note",
)  # fmt: skip


def read_presentation(table: _datafile.Table) -> Product | None:
    """One ``[[presentations]]`` table of a drug file as a :class:`Product`, or ``None`` with its
    problems recorded (see the docs' drug file reference)."""
    given = table.text("ndc", "an NDC in any layout the ndc module reads")
    ndc11 = ndc10 = layout = None
    if given is not None:
        try:
            ndc11 = _ndc.validate(given)
            digits = [len(part) for part in given.split("-")]
            shape = "-".join(map(str, digits)) if len(digits) == 3 else "5-4-2"
            layout = shape if shape in ("4-4-2", "5-3-2", "5-4-1", "5-4-2") else "5-4-2"
            ndc10 = given if layout != "5-4-2" else _ndc.format(ndc11)
        except ValidationError as error:
            table.fail("ndc", f"an NDC in any layout the ndc module reads ({error})")
    strength = table.decimal("strength_mg")
    volume = table.decimal("volume_ml")
    route = table.text("route", choices=[r.value for r in Route])
    form = table.text("form", choices=list(_FORMS))
    unit = table.text("ndc_unit", choices=("UN", "ML"))
    concentration = table.decimal("concentration_mg_per_ml", required=False)
    reconstitute = table.decimal("reconstitute_with_ml", required=False)
    description = table.text("description", required=False)
    container = table.text("container", required=False)
    carton: object = table.raw("per_carton", required=False)
    if carton is not None and carton != "unknown":
        carton = table.integer("per_carton", 1, 1000)
    inner = table.text("inner_ndc", "an NDC", required=False)
    certainty = table.text("certainty", required=False, choices=list(_CERTAINTY)) or "V"
    device_certainty = table.text("device_certainty", required=False, choices=list(_CERTAINTY))
    sources = table.texts("sources", "source ids such as 'S1'") or []
    note = table.text("note", required=False) or ""
    table.finish(_PRESENTATION_KEYS)
    if None in (ndc11, strength, volume, route, form, unit) or (
        carton is None and table.has("per_carton")
    ):
        return None
    assert ndc11
    assert ndc10
    assert layout
    assert strength
    assert volume
    assert route
    assert form
    assert unit
    return Product(
        ndc11=ndc11,
        ndc10=ndc10,
        layout=layout,
        description=description or f"{plain(strength)} mg in {plain(volume)} mL, {form}",
        strength_mg=strength,
        route=Route(route),
        device=_FORMS[form],
        container=container or f"{plain(volume)} mL",
        concentration_mg_per_ml=concentration or strength / volume,
        volume_ml=volume,
        units_per_carton=None if carton == "unknown" else (carton or 1),  # type: ignore[arg-type]
        reconstitute_with_ml=reconstitute,
        inner_ndc10=inner,
        certainty=_CERTAINTY[certainty],
        device_certainty=_CERTAINTY[device_certainty or certainty],
        sources=tuple(sources),
        note=note,
        ndc_unit=Unit(unit),
    )


BELIMUMAB_FILE: Final = Path(__file__).parent / "data" / "belimumab.toml"
"""Belimumab's drug file, shipped inside the package: its ``[[presentations]]`` are the products of
this module (:mod:`benlysta_coding.drug` reads the rest of it)."""


BELIMUMAB_DOCUMENT: Final[Mapping[str, Any]] = types.MappingProxyType(
    _datafile.read(BELIMUMAB_FILE)[0]
)
"""The drug file read once, at import: this module takes its presentations, and
:mod:`benlysta_coding.drug` the rest."""


def _belimumab() -> dict[str, Product]:
    problems = _datafile.Problems(BELIMUMAB_FILE.name)
    top = _datafile.Table(BELIMUMAB_DOCUMENT, problems)
    made = [read_presentation(table) for table in top.tables("presentations", required=True)]
    problems.raise_if_any()
    return {p.ndc11: p for p in made if p is not None}


_SHIPPED: Final = _belimumab()

VIAL_120: Final = _SHIPPED["49401010101"]
"""BENLYSTA 120 mg lyophilized powder, single-dose vial (NDC 49401-101-01)."""
VIAL_400: Final = _SHIPPED["49401010201"]
"""BENLYSTA 400 mg lyophilized powder, single-dose vial (NDC 49401-102-01)."""
SC_AUTOINJECTOR_1: Final = _SHIPPED["49401008802"]
"""BENLYSTA 200 mg/mL SC, carton of 1 (NDC 49401-088-02)."""
SC_AUTOINJECTOR_4: Final = _SHIPPED["49401008835"]
"""BENLYSTA 200 mg/mL SC, carton of 4 (NDC 49401-088-35)."""
SC_SYRINGE_4: Final = _SHIPPED["49401008847"]
"""BENLYSTA 200 mg/mL SC prefilled syringe, carton of 4 (NDC 49401-088-47)."""
SC_CARTON_088_61: Final = _SHIPPED["49401008861"]
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
