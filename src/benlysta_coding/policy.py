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
import os
import re
import types
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from benlysta_coding import _datafile, cpt, modifiers
from benlysta_coding._util import to_date
from benlysta_coding.errors import (
    InvalidComponent,
    InvalidInput,
    UnknownCode,
)
from benlysta_coding.findings import SETTINGS, rule_settings
from benlysta_coding.units import VialPolicy as VialPolicy

__all__ = [
    "COMMERCIAL",
    "FILING_CODES",
    "MEDICARE_PART_B",
    "POLICIES",
    "Administration",
    "JWQuantity",
    "LinesPerNDC",
    "NDCQuantityBasis",
    "PayerPolicy",
    "load",
    "lookup",
    "registry",
    "to_toml",
]


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
    def family(self) -> cpt.InfusionFamily:
        """The family's codes (:data:`benlysta_coding.cpt.FAMILIES`)."""
        return cpt.FAMILIES[self.value]

    @property
    def initial_code(self) -> str:
        """The initial-hour infusion code."""
        return self.family.initial.code

    @property
    def additional_hour_code(self) -> str:
        """The additional-hour add-on code."""
        return self.family.additional_hour.code

    @property
    def push_code(self) -> str:
        """The push code, for an administration of 15 minutes or less."""
        return self.family.push.code


FILING_CODES: Final = frozenset(
    (
        "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM",
        "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ",
    )
)  # fmt: skip
"""The X12 claim filing indicator codes (SBR09, code list 1032 of 005010X222A1 / X223A2)."""


def _fail(field: str, accepted: str) -> InvalidComponent:
    return InvalidComponent(f"PayerPolicy.{field}: expected {accepted}")


def _enum(kind: type[enum.StrEnum], field: str, optional: bool = False) -> Callable[[object], Any]:
    accepted = "one of " + ", ".join(repr(member.value) for member in kind)
    if optional:
        accepted = "None or " + accepted

    def convert(value: object) -> Any:
        if isinstance(value, kind) or (optional and value is None):
            return value
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        raise _fail(field, accepted)

    return convert


def _flag(field: str) -> Callable[[object], bool]:
    def convert(value: object) -> bool:
        if not isinstance(value, bool):
            raise _fail(field, "True or False")
        return value

    return convert


def _day(field: str, at_least: _dt.date | None = None) -> Callable[[object], _dt.date | None]:
    def convert(value: object) -> _dt.date | None:
        if value is None:
            return None
        try:
            day = to_date(value, field)
        except (TypeError, ValueError):
            raise _fail(field, "None, a date or 'YYYY-MM-DD' text") from None
        if at_least is not None and day < at_least:
            raise InvalidComponent(
                f"PayerPolicy.{field}: JZ exists only from {at_least.isoformat()}"
            )
        return day

    return convert


def _rules(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, tuple) and all(isinstance(pair, tuple) for pair in value):
        value = dict(value)
    if not isinstance(value, Mapping):
        raise _fail("rules", "a mapping of rule code to 'off', 'info', 'warning' or 'error'")
    return tuple(sorted(rule_settings(value).items()))


def _name(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", value):
        raise _fail("name", "1 to 40 letters, digits, '_', '.' or '-'")
    return value


def _filing(field: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str) or value not in FILING_CODES:
            raise _fail(field, "an X12 claim filing indicator (SBR09) such as 'MB', 'MA', 'CI'")
        return value

    return convert


def _mue(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999_999:
        raise _fail("max_units_per_day", "None or a whole number of units from 1 to 999999")
    return value


if TYPE_CHECKING:  # the converters as the type checker's attrs plugin reads them

    def _payer_policy_medicare(value: object, /) -> bool: ...
    def _payer_policy_sc_on_medical_benefit(value: object, /) -> bool: ...
    def _payer_policy_bill_waste(value: object, /) -> bool: ...
    def _payer_policy_jw_required_from(value: object, /) -> _dt.date | None: ...
    def _payer_policy_jz_required_from(value: object, /) -> _dt.date | None: ...
    def _payer_policy_administration(value: object, /) -> Administration: ...
    def _payer_policy_vial_policy(value: object, /) -> VialPolicy: ...
    def _payer_policy_vial_ndc_unit(value: object, /) -> NDCQuantityBasis | None: ...
    def _payer_policy_sc_ndc_unit(value: object, /) -> NDCQuantityBasis | None: ...
    def _payer_policy_jw_ndc_quantity(value: object, /) -> JWQuantity: ...
    def _payer_policy_lines_per_ndc(value: object, /) -> LinesPerNDC: ...
    def _payer_policy_claim_filing_code(value: object, /) -> str: ...
    def _payer_policy_institutional_filing_code(value: object, /) -> str: ...

else:
    _payer_policy_medicare = _flag("medicare")
    _payer_policy_sc_on_medical_benefit = _flag("sc_on_medical_benefit")
    _payer_policy_bill_waste = _flag("bill_waste")
    _payer_policy_jw_required_from = _day("jw_required_from")
    _payer_policy_jz_required_from = _day("jz_required_from", modifiers.JZ.effective)
    _payer_policy_administration = _enum(Administration, "administration")
    _payer_policy_vial_policy = _enum(VialPolicy, "vial_policy")
    _payer_policy_vial_ndc_unit = _enum(NDCQuantityBasis, "vial_ndc_unit", optional=True)
    _payer_policy_sc_ndc_unit = _enum(NDCQuantityBasis, "sc_ndc_unit", optional=True)
    _payer_policy_jw_ndc_quantity = _enum(JWQuantity, "jw_ndc_quantity")
    _payer_policy_lines_per_ndc = _enum(LinesPerNDC, "lines_per_ndc")
    _payer_policy_claim_filing_code = _filing("claim_filing_code")
    _payer_policy_institutional_filing_code = _filing("institutional_filing_code")


@attrs.frozen(kw_only=True, cache_hash=True)
class PayerPolicy:
    """The billing rules of one payer.

    Every field converts what it is given and refuses what it cannot convert: a string that names an
    enum value becomes that member (``vial_ndc_unit="vials"``), anything else raises
    :class:`~benlysta_coding.errors.InvalidComponent` naming the field and the accepted values.
    """

    name: str = attrs.field(converter=_name)
    medicare: bool = attrs.field(default=False, converter=_payer_policy_medicare)
    """Medicare Part B rules: SC Benlysta is a self-administered drug, excluded from Part B."""
    sc_on_medical_benefit: bool = attrs.field(
        default=False, converter=_payer_policy_sc_on_medical_benefit
    )
    """Whether the payer covers SC Benlysta under the medical benefit at all (normally pharmacy)."""
    bill_waste: bool = attrs.field(default=True, converter=_payer_policy_bill_waste)
    """Bill discarded drug on its own JW line."""
    jw_required_from: _dt.date | None = attrs.field(
        default=None, converter=_payer_policy_jw_required_from
    )
    """From this date of service a missing JW line for waste is an error."""
    jz_required_from: _dt.date | None = attrs.field(
        default=None, converter=_payer_policy_jz_required_from
    )
    """From this date of service drug lines with nothing discarded carry JZ; ``None``: never."""
    administration: Administration = attrs.field(
        default=Administration.THERAPEUTIC, converter=_payer_policy_administration
    )
    vial_policy: VialPolicy = attrs.field(
        default=VialPolicy.LEAST_WASTE, converter=_payer_policy_vial_policy
    )
    vial_ndc_unit: NDCQuantityBasis | None = attrs.field(
        default=None, converter=_payer_policy_vial_ndc_unit
    )
    """What the NDC quantity of an IV line counts; ``None``: the presentation's ``ndc_unit`` in the
    drug file (``UN``, vials, for belimumab)."""
    sc_ndc_unit: NDCQuantityBasis | None = attrs.field(
        default=None, converter=_payer_policy_sc_ndc_unit
    )
    """What the NDC quantity of an SC line counts; ``None``: the presentation's ``ndc_unit``
    (``ML`` for belimumab's SC devices)."""
    jw_ndc_quantity: JWQuantity = attrs.field(
        default=JWQuantity.REPEAT, converter=_payer_policy_jw_ndc_quantity
    )
    lines_per_ndc: LinesPerNDC = attrs.field(
        default=LinesPerNDC.ONE_PER_NDC, converter=_payer_policy_lines_per_ndc
    )
    claim_filing_code: str = attrs.field(default="CI", converter=_payer_policy_claim_filing_code)
    """X12 claim filing indicator (SBR09) of professional claims: ``MB`` Medicare Part B, ``CI``
    commercial insurance."""
    max_units_per_day: int | None = attrs.field(default=None, converter=_mue)
    """The payer's maximum J0490 units per day (MUE), if you have it; never built in."""
    institutional_filing_code: str = attrs.field(
        default="CI", converter=_payer_policy_institutional_filing_code
    )
    """SBR09 of institutional claims: ``MA`` for Medicare (processed by the Part A/B MAC, S19)."""
    rules: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_rules)
    """Rule settings of this payer (rule code -> ``off``, ``info``, ``warning`` or ``error``), as
    ``build_claim(..., rules=...)`` takes them; the call's ``rules`` apply on top. Given as a
    mapping, kept as sorted pairs (a policy is hashable)."""

    def filing_code(self, institutional: bool) -> str:
        """The claim filing indicator for a professional or an institutional claim."""
        return self.institutional_filing_code if institutional else self.claim_filing_code


MEDICARE_PART_B: Final = PayerPolicy(
    name="medicare_part_b",
    medicare=True,
    sc_on_medical_benefit=False,
    claim_filing_code="MB",
    institutional_filing_code="MA",
    jw_required_from=modifiers.JW.required_from,
    jz_required_from=modifiers.JZ.required_from,
)
"""Medicare Part B: JW from 2017-01-01, JZ from 2023-07-01, SC excluded (self-administered).

:meta hide-value:
"""

COMMERCIAL: Final = PayerPolicy(
    name="commercial",
    sc_on_medical_benefit=False,
    jz_required_from=None,
)
"""A generic commercial payer: waste on a JW line, no JZ requirement; adjust to the contract.

:meta hide-value:
"""

POLICIES: Final[Mapping[str, PayerPolicy]] = types.MappingProxyType(
    {p.name: p for p in (MEDICARE_PART_B, COMMERCIAL)}
)
"""The built-in payer policies by name (read-only).

:meta hide-value:
"""


def lookup(name: str) -> PayerPolicy:
    """Return a built-in policy by name (``"medicare_part_b"`` or ``"commercial"``).

    >>> lookup("medicare_part_b").filing_code(institutional=True)
    'MA'
    """
    policy = POLICIES.get(name) if isinstance(name, str) else None
    if policy is None:
        raise UnknownCode(f"payer policy: expected one of {', '.join(POLICIES)}")
    return policy


_FIELDS: Final = tuple(f.name for f in attrs.fields(PayerPolicy) if f.name != "rules")


def load(path: str | os.PathLike[str]) -> PayerPolicy:
    """Read a payer policy file (TOML): ``name``, any :class:`PayerPolicy` field by its name, and a
    ``[rules]`` table of rule settings. Every problem is reported at once, naming the file, the key
    and the accepted values (:class:`~benlysta_coding.errors.InvalidInput`); nothing is
    half-applied. A built-in policy's name is refused.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = pathlib.Path(folder, "acme.toml")
    ...     _ = file.write_text(
    ...         to_toml(attrs.evolve(COMMERCIAL, name="acme", bill_waste=False))
    ...     )
    ...     load(file).bill_waste
    False
    """
    document, problems = _datafile.read(path)
    values: dict[str, Any] = {}
    for key, value in document.items():
        if key == "rules":
            continue
        if key not in _FIELDS:
            known = ", ".join((*_FIELDS, "[rules]"))
            problems.add(key, "unknown-key", f"not a PayerPolicy field; known: {known}")
            continue
        try:
            values[key] = _CONVERTERS[key](value)
        except (InvalidComponent, TypeError) as error:
            message = str(error).removeprefix(f"PayerPolicy.{key}: ")
            problems.add(key, "invalid-value", message)
    if "name" not in document:
        problems.add("name", "missing", "required")
    elif values.get("name") in POLICIES:
        problems.add(
            "name",
            "invalid-value",
            f"{values['name']!r} is a built-in policy's name: choose another",
        )
    rules = document.get("rules", {})
    if not isinstance(rules, dict):
        problems.add("rules", "invalid-value", "expected a table of rule code = setting")
    else:
        try:
            values["rules"] = rule_settings(rules)
        except InvalidInput as error:
            for problem in error.problems:
                where = problem.path.removeprefix("$.")
                problems.add(
                    where, problem.code, f"{problem.message}; accepted: {', '.join(SETTINGS)}"
                )
    problems.raise_if_any()
    return PayerPolicy(**values)


_CONVERTERS: Final[Mapping[str, Callable[[object], Any]]] = types.MappingProxyType(
    {  # every field's converter is a plain function (none takes the instance or the field)
        f.name: cast("Callable[[object], Any]", f.converter)
        for f in attrs.fields(PayerPolicy)
        if f.converter is not None
    }
)


def to_toml(policy: PayerPolicy) -> str:
    """A policy as a policy file that :func:`load` reads back to an equal policy (a built-in's
    name is the one thing to change before loading it).

    >>> print(to_toml(COMMERCIAL))
    name = "commercial"
    medicare = false
    sc_on_medical_benefit = false
    bill_waste = true
    administration = "therapeutic"
    vial_policy = "least_waste"
    jw_ndc_quantity = "repeat"
    lines_per_ndc = "one_per_ndc"
    claim_filing_code = "CI"
    institutional_filing_code = "CI"
    <BLANKLINE>
    [rules]
    <BLANKLINE>
    """
    if not isinstance(policy, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    lines = []
    for key in _FIELDS:
        value = getattr(policy, key)
        if value is None:
            continue  # TOML has no null: a missing key is the field's default, None
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int | _dt.date):
            lines.append(f"{key} = {value.isoformat() if isinstance(value, _dt.date) else value}")
        else:
            lines.append(f'{key} = "{value}"')
    lines += ["", "[rules]"]
    lines += [f'{code} = "{setting}"' for code, setting in policy.rules]
    return "\n".join(lines) + "\n"


def registry(loaded: Iterable[PayerPolicy] = ()) -> Mapping[str, PayerPolicy]:
    """The built-in policies and ``loaded`` by name; a name used twice is refused.

    >>> sorted(registry())
    ['commercial', 'medicare_part_b']
    """
    return _datafile.registry(POLICIES, loaded, PayerPolicy, "policy", "policies")
