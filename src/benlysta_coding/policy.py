"""Payer policies: the billing rules that differ from payer to payer, as frozen values.

A :class:`PayerPolicy` says how waste is reported (JW line, JZ from which date), which administration
code family the payer pays (96365 therapeutic or 96413 complex), how vials are chosen, which NDC unit
the NDC quantity uses, whether a dose that uses both vial sizes is one line per NDC, and an optional
maximum of units per day (MUE) that *you* supply.

Two policies are built in, :data:`MEDICARE_PART_B` and :data:`COMMERCIAL`; make your own by
constructing a :class:`PayerPolicy` or with :func:`attrs.evolve`::

    >>> import attrs
    >>> mine = attrs.evolve(MEDICARE_PART_B, name="noridian_complex",
    ...                     administration=Administration.COMPLEX)
    >>> mine.administration.initial_code
    '96413'

What is only a default, not a fact (see the docs' "Facts, certainty and policies"):

* complex administration (96413) for a monoclonal antibody: the manufacturer says it "may be
  applicable", some Medicare contractors pay it with documentation: ``administration``;
* NDC unit for the vials (``UN`` vials, state Medicaid guidance) and the SC devices (``ML``, NCPDP):
  ``vial_ndc_unit``, ``sc_ndc_unit``;
* one line per NDC when a dose uses both vial sizes (several Medicaid and commercial plans) or a single
  line with the second NDC in a note (Palmetto GBA): ``lines_per_ndc``;
* the NDC quantity of a JW line (payers differ): ``jw_ndc_quantity``;
* JW/JZ for commercial payers: ``jz_required_from``, ``bill_waste``;
* J0490's MUE and any price: never built in (``max_units_per_day`` is ``None`` unless you set it).

More information:

* S11 CMS JW/JZ policy; S9 CGS JW and JZ guidelines; S13 Noridian on complex administration;
  S17 Palmetto GBA and Medicaid NDC instructions (see :data:`benlysta_coding.facts.SOURCES`).
"""

from __future__ import annotations

import datetime as _dt
import enum
import types
from collections.abc import Mapping
from typing import Final

import attrs

from benlysta_coding import modifiers
from benlysta_coding.errors import InvalidComponent, UnknownCode

__all__ = [
    "COMMERCIAL",
    "MEDICARE_PART_B",
    "POLICIES",
    "Administration",
    "JWQuantity",
    "LinesPerNDC",
    "NDCQuantityBasis",
    "PayerPolicy",
    "VialPolicy",
    "lookup",
]


class VialPolicy(enum.StrEnum):
    """How to choose the vials that cover a dose."""

    LEAST_WASTE = "least_waste"
    """The combination with the least drug left over; ties go to fewer vials (contractors' rule)."""
    FEWEST_VIALS = "fewest_vials"
    """The combination with the fewest vials; ties go to less waste."""


class NDCQuantityBasis(enum.StrEnum):
    """What the NDC quantity of a drug line counts."""

    VIALS = "vials"
    """Vials or devices, unit ``UN``."""
    MILLILITRES = "millilitres"
    """Millilitres, unit ``ML`` (reconstituted volume for the vials)."""
    MILLIGRAMS = "milligrams"
    """Milligrams, unit ``ME``."""


class JWQuantity(enum.StrEnum):
    """The NDC quantity on a JW (waste) line; under the ``MILLIGRAMS`` basis it is always the
    discarded mg."""

    REPEAT = "repeat"
    """The same NDC quantity (vials or mL) as the administered line of the partly used NDC."""
    WASTED_MG = "wasted_mg"
    """The discarded milligrams, unit ``ME``."""


class LinesPerNDC(enum.StrEnum):
    """How a dose that uses both vial sizes is billed."""

    ONE_PER_NDC = "one_per_ndc"
    """One drug line per NDC (the default)."""
    SINGLE_LINE = "single_line"
    """One drug line with the first NDC; the other NDCs go in a note (NTE / item 19)."""


class Administration(enum.StrEnum):
    """The administration code family a payer pays for a belimumab infusion."""

    THERAPEUTIC = "therapeutic"
    """96365 / 96366 / 96374."""
    COMPLEX = "complex"
    """96413 / 96415 / 96409 (chemotherapy and complex drug administration)."""

    @property
    def initial_code(self) -> str:
        """The initial-hour infusion code."""
        return "96365" if self is Administration.THERAPEUTIC else "96413"

    @property
    def additional_hour_code(self) -> str:
        """The additional-hour add-on code."""
        return "96366" if self is Administration.THERAPEUTIC else "96415"

    @property
    def push_code(self) -> str:
        """The push code, for an administration of 15 minutes or less."""
        return "96374" if self is Administration.THERAPEUTIC else "96409"


def _check_jz_date(
    instance: PayerPolicy, attribute: attrs.Attribute[_dt.date | None], value: _dt.date | None
) -> None:
    if value is not None and modifiers.JZ.effective and value < modifiers.JZ.effective:
        raise InvalidComponent(
            f"{attribute.name}: JZ exists only from {modifiers.JZ.effective.isoformat()}"
        )


def _check_mue(
    instance: PayerPolicy, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidComponent(f"{attribute.name}: expected a whole number of units of 1 or more")


@attrs.frozen(kw_only=True)
class PayerPolicy:
    """The billing rules of one payer."""

    name: str
    medicare: bool = False
    """Medicare Part B rules: SC Benlysta is a self-administered drug, excluded from Part B."""
    sc_on_medical_benefit: bool = False
    """Whether the payer covers SC Benlysta under the medical benefit at all (normally pharmacy)."""
    bill_waste: bool = True
    """Bill discarded drug on its own JW line."""
    jw_required_from: _dt.date | None = None
    """From this date of service a missing JW line for waste is an error."""
    jz_required_from: _dt.date | None = attrs.field(default=None, validator=_check_jz_date)
    """From this date of service drug lines with nothing discarded carry JZ; ``None``: never."""
    administration: Administration = Administration.THERAPEUTIC
    vial_policy: VialPolicy = VialPolicy.LEAST_WASTE
    vial_ndc_unit: NDCQuantityBasis = NDCQuantityBasis.VIALS
    sc_ndc_unit: NDCQuantityBasis = NDCQuantityBasis.MILLILITRES
    jw_ndc_quantity: JWQuantity = JWQuantity.REPEAT
    lines_per_ndc: LinesPerNDC = LinesPerNDC.ONE_PER_NDC
    claim_filing_code: str = "CI"
    """X12 claim filing indicator (SBR09): ``MB`` Medicare Part B, ``CI`` commercial insurance."""
    max_units_per_day: int | None = attrs.field(default=None, validator=_check_mue)
    """The payer's maximum J0490 units per day (MUE), if you have it; never built in."""


MEDICARE_PART_B: Final = PayerPolicy(
    name="medicare_part_b",
    medicare=True,
    sc_on_medical_benefit=False,
    claim_filing_code="MB",
    jw_required_from=modifiers.JW.required_from,
    jz_required_from=modifiers.JZ.required_from,
)
"""Medicare Part B: JW from 2017-01-01, JZ from 2023-07-01, SC excluded (self-administered)."""

COMMERCIAL: Final = PayerPolicy(
    name="commercial",
    sc_on_medical_benefit=False,
    jz_required_from=None,
)
"""A generic commercial payer: waste on a JW line, no JZ requirement; adjust to the contract."""

POLICIES: Final[Mapping[str, PayerPolicy]] = types.MappingProxyType(
    {p.name: p for p in (MEDICARE_PART_B, COMMERCIAL)}
)


def lookup(name: str) -> PayerPolicy:
    """Return a built-in policy by name (``"medicare_part_b"`` or ``"commercial"``)."""
    policy = POLICIES.get(name) if isinstance(name, str) else None
    if policy is None:
        raise UnknownCode(f"payer policy: expected one of {', '.join(POLICIES)}")
    return policy
