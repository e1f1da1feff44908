"""Payer policy files: loaded, listed, shown as a file that loads back equal, refused whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import attrs
import pytest

from benlysta_coding import encounter, policy
from benlysta_coding.build import build_claim
from benlysta_coding.cli import main
from benlysta_coding.errors import InvalidInput
from tests.helpers import TODAY, office, sc

ACME = """\
name = "acme_health"
claim_filing_code = "CI"
bill_waste = false
jz_required_from = 2024-01-01
administration = "complex"
max_units_per_day = 120

[rules]
dx-first-not-category = "off"
sc-dose-unusual = "error"
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    path = tmp_path / "acme.toml"
    path.write_text(ACME)
    return path


def test_a_policy_file_loads_every_field_and_its_rules(acme: Path) -> None:
    loaded = policy.load(acme)
    assert ("acme_health", False, "2024-01-01", policy.Administration.COMPLEX, 120) == (
        loaded.name,
        loaded.bill_waste,
        loaded.jz_required_from.isoformat() if loaded.jz_required_from else None,
        loaded.administration,
        loaded.max_units_per_day,
    )
    assert (("dx-first-not-category", "off"), ("sc-dose-unusual", "error")) == loaded.rules


def test_the_rules_of_a_policy_take_effect_under_the_calls(acme: Path) -> None:
    loaded = policy.load(acme)
    policies = policy.registry([loaded])
    data = sc(payer="acme_health", dose_mg="300", diagnoses=["Z79.899", "M32.13"])
    claim = build_claim(encounter.from_dict(data, policies), today=TODAY)
    assert "dx-first-not-category" not in [f.code for f in claim.findings]
    assert ["sc-dose-unusual"] == [f.code for f in claim.errors if f.code == "sc-dose-unusual"]
    over = build_claim(
        encounter.from_dict(data, policies), today=TODAY, rules={"sc-dose-unusual": "info"}
    )
    assert [] == [f for f in over.errors if f.code == "sc-dose-unusual"]
    infusion = build_claim(encounter.from_dict(office(payer="acme_health"), policies), today=TODAY)
    assert "96413" in [line.code for line in infusion.lines]  # administration = "complex"
    assert "JW" not in [m for line in infusion.lines for m in line.modifiers]  # bill_waste = false


@pytest.mark.parametrize("built_in", list(policy.POLICIES.values()), ids=list(policy.POLICIES))
def test_show_prints_a_file_that_loads_back_to_an_equal_policy(
    built_in: policy.PayerPolicy, tmp_path: Path
) -> None:
    status, out, err = run("policy", "show", built_in.name)
    assert (0, "") == (status, err)
    path = tmp_path / "copy.toml"
    path.write_text(out.replace(f'name = "{built_in.name}"', 'name = "copy"'))
    assert attrs.evolve(built_in, name="copy") == policy.load(path)
    with_rules = attrs.evolve(built_in, name="ruled", rules={"sc-dose-unusual": "error"})
    path.write_text(policy.to_toml(with_rules))
    assert with_rules == policy.load(path)


def test_list_names_the_built_ins_and_the_files(acme: Path) -> None:
    status, out, _ = run("policy", "list", "--policy", str(acme))
    assert 0 == status
    assert ["medicare_part_b", "commercial", "acme_health"] == [
        line.split("\t")[0] for line in out.splitlines()
    ]
    assert 2 == run("policy", "show", "nobody")[0]


def test_a_bad_file_is_refused_whole_with_the_file_key_and_accepted_values(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "commercial"\nvial_policy = "cheapest"\nbill_waste = "yes"\ncolour = 1\n'
        'max_units_per_day = 0\n[rules]\nno-such-rule = "off"\ndx-not-billable = "off"\n'
        'sc-dose-unusual = "loud"\n'
    )
    with pytest.raises(InvalidInput) as caught:
        policy.load(path)
    found = {(p.path, p.code) for p in caught.value.problems}
    assert {
        ("bad.toml: name", "invalid-value"),
        ("bad.toml: vial_policy", "invalid-value"),
        ("bad.toml: bill_waste", "invalid-value"),
        ("bad.toml: colour", "unknown-key"),
        ("bad.toml: max_units_per_day", "invalid-value"),
        ("bad.toml: rules", "rule-unknown"),
        ("bad.toml: rules.dx-not-billable", "rule-mandatory"),
        ("bad.toml: rules.sc-dose-unusual", "rule-setting-unknown"),
    } == found
    text = str(caught.value)
    assert "'least_waste', 'fewest_vials'" in text
    assert "built-in policy's name" in text
    path.write_text('name = "x"\nbill_waste = \n')
    with pytest.raises(InvalidInput, match=r"bad\.toml: not valid TOML: .*line 2"):
        policy.load(path)


def test_the_command_line_bills_a_payer_from_a_file(acme: Path, tmp_path: Path) -> None:
    record = tmp_path / "visit.json"
    record.write_text(json.dumps(office(payer="acme_health")))
    status, out, err = run("claim", str(record), "--format", "json", "--policy", str(acme))
    assert (0, "") == (status, err)
    assert "acme_health" == json.loads(out)["payer"]
    status, _, err = run("claim", str(record))
    assert 2 == status
    assert "$.payer: expected one of 'medicare_part_b', 'commercial'" in err
    dup = tmp_path / "dup.toml"
    dup.write_text(ACME)
    status, _, err = run("claim", str(record), "--policy", str(acme), "--policy", str(dup))
    assert 2 == status
    assert "'acme_health' is already loaded" in err
