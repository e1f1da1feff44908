"""benlysta_coding.parties: the parties read from JSON, shared when they repeat, and their free-text fields."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benlysta_coding import encounter, examples, parties
from benlysta_coding.errors import InvalidInput, ValidationError
from tests.helpers import office

OFFICE_PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
WHEN = dt.datetime(2025, 5, 1, 9, 30)


def test_a_shared_party_is_read_once_and_a_bad_one_is_reported_every_time() -> None:
    first = encounter.from_dict(office(claim_id="A"))
    second = encounter.from_dict(office(claim_id="B"))
    assert first.billing_provider == second.billing_provider
    assert first.billing_provider is second.billing_provider  # read once, shared (immutable)
    assert first.patient is not second.patient  # patients are read for each record
    bad = office()
    bad["billing_provider"] = dict(bad["billing_provider"], npi="1234567890")
    for _ in range(2):
        with pytest.raises(InvalidInput) as caught:
            encounter.from_dict(bad)
        assert ["$.billing_provider.npi"] == [p.path for p in caught.value.problems]


def test_a_party_with_a_number_where_text_belongs_is_read_without_the_cache() -> None:
    data = office()
    data["billing_provider"] = dict(data["billing_provider"], tax_id=371234567)
    with pytest.raises(InvalidInput) as caught:
        encounter.from_dict(data)
    assert [("$.billing_provider.tax_id", "invalid-type")] == [
        (p.path, p.code) for p in caught.value.problems
    ]


@given(st.text(max_size=70))
def test_free_text_accepts_exactly_the_printable_texts_of_its_length(value: str) -> None:
    name = parties.first_name  # 1 to 35 characters, no control characters, ends trimmed
    stripped = value.strip()
    printable = all(not ("\x00" <= c <= "\x1f" or c == "\x7f") for c in stripped)
    if printable and 1 <= len(stripped) <= 35:
        assert stripped == name(value)
    else:
        with pytest.raises(ValidationError, match="expected 1 to 35 printable characters"):
            name(value)


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (("submitter",), "$.submitter"),
        (("receiver",), "$.receiver"),
        (("billing_provider",), "$.billing_provider"),
        (("insurance",), "$.insurance"),
        (("patient", "first_name"), "$.patient.first_name"),
        (("patient", "last_name"), "$.patient.last_name"),
        (("patient", "address"), "$.patient.address"),
        (("patient", "member_id"), "$.patient.member_id"),
    ],
)
def test_each_party_an_export_needs_is_named_when_missing(
    where: tuple[str, ...], path: str
) -> None:
    data = office()
    *inside, key = where
    holder = data[inside[0]] if inside else data
    del holder[key]
    read = encounter.from_dict(data)
    with pytest.raises(InvalidInput) as raised:
        parties.from_encounter(read)
    assert [path] == [problem.path for problem in raised.value.problems]


def test_a_dependant_needs_no_member_id_of_its_own_and_a_non_encounter_is_refused() -> None:
    data = copy.deepcopy(examples.DEPENDANT_OFFICE_IV)
    assert "member_id" not in data["patient"]  # the subscriber's is the one the payer knows
    assert parties.from_encounter(encounter.from_dict(data)).patient.member_id == ""
    with pytest.raises(TypeError, match="encounter"):
        parties.from_encounter(object())
