"""A drug as a value: its HCPCS code and unit, presentations, diagnosis and dosing rules, and the
administration families it is billed with. :data:`BELIMUMAB` is the one this library ships.

The calculators (:mod:`benlysta_coding.units`), the line builder (:mod:`benlysta_coding.lines`), the
checks (:mod:`benlysta_coding.checks`) and the claim builder take a :class:`Drug`; none of them names
J0490 or a vial. A second J-code would be a second value of this class, not an edit of the builder.

>>> BELIMUMAB.hcpcs.code, BELIMUMAB.unit_mg
('J0490', Decimal('10'))
>>> [p.ndc10 for p in BELIMUMAB.iv_vials]
['49401-101-01', '49401-102-01']
>>> BELIMUMAB.presentation("49401-0102-01").strength_mg
Decimal('400')
>>> sorted(BELIMUMAB.indication_diagnoses[Indication.LUPUS_NEPHRITIS])
['M32.14']

More information:

* S3 BENLYSTA US prescribing information (indications, doses, ages)
* S6 GSK BENLYSTA billing and coding guide (J0490 with the IV vials; administration codes)
* S8 payer medical-benefit policies for Benlysta IV (the SLE diagnoses they accept)
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from benlysta_coding import cpt, hcpcs, products
from benlysta_coding import ndc as _ndc
from benlysta_coding.hcpcs import HCPCSCode
from benlysta_coding.ndc import NDC11
from benlysta_coding.products import Device, Product, Route

__all__ = [
    "ADULT_AGE_YEARS",
    "BELIMUMAB",
    "IV_MG_PER_KG",
    "MIN_AGE_YEARS",
    "SC_ADULT_LUPUS_NEPHRITIS",
    "SC_ADULT_SLE",
    "SC_CHILD_SLE_EVERY_2_WEEKS",
    "SC_CHILD_SLE_WEEKLY",
    "Drug",
    "Indication",
    "Regimen",
]

MIN_AGE_YEARS: Final = 5
"""Benlysta is indicated from 5 years of age (S3)."""
ADULT_AGE_YEARS: Final = 18
"""Adult dosing applies from 18 years of age."""
IV_MG_PER_KG: Final = Decimal(10)
"""The IV dose, 10 mg per kg of body weight (S3)."""


class Indication(enum.StrEnum):
    """What Benlysta treats."""

    SLE = "sle"
    LUPUS_NEPHRITIS = "lupus_nephritis"


@attrs.frozen(kw_only=True)
class Regimen:
    """A dosing regimen: a loading phase then a maintenance interval.

    ``loading_offsets_weeks`` are the weeks of the loading doses from the first dose (``(0, 2, 4)`` for
    IV); maintenance doses follow every ``interval_weeks`` after the last loading dose.
    """

    key: str
    route: Route
    indication: Indication
    description: str
    dose_mg: Decimal
    """The maintenance dose (the weight-based dose for IV)."""
    interval_weeks: int
    loading_offsets_weeks: tuple[int, ...] = (0,)
    loading_dose_mg: Decimal | None = None
    """The dose of the loading doses if it differs (400 mg for adult SC lupus nephritis)."""
    weight_based: bool = False


SC_ADULT_SLE: Final = Regimen(
    key="sc_adult_sle",
    route=Route.SC,
    indication=Indication.SLE,
    description="200 mg SC once weekly",
    dose_mg=Decimal(200),
    interval_weeks=1,
)
"""Adult SLE, SC: 200 mg once weekly (S3)."""
SC_ADULT_LUPUS_NEPHRITIS: Final = Regimen(
    key="sc_adult_ln",
    route=Route.SC,
    indication=Indication.LUPUS_NEPHRITIS,
    description="400 mg SC weekly for 4 doses, then 200 mg weekly",
    dose_mg=Decimal(200),
    interval_weeks=1,
    loading_offsets_weeks=(0, 1, 2, 3),
    loading_dose_mg=Decimal(400),
)
"""Adult lupus nephritis, SC: 400 mg weekly for 4 doses, then 200 mg weekly (secondary source)."""
SC_CHILD_SLE_WEEKLY: Final = Regimen(
    key="sc_child_sle_weekly",
    route=Route.SC,
    indication=Indication.SLE,
    description="200 mg SC once weekly (children 40 kg or more; autoinjector only)",
    dose_mg=Decimal(200),
    interval_weeks=1,
)
"""Children with SLE, 40 kg or more, SC: 200 mg weekly, autoinjector only (secondary source)."""
SC_CHILD_SLE_EVERY_2_WEEKS: Final = Regimen(
    key="sc_child_sle_every_2_weeks",
    route=Route.SC,
    indication=Indication.SLE,
    description="200 mg SC every 2 weeks (children 15 to under 40 kg; autoinjector only)",
    dose_mg=Decimal(200),
    interval_weeks=2,
)
"""Children with SLE, 15 to under 40 kg, SC: 200 mg every 2 weeks, autoinjector only (secondary source)."""


@attrs.frozen(kw_only=True, cache_hash=True)
class Drug:
    """Everything the builder needs to know about one drug billed under one HCPCS code.

    A drug is hashable (its mappings are left out of the hash, not out of equality), so that the
    checks can remember their results per drug."""

    name: str
    hcpcs: HCPCSCode
    presentations: tuple[Product, ...]
    """Every NDC of the drug."""
    iv_vials: tuple[Product, ...]
    """The IV presentations billed under the HCPCS code, smallest first."""
    default_sc_product: Product | None
    """The SC device assumed when the record names none."""
    iv_mg_per_kg: Decimal
    min_age_years: int
    adult_age_years: int
    sc_regimens: tuple[Regimen, ...]
    """The SC regimens an SC dose is checked against."""
    paediatric_sc_devices: frozenset[Device]
    """The SC devices studied in children (an autoinjector only for belimumab)."""
    diagnosis_category: str
    """The ICD-10-CM category the first-listed diagnosis should come from (``M32``)."""
    indication_diagnoses: Mapping[Indication, frozenset[str]] = attrs.field(hash=False)
    """The billable diagnoses that support each indication."""
    not_indicated: Mapping[str, str] = attrs.field(hash=False)
    """Diagnoses in the category that are not an indication, with why."""
    misleading_diagnoses: Mapping[str, str] = attrs.field(hash=False)
    """Codes often billed by mistake for an indication, with the correction."""
    infusion_families: frozenset[str]
    """The IV administration families (:data:`benlysta_coding.cpt.FAMILIES`) that may apply."""
    injection: cpt.CPTCode
    """The SC administration code, one unit per injection."""
    by_ndc: Mapping[str, Product] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The presentations by 11-digit NDC."""
    catalogue: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """11-digit NDC -> labeled form, for :mod:`benlysta_coding.ndc`."""
    supporting_diagnoses: frozenset[str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """Every diagnosis that supports one of the indications."""

    def __attrs_post_init__(self) -> None:  # derived once from the fields above
        by_ndc = types.MappingProxyType({p.ndc11: p for p in self.presentations})
        object.__setattr__(self, "by_ndc", by_ndc)
        catalogue = types.MappingProxyType({p.ndc11: p.ndc10 for p in self.presentations})
        object.__setattr__(self, "catalogue", catalogue)
        supporting = frozenset().union(*self.indication_diagnoses.values())
        object.__setattr__(self, "supporting_diagnoses", supporting)

    @property
    def unit_mg(self) -> Decimal:
        """The drug in one billing unit (10 mg for J0490)."""
        return self.hcpcs.billing_unit_mg

    def presentation(self, ndc: str) -> Product | None:
        """The presentation of an NDC in any accepted spelling, or ``None`` when it is not this
        drug's (a malformed NDC raises, as :func:`benlysta_coding.ndc.validate` does)."""
        ndc11: NDC11 = _ndc.validate(ndc, self.catalogue)
        return self.by_ndc.get(ndc11)

    def products_for(self, route: Route) -> tuple[Product, ...]:
        """The presentations of one route."""
        return tuple(p for p in self.presentations if p.route == route)


_SLE: Final = frozenset(
    ("M32.10", "M32.11", "M32.12", "M32.13", "M32.14", "M32.15", "M32.19", "M32.8", "M32.9")
)

BELIMUMAB: Final = Drug(
    name="belimumab (Benlysta)",
    hcpcs=hcpcs.J0490,
    presentations=tuple(products.CODES.values()),
    iv_vials=products.IV_VIALS,
    default_sc_product=products.SC_AUTOINJECTOR_1,
    iv_mg_per_kg=IV_MG_PER_KG,
    min_age_years=MIN_AGE_YEARS,
    adult_age_years=ADULT_AGE_YEARS,
    sc_regimens=(SC_ADULT_SLE, SC_ADULT_LUPUS_NEPHRITIS),
    paediatric_sc_devices=frozenset({Device.AUTOINJECTOR}),
    diagnosis_category="M32",
    indication_diagnoses=types.MappingProxyType(
        {Indication.SLE: _SLE, Indication.LUPUS_NEPHRITIS: frozenset({"M32.14"})}
    ),
    not_indicated=types.MappingProxyType({"M32.0": "drug-induced SLE is not an indication"}),
    misleading_diagnoses=types.MappingProxyType(
        {"N05.9": "unspecified nephritic syndrome, not lupus nephritis (that is M32.14)"}
    ),
    infusion_families=frozenset(cpt.FAMILIES),
    injection=cpt.CPT_96372,
)
"""Belimumab: J0490 (10 mg), the 120 mg and 400 mg vials for IV, the 200 mg SC devices.

:meta hide-value:
"""
