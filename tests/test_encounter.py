"""Loading encounters: every problem at once, each with its JSON path; exact decimals."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import encounter, policy
from benlysta_coding import examples as _examples
from benlysta_coding.errors import InvalidInput
from tests.helpers import office

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def problems(data: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict(data)
    return [(p.path, p.code) for p in info.value.problems]


def test_shipped_example_files_match_the_packaged_examples() -> None:
    office_file = json.loads((EXAMPLES / "encounter-office-iv.json").read_text())
    hospital_file = json.loads((EXAMPLES / "encounter-hospital-iv.json").read_text())
    assert _examples.OFFICE_IV == office_file
    assert _examples.HOSPITAL_IV == hospital_file
    assert (
        "office"
        == encounter.from_json((EXAMPLES / "encounter-office-iv.json").read_bytes()).setting
    )
    assert "hospital_outpatient" == encounter.from_dict(hospital_file).setting


def test_decimals_are_exact_from_numbers_and_strings() -> None:
    text = json.dumps(office()).replace('"68.3"', "63.4").replace('"PA-778812"', '"PA-1"')
    assert Decimal("63.4") == encounter.from_json(text).patient.weight_kg
    assert (
        Decimal("63.4") == encounter.from_dict(office(patient__weight_kg="63.4")).patient.weight_kg
    )
    assert Decimal(64) == encounter.from_dict(office(patient__weight_kg=64)).patient.weight_kg


def test_a_json_number_from_a_plain_parser_is_read_as_written() -> None:
    data = json.loads(json.dumps(office(patient__weight_kg=63.4, dose_mg=634.1)))
    loaded = encounter.from_dict(data)
    assert (Decimal("63.4"), Decimal("634.1")) == (loaded.patient.weight_kg, loaded.dose_mg)
    for bad in (float("nan"), float("inf"), 1e300):
        with pytest.raises(InvalidInput, match=r"\$\.patient\.weight_kg: .*at most 18 digits"):
            encounter.from_dict(office(patient__weight_kg=bad))


EXAMPLE_FILES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_from_dict_of_json_load_equals_from_json(path: Path) -> None:
    text = path.read_text()
    numbers = re.sub(r'"(weight_kg|dose_mg|infusion_minutes)": "([0-9.]+)"', r'"\1": \2', text)
    for document in (text, numbers):
        assert encounter.from_json(document) == encounter.from_dict(json.loads(document))


@given(
    weight=st.decimals(min_value=Decimal("10"), max_value=Decimal("350"), places=3),
    dose=st.one_of(st.none(), st.decimals(min_value=Decimal("1"), max_value=Decimal("3500"),
                                          places=2)),
    minutes=st.integers(min_value=1, max_value=600),
)  # fmt: skip
def test_json_numbers_read_alike_through_both_paths(
    weight: Decimal, dose: Decimal | None, minutes: int
) -> None:
    data = office(infusion_minutes=minutes)
    text = json.dumps(data)
    text = text.replace('"68.3"', f"{weight}")
    if dose is not None:
        text = text.replace('"infusion_minutes"', f'"dose_mg": {dose}, "infusion_minutes"')
    assert encounter.from_json(text) == encounter.from_dict(json.loads(text))


def test_every_problem_is_reported_at_once_with_paths() -> None:
    data = office(
        service_date="2025-02-30",
        route="im",
        indication="ra",
        setting="home",
        payer="medicaid",
        infusion_minutes=-5,
        dose_mg="-1",
        ndc="49401-101",
        claim_id="has space",
        prior_authorization="x" * 51,
        colour="blue",
        diagnoses=["M32.14", "32", 7],
    )
    data["patient"]["weight_kg"] = "heavy"
    data["patient"]["sex"] = "X"
    data["billing_provider"]["npi"] = "1234567890"
    data["billing_provider"]["address"]["zip"] = "1234"
    data["insurance"]["payer_id"] = "!"
    assert [
        ("$", "unknown-key"),
        ("$.claim_id", "invalid-value"),
        ("$.service_date", "invalid-value"),
        ("$.route", "invalid-value"),
        ("$.indication", "invalid-value"),
        ("$.setting", "invalid-value"),
        ("$.payer", "invalid-value"),
        ("$.diagnoses[1]", "invalid-value"),
        ("$.diagnoses[2]", "invalid-type"),
        ("$.patient.weight_kg", "invalid-value"),
        ("$.patient.sex", "invalid-value"),
        ("$.infusion_minutes", "invalid-value"),
        ("$.dose_mg", "invalid-value"),
        ("$.ndc", "invalid-value"),
        ("$.prior_authorization", "invalid-value"),
        ("$.billing_provider.npi", "invalid-value"),
        ("$.billing_provider.address.zip", "invalid-value"),
        ("$.insurance.payer_id", "invalid-value"),
    ] == problems(data)


def test_missing_and_wrong_shapes() -> None:
    assert [("$", "invalid-type")] == problems([])
    assert ("$.patient", "missing") in problems({})
    assert ("$.patient", "invalid-type") in problems(office(patient="x"))
    assert ("$.diagnoses", "invalid-type") in problems(office(diagnoses=[]))
    assert ("$.diagnoses", "invalid-value") in problems(office(diagnoses=["M32.9"] * 13))
    bad_provider = office()
    del bad_provider["billing_provider"]["address"]
    assert ("$.billing_provider.address", "missing") in problems(bad_provider)
    assert ("$.infusion_minutes", "invalid-type") in problems(office(infusion_minutes="60"))
    assert ("$.infusion_minutes", "invalid-value") in problems(
        office(infusion_minutes=Decimal("60.5"))
    )
    assert ("$.route", "invalid-type") in problems(office(route=1))
    assert ("$.payer", "invalid-type") in problems(office(payer=1))
    assert ("$.patient.birth_date", "invalid-type") in problems(office(patient__birth_date=1978))


def test_invalid_json() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON"):
        encounter.from_json("{")
    with pytest.raises(InvalidInput, match="UTF-8"):
        encounter.from_json(b"\xff")
    with pytest.raises(TypeError):
        encounter.from_json(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="weight_kg"):
        encounter.from_json(json.dumps(office()).replace('"68.3"', "NaN"))


def test_custom_policies_by_name() -> None:
    mine = attrs.evolve(policy.COMMERCIAL, name="acme")
    loaded = encounter.from_dict(office(payer="acme"), {"acme": mine})
    assert mine is loaded.payer


def test_duplicates_are_dropped_in_order_and_dots_added() -> None:
    loaded = encounter.from_dict(office(diagnoses=["m3213", "M32.13", "M32.19"]))
    assert ("M32.13", "M32.19") == loaded.diagnoses


def test_npi_check_digit() -> None:
    assert encounter.npi_is_valid("1234567893")
    for bad in ("1234567890", "123456789", "123456789a", 1234567893, None):
        assert not encounter.npi_is_valid(bad)


def test_settings() -> None:
    assert not encounter.Setting.OFFICE.institutional
    assert encounter.Setting.CRITICAL_ACCESS_HOSPITAL.institutional


def test_typed_construction_checks_and_normalises_every_field() -> None:
    loaded = encounter.from_dict(office())
    changed = attrs.evolve(loaded, diagnoses=("m3213", "M32.13", "m32.19"), dose_mg="700")
    assert ("M32.13", "M32.19") == changed.diagnoses
    assert Decimal(700) == changed.dose_mg
    with pytest.raises(InvalidInput) as info:
        attrs.evolve(
            loaded,
            route="im",
            diagnoses=(),
            infusion_minutes=-1,
            payer="medicare",
            dose_mg=700.0,
            claim_id="has space",
        )
    assert [
        "$.claim_id",
        "$.route",
        "$.payer",
        "$.diagnoses",
        "$.infusion_minutes",
        "$.dose_mg",
    ] == [p.path for p in info.value.problems]
    with pytest.raises(InvalidInput, match="weight_kg"):
        attrs.evolve(loaded.patient, weight_kg=63.4)
    assert loaded.billing_provider is not None
    with pytest.raises(InvalidInput, match="npi"):
        attrs.evolve(loaded.billing_provider, npi="1234567890")
    assert loaded.submitter is not None
    with pytest.raises(InvalidInput, match="phone"):
        attrs.evolve(loaded.submitter, phone="555")
    with pytest.raises(InvalidInput, match="state"):
        encounter.Address(line1="1 A ST", city="X", state="Illinois", zip="62701")


@pytest.mark.parametrize(
    "changes",
    [
        {"service_date": "2025-02-30", "route": "im", "dose_mg": "-1", "infusion_minutes": -5,
         "claim_id": "has space", "prior_authorization": "x" * 51, "ndc": "49401-101"},
        {"service_date": 20250101, "diagnoses": ["M32.14", "32", 7], "frequency": "again",
         "products_used": [{"ndc": "1", "count": "two"}], "dose_mg": float("nan")},
        {"patient__weight_kg": "heavy", "patient__sex": "X", "patient__birth_date": "1-1-1",
         "patient__first_name": "x" * 99, "patient__member_id": "*"},
    ],
)  # fmt: skip
def test_each_message_names_its_field_once(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict(office(**changes))
    assert len(info.value.problems) >= 3
    for problem in info.value.problems:
        field = problem.path.rpartition(".")[2].partition("[")[0]
        assert not problem.message.startswith(f"{field}:"), str(problem)
        assert f"{field}: {field}:" not in str(problem)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.sampled_from(["", " ", "\n", "\t", "\ufeff"]),
    _JSON_VALUES.map(json.dumps) | st.text(max_size=12),
    st.sampled_from(["", "\n", " ", "\r\n", "\n\n", "\x0b", "\xa0", "}", " x", "\n{}"]),
)
def test_the_json_reading_is_json_decode(before: str, body: str, after: str) -> None:
    # the scanner alone reads a whole document (or one ending in its line break); whatever else
    # goes through decode, so the data and every error are decode's
    text = before + body + after

    def outcome(read: Any) -> object:
        try:
            return ("data", read(text))
        except json.JSONDecodeError as error:
            return ("error", error.msg, error.pos)

    assert outcome(encounter._json) == outcome(encounter._JSON.decode)
