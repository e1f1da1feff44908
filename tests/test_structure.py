"""The JSON Schema of the encounter format and the loader agree.

Generated documents (Hypothesis) and hand-made ones go through both; every value the generator
draws is one both can judge, and the loader-only rules the docs list are tested apart, each as a
document the schema accepts and the loader refuses.
"""

from __future__ import annotations

import copy
import json
import types
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benlysta_coding import drug, encounter, examples, parties, policy
from benlysta_coding._structure import _REFUSALS, Reader, collecting, plan_of
from benlysta_coding.claim import Claim
from benlysta_coding.cli import main
from benlysta_coding.errors import InvalidInput
from benlysta_coding.products import Route
from tests.helpers import claim_of, hospital, office

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "benlysta_coding" / "data" / "encounter.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(encounter.schema())


def schema_accepts(text: str) -> bool:
    return bool(VALIDATOR.is_valid(json.loads(text)))


def loader_accepts(text: str) -> bool:
    try:
        encounter.from_json(text)
    except InvalidInput:
        return False
    return True


def test_the_schema_is_valid_draft_2020_12_and_shipped_as_generated() -> None:
    jsonschema.Draft202012Validator.check_schema(encounter.schema())
    assert encounter.schema() == json.loads(SHIPPED.read_text(encoding="utf-8"))
    out = __import__("io").StringIO()
    assert 0 == main(["schema", "encounter"], out)
    assert SHIPPED.read_text(encoding="utf-8") == out.getvalue()


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("encounter-*.json")), ids=str)
def test_every_example_validates(path: Path) -> None:
    assert [] == [e.message for e in VALIDATOR.iter_errors(json.loads(path.read_text()))]
    assert loader_accepts(path.read_text())


# What each field may be given: values both the schema and the loader can judge alone.
VALUES: dict[str, list[Any]] = {
    "service_date": ["2025-03-03", "2024-02-29", "2025-13-01", "03/03/2025", 20250303, None],
    "route": ["iv", "sc", "im", 1, "IV"],
    "setting": ["office", "hospital_outpatient", "clinic", ""],
    "payer": ["commercial", "medicare_part_b", "acme", 5, ""],
    "indication": ["sle", "lupus_nephritis", "lupus", None],
    "drug": ["belimumab", "saphnelo", 7],
    "diagnoses": [
        ["M32.14"],
        ["m3214", "M32.19"],
        [],
        "M32.14",
        ["X"],
        [f"M32.1{n}" for n in range(5)] * 3,
    ],
    "infusion_minutes": [62, 0, 1440, -1, 1441, "62", 62.5, None],
    "dose_mg": [
        "683",
        683,
        683.5,
        "0",
        0,
        "20000",
        "20000.0",
        "20000.5",
        20001,
        "-5",
        "abc",
        "1e3",
        None,
    ],
    "products_used": [
        [{"ndc": "49401-101-01", "count": 2}],
        [{"ndc": "49401-101-01", "count": 0}],
        [{"ndc": "x", "count": 1}],
        [{"ndc": "49401-101-01", "count": 1, "lot": "A"}],
        [],
        {"ndc": "49401-101-01", "count": 1},
    ],
    "ndc": ["49401-088-02", "N4 49401008802", "4940108802", "49401-88-02", 49401008802],
    "drug_modifiers": [["JG"], ["JG", "TB"], ["JG", "JG"], ["XX"], "JG"],
    "place_of_service": ["11", "49", "12", 11],
    "frequency": ["original", "corrected"],
    "prior_authorization": ["PA-1", "PA 1", ""],
    "claim_id": ["BEN-1", "", "x" * 21, 5],
    "colour": ["blue"],
}
PATIENT: dict[str, list[Any]] = {
    "weight_kg": ["63.4", 63.4, "1000", "1000.5", 1000.5, 1e3, "0", 0, "-1", "abc", "+70", " 70 "],
    "birth_date": ["1978-06-14", "1900-01-01", "1899-12-31", "1978-6-14", 19780614],
    "sex": ["F", "M", "U", "X", "f"],
    "first_name": ["JANE", "", "J" * 35, "J" * 36, "A\tB"],
}
REQUIRED = ["service_date", "route", "indication", "setting", "payer", "diagnoses", "patient"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from([office(), hospital()])))
    data.pop("subscriber", None)
    for key in draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=3, unique=True)):
        value = draw(st.sampled_from(VALUES[key]))
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    for key in draw(st.lists(st.sampled_from(sorted(PATIENT)), max_size=2, unique=True)):
        data["patient"][key] = draw(st.sampled_from(PATIENT[key]))
    if draw(st.integers(0, 9)) == 0:
        data.pop(draw(st.sampled_from(REQUIRED)), None)
    if data.get("frequency") not in (None, "original"):
        data.pop("payer_claim_number", None)
    return json.dumps(data)


@settings(max_examples=400, deadline=None)
@given(documents())
def test_the_schema_and_the_loader_agree(text: str) -> None:
    assert schema_accepts(text) == loader_accepts(text)


def _proxied(value: Any) -> Any:
    """``value`` with every object a read-only mapping: the reader then reads field by field in
    order (the path that reports problems), never through a class's quick reading."""
    if isinstance(value, dict):
        return types.MappingProxyType({key: _proxied(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_proxied(item) for item in value]
    return value


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_quick_reading_and_the_reading_in_order_agree(text: str) -> None:
    """Each class's generated quick reading gives what the field-by-field reading gives: the same
    encounter, or (when it gives up) the same problems, which that reading reports."""
    data = encounter.decode(text)
    assert isinstance(data, dict)
    quick, in_order = Reader(), Reader()
    read = quick.read(encounter.Encounter, data, "$")
    assert read == in_order.read(encounter.Encounter, _proxied(data), "$")
    assert quick.problems == in_order.problems
    assert (read is None) == bool(quick.problems)
    plan = plan_of(encounter.Encounter)
    if read is None:  # the quick reading gives up on every document with a problem
        with pytest.raises(_REFUSALS):
            plan.quick(data, plan.converters)
    else:  # and reads every good one itself (giving up would only cost time, unseen)
        assert read == plan.quick(data, plan.converters)


def test_the_quick_reading_of_a_claim_takes_nulls_and_empty_values_as_its_fields_do() -> None:
    """Claims written as JSON hold ``null`` where a field may be empty and ``""`` for empty text:
    the quick reading reads them itself, as the reading in order does."""
    made = claim_of(office())
    data = json.loads(json.dumps(made.to_dict()))
    assert (data["other_payer"], data["payer_claim_number"]) == (None, None)
    assert data["lines"][0]["ndc_note"] == ""
    data["payer_claim_number"] = ""  # empty: the field's default (None)
    data["frequency"] = None  # null for a field that is not nullable: its default
    plan = plan_of(Claim)
    converters = plan.converters_for({"drug": lambda name: drug.DRUGS[name]})
    assert made == plan.quick(data, converters)
    data["dose_mg"] = None  # null is a value of this required field
    assert plan.quick(data, converters).dose_mg is None
    del data["dose_mg"]
    with pytest.raises(_REFUSALS):
        plan.quick(data, converters)


def test_hand_made_documents_are_judged_alike() -> None:
    good = office()
    cases = {
        "valid": (good, True),
        "a wrong type": ({**good, "route": ["iv"]}, False),
        "an unknown key": ({**good, "infusion_time": 62}, False),
        "a missing key": ({k: v for k, v in good.items() if k != "diagnoses"}, False),
        "a number out of range": ({**good, "infusion_minutes": 2000}, False),
        "decimal text out of range": ({**good, "dose_mg": "20000.01"}, False),
        "decimal text at the limit": ({**good, "dose_mg": "020000.000"}, True),
        "a bad date": ({**good, "service_date": "2025-3-3"}, False),
        "a nested unknown key": ({**good, "patient": {**good["patient"], "age": 40}}, False),
    }
    for name, (data, expected) in cases.items():
        text = json.dumps(data)
        assert (expected, expected) == (schema_accepts(text), loader_accepts(text)), name


LOADER_ONLY = {
    "a day the month does not have": {"service_date": "2025-02-30"},
    "a birth date after the date of service": {
        "patient": {**office()["patient"], "birth_date": "2025-12-01"}
    },
    "a payer claim number on an original claim": {"payer_claim_number": "123"},
    "an NPI with a wrong check digit": {
        "billing_provider": {**office()["billing_provider"], "npi": "1234567890"}
    },
    "more than 12 decimals": {"dose_mg": "683.0000000000001"},
    "10 bare digits of an unknown product": {"ndc": "1234567890"},
}


@pytest.mark.parametrize("change", list(LOADER_ONLY.values()), ids=list(LOADER_ONLY))
def test_each_loader_only_rule_is_one_the_schema_cannot_say(change: dict[str, Any]) -> None:
    text = json.dumps({**office(), **change})
    assert (True, False) == (schema_accepts(text), loader_accepts(text))
    page = (ROOT / "docs" / "schema.rst").read_text()
    assert all(word in page for word in ("check digit", "12 decimals", "10 bare digits"))


def test_the_schema_names_the_drugs_and_policies_loaded(tmp_path: Path) -> None:
    acme = policy.PayerPolicy(name="acme")
    made = encounter.schema(policy.registry([acme]))
    assert ["medicare_part_b", "commercial", "acme"] == made["properties"]["payer"]["enum"]
    assert ["belimumab"] == made["properties"]["drug"]["anyOf"][0]["enum"]  # or null, or ""
    assert not VALIDATOR.is_valid({**office(), "payer": "acme"})
    assert jsonschema.Draft202012Validator(made).is_valid({**office(), "payer": "acme"})
    assert drug.DRUGS["belimumab"].indications == tuple(made["properties"]["indication"]["enum"])
    assert examples.OFFICE_IV["payer"] in made["properties"]["payer"]["enum"]


def _name(value: Any) -> str:
    return parties.first_name(value)


def _note(value: Any) -> str:
    return "" if value == "" else parties.last_name(value)


def test_named_choices_accept_their_values_and_members_only() -> None:
    for route in ("iv", Route.IV):
        assert Route.IV is encounter.from_dict(office(route=route)).route
    for bad, code in (
        ("IV", "invalid-value"),
        ("intravenous", "invalid-value"),
        (1, "invalid-type"),
    ):
        with pytest.raises(InvalidInput) as caught:
            encounter.from_dict(office(route=bad))
        assert [("$.route", code)] == [(p.path, p.code) for p in caught.value.problems]


@collecting("$.thing")
@attrs.frozen(kw_only=True, slots=False)
class _Unslotted:
    name: str = attrs.field(converter=_name)
    note: str = attrs.field(default="", converter=_note)


def test_a_class_without_slots_is_read_field_by_field_as_well() -> None:
    reader = Reader()
    read = reader.read(_Unslotted, {"name": " Ann "}, "$.thing")
    assert _Unslotted(name="Ann") == read
    assert read is not None
    assert ("Ann", "") == (read.name, read.note)
    assert reader.read(_Unslotted, {"name": ""}, "$.thing") is None
    assert ["$.thing.name"] == [p.path for p in reader.problems]


def test_a_shared_party_is_read_by_its_content_whatever_the_caller_does_with_its_dict() -> None:
    # the party read last is kept as a copy of its content: a caller changing its own dict in
    # place, then reading it again, gets the new content; a number where the text stood is refused
    doc = copy.deepcopy(examples.OFFICE_IV)
    read = encounter.loader()  # reads the caller's dicts as they are (from_dict copies them)
    first = read(doc)
    doc["billing_provider"]["name"] = "OTHER CLINIC"
    doc["billing_provider"]["address"]["city"] = "PEORIA"
    second = read(doc)
    assert second.billing_provider is not None
    assert first.billing_provider is not None
    assert (second.billing_provider.name, second.billing_provider.address.city) == (
        "OTHER CLINIC",
        "PEORIA",
    )
    assert first.billing_provider.name != "OTHER CLINIC"
    again = read(copy.deepcopy(examples.OFFICE_IV))  # and back to the first
    assert again.billing_provider == first.billing_provider
    npi = doc["billing_provider"]["npi"]
    doc["billing_provider"]["npi"] = int(npi)
    with pytest.raises(InvalidInput, match=r"\$\.billing_provider\.npi"):
        read(doc)
