"""Findings: the problems and advice a claim carries, each with a stable code.

Errors block a claim (the command line exits 2); warnings advise; info explains a decision. Every
finding has a stable ``code`` (listed in :data:`RULES` and in the docs), a message, the JSON path of the
field it concerns, a fix, and the rule or source it comes from.

>>> RULES["dx-n059-lupus-nephritis"].severity
<Severity.ERROR: 'error'>
>>> make("dx-not-billable", "M32.1 is a category header", "$.diagnoses[0]").fix
'Bill the billable code under the header that the record supports (for {brand}: {diagnoses}).'

A rule's fix and source may name the drug's facts in braces; the claim builder fills them from the
drug billed (:func:`fill`), so a fix never names another drug than the claim's.
"""

from __future__ import annotations

import difflib
import enum
import types
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from benlysta_coding.errors import InvalidInput, Problem

__all__ = [
    "MANDATORY",
    "RULES",
    "SETTINGS",
    "Finding",
    "PayerAnswer",
    "Remedy",
    "Rule",
    "Severity",
    "apply_settings",
    "fill",
    "make",
    "rule_settings",
]


class Severity(enum.StrEnum):
    """How much a finding matters."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Remedy(enum.StrEnum):
    """What a biller usually does after a payer denies or rejects for this reason."""

    NEW_CLAIM = "new claim"
    """Fix it and send a new claim (the payer returned the claim as unprocessable or rejected it)."""
    CORRECTED_CLAIM = "corrected claim"
    """Send a corrected claim (frequency 7) for the processed claim."""
    APPEAL = "appeal"
    """Appeal (Medicare: redetermination) with the documentation that supports the claim."""


@attrs.frozen(kw_only=True)
class PayerAnswer:
    """What a payer typically answers on the remittance (835) when it denies for this reason.

    ``carc`` is the group and claim adjustment reason code (``CO-16``), ``rarc`` the remark codes
    (``M119``); both may be empty when the payer rejects the claim before adjudication. ``source``
    names where this was documented; rules with no documented answer carry none.
    """

    carc: str = ""
    rarc: tuple[str, ...] = ()
    remedy: Remedy
    source: str


@attrs.frozen
class Rule:
    """A kind of finding: its stable code, severity, title, fix and source, and where documented
    what the payer answers (:class:`PayerAnswer`)."""

    code: str
    severity: Severity
    title: str
    fix: str
    source: str = ""
    answer: PayerAnswer | None = attrs.field(default=None, kw_only=True)


@attrs.frozen(kw_only=True)
class Finding:
    """One finding on a claim."""

    code: str
    severity: Severity
    message: str
    path: str
    fix: str
    source: str = ""
    answer: PayerAnswer | None = None
    """What a payer typically answers when it denies for this reason, where documented."""

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message} [{self.code}]"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

_NDC_ANSWER: Final = PayerAnswer(
    carc="CO-16",
    rarc=("M119",),
    remedy=Remedy.NEW_CLAIM,
    source="X12 code lists: CARC 16 (claim lacks information), RARC M119 (missing, incomplete or "
    "invalid NDC); CMS Claims Processing Manual ch. 17 (NDC on drug claims)",
)
_MODIFIER_ANSWER: Final = PayerAnswer(
    carc="CO-4",
    remedy=Remedy.CORRECTED_CLAIM,
    source="X12 CARC 4 (procedure code inconsistent with the modifier, or a required modifier "
    "missing); CMS JW/JZ FAQ (S11): claims without a required JW or JZ may be returned",
)
_DIAGNOSIS_INVALID: Final = PayerAnswer(
    carc="CO-16",
    rarc=("M76",),
    remedy=Remedy.NEW_CLAIM,
    source="X12 code lists: CARC 16, RARC M76 (missing, incomplete or invalid diagnosis)",
)
_DIAGNOSIS_MISMATCH: Final = PayerAnswer(
    carc="CO-11",
    remedy=Remedy.CORRECTED_CLAIM,
    source="X12 CARC 11 (diagnosis inconsistent with the procedure); First Coast (Medicare) "
    "'CO 11' denial guidance",
)

RULES: Final[Mapping[str, Rule]] = types.MappingProxyType(
    {
        rule.code: rule
        for rule in (
            Rule(
                "dx-not-billable",
                _E,
                "A diagnosis code is a category header, not billable",
                "Bill the billable code under the header that the record supports (for {brand}: "
                "{diagnoses}).",
                "ICD-10-CM tabular list",
                answer=_DIAGNOSIS_INVALID,
            ),
            Rule(
                "dx-n059-lupus-nephritis",
                _E,
                "N05.9 used for lupus nephritis",
                "N05.9 is unspecified nephritic syndrome; bill lupus nephritis as M32.14.",
                "ICD-10-CM tabular list",
                answer=_DIAGNOSIS_MISMATCH,
            ),
            Rule(
                "dx-no-sle",
                _E,
                "No diagnosis on the claim supports the drug",
                "Add the diagnosis that the record supports ({diagnoses}).",
                "{brand} payer coverage policies",
                answer=_DIAGNOSIS_MISMATCH,
            ),
            Rule(
                "dx-indication-mismatch",
                _W,
                "The indication and the diagnoses disagree",
                "Bill the diagnoses of the indication given ({indications}), or correct the "
                "indication.",
                "{brand} label",
            ),
            Rule(
                "dx-drug-induced",
                _W,
                "A diagnosis the drug file marks as not an indication",
                "Check the diagnosis; {brand} is indicated for {indications}.",
                "{brand} label",
            ),
            Rule(
                "dx-not-in-library",
                _I,
                "A diagnosis outside this library's code set was not checked",
                "Check it against the current ICD-10-CM release.",
                "",
            ),
            Rule(
                "patient-under-5",
                _W,
                "The patient is younger than the drug's minimum age: use outside the label",
                "{brand} is indicated from {min_age} years of age: check the birth date; if it is "
                "right, "
                "this is a coverage question (off-label use), not a coding error: ask the payer, and "
                "for Medicare consider an advance beneficiary notice (ABN).",
                "{brand} label",
            ),
            Rule(
                "sc-medicare-part-b",
                _E,
                "A subcutaneous drug billed to Medicare Part B",
                "SC {brand} is a self-administered drug, excluded from Part B: bill the pharmacy "
                "benefit (Part D).",
                "Medicare Benefit Policy Manual ch. 15 sec. 50.2 (S7)",
            ),
            Rule(
                "sc-medical-benefit",
                _W,
                "A subcutaneous drug billed on the medical benefit",
                "SC {brand} is normally dispensed and billed under the pharmacy benefit (the "
                "pharmacy claims the drug): do not bill {hcpcs} for it; bill only what the clinic "
                "did (96372 for a supervised injection) where the payer covers that. If this payer "
                "does cover SC {brand} on the medical benefit, set sc_on_medical_benefit in its "
                "policy.",
                "S7, S8",
            ),
            Rule(
                "j0490-sc-product",
                _W,
                "The drug's HCPCS code billed with a subcutaneous product NDC",
                "{hcpcs} pairs with the IV vials ({iv_ndcs}).",
                "{brand} billing guide",
            ),
            Rule(
                "route-product-mismatch",
                _E,
                "The NDC given does not match the route",
                "Give an SC product NDC for route 'sc'; IV vials are chosen by the vial plan.",
                "S1",
            ),
            Rule(
                "route-no-product",
                _E,
                "The drug has no presentation for the route",
                "Check the route; a drug file lists the vials or devices of each route it is "
                "given by.",
                "the drug file",
            ),
            Rule(
                "infusion-minutes-missing",
                _E,
                "IV administration without infusion minutes",
                "Give infusion_minutes (start to stop time from the record).",
                "CPT time rules",
            ),
            Rule(
                "infusion-too-short",
                _E,
                "Infusion of 15 minutes or less",
                "Check the start and stop times against the infusion time of the {brand} label; a "
                "15-minute or shorter administration is coded as a push.",
                "{brand} label; CPT time rules",
            ),
            Rule(
                "infusion-additional-hour",
                _I,
                "The infusion ended just below a time that adds an additional-hour unit",
                "Check the start and stop times in the record: 10 minutes more would add a unit "
                "of the additional-hour code.",
                "CPT time rules",
            ),
            Rule(
                "dose-far-from-label",
                _W,
                "The dose is far from 10 mg/kg of the weight given",
                "Check the weight and the dose in the record.",
                "S3",
            ),
            Rule(
                "weight-implausible",
                _W,
                "The weight is outside the plausible range, so the dose was not checked against it",
                "Check the weight's unit (kg, not pounds or grams).",
                "S3",
            ),
            Rule(
                "weight-unusual-for-age",
                _W,
                "The weight is outside the 1st to 99th percentile of the CDC weight-for-age chart "
                "for the child's age and sex",
                "Check the weight's unit (kg, not pounds) and its decimal point.",
                "S20",
            ),
            Rule(
                "weight-implausible-for-age",
                _E,
                "The weight is above what any child of that age weighs (six times the median "
                "weight for the age and sex): a unit or decimal slip that would bill a dose many "
                "times too large",
                "Correct the weight (kg, decimal point) before billing.",
                "S20",
            ),
            Rule(
                "dose-not-determined",
                _E,
                "The dose could not be determined",
                "Give dose_mg, or the weight for an IV dose.",
                "S3",
            ),
            Rule(
                "dose-assumed",
                _I,
                "The SC dose was assumed from the regimen",
                "Give dose_mg when it differs (for example a 400 mg loading dose).",
                "S3",
            ),
            Rule(
                "jz-missing",
                _E,
                "A drug line with nothing discarded lacks JZ",
                "Add JZ to every drug line when no drug was discarded.",
                "CMS JW/JZ policy (S11)",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "jw-missing",
                _E,
                "Discarded drug is not billed on a JW line",
                "Bill the discarded units on a separate line with modifier JW.",
                "S11",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "modifier-not-in-effect",
                _E,
                "A modifier is used before it took effect",
                "Remove the modifier: it did not exist on the date of service.",
                "S11",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "service-date-future",
                _E,
                "The date of service is in the future",
                "Check the date of service.",
                "",
            ),
            Rule(
                "mue-exceeded",
                _E,
                "The units exceed the payer's maximum units per day",
                "Check the dose; the payer's MUE (which you supplied) is lower.",
                "Payer policy",
                answer=PayerAnswer(
                    carc="CO-96",
                    rarc=("N362",),
                    remedy=Remedy.APPEAL,
                    source="Noridian JF Part B reason code guidance, 'MUE - number of days or "
                    "units of service exceeds acceptable maximum'",
                ),
            ),
            Rule(
                "ndc-quantity-precision",
                _E,
                "An NDC quantity has more than 3 decimals",
                "Round the dose or weight explicitly; NDC quantities take at most 3 decimals.",
                "S14",
                answer=_NDC_ANSWER,
            ),
            Rule(
                "charge-precision",
                _E,
                "A line charge has more than 2 decimals: its unit price has more than 3",
                "Give a unit price of at most 3 decimals (as CMS publishes them).",
                "X12 837 amounts",
            ),
            Rule(
                "charge-rounded",
                _I,
                "A line charge (units x a price of 3 decimals) was rounded half-up to the cent",
                "None needed: the message gives the exact product; price in cents to avoid it.",
                "X12 837 amounts; CMS payment limits are published to 3 decimals",
            ),
            Rule(
                "price-missing",
                _W,
                "No price for a line's code",
                "Pass prices for every code (from your fee schedule); charges are never built in.",
                "",
            ),
            Rule(
                "products-from-plan",
                _I,
                "The drug lines come from the vial plan, not the record",
                "Give products_used (the NDC and count of each vial or device opened) so that the "
                "claim bills what the record says.",
                "S9 (least waste); the record is what an auditor reads",
            ),
            Rule(
                "products-differ-from-plan",
                _W,
                "The vials opened differ from the payer's vial plan",
                "Check the record; auditors compare the vials opened with the least-waste "
                "combination and may question the extra waste.",
                "CGS JW/JZ guidelines (S9)",
            ),
            Rule(
                "products-insufficient",
                _E,
                "The vials opened cannot cover the dose",
                "Check products_used and the dose against the record.",
                "",
            ),
            Rule(
                "product-unknown",
                _E,
                "An NDC of products_used is not a product of the drug",
                "Give the NDC of a {brand} vial (IV) or device (SC).",
                "S1",
                answer=_NDC_ANSWER,
            ),
            Rule(
                "attending-missing",
                _E,
                "An institutional claim without the attending physician",
                "Give 'attending' (first_name, last_name, npi): 837I loop 2310A is required.",
                "005010X223A2 loop 2310A (S19)",
                answer=PayerAnswer(
                    remedy=Remedy.NEW_CLAIM,
                    source="S19: rejected at the front end (277CA), before any remittance",
                ),
            ),
            Rule(
                "pos-hospital-professional",
                _E,
                "A professional claim for an outpatient hospital place of service",
                "The hospital bills the drug and its administration on its institutional claim "
                "(setting 'hospital_outpatient'); bill the office (11) or independent clinic (49) "
                "on a professional claim.",
                "S6",
            ),
            Rule(
                "pos-not-used",
                _I,
                "A place of service on an institutional claim",
                "No action: an institutional claim carries the type of bill instead.",
                "NUBC / 005010X223A2",
            ),
            Rule(
                "medicare-reopening",
                _W,
                "A replacement or void claim asked of Medicare Part B professional billing",
                "Medicare Part B corrects or cancels a processed professional claim by a reopening "
                "(contact the contractor), not by a replacement or void claim.",
                "Medicare Claims Processing Manual ch. 34 (reopenings)",
            ),
            Rule(
                "subscriber-medicare",
                _E,
                "A separate subscriber on a Medicare claim",
                "A Medicare beneficiary is always the subscriber: remove 'subscriber'.",
                "Medicare 837 companion guides",
            ),
            Rule(
                "dx-invalid",
                _E,
                "A diagnosis code that ICD-10-CM does not have",
                "Use a code of the current ICD-10-CM release (category {category}).",
                "ICD-10-CM tabular list",
                answer=_DIAGNOSIS_INVALID,
            ),
            Rule(
                "dx-excludes1",
                _E,
                "Two diagnoses that an Excludes1 note forbids together",
                "Keep the code that the record supports; Excludes1 means the two are never coded "
                "together.",
                "ICD-10-CM official guidelines, section I.A.12.a (Excludes1)",
            ),
            Rule(
                "dx-first-not-category",
                _W,
                "The first-listed diagnosis is outside the drug's category",
                "List the {category} code first: coverage policies for {brand} key on the first-listed "
                "(principal) diagnosis.",
                "{brand} payer coverage policies",
            ),
            Rule(
                "modifier-unknown",
                _E,
                "A modifier this library does not know on a drug line",
                "Check the modifier; drug lines carry JW, JZ and the 340B modifiers JG or TB.",
                "S11, S18",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "modifier-jg-tb",
                _E,
                "JG and TB on one line",
                "A line carries JG or TB, never both: JG for most 340B entities, TB for the hospital "
                "types CMS names (which is yours is your own knowledge).",
                "CY2018 OPPS final rule and CMS 340B modifier FAQ (S18)",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "modifier-count",
                _E,
                "More modifiers than the claim form holds",
                "CMS-1500 item 24D and the 837 hold at most 4 modifiers per line.",
                "NUCC 1500 instructions (item 24D); 005010X222A1 SV101",
            ),
            Rule(
                "addon-without-primary",
                _E,
                "An add-on code without its primary code on the same date",
                "Bill 96366 with 96365, 96415 with 96413, on the same date of service.",
                "CPT add-on code rules (S6)",
            ),
            Rule(
                "initial-infusion-repeated",
                _E,
                "More than one initial infusion code for one administration",
                "Bill one unit of one initial-hour code (96365 or 96413); further hours are the "
                "add-on 96366 or 96415.",
                "CPT: the initial code is reported once per encounter (S6)",
            ),
            Rule(
                "jz-with-jw",
                _E,
                "JZ on a line while a JW line bills waste of the same drug and date",
                "JZ says nothing was discarded: remove it, or remove the JW line if nothing was.",
                "S11",
                answer=_MODIFIER_ANSWER,
            ),
            Rule(
                "units-exceed-vials",
                _E,
                "Administered and wasted units exceed what the opened vials hold",
                "Count each vial once: administered plus wasted units are at most the vials' total "
                "mg / {unit_mg}.",
                "S10",
            ),
            Rule(
                "units-dose-mismatch",
                _E,
                "The administered units do not match the dose",
                "Administered units are the dose in mg / {unit_mg}, rounded up.",
                "S9",
            ),
            Rule(
                "ndc-hcpcs-mismatch",
                _E,
                "An NDC that does not belong to the line's HCPCS code",
                "Bill {hcpcs} with a {brand} vial NDC; administration codes carry no NDC.",
                "CMS ASP NDC-HCPCS crosswalk; S6",
                answer=_NDC_ANSWER,
            ),
            Rule(
                "ndc-quantity-mismatch",
                _E,
                "The NDC quantity and the billing units disagree",
                "The NDC quantity must hold the line's units: vials x strength >= units x {unit_mg} mg.",
                "S14, S17",
                answer=_NDC_ANSWER,
            ),
            Rule(
                "sc-dose-unusual",
                _W,
                "An SC dose that matches no labeled regimen",
                "Check the dose against the adult SC regimens: {sc_regimens}.",
                "{brand} label",
            ),
            Rule(
                "sc-syringe-child",
                _W,
                "A prefilled syringe for a patient under 18",
                "Children use the autoinjector only; the prefilled syringe is not studied under 18.",
                "S3, S16",
            ),
            Rule(
                "ndc-not-in-crosswalk",
                _W,
                "An NDC that the CMS NDC-HCPCS crosswalk does not list for the code",
                "Check the NDC; CMS notes that an NDC missing from the crosswalk is not by itself "
                "unpayable, so this is a warning.",
                "CMS ASP NDC-HCPCS crosswalk",
            ),
            Rule(
                "crosswalk-units-disagree",
                _W,
                "The crosswalk's billing units per package disagree with the product",
                "A note for whoever maintains the data: the library computes strength / 10 mg x "
                "units per carton; check the crosswalk row and the product.",
                "CMS ASP NDC-HCPCS crosswalk (BILLUNITSPKG)",
            ),
            Rule(
                "reference-not-covered",
                _I,
                "No loaded reference file covers the date of service or the code",
                "Load the CMS file of the quarter of the date of service.",
                "",
            ),
            Rule(
                "claim-id-missing",
                _W,
                "No claim id (patient control number)",
                "Give claim_id: the X12 exports need it.",
                "",
            ),
        )
    }
)
"""Every finding code, by code."""


def make(code: str, message: str, path: str = "$") -> Finding:
    """Return a finding of the rule ``code`` with a specific message and path.

    >>> str(make("jw-missing", "3 unit(s) discarded without a JW line", "$.lines"))
    'error: $.lines: 3 unit(s) discarded without a JW line [jw-missing]'
    """
    rule = RULES[code]
    return Finding(
        code=code,
        severity=rule.severity,
        message=message,
        path=path,
        fix=rule.fix,
        source=rule.source,
        answer=rule.answer,
    )


def fill(found: Iterable[Finding], facts: Mapping[str, str]) -> list[Finding]:
    """The findings with the drug's facts (``{brand}``, ``{hcpcs}`` ...) written into their fix and
    source; a finding without braces is returned as it is.

    >>> [
    ...     f.fix
    ...     for f in fill(
    ...         [make("product-unknown", "NDC 0 is not a product")], {"brand": "X"}
    ...     )
    ... ]
    ['Give the NDC of a X vial (IV) or device (SC).']
    """
    done = []
    for finding in found:
        if "{" in finding.fix or "{" in finding.source:
            finding = attrs.evolve(
                finding,
                fix=finding.fix.format_map(_Facts(facts)),
                source=finding.source.format_map(_Facts(facts)),
            )
        done.append(finding)
    return done


class _Facts(dict[str, str]):
    """The facts a fix names; one the caller did not give stays in braces."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


SETTINGS: Final = ("off", "info", "warning", "error")
"""What ``rules=`` may set a rule to: off, or a severity."""

MANDATORY: Final = frozenset(
    {
        "attending-missing",  # the 837I requires the attending physician (loop 2310A)
        "charge-precision",  # an X12 amount holds 2 decimals
        "dose-not-determined",  # no dose, no units
        "dx-invalid",  # a code ICD-10-CM does not have
        "dx-not-billable",  # a category header
        "infusion-minutes-missing",  # no minutes, no administration units
        "modifier-count",  # the claim forms hold 4 modifiers
        "ndc-quantity-mismatch",  # the NDC quantity would contradict the units billed
        "ndc-quantity-precision",  # an NDC quantity holds 3 decimals
        "product-unknown",  # an NDC that is not the drug's
        "products-insufficient",  # the vials opened cannot hold the dose
        "route-no-product",  # no product of the route: no drug line
        "units-dose-mismatch",  # the units would not be the dose
        "units-exceed-vials",  # more units than the vials held
        "weight-implausible-for-age",  # a dose billed from a weight no child has
    }
)
"""Rules whose findings describe a claim the library must not write: ``rules=`` cannot turn them
off or lower them below ``error``."""


def rule_settings(rules: Mapping[str, str] | None) -> Mapping[str, str]:
    """Check ``rules`` (rule code -> ``off``, ``info``, ``warning`` or ``error``), as
    ``build_claim(..., rules=...)`` takes them; every problem is reported at once.

    >>> dict(rule_settings({"dx-first-not-category": "off", "sc-dose-unusual": "ERROR"}))
    {'dx-first-not-category': 'off', 'sc-dose-unusual': 'error'}
    >>> rule_settings({"dx-not-billable": "off"})
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidInput: 1 problem in the input:
    $.rules.dx-not-billable: describes a claim the library must not write: it cannot be turned off or lowered below error [rule-mandatory]
    """
    if rules is None:
        return _NO_SETTINGS
    if not isinstance(rules, Mapping):
        raise TypeError("rules: expected a mapping of rule code to off, info, warning or error")
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for code, setting in rules.items():
        if not isinstance(code, str) or code not in RULES:
            close = (
                difflib.get_close_matches(str(code)[:64], RULES, n=3)
                if isinstance(code, str)
                else []
            )
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            shown = code if isinstance(code, str) and len(code) <= 64 else "a code"
            problems.append(
                Problem(
                    "$.rules",
                    "rule-unknown",
                    f"{shown!r} is not a rule code (python -m benlysta_coding rules lists them){hint}",
                )
            )
            continue
        value = setting.strip().lower() if isinstance(setting, str) else setting
        if value not in SETTINGS:
            problems.append(
                Problem(
                    f"$.rules.{code}",
                    "rule-setting-unknown",
                    f"{str(setting)[:20]!r} is not a setting; expected {', '.join(SETTINGS)}",
                )
            )
            continue
        if code in MANDATORY and value != "error":
            problems.append(
                Problem(
                    f"$.rules.{code}",
                    "rule-mandatory",
                    "describes a claim the library must not write: it cannot be turned off or "
                    "lowered below error",
                )
            )
            continue
        found[code] = value
    if problems:
        raise InvalidInput(problems)
    return types.MappingProxyType(found)


_NO_SETTINGS: Final[Mapping[str, str]] = types.MappingProxyType({})


def apply_settings(findings: Iterable[Finding], settings: Mapping[str, str]) -> list[Finding]:
    """``findings`` with the rule settings applied: a rule turned ``off`` drops its findings, a
    rule given a severity has its findings take it.

    >>> found = [make("dx-first-not-category", "M06.9 first", "$.diagnoses[0]")]
    >>> apply_settings(found, {"dx-first-not-category": "off"})
    []
    >>> [str(f.severity) for f in apply_settings(found, {"dx-first-not-category": "error"})]
    ['error']
    """
    if not settings:
        return list(findings)
    kept = []
    for finding in findings:
        setting = settings.get(finding.code)
        if setting == "off":
            continue
        if setting is not None and setting != finding.severity:
            finding = attrs.evolve(finding, severity=Severity(setting))
        kept.append(finding)
    return kept
