"""A drug as a value, read from its drug file: its HCPCS code and unit, presentations, regimens,
diagnoses and ages. :data:`BELIMUMAB` is the one this library ships, loaded from the file
``data/belimumab.toml`` inside the package; :func:`load` reads yours.

The calculators (:mod:`benlysta_coding.units`), the line builder (:mod:`benlysta_coding.lines`), the
checks (:mod:`benlysta_coding.checks`) and the claim builder take a :class:`Drug`; none of them names
a code, a product or a diagnosis. A second drug is a second file, not an edit of the builder (the
docs' how-to "Bill another drug" and the drug file reference show the format).

>>> BELIMUMAB.hcpcs.code, BELIMUMAB.unit_mg
('J0490', Decimal('10'))
>>> [p.ndc10 for p in BELIMUMAB.iv_vials]
['49401-101-01', '49401-102-01']
>>> BELIMUMAB.presentation("49401-0102-01").strength_mg
Decimal('400')
>>> sorted(BELIMUMAB.indication_diagnoses["lupus_nephritis"])
['M32.14']

More information:

* S3 BENLYSTA US prescribing information (indications, doses, ages)
* S6 GSK BENLYSTA billing and coding guide (J0490 with the IV vials; administration codes)
* S8 payer medical-benefit policies for Benlysta IV (the SLE diagnoses they accept)
"""

from __future__ import annotations

import enum
import os
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from benlysta_coding import _datafile, cpt, hcpcs, products
from benlysta_coding import findings as _findings
from benlysta_coding import ndc as _ndc
from benlysta_coding._util import plain
from benlysta_coding.errors import InvalidFormat, NotSupported, OutOfRange
from benlysta_coding.facts import Certainty
from benlysta_coding.hcpcs import HCPCSCode
from benlysta_coding.ndc import NDC11
from benlysta_coding.products import Device, Product, Route

__all__ = [
    "ADULT_AGE_YEARS",
    "BELIMUMAB",
    "DRUGS",
    "IV_MG_PER_KG",
    "MIN_AGE_YEARS",
    "SC_ADULT_LUPUS_NEPHRITIS",
    "SC_ADULT_SLE",
    "SC_CHILD_SLE_EVERY_2_WEEKS",
    "SC_CHILD_SLE_WEEKLY",
    "Administration",
    "Drug",
    "Indication",
    "Regimen",
    "choose",
    "load",
    "registry",
]


class Indication(enum.StrEnum):
    """Belimumab's indications (a drug file names its own, as plain text)."""

    SLE = "sle"
    LUPUS_NEPHRITIS = "lupus_nephritis"


class Administration(enum.StrEnum):
    """How a regimen's dose is given, which decides the administration codes."""

    INFUSION = "infusion"
    """IV infusion: the policy's infusion family (96365/96366, or 96413/96415)."""
    INJECTION = "injection"
    """SC injection: the drug's injection code (96372), one unit per injection."""


@attrs.frozen(kw_only=True)
class Regimen:
    """A dosing regimen: a loading phase then a maintenance interval, for a route, an indication,
    and where the file says so an age and a weight band.

    ``loading_offsets_weeks`` are the weeks of the loading doses from the first dose (``(0, 2, 4)`` for
    IV); maintenance doses follow every ``interval_weeks`` after the last loading dose. A weight-based
    regimen has ``mg_per_kg``; :meth:`Drug.regimen_for` returns it with ``dose_mg`` the patient's dose.
    A regimen with ``not_supported`` is refused with that reason (a regimen the file knows of but
    does not bill).
    """

    key: str
    route: Route
    indication: str
    description: str
    dose_mg: Decimal
    """The maintenance dose (the weight-based dose once :meth:`Drug.regimen_for` chose it)."""
    interval_weeks: int
    loading_offsets_weeks: tuple[int, ...] = (0,)
    loading_dose_mg: Decimal | None = None
    """The dose of the loading doses if it differs (400 mg for adult SC lupus nephritis)."""
    weight_based: bool = False
    mg_per_kg: Decimal | None = None
    min_age_years: int = 0
    max_age_years: int = 150
    min_weight_kg: Decimal | None = None
    below_weight_kg: Decimal | None = None
    devices: frozenset[Device] = frozenset()
    """The devices the regimen allows (empty: any)."""
    administration: Administration = Administration.INFUSION
    not_supported: str = ""

    @property
    def dose_text(self) -> str:
        """The dose as the label writes it: ``10 mg/kg`` or ``300 mg``."""
        if self.mg_per_kg is not None:
            return f"{plain(self.mg_per_kg)} mg/kg"
        return f"{plain(self.dose_mg)} mg"

    def fits(self, route: str, indication: str, age: int) -> bool:
        return (
            self.route == route
            and self.indication == indication
            and self.min_age_years <= age <= self.max_age_years
        )

    def fits_weight(self, weight: Decimal) -> bool:
        low, below = self.min_weight_kg, self.below_weight_kg
        return (low is None or weight >= low) and (below is None or weight < below)


@attrs.frozen(kw_only=True, cache_hash=True)
class Drug:
    """Everything the builder needs to know about one drug billed under one HCPCS code.

    A drug is hashable (its mappings are left out of the hash, not out of equality), so that the
    checks can remember their results per drug."""

    name: str
    """The drug's key: what ``--drug`` and the encounter key ``drug`` name (``belimumab``)."""
    brand: str
    hcpcs: HCPCSCode
    presentations: tuple[Product, ...]
    """Every NDC of the drug."""
    regimens: tuple[Regimen, ...]
    min_age_years: int
    adult_age_years: int = 18
    default_sc_product: Product | None = None
    """The SC device assumed when the record names none."""
    diagnosis_category: str | None = None
    """The ICD-10-CM category the first-listed diagnosis should come from (``M32``), if one."""
    indication_diagnoses: Mapping[str, tuple[str, ...]] = attrs.field(hash=False)
    """The diagnoses (codes, or ``M05*`` patterns) that support each indication."""
    not_indicated: Mapping[str, str] = attrs.field(hash=False, factory=dict)
    """Diagnoses that are not an indication, with why."""
    misleading_diagnoses: Mapping[str, tuple[str, str, str]] = attrs.field(hash=False, factory=dict)
    """Codes often billed by mistake: code -> (why, indication, rule code when it is that
    indication)."""
    infusion_families: frozenset[str] = frozenset(cpt.FAMILIES)
    """The IV administration families (:data:`benlysta_coding.cpt.FAMILIES`) that may apply."""
    injection: cpt.CPTCode = cpt.CPT_96372
    """The SC administration code, one unit per injection."""
    before_hcpcs: str = ""
    """What was billed before the HCPCS code took effect, for the message that refuses it."""
    source: str = ""
    """The file the drug was read from."""
    iv_vials: tuple[Product, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The IV presentations billed under the HCPCS code, smallest first."""
    by_ndc: Mapping[str, Product] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The presentations by 11-digit NDC."""
    catalogue: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """11-digit NDC -> labeled form, for :mod:`benlysta_coding.ndc`."""
    indications: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The indications of the drug, in the file's order."""
    iv_mg_per_kg: Decimal | None = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The weight-based IV dose (10 mg/kg for belimumab), if the drug has one."""
    sc_regimens: tuple[Regimen, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    """The adult SC regimens an SC dose is checked against."""
    paediatric_sc_devices: frozenset[Device] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    """The SC devices allowed for children (an autoinjector only for belimumab); empty when the
    file restricts none."""
    facts: Mapping[str, str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _by_route: Mapping[Route, tuple[Product, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_by_route"
    )
    """The presentations of each route (:meth:`products_for`)."""
    _diagnosis_index: Mapping[str | None, tuple[frozenset[str], tuple[str, ...]]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_diagnosis_index"
    )
    """For each indication (and ``None``: any indication), its codes and its pattern stems, which
    :meth:`supports` reads."""
    """The facts a finding's fix may name in braces (:func:`benlysta_coding.findings.fill`)."""

    def __attrs_post_init__(self) -> None:  # derived once from the fields above
        by_route: dict[Route, tuple[Product, ...]] = {}
        for product in self.presentations:
            by_route[product.route] = (*by_route.get(product.route, ()), product)
        object.__setattr__(self, "_by_route", by_route)
        vials = sorted(self.products_for(Route.IV), key=lambda p: p.strength_mg)
        object.__setattr__(self, "iv_vials", tuple(vials))
        # plain dicts, not read-only proxies: a drug is pickled to worker processes (batch --jobs)
        object.__setattr__(self, "by_ndc", {p.ndc11: p for p in self.presentations})
        catalogue = {p.ndc11: p.ndc10 for p in self.presentations if p.layout != "5-4-2"}
        object.__setattr__(self, "catalogue", catalogue)
        object.__setattr__(self, "indications", tuple(self.indication_diagnoses))
        per_kg = [r.mg_per_kg for r in self.regimens if r.route == Route.IV and r.mg_per_kg]
        object.__setattr__(self, "iv_mg_per_kg", per_kg[0] if per_kg else None)
        adult_sc = tuple(
            r
            for r in self.regimens
            if r.route == Route.SC
            and not r.not_supported
            and r.min_age_years >= self.adult_age_years
        )
        object.__setattr__(self, "sc_regimens", adult_sc)
        children: set[Device] = set()
        for regimen in self.regimens:
            if regimen.route == Route.SC and regimen.max_age_years < self.adult_age_years:
                children |= regimen.devices
        object.__setattr__(self, "paediatric_sc_devices", frozenset(children))
        object.__setattr__(self, "facts", self._facts())
        index = {name: _index(codes) for name, codes in self.indication_diagnoses.items()}
        every = [code for codes in self.indication_diagnoses.values() for code in codes]
        object.__setattr__(self, "_diagnosis_index", {**index, None: _index(every)})

    def _facts(self) -> dict[str, str]:
        labels = [indication_label(name) for name in self.indications]
        codes = dict.fromkeys(c for codes in self.indication_diagnoses.values() for c in codes)
        return {
            "name": self.name,
            "brand": self.brand,
            "hcpcs": self.hcpcs.code,
            "unit_mg": plain(self.unit_mg),
            "min_age": str(self.min_age_years),
            "category": self.diagnosis_category or "of the drug's diagnoses",
            "diagnoses": ", ".join(codes),
            "indications": " and ".join(labels),
            "either_indication": " or ".join(labels),
            "iv_ndcs": ", ".join(_ndc.format(p.ndc11) for p in self.iv_vials) or "none",
            "sc_regimens": "; ".join(r.description for r in self.sc_regimens) or "none",
        }

    @property
    def unit_mg(self) -> Decimal:
        """The drug in one billing unit (10 mg for J0490)."""
        return self.hcpcs.billing_unit_mg

    @property
    def label(self) -> str:
        """``name (Brand)``, as explanations write the drug."""
        return f"{self.name} ({self.brand})"

    def supports(self, code: str, indication: str | None = None) -> bool:
        """Whether a diagnosis supports the drug (for ``indication``, or for any indication)."""
        codes, stems = self._diagnosis_index.get(indication, _NO_DIAGNOSES)
        return code in codes or code.startswith(stems)

    def presentation(self, ndc: str) -> Product | None:
        """The presentation of an NDC in any accepted spelling, or ``None`` when it is not this
        drug's (a malformed NDC raises, as :func:`benlysta_coding.ndc.validate` does)."""
        ndc11: NDC11 = _ndc.validate(ndc, self.catalogue)
        return self.by_ndc.get(ndc11)

    def products_for(self, route: Route) -> tuple[Product, ...]:
        """The presentations of one route."""
        return self._by_route.get(route, ())

    def regimen_for(
        self,
        route: Route | str,
        indication: str,
        age_years: int,
        weight_kg: Decimal | None = None,
        check_weight: object = None,
    ) -> Regimen:
        """The regimen for a route, an indication, an age and (where it depends on one) a weight.

        A weight-based regimen comes back with ``dose_mg`` the patient's dose. ``check_weight``, a
        function of the weight, checks it is plausible before it is used
        (:func:`benlysta_coding.dosing.check_weight`).
        """
        if age_years < self.min_age_years:
            raise OutOfRange(
                f"age: {self.brand} is indicated from {self.min_age_years} years of age"
            )
        if indication not in self.indication_diagnoses:
            raise InvalidFormat(f"indication: expected {_either(self.indications)}")
        fitting = [r for r in self.regimens if r.fits(route, indication, age_years)]
        if not fitting:
            raise NotSupported(
                f"{self.name} has no {str(route).upper()} regimen for {indication} at this age; "
                "give the dose explicitly"
            )
        banded = [r for r in fitting if r.min_weight_kg or r.below_weight_kg]
        if banded and len(fitting) == len(banded):
            if weight_kg is None:
                child = "paediatric " if age_years < self.adult_age_years else ""
                raise InvalidFormat(
                    f"weight_kg: the {child}{str(route).upper()} regimen depends on weight"
                )
            weight = check_weight(weight_kg) if callable(check_weight) else weight_kg
            fitting = [r for r in fitting if r.fits_weight(weight)]
        if not fitting:
            raise NotSupported(f"no {self.name} regimen for this weight")
        regimen = fitting[0]
        if regimen.not_supported:
            raise NotSupported(regimen.not_supported)
        if regimen.mg_per_kg is None:
            return regimen
        if weight_kg is None:
            raise InvalidFormat(
                f"weight_kg: the {str(route).upper()} dose is {regimen.dose_text}, so a weight "
                "is required"
            )
        weight = check_weight(weight_kg) if callable(check_weight) else weight_kg
        return attrs.evolve(regimen, dose_mg=weight * regimen.mg_per_kg)


def indication_label(indication: str) -> str:
    """An indication as text: ``lupus_nephritis`` -> ``lupus nephritis``, ``sle`` -> ``SLE``.

    >>> indication_label("lupus_nephritis"), indication_label("sle")
    ('lupus nephritis', 'SLE')
    """
    words = indication.replace("_", " ").replace("-", " ")
    return words.upper() if len(words) <= 4 else words


def _either(names: Iterable[str]) -> str:
    quoted = [repr(name) for name in names]
    return " or ".join(quoted) if len(quoted) <= 2 else "one of " + ", ".join(quoted)


_NO_DIAGNOSES: Final[tuple[frozenset[str], tuple[str, ...]]] = (frozenset(), ())


def _index(patterns: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The codes a list names exactly, and the stems of its patterns (``M05*`` covers ``M05`` and
    every code under it)."""
    stems = tuple(p.rstrip("*").rstrip(".") for p in patterns if p.endswith("*"))
    return frozenset(p for p in patterns if not p.endswith("*")), stems


_DOSE: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?) (mg/kg|mg)")
_PATTERN: Final = re.compile(
    r"[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{0,4})?\*?|[A-TV-Z][0-9][0-9A-Z]\.\*"
)
_NAME: Final = re.compile(r"[a-z][a-z0-9_-]{1,39}")
_TOP_KEYS: Final = (
    "name", "brand", "hcpcs", "unit_mg", "min_age_years", "adult_age_years", "before_hcpcs",
    "diagnosis_category", "default_sc_ndc", "injection_code", "infusion_families", "indications",
    "not_indicated", "misleading_diagnoses", "presentations", "regimens",
)  # fmt: skip
_REGIMEN_KEYS: Final = (
    "key", "route", "indication", "dose", "loading_dose", "every_weeks", "loading_weeks",
    "diagnoses", "administration", "description", "min_age_years", "max_age_years",
    "min_weight_kg", "below_weight_kg", "devices", "not_supported",
)  # fmt: skip
_DEVICES: Final = {"vial": Device.VIAL, "autoinjector": Device.AUTOINJECTOR,
                   "prefilled-syringe": Device.PREFILLED_SYRINGE}  # fmt: skip


def _dose(table: _datafile.Table, key: str, required: bool) -> tuple[Decimal, bool] | None:
    text = table.text(key, "a dose such as '300 mg' or '10 mg/kg'", required=required)
    if text is None:
        return None
    match = _DOSE.fullmatch(text.strip())
    if match is None or Decimal(match[1]) <= 0:
        table.fail(key, "a dose such as '300 mg' or '10 mg/kg'")
        return None
    return Decimal(match[1]), match[2] == "mg/kg"


def _read_regimens(top: _datafile.Table, indications: dict[str, list[str]]) -> list[Regimen]:
    made: list[Regimen] = []
    for table in top.tables("regimens", required=True):
        key = table.text("key", required=False)
        route = table.text("route", choices=[r.value for r in Route])
        names = table.texts("indication", "the drug's indication names", required=True) or []
        for name in names:
            if not _NAME.fullmatch(name):
                table.fail("indication", "names of 2 to 40 lower-case letters, digits, '_' or '-'")
        diagnoses = table.texts("diagnoses", "ICD-10-CM codes or patterns such as 'M05*'")
        for pattern in diagnoses or ():
            if not _PATTERN.fullmatch(pattern):
                table.fail("diagnoses", "ICD-10-CM codes or patterns such as 'M32.1*' or 'M05.*'")
        for name in names:
            indications.setdefault(name, [])
            for pattern in diagnoses or ():
                if pattern not in indications[name]:
                    indications[name].append(pattern)
        unsupported = table.text("not_supported", required=False) or ""
        dose = _dose(table, "dose", required=not unsupported)
        loading = _dose(table, "loading_dose", required=False)
        every = table.integer("every_weeks", 1, 52, required=not unsupported)
        weeks = table.integers("loading_weeks", "week numbers from 0, ascending, starting at 0")
        if weeks is not None and weeks[0] != 0:
            table.fail("loading_weeks", "week numbers from 0, ascending, starting at 0")
        if loading is not None and loading[1]:
            table.fail("loading_dose", "a flat dose such as '400 mg'")
        default_way = "infusion" if route == "iv" else "injection"
        way = table.text(
            "administration", required=False, choices=[a.value for a in Administration]
        )
        if way is not None and route is not None and way != default_way:
            table.fail(
                "administration", f"'{default_way}' for route '{route}' (the only one billed)"
            )
        description = table.text("description", required=False)
        low_age = table.integer("min_age_years", 0, 150, required=False)
        high_age = table.integer("max_age_years", 0, 150, required=False)
        low_weight = table.decimal("min_weight_kg", required=False)
        below_weight = table.decimal("below_weight_kg", required=False)
        devices = table.texts("devices", "forms: " + ", ".join(_DEVICES)) or []
        if any(d not in _DEVICES for d in devices):
            table.fail("devices", "a list of forms: " + ", ".join(map(repr, _DEVICES)))
        table.finish(_REGIMEN_KEYS)
        if (
            route is None
            or (dose is None and not unsupported)
            or (every is None and not unsupported)
        ):
            continue
        mg, per_kg = dose if dose is not None else (Decimal(0), False)
        interval = every or 1
        offsets = tuple(weeks or (0,))
        text = description or (
            f"{mg} {'mg/kg' if per_kg else 'mg'} {route.upper()} every {interval} week(s)"
        )
        for name in names:
            made.append(
                Regimen(
                    key=key or f"{route}_{name}",
                    route=Route(route),
                    indication=name,
                    description=text,
                    dose_mg=mg,
                    interval_weeks=interval,
                    loading_offsets_weeks=offsets,
                    loading_dose_mg=None if loading is None else loading[0],
                    weight_based=per_kg,
                    mg_per_kg=mg if per_kg else None,
                    min_age_years=low_age or 0,
                    max_age_years=150 if high_age is None else high_age,
                    min_weight_kg=low_weight,
                    below_weight_kg=below_weight,
                    devices=frozenset(_DEVICES[d] for d in devices if d in _DEVICES),
                    administration=Administration(default_way),
                    not_supported=unsupported,
                )
            )
    return made


def _read(document: Mapping[str, Any], problems: _datafile.Problems, source: str) -> Drug | None:
    top = _datafile.Table(document, problems)
    name = top.text("name")
    if name is not None and not _NAME.fullmatch(name):
        top.fail("name", "2 to 40 lower-case letters, digits, '_' or '-', starting with a letter")
        name = None
    brand = top.text("brand")
    code = top.text("hcpcs", "a HCPCS code: a letter and four digits")
    unit = top.decimal("unit_mg")
    low = top.integer("min_age_years", 0, 120)
    adult = top.integer("adult_age_years", 1, 120, required=False) or 18
    before = top.text("before_hcpcs", required=False) or ""
    category = top.text("diagnosis_category", "an ICD-10-CM category such as 'M32'", required=False)
    if category is not None and not re.fullmatch(r"[A-TV-Z][0-9][0-9A-Z]", category):
        top.fail("diagnosis_category", "an ICD-10-CM category such as 'M32'")
    hcpcs_code = None
    if code is not None:
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z][0-9]{4}", code):
            top.fail("hcpcs", "a HCPCS code: a letter and four digits")
        elif code in hcpcs.CODES:
            hcpcs_code = hcpcs.CODES[code]
            if unit is not None and hcpcs_code.billing_unit_mg != unit:
                top.fail("unit_mg", f"{plain(hcpcs_code.billing_unit_mg)} (the unit of {code})")
        elif unit is not None:
            hcpcs_code = HCPCSCode(
                code=code,
                summary=f"{brand or name}, {plain(unit)} mg per unit (from {source})",
                billing_unit_mg=unit,
                certainty=Certainty.UNVERIFIED,
                note=f"defined by the drug file {source}",
            )
    injection_text = top.text("injection_code", required=False, choices=("96372", "96401"))
    families = top.texts("infusion_families", "families: " + ", ".join(cpt.FAMILIES))
    if families is not None and any(f not in cpt.FAMILIES for f in families):
        top.fail("infusion_families", "a list of " + ", ".join(map(repr, cpt.FAMILIES)))
    presentations = [
        product
        for table in top.tables("presentations", required=True)
        if (product := products.read_presentation(table)) is not None
    ]
    if len({p.ndc11 for p in presentations}) != len(presentations):
        top.fail("presentations", "each NDC once")
    indications: dict[str, list[str]] = {}
    given = top.table("indications")
    if given is not None:
        for indication in list(given.data):
            patterns = given.texts(indication, "ICD-10-CM codes or patterns such as 'M05*'") or []
            if not _NAME.fullmatch(indication) or any(not _PATTERN.fullmatch(p) for p in patterns):
                given.fail(indication, "a list of ICD-10-CM codes or patterns such as 'M32.1*'")
            indications[indication] = list(patterns)
    regimens = _read_regimens(top, indications)
    for indication, patterns in indications.items():
        if not patterns:
            problems.add(
                f"indications.{indication}",
                "invalid-value",
                "expected at least one diagnosis (in [indications] or a regimen)",
            )
    not_indicated: dict[str, str] = {}
    table = top.table("not_indicated")
    if table is not None:
        for dx in list(table.data):
            why = table.text(dx, "why the diagnosis is not an indication")
            if why is not None:
                not_indicated[dx] = why
    misleading: dict[str, tuple[str, str, str]] = {}
    table = top.table("misleading_diagnoses")
    if table is not None:
        for dx in list(table.data):
            entry = table.table(dx)
            if entry is None:
                continue
            why = entry.text("why")
            for_indication = entry.text("indication", choices=list(indications) or ("",))
            rule = entry.text("finding", choices=sorted(_findings.RULES))
            entry.finish(("why", "indication", "finding"))
            if why and for_indication and rule:
                misleading[dx] = (why, for_indication, rule)
    default_sc = top.text(
        "default_sc_ndc", "an NDC of an SC presentation of the file", required=False
    )
    sc_products = [p for p in presentations if p.route == Route.SC]
    default_product = sc_products[0] if sc_products else None
    if default_sc is not None:
        try:
            wanted: str = _ndc.validate(default_sc)
        except InvalidFormat:
            wanted = ""
        matching = [p for p in sc_products if p.ndc11 == wanted]
        if not matching:
            top.fail("default_sc_ndc", "an NDC of an SC presentation of the file")
        default_product = matching[0] if matching else None
    top.finish(_TOP_KEYS)
    for regimen in regimens:
        if not regimen.not_supported and not any(p.route == regimen.route for p in presentations):
            top.fail(
                "regimens", f"a presentation of route '{regimen.route}' for each regimen's route"
            )
            break
    if problems.found or None in (name, brand, hcpcs_code, low):
        return None
    assert name
    assert brand
    assert hcpcs_code
    assert low is not None
    return Drug(
        name=name,
        brand=brand,
        hcpcs=hcpcs_code,
        presentations=tuple(presentations),
        regimens=tuple(regimens),
        min_age_years=low,
        adult_age_years=adult,
        default_sc_product=default_product,
        diagnosis_category=category,
        indication_diagnoses={k: tuple(v) for k, v in indications.items()},
        not_indicated=not_indicated,
        misleading_diagnoses=misleading,
        infusion_families=frozenset(families or cpt.FAMILIES),
        injection=cpt.CODES[injection_text or "96372"],
        before_hcpcs=before,
        source=source,
    )


def load(path: str | os.PathLike[str]) -> Drug:
    """Read a drug file (TOML). Every problem is reported at once, each naming the file, the key
    and what is accepted (:class:`~benlysta_coding.errors.InvalidInput`); nothing is half-loaded.

    >>> load(products.BELIMUMAB_FILE) == BELIMUMAB
    True
    """
    document, problems = _datafile.read(path)
    return _made(document, problems)


def _made(document: Mapping[str, Any], problems: _datafile.Problems) -> Drug:
    made = _read(document, problems, problems.name)
    problems.raise_if_any()
    assert made is not None
    return made


BELIMUMAB: Final = _made(
    products.BELIMUMAB_DOCUMENT, _datafile.Problems(products.BELIMUMAB_FILE.name)
)
"""Belimumab: J0490 (10 mg), the 120 mg and 400 mg vials for IV, the 200 mg SC devices; loaded from
the package's ``data/belimumab.toml``.

:meta hide-value:
"""

DRUGS: Final[Mapping[str, Drug]] = types.MappingProxyType({BELIMUMAB.name: BELIMUMAB})
"""The built-in drugs by name (read-only).

:meta hide-value:
"""


def registry(loaded: Iterable[Drug] = ()) -> Mapping[str, Drug]:
    """The built-in drugs and ``loaded`` by name; a name used twice is refused.

    >>> sorted(registry())
    ['belimumab']
    """
    return _datafile.registry(DRUGS, loaded, Drug, "drug", "drugs")


def choose(name: str, drugs: Mapping[str, Drug], field: str = "drug: ") -> Drug:
    """The drug named ``name`` among ``drugs``; an unknown name lists the loaded ones.

    >>> choose("saphnelo", DRUGS)
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidFormat: drug: expected 'belimumab' (the drugs loaded)
    """
    found = drugs.get(name) if isinstance(name, str) else None
    if found is None:
        raise InvalidFormat(f"{field}expected {_either(drugs)} (the drugs loaded)")
    return found


def _regimen(key: str) -> Regimen:
    return next(r for r in BELIMUMAB.regimens if r.key == key)


MIN_AGE_YEARS: Final = BELIMUMAB.min_age_years
"""Benlysta is indicated from 5 years of age (S3)."""
ADULT_AGE_YEARS: Final = BELIMUMAB.adult_age_years
"""Adult dosing applies from 18 years of age."""
IV_MG_PER_KG: Final = BELIMUMAB.iv_mg_per_kg or Decimal(0)
"""The IV dose, 10 mg per kg of body weight (S3)."""
SC_ADULT_SLE: Final = _regimen("sc_adult_sle")
"""Adult SLE, SC: 200 mg once weekly (S3)."""
SC_ADULT_LUPUS_NEPHRITIS: Final = _regimen("sc_adult_ln")
"""Adult lupus nephritis, SC: 400 mg weekly for 4 doses, then 200 mg weekly (secondary source)."""
SC_CHILD_SLE_WEEKLY: Final = _regimen("sc_child_sle_weekly")
"""Children with SLE, 40 kg or more, SC: 200 mg weekly, autoinjector only (secondary source)."""
SC_CHILD_SLE_EVERY_2_WEEKS: Final = _regimen("sc_child_sle_every_2_weeks")
"""Children with SLE, 15 to under 40 kg, SC: 200 mg every 2 weeks, autoinjector only (secondary
source)."""
