"""Write the generated docs pages; ``--check`` fails if one is stale.

* ``docs/findings.rst`` from :data:`benlysta_coding.findings.RULES`;
* ``docs/encounter-reference.rst`` from the encounter model (:func:`benlysta_coding.encounter.reference`);
* ``docs/api.rst`` and a page per public module in ``docs/api/`` (:data:`API_PAGES`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

from benlysta_coding import build  # noqa: F401 - registers the edits and the build steps' rules
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.edits import EDITS, homes
from benlysta_coding.encounter import reference, schema
from benlysta_coding.findings import MANDATORY, RULES, fill, make

DOCS = Path(__file__).resolve().parent.parent / "docs"


def made_by(code: str) -> str:
    """Where a rule is made, as the findings page says it."""
    said = []
    for home in homes()[code]:
        kind, name = home.split(": ")
        said.append(
            f"edit ``{name}``, {EDITS[name].stage} stage" if kind == "edit" else f"step {name}"
        )
    return "; ".join(said)


def findings_page() -> str:
    lines = [
        "Finding codes",
        "=============",
        "",
        "Every finding a claim can carry, with its stable code. Errors block the claim (the command",
        "line exits 2); warnings advise; info explains a decision. Where it is documented, the last",
        "column says what a payer typically answers on the remittance when it denies for that reason",
        "(group and reason code, remark codes) and the usual remedy, with the source; an empty cell",
        "means no source was found, not that the payer accepts the claim. The same table is",
        ":data:`benlysta_coding.findings.RULES`; this page is written by",
        "``scripts/docs_tables.py``.",
        "",
        "``python -m benlysta_coding rules`` lists the same rules (``--format json`` for a list of",
        "objects with ``code``, ``severity`` and ``description``). A billing team can turn a rule",
        "off or give it another severity: ``build_claim(..., rules={'dx-first-not-category': 'off',",
        "'sc-dose-unusual': 'error'})``, also taken by ``build_claims``, the Dask path and",
        "``--rule CODE=SETTING`` on ``claim`` and ``batch``. The rules marked *mandatory* describe a",
        "claim the library must not write (:data:`benlysta_coding.findings.MANDATORY`): they cannot",
        "be turned off or lowered below error.",
        "",
        "Each code is an anchor of this page (``findings.html#dx-not-billable``), and",
        "``python -m benlysta_coding claim FILE --links DOCS`` follows each finding it prints with",
        "the link to its row, ``DOCS`` being where the docs are built (a URL, or a local folder",
        "such as ``docs/_build/html``).",
        "",
        "A fix names the facts of the drug billed: the table shows belimumab's, and a claim for a",
        "drug loaded from a file names that drug's (its brand, HCPCS code, diagnoses and ages).",
        "",
        "Each rule is made in one place, named under its meaning: an *edit* of the registry",
        "(:mod:`benlysta_coding.edits`: one function of :mod:`benlysta_coding.checks`, run at its",
        "stage), or a *step* of the build that finds it while it works (the dose cannot be",
        "determined, the vials opened cannot hold the dose). ``mue-exceeded`` has two: the maximum",
        "per day a payer policy gives, and the MUE of the CMS files loaded.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 16 7 22 30 25",
        "   :class: stacked finding-codes",
        "",
        "   * - Code",
        "     - Severity",
        "     - What it means",
        "     - Fix (source)",
        "     - Payer answer",
    ]
    for rule in RULES.values():
        (fixed,) = fill([make(rule.code, "")], BELIMUMAB.facts)
        answer = rule.answer
        said = ""
        if answer is not None:
            codes = " ".join(filter(None, (answer.carc, *answer.rarc)))
            said = f"{codes + ': ' if codes else ''}{answer.remedy} ({answer.source})"
        lines += [
            f"   * - _`{rule.code}`",  # an anchor: findings.html#dx-not-billable
            f"     - {rule.severity}{', mandatory' if rule.code in MANDATORY else ''}",
            f"     - {rule.title} ({made_by(rule.code)})",
            f"     - {fixed.fix}{f' ({fixed.source})' if fixed.source else ''}",
            f"     - {said}".rstrip(),
        ]
    return "\n".join(lines) + "\n"


def encounter_page() -> str:
    lines = [
        "Encounter JSON reference",
        "========================",
        "",
        "Every key of an encounter file, nested keys included, with its JSON type and an example.",
        "Keys in ``snake_case``; numbers may be JSON numbers or strings (read as exact decimals).",
        "This page is generated from :class:`benlysta_coding.encounter.Encounter` by",
        "``scripts/docs_tables.py``, so it cannot drift from the model.",
        "",
        "The same model gives the JSON Schema (draft 2020-12) of the format,",
        ":download:`encounter.schema.json <../src/benlysta_coding/data/encounter.schema.json>`,",
        "shipped in the package and printed by ``python -m benlysta_coding schema encounter``:",
        "check a document against it in any language before you send it (how-to: :doc:`schema`).",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 28 10 8 20 34",
        "   :class: stacked encounter-keys",
        "",
        "   * - Key",
        "     - Type",
        "     - Required",
        "     - Example",
        "     - Meaning",
    ]
    for key, kind, required, example, meaning in reference():
        lines += [
            f"   * - ``{key}``",
            f"     - {kind}",
            f"     - {'yes' if required else ''}".rstrip(),
            f"     - ``{example}``" if example else "     -",
            f"     - {meaning}",
        ]
    return "\n".join(lines) + "\n"


def encounter_schema() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


API_PAGES: tuple[tuple[str, str, str], ...] = (
    # (module, title, what follows the automodule directive), in the order of the layers
    ("errors", "Errors", ""),
    ("facts", "Facts and sources", ""),
    ("examples", "Sample encounters", ""),
    ("findings", "Findings", ""),
    ("ndc", "NDC", ""),
    ("products", "Products", ""),
    ("hcpcs", "HCPCS", ""),
    ("cpt", "CPT", ""),
    ("modifiers", "Modifiers", ""),
    ("revenue", "Revenue codes", ""),
    ("icd10", "ICD-10-CM", ""),
    ("place_of_service", "Place of service and type of bill", ""),
    ("drug", "The drug", ""),
    ("dosing", "Dosing", ""),
    ("growth", "Weight for age", ""),
    ("units", "Units, vial plans and waste", ""),
    ("refdata", "Reference data (CMS files)", ""),
    ("policy", "Payer policies", ""),
    ("parties", "Parties", ""),
    ("encounter", "Encounters", ""),
    ("lines", "Line assembly", ""),
    ("edits", "The registry of claim edits", ""),
    ("checks", "Claim edits", ""),
    (
        "claim",
        "Claims",
        "   :exclude-members: ServiceLine, LineKind\n\n``ServiceLine`` and ``LineKind``\n"
        "(:mod:`benlysta_coding.lines`) are importable from here too.\n",
    ),
    ("build", "Building a claim", ""),
    ("stages", "Building many claims", ""),
    ("export", "Export formats", ""),
    ("export.parties", "Parties for the exports", ""),
    ("export.x12", "X12 837P and 837I", ""),
    ("export.forms", "CMS-1500 and UB-04", ""),
    ("export.text", "Terminal text", ""),
    ("export.fhir", "FHIR R4 Claim", ""),
    ("remit", "Remittance (835)", ""),
    ("ack", "Acknowledgments (999, 277CA)", ""),
    ("distributed", "Dask", ""),
    ("spark", "Spark", ""),
    ("html", "Notebook displays", ""),
    ("strategies", "Hypothesis strategies", ""),
    ("cli", "Command line", ""),
)
"""The API reference: a page per public module."""


def api_page(module: str, title: str, after: str) -> str:
    name = f"benlysta_coding.{module}"
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f"``{name}``: the public names at a glance, then each in full.\n\n"
        f".. module-summary:: {name}\n\n"
        f".. automodule:: {name}\n{after}"
    )


def api_index() -> str:
    lines = [
        "API reference",
        "=============",
        "",
        "A page per public module, from the ground up: errors and facts, the code sets, the",
        "calculators, policies and parties, the claim builder, then the exports, the payer's",
        "answers and the faces (command line, notebook displays). Each page opens with a table of",
        "its public names and a line on each. These pages are written by ``scripts/docs_tables.py``.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    lines += [f"   api/{module}" for module, _, _ in API_PAGES]
    return "\n".join(lines) + "\n"


PAGES: dict[str, Callable[[], str]] = {
    "findings.rst": findings_page,
    "encounter-reference.rst": encounter_page,
    "../src/benlysta_coding/data/encounter.schema.json": encounter_schema,
    "api.rst": api_index,
    **{f"api/{item[0]}.rst": functools.partial(api_page, *item) for item in API_PAGES},
}


def main(argv: list[str]) -> int:
    stale = []
    for name, render in PAGES.items():
        page, text = DOCS / name, render()
        if "--check" not in argv:
            page.parent.mkdir(exist_ok=True)
            page.write_text(text, encoding="utf-8")
        elif not page.exists() or page.read_text(encoding="utf-8") != text:
            stale.append(name)
    for name in stale:
        print(
            f"{(DOCS / name).resolve().relative_to(DOCS.parent)} is stale: run python scripts/docs_tables.py",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
