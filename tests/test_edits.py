"""The registry of claim edits (benlysta_coding.edits): every rule has a home, every edit raises only
the rules it declares, the builder runs the edits in their stages, and a new edit needs nothing but
its function and its registration."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from benlysta_coding import build_claim, checks, edits, encounter, findings, policy, units
from benlysta_coding.drug import BELIMUMAB
from benlysta_coding.edits import EDITS, STEPS, Context, Stage
from benlysta_coding.findings import Finding, make
from tests.helpers import TODAY, hospital, office, sc

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PRICES = {"J0490": "12.50", "96365": "150", "96366": "40", "96372": "25", "96374": "30"}


def test_every_rule_has_a_home_and_only_mue_two() -> None:
    made_by = edits.homes()
    assert set(findings.RULES) == set(made_by)
    assert [] == [code for code, homes in made_by.items() if not homes]
    assert {"mue-exceeded": ("edit: units-per-day", "step: reference")} == {
        code: homes for code, homes in made_by.items() if len(homes) > 1
    }


def test_edits_are_registered_in_stages_in_the_order_the_findings_come() -> None:
    encounter_edits = [e.name for e in EDITS.values() if e.stage == Stage.ENCOUNTER]
    assert encounter_edits[0] == "service-date-future"
    assert encounter_edits[-1] == "diagnoses"
    assert set(STEPS) == {"dose", "vials", "service lines", "reference"}
    assert all(edit.summary and not edit.summary.startswith(" ") for edit in EDITS.values())


def _corpus() -> list[dict[str, Any]]:
    """Encounters that between them raise most rules: the examples, and hand-made variants."""
    found = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLES.glob("encounter-*.json"))
    ]
    found += [
        office(),
        office(claim_id=""),
        office(service_date="2026-03-01"),
        office(diagnoses=["M32.1", "N05.9", "M32.14", "N08"]),
        office(diagnoses=["Z79.899", "M32.10"], indication="lupus_nephritis"),
        office(patient__birth_date="2021-05-01", patient__weight_kg="20"),
        office(patient__birth_date="2015-05-01", patient__weight_kg="140"),
        office(infusion_minutes=None),
        office(infusion_minutes=10),
        office(infusion_minutes=88),
        office(dose_mg="2000"),
        office(place_of_service="22"),
        office(frequency="replacement", payer_claim_number="X1"),
        office(products_used=[{"ndc": "49401-0101-01", "count": 1}]),
        office(products_used=[{"ndc": "49401-0101-01", "count": 9}]),
        office(drug_modifiers=["JG"], service_date="2025-05-01"),
        sc(),
        sc(payer="medicare_part_b"),
        sc(patient__birth_date="2014-05-01", patient__weight_kg="30", ndc="49401-0088-01"),
        hospital(),
        hospital(attending=None, place_of_service="19"),
    ]
    return found


def test_each_edit_raises_only_the_rules_it_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    raised: dict[str, set[str]] = defaultdict(set)
    called: dict[str, int] = defaultdict(int)
    for name, registered in list(EDITS.items()):

        def watched(context: Any, _name: str = name, _check: Any = registered.check) -> Any:
            called[_name] += 1
            made = list(_check(context))
            found = [item[1] if isinstance(item, tuple) else item for item in made]  # LINE: pairs
            raised[_name].update(f.code for f in found)
            return made

        replaced = edits.Edit(registered.name, registered.stage, registered.codes, watched)
        monkeypatch.setitem(EDITS, name, replaced)
        stage_checks = tuple(
            watched if check is registered.check else check
            for check in edits._CHECKS[registered.stage]
        )
        monkeypatch.setitem(edits._CHECKS, registered.stage, stage_checks)
    for data in _corpus():
        build_claim(encounter.from_dict(data), prices=PRICES, today=TODAY)
    claim = build_claim(encounter.from_dict(office()), prices=PRICES, today=TODAY)
    drug_line, *rest = claim.lines
    edited = [
        attrs.evolve(drug_line, modifiers=("ZZ",), ndc_quantity=Decimal("1.2345")),
        attrs.evolve(rest[-1], code="96366", charge=Decimal("1.234")),
    ]
    per_day = attrs.evolve(policy.MEDICARE_PART_B, max_units_per_day=10)
    checks.check_lines(None, edited, per_day, units.plan_vials(500))
    undeclared = {name: sorted(codes - set(EDITS[name].codes)) for name, codes in raised.items()}
    assert {} == {name: codes for name, codes in undeclared.items() if codes}
    assert [] == [name for name in EDITS if not called[name]]  # the corpus runs every edit
    silent = sorted(name for name in EDITS if not raised[name])
    assert len(silent) <= 4, silent  # and most of them find something


def test_a_new_edit_is_one_function_and_its_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    def late_in_the_week(context: Context) -> Iterable[Finding]:
        """A date of service on a Friday (an example edit)."""
        assert context.encounter is not None
        if context.encounter.service_date.weekday() == 4:
            yield make("claim-id-missing", "Friday", "$.service_date")

    monkeypatch.setattr(edits, "EDITS", dict(EDITS))
    monkeypatch.setitem(edits._CHECKS, Stage.CLAIM, edits._CHECKS[Stage.CLAIM])
    edits.edit(Stage.CLAIM, "claim-id-missing")(late_in_the_week)
    assert "late-in-the-week" in edits.EDITS
    friday = build_claim(encounter.from_dict(office(service_date="2025-05-02")), today=TODAY)
    monday = build_claim(encounter.from_dict(office(service_date="2025-05-05")), today=TODAY)
    assert ["Friday"] == [f.message for f in friday.findings if f.message == "Friday"]
    assert [] == [f for f in monday.findings if f.message == "Friday"]
    off = build_claim(
        encounter.from_dict(office(service_date="2025-05-02")),
        today=TODAY,
        rules={"claim-id-missing": "off"},
    )
    assert [] == [f for f in off.findings if f.code == "claim-id-missing"]
    with pytest.raises(ValueError, match="registered twice"):
        edits.edit(Stage.CLAIM, "claim-id-missing")(late_in_the_week)
    with pytest.raises(ValueError, match="expected rule codes"):
        edits.edit(Stage.CLAIM, "no-such-rule", name="other")(late_in_the_week)


def test_check_lines_runs_the_line_edits_of_the_registry() -> None:
    claim = build_claim(encounter.from_dict(office()), prices=PRICES, today=TODAY)
    context = Context(
        encounter=None, policy=policy.MEDICARE_PART_B, drug=claim.drug, lines=claim.lines
    )
    assert checks.line_edits(context) == checks.check_lines(
        None, claim.lines, policy.MEDICARE_PART_B, None
    )
    alone = checks.check_lines(None, claim.lines[:1], policy.MEDICARE_PART_B, None)
    assert ["jz-missing"] == [f.code for f in alone]  # the drug line without its JW line


def test_the_encounter_edits_need_an_encounter() -> None:
    context = Context(encounter=None, policy=policy.COMMERCIAL, drug=BELIMUMAB)
    with pytest.raises(TypeError, match="context: this edit checks an encounter"):
        edits.run(Stage.CLAIM, context)
    assert [] == edits.run(Stage.PRICES, context)  # no prices, no finding
    assert dt.date(2025, 1, 1) < TODAY
