"""Notebook displays: claims, vial plans, findings, regimens and encounters as HTML.

In IPython and Jupyter, :func:`register` shows claims, vial plans, findings, regimens and
encounters with these functions (``import benlysta_coding`` calls it when it runs inside IPython;
the values themselves know nothing of HTML). An encounter never shows who the patient or the
subscriber is.

>>> import datetime
>>> from benlysta_coding import build_claim, encounter, examples
>>> claim = build_claim(
...     encounter.from_dict(examples.HOSPITAL_IV), today=datetime.date(2026, 1, 1)
... )
>>> table = claim_table(claim)
>>> table.count("<tr>"), "0636" in table
(5, True)
>>> "MARIA" in encounter_summary(encounter.from_dict(examples.HOSPITAL_IV))
False
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Final

from benlysta_coding._util import exact, money, plain

if TYPE_CHECKING:
    from benlysta_coding.claim import Claim
    from benlysta_coding.dosing import Regimen
    from benlysta_coding.encounter import Encounter
    from benlysta_coding.findings import Finding
    from benlysta_coding.units import VialPlan

__all__ = [
    "DISPLAYS",
    "claim_table",
    "encounter_summary",
    "finding_item",
    "plan_table",
    "regimen_summary",
    "register",
]

_COLUMNS: Final = (
    "#",
    "Code",
    "Modifiers",
    "Units",
    "Revenue",
    "NDC",
    "NDC quantity",
    "Charge",
    "Why",
)
SEVERITY_COLOURS: Final = {"error": "#b00020", "warning": "#a15c00", "info": "#3a5a80"}
"""Text colour of each finding severity."""


def _table(caption: str, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    head = "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in header) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption>{head}{body}</table>"


def finding_item(finding: Finding) -> str:
    """A finding as an HTML fragment, coloured by severity.

    >>> from benlysta_coding.findings import make
    >>> "error" in finding_item(make("dx-no-sle", "no SLE code", "$.diagnoses"))
    True
    """
    colour = SEVERITY_COLOURS.get(str(finding.severity), "inherit")
    return (
        f'<span style="color:{colour}"><b>{escape(str(finding.severity))}</b> '
        f"<code>{escape(finding.code)}</code></span> {escape(finding.path)}: "
        f"{escape(finding.message)} <i>Fix: {escape(finding.fix)}</i>"
    )


@exact
def claim_table(claim: Claim) -> str:
    """The service lines of a claim, its total, and its findings coloured by severity.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
    ... )
    >>> claim_table(claim).count("<tr>")
    4
    """
    from benlysta_coding.claim import Claim

    if not isinstance(claim, Claim):
        raise TypeError("claim: expected a benlysta_coding.claim.Claim")
    rows = []
    for line in claim.lines:
        drug = line.claim_ndc
        quantity = f"{drug.unit} {plain(drug.quantity)}" if drug is not None else ""
        rows.append(
            (
                str(line.number),
                line.code,
                " ".join(line.modifiers),
                str(line.units),
                line.revenue_code or "",
                line.ndc or "",
                quantity,
                money(line.charge) if line.charge is not None else "",
                line.explanation,
            )
        )
    total = claim.total_charge
    caption = (
        f"Claim {claim.claim_id or '(no id)'}: {claim.kind}, {claim.payer}, "
        f"{claim.service_date.isoformat()}; total "
        f"{money(total) if total is not None else '- (no prices)'}"
    )
    findings = "".join(f"<li>{finding_item(f)}</li>" for f in claim.findings)
    return _table(caption, _COLUMNS, rows) + (f"<ul>{findings}</ul>" if findings else "")


def plan_table(plan: VialPlan) -> str:
    """A vial plan: the vials, the units administered and wasted.

    >>> from benlysta_coding import units
    >>> plan_table(units.plan_vials(634)).count("<tr>")
    3
    """
    rows = [
        (use.product.ndc10, f"{plain(use.product.strength_mg)} mg", str(use.count))
        for use in plan.vials
    ]
    source = "the record" if plan.policy is None else f"the {plan.policy} plan"
    caption = (
        f"{plain(plan.dose_mg)} mg from {source}: {plan.administered_units} units administered, "
        f"{plan.wasted_units} wasted ({plain(plan.wasted_mg)} mg)"
    )
    return _table(caption, ("NDC", "Strength", "Count"), rows)


def regimen_summary(regimen: Regimen) -> str:
    """A dosing regimen in one line.

    >>> from benlysta_coding.dosing import SC_ADULT_SLE
    >>> regimen_summary(SC_ADULT_SLE)
    '<b>200 mg SC once weekly</b> (sc, sle)'
    """
    return f"<b>{escape(regimen.description)}</b> ({escape(str(regimen.route))}, {escape(str(regimen.indication))})"


def encounter_summary(encounter: Encounter) -> str:
    """An encounter without the patient's or subscriber's identity: what was given, where, to whom
    as a payer sees it (policy, setting), and which parties are present.

    >>> from benlysta_coding import encounter, examples
    >>> "SAMPLE" in encounter_summary(encounter.from_dict(examples.OFFICE_IV))
    False
    """
    present = [
        name
        for name in ("subscriber", "billing_provider", "attending", "rendering", "insurance")
        if getattr(encounter, name) is not None
    ]
    rows = [
        ("claim id", encounter.claim_id or "-"),
        ("date of service", encounter.service_date.isoformat()),
        ("route / indication", f"{encounter.route} / {encounter.indication}"),
        ("setting / payer policy", f"{encounter.setting} / {encounter.payer.name}"),
        ("diagnoses", ", ".join(encounter.diagnoses)),
        ("dose", "10 mg/kg" if encounter.dose_mg is None else f"{plain(encounter.dose_mg)} mg"),
        (
            "products used",
            ", ".join(f"{u.count} x {u.ndc}" for u in encounter.products_used) or "-",
        ),
        ("parties given", ", ".join(present) or "-"),
    ]
    return _table("Encounter (no patient identity shown)", ("", ""), rows)


DISPLAYS: Final = (
    ("benlysta_coding.claim", "Claim", "claim_table"),
    ("benlysta_coding.units", "VialPlan", "plan_table"),
    ("benlysta_coding.findings", "Finding", "finding_item"),
    ("benlysta_coding.drug", "Regimen", "regimen_summary"),
    ("benlysta_coding.encounter", "Encounter", "encounter_summary"),
)
"""(module, class, function of this module) of each notebook display."""


def register(shell: object = None) -> bool:
    """Show the library's values as HTML in IPython (the running shell, or ``shell``): each class of
    :data:`DISPLAYS` is registered by name with the shell's HTML formatter, so nothing is imported
    for it. Returns whether a shell took them.

    >>> class Formatter:
    ...     def __init__(self): self.names = []
    ...     def for_type_by_name(self, module, name, function): self.names.append(name)
    >>> class Shell:
    ...     def __init__(self):
    ...         self.display_formatter = type(
    ...             "D", (), {"formatters": {"text/html": Formatter()}}
    ...         )()
    >>> shell = Shell()
    >>> register(shell), shell.display_formatter.formatters["text/html"].names
    (True, ['Claim', 'VialPlan', 'Finding', 'Regimen', 'Encounter'])
    """
    if shell is None:
        try:
            from IPython import get_ipython  # type: ignore[attr-defined]
        except ImportError:
            return False
        shell = get_ipython()  # type: ignore[no-untyped-call]
        if shell is None:
            return False
    formatter = shell.display_formatter.formatters["text/html"]  # type: ignore[attr-defined]
    for module, name, function in DISPLAYS:
        formatter.for_type_by_name(module, name, globals()[function])
    return True
