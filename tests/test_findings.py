"""The rule registry: every rule listed, rules turned off or given a severity through build_claim,
build_claims, batch, Dask and the command line; mandatory rules kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import attrs
import pytest

from benlysta_coding import (
    cli,
    encounter,
    findings,
)
from benlysta_coding.errors import InvalidInput
from benlysta_coding.stages import build_claims
from tests.helpers import TODAY, claim_of, codes, office

FIRST_NOT_SLE = office(diagnoses=["M06.9", "M32.14"])  # dx-first-not-category, a warning


def test_every_rule_has_a_valid_default_and_the_mandatory_ones_are_errors() -> None:
    assert {"dx-invalid", "dx-not-billable", "attending-missing"} <= findings.MANDATORY
    assert findings.MANDATORY <= set(findings.RULES)
    for code in findings.MANDATORY:
        assert "error" == findings.RULES[code].severity


def test_a_rule_turned_off_or_given_a_severity() -> None:
    assert "dx-first-not-category" in codes(claim_of(FIRST_NOT_SLE))
    off = claim_of(FIRST_NOT_SLE, rules={"dx-first-not-category": "off"})
    assert "dx-first-not-category" not in codes(off)
    raised = claim_of(FIRST_NOT_SLE, rules={"dx-first-not-category": "Error"})
    assert ["dx-first-not-category"] == [f.code for f in raised.errors]
    sc = office(diagnoses=["M32.14"], route="sc", dose_mg="300", payer="commercial",
                infusion_minutes=None)  # fmt: skip
    assert (
        "warning" == next(f for f in claim_of(sc).findings if f.code == "sc-dose-unusual").severity
    )
    lowered = claim_of(sc, rules={"sc-dose-unusual": "info"})
    assert ["info"] == [f.severity for f in lowered.findings if f.code == "sc-dose-unusual"]


def test_bad_settings_are_all_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as info:
        claim_of(office(), rules={"dx-first-not-categry": "off", "sc-dose-unusual": "loud",
                                  "attending-missing": "warning", "dx-invalid": "off"})  # fmt: skip
    assert [
        ("$.rules", "rule-unknown"),
        ("$.rules.sc-dose-unusual", "rule-setting-unknown"),
        ("$.rules.attending-missing", "rule-mandatory"),
        ("$.rules.dx-invalid", "rule-mandatory"),
    ] == [(p.path, p.code) for p in info.value.problems]
    text = str(info.value)
    assert "did you mean dx-first-not-category?" in text
    assert "expected off, info, warning, error" in text
    with pytest.raises(TypeError):
        claim_of(office(), rules=["dx-invalid"])
    assert "dx-invalid" in codes(
        claim_of(office(diagnoses=["M32.99"]), rules={"dx-invalid": "error"})
    )


def test_build_claims_and_batch_take_the_rules(tmp_path: Path) -> None:
    read = [encounter.from_dict(FIRST_NOT_SLE)] * 3
    made = list(build_claims(read, today=TODAY, rules={"dx-first-not-category": "off"}))
    assert not any("dx-first-not-category" in codes(c) for c in made)
    lines = tmp_path / "e.jsonl"
    lines.write_text(json.dumps(FIRST_NOT_SLE) + "\n")
    out, err = io.StringIO(), io.StringIO()
    assert 0 == cli.main(["batch", str(lines), "--rule", "dx-first-not-category=off"], out, err)
    assert "dx-first-not-category" not in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main(["batch", str(lines), "--rule", "dx-first-not-category=error"], out, err)
    assert "[dx-first-not-category]" in err.getvalue()
    err = io.StringIO()
    assert 2 == cli.main(["batch", str(lines), "--rule", "dx-not-billable=off"], out, err)
    assert "rule-mandatory" in err.getvalue()


def test_the_claim_command_takes_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(FIRST_NOT_SLE))
    out = io.StringIO()
    assert 0 == cli.main(["claim", str(path), "--format", "json"], out, io.StringIO())
    assert "dx-first-not-category" in out.getvalue()
    out = io.StringIO()
    assert 0 == cli.main(["claim", str(path), "--format", "json", "--rule",
                          "dx-first-not-category=off"], out, io.StringIO())  # fmt: skip
    assert "dx-first-not-category" not in out.getvalue()
    err = io.StringIO()
    assert 2 == cli.main(["claim", str(path), "--rule", "nonsense"], io.StringIO(), err)
    assert "--rule: expected CODE=SETTING" in err.getvalue()


def test_the_rules_command_lists_every_rule() -> None:
    out = io.StringIO()
    assert 0 == cli.main(["rules", "--format", "json"], out, io.StringIO())
    listed = json.loads(out.getvalue())
    assert list(findings.RULES) == [item["code"] for item in listed]
    for item in listed:
        rule = findings.RULES[item["code"]]
        assert (str(rule.severity), rule.title) == (item["severity"], item["description"])
    by_code = {item["code"]: item for item in listed}
    assert {"carc": "CO-16", "rarc": ["M76"], "remedy": "new claim"} == by_code["dx-not-billable"][
        "payer_answer"
    ]
    text = io.StringIO()
    assert 0 == cli.main(["rules"], text, io.StringIO())
    rows = [line for line in text.getvalue().splitlines() if not line.startswith(" ")]
    assert len(findings.RULES) == len(rows)  # one row a rule, wrapped to 80 columns
    assert "dx-not-billable (error, mandatory): " in text.getvalue()


def test_each_rule_has_an_anchor_on_the_findings_page() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "findings.rst").read_text()
    for code in findings.RULES:
        assert f"   * - _`{code}`" in page  # the page's anchor findings.html#<code>


def test_docs_list_every_finding_code() -> None:
    import subprocess
    import sys
    from pathlib import Path

    from benlysta_coding.findings import RULES

    root = Path(__file__).resolve().parent.parent
    check = subprocess.run(
        [sys.executable, "scripts/docs_tables.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == check.returncode, check.stderr
    page = (root / "docs" / "findings.rst").read_text()
    for code in RULES:
        assert f"_`{code}`" in page  # the code with its anchor


def test_fill_writes_the_facts_and_keeps_every_other_field() -> None:
    # the facts go into the fix and source only; any other field (one added later included)
    # comes through as it was
    rule = next(r for r in findings.RULES.values() if "{brand}" in r.fix and r.answer is not None)
    made = findings.make(rule.code, "a message", "$.lines[0]")
    (filled,) = findings.fill([made], {"brand": "BRAND", "hcpcs": "J9999", "generic": "GEN"})
    assert "BRAND" in filled.fix
    assert filled.fix != made.fix
    others = [f.name for f in attrs.fields(findings.Finding) if f.name not in ("fix", "source")]
    assert others and all(getattr(filled, n) == getattr(made, n) for n in others)  # noqa: PT018
    assert findings.fill([made], {}) == [made]  # a fact not given stays in braces
