"""Hostile input, limits and determinism: no crash, no invalid file, no lost claim."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benlysta_coding import cli, encounter, parties
from benlysta_coding.build import build_claim
from benlysta_coding.claim import Claim
from benlysta_coding.errors import InvalidInput, ValidationError
from benlysta_coding.export import fhir, forms, x12
from tests.helpers import TODAY, claim_of, hospital, office, unwrap
from tests.x12check import own_checks, pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50", "96372": "25", "96374": "80"}
PRICE_ARGS = [arg for code, price in PRICES.items() for arg in ("--price", f"{code}={price}")]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "number", ["1e99999999999999999999", "6.83e-199999999", "1E+1000", "1" * 5000, "NaN"]
)
def test_absurd_numbers_are_refused_with_the_field(number: str) -> None:
    text = json.dumps(office()).replace('"68.3"', number)
    with pytest.raises(InvalidInput) as info:
        encounter.from_json(text)
    assert ["$.patient.weight_kg"] == [p.path for p in info.value.problems]
    assert len(str(info.value)) < 300


def test_deep_nesting_and_size() -> None:
    with pytest.raises(InvalidInput, match="nested deeper"):
        encounter.from_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidInput, match="at most"):
        encounter.from_json(" " * (encounter.MAX_JSON_BYTES + 1))
    many = {f"k{i}": 1 for i in range(5000)}
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict({**office(), **many})
    assert len(info.value.problems) == InvalidInput.MAX_PROBLEMS + 1
    assert "more problems are not shown" in info.value.problems[-1].message


def test_unknown_keys_that_are_not_identifiers_are_shown_by_position() -> None:
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict({**office(), "JANE SAMPLE 1978": 1})
    assert ["$"] == [p.path for p in info.value.problems]
    assert "an unknown key (key 15 of this object)" in info.value.problems[0].message
    assert "JANE" not in str(info.value)


def test_a_key_name_is_echoed_only_as_a_likely_typo() -> None:
    data = office()
    data["patient"]["JANEDOE"] = "x"  # a system that writes data as keys
    data["patient"]["weigth_kg"] = "68.3"
    data["diagnosis"] = ["M32.14"]
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict(data)
    assert [
        ("$.diagnosis", "an unknown key; did you mean 'diagnoses'?"),
        ("$.patient", "an unknown key (key 8 of this object); accepted keys: address, birth_date, "
                      "first_name, last_name, member_id, sex, weight_kg"),
        ("$.patient.weigth_kg", "an unknown key; did you mean 'weight_kg'?"),
    ] == sorted((p.path, p.message) for p in info.value.problems)  # fmt: skip
    assert "JANEDOE" not in str(info.value)


def test_dates_the_standard_cannot_hold() -> None:
    with pytest.raises(InvalidInput, match=r"\$\.patient\.birth_date"):
        encounter.from_dict(office(patient__birth_date="1899-12-31"))
    with pytest.raises(InvalidInput, match=r"\$\.patient\.birth_date"):
        encounter.from_dict(office(patient__birth_date="2025-03-04"))  # after the service


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("first_name", "A" * 36),
        ("last_name", "B" * 61),
        ("member_id", "M" * 81),
    ],
)
def test_values_longer_than_x12_holds_are_refused_at_input(path: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=rf"\$\.patient\.{path}"):
        encounter.from_dict(office(**{f"patient__{path}": value}))


def test_address_limits() -> None:
    data = office()
    data["patient"]["address"] = dict(data["patient"]["address"], line1="L" * 56, city="C" * 31)
    with pytest.raises(InvalidInput) as info:
        encounter.from_dict(data)
    assert ["$.patient.address.line1", "$.patient.address.city"] == [
        p.path for p in info.value.problems
    ]


ALLOWED = "".join(chr(c) for c in range(33, 127) if chr(c) not in "*:~^")


def test_every_field_at_its_limit_is_a_valid_file() -> None:
    address = {"line1": "9" * 55, "line2": ALLOWED[:55], "city": "C" * 30, "state": "IL"}
    data = office(
        claim_id="X" * 20,
        prior_authorization="P" * 50,
        frequency="replacement",
        payer_claim_number="F" * 50,
        payer="commercial",
        diagnoses=[
            *("M32.13", "M32.19", "M32.8", "M32.9", "M32.10", "M32.11", "M32.12", "M32.15"),
            *("Z79.899", "Z79.891", "Z79.1", "Z79.2"),
        ],
    )
    data["patient"].update(
        first_name=ALLOWED[:35], last_name=ALLOWED[35:] + "Z" * 5, member_id="M" * 80
    )
    data["patient"]["address"] = {**address, "zip": "627010001"}
    data["subscriber"] = {
        "relationship": "other",
        "first_name": "F" * 35,
        "last_name": "L" * 60,
        "member_id": "S" * 80,
        "birth_date": "1900-01-01",
        "address": {**address, "zip": "62701"},
    }
    data["rendering"] = {"first_name": "R" * 35, "last_name": "N" * 60, "npi": "1003000100"}
    data["service_facility"] = {"name": "Q" * 60, "address": {**address, "zip": "62701"}}
    data["billing_provider"]["name"] = "B" * 60
    data["insurance"] = {"payer_name": "P" * 60, "payer_id": "9" * 80}
    data["submitter"] = {
        "name": "S" * 60,
        "id": "I" * 15,
        "contact_name": "C" * 60,
        "phone": "1" * 10,
    }
    data["receiver"] = {"name": "R" * 60, "id": "J" * 15}
    claim = claim_of(data, prices=PRICES)
    assert [] == list(claim.errors)
    text = x12.render_837(claim, parties.from_encounter(encounter.from_dict(data)))
    assert f"NM1*QC*1*{ALLOWED[35:].upper()}ZZZZZ*{ALLOWED[:35]}~" in text
    assert [] == pyx12_errors(text)
    own_checks(text)


class TestEveryRouteIntoTheFileIsChecked:
    def base(self) -> tuple[dict[str, Any], parties.Parties]:
        claim = claim_of(office(), prices=PRICES)
        return claim.to_dict(), parties.from_encounter(encounter.from_dict(office()))

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda d: d.update(claim_id="A*B"), "claim_id"),
            (lambda d: d["lines"][0].update(code="J04~0"), "lines[0].code"),
            (lambda d: d["lines"][0].update(modifiers=["J:"]), "lines[0].modifiers"),
            (lambda d: d["lines"][0].update(ndc="4940101010^"), "lines[0].ndc"),
            (lambda d: d["lines"][0].update(control_number="X~Y"), "lines[0].control_number"),
            (lambda d: d["lines"][0].update(units=10**6), "lines[0].units"),
            (lambda d: d["lines"][0].update(charge="-5"), "lines[0].charge"),
            (lambda d: d["lines"][0].update(diagnosis_pointers=[7]), "diagnosis_pointers"),
            (lambda d: d.update(diagnoses=["M32.1*"]), "ICD-10-CM"),
            (lambda d: d.update(filing_code="M~"), "filing_code"),
            (lambda d: d.update(place_of_service="1:"), "place_of_service"),
            (lambda d: d.update(prior_authorization="A~"), "prior_authorization"),
        ],
    )
    def test_claims_rebuilt_from_json(self, change: Any, field: str) -> None:
        data, who = self.base()
        change(data)
        with pytest.raises(ValidationError, match=field.replace("[", r"\[").replace("]", r"\]")):
            x12.render_837(Claim.from_dict(data), who)

    def test_claim_data_with_missing_keys(self) -> None:
        data, _ = self.base()
        del data["lines"][0]["units"]
        data["findings"] = "none"
        data["lines"][1]["kind"] = "other"
        with pytest.raises(InvalidInput) as caught:
            Claim.from_dict(data)
        assert [  # every problem at once, each with its path
            ("$.findings", "invalid-type"),
            ("$.lines[0].units", "missing"),
            ("$.lines[1].kind", "invalid-value"),
        ] == sorted((p.path, p.code) for p in caught.value.problems)


def jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def encoded(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


class TestBatchesLoseNothing:
    def test_bad_lines_are_reported_and_good_ones_written(self, tmp_path: Path) -> None:
        bad_submitter = office(claim_id="BAD-SUB")
        bad_submitter["submitter"] = dict(bad_submitter["submitter"], name="PRAIRIE*RHEUM")
        source = jsonl(
            tmp_path / "in.jsonl",
            [
                encoded(bad_submitter),  # the first line: the writer must not give up
                b'{"claim_id": "\xff\xfe"}',  # invalid UTF-8
                encoded(office(claim_id="GOOD-1")),
                b"",
                b"{not json",
                encoded(office(claim_id="GOOD-2")),
            ],
        )
        status, out, err = run(
            "batch", str(source), "--format", "837p", *PRICE_ARGS, "--control-number", "5"
        )
        assert 2 == status
        messages = unwrap(err).splitlines()
        assert messages[0].startswith("line 1: submitter.name: contains an X12 delimiter")
        assert "line 2: not UTF-8 text" == messages[1]
        assert messages[2].startswith("line 5: $: not valid JSON")
        assert "2 claim(s) written, 3 line(s) with problems" == messages[-1]
        assert ["GOOD-1", "GOOD-2"] == [
            seg.split("*")[1] for seg in out.split("~\n") if seg.startswith("CLM*")
        ]
        assert "BAD-SUB" not in err
        assert [] == pyx12_errors(out)
        own_checks(out)

    @pytest.mark.parametrize(
        "option",
        [["--control-number", "0"], ["--control-number", "x"], ["--created", "yesterday"]],
    )
    def test_invalid_options_are_refused_before_anything_is_written(
        self, option: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        source = jsonl(tmp_path / "in.jsonl", [encoded(office())])
        out = io.StringIO()
        with pytest.raises(SystemExit) as info:
            cli.main(["batch", str(source), "--format", "837p", *option], out, io.StringIO())
        assert 2 == info.value.code
        assert "" == out.getvalue()
        assert option[0] in capsys.readouterr().err

    def test_a_closed_output_ends_quietly(self, tmp_path: Path) -> None:
        source = jsonl(
            tmp_path / "in.jsonl", [encoded(office(claim_id=f"C{n}")) for n in range(300)]
        )
        command = (
            f"{sys.executable} -m benlysta_coding batch {source} --format json | head -c 10 "
            ">/dev/null"
        )
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, check=False, timeout=120
        )
        assert "" == done.stderr
        assert "Traceback" not in done.stdout


class TestDeterminism:
    def test_byte_identical_runs(self, tmp_path: Path) -> None:
        path = tmp_path / "e.json"
        path.write_text(json.dumps(office()))
        options = ["--control-number", "77", "--created", "2025-03-04T09:30", *PRICE_ARGS]
        first = run("claim", str(path), "--format", "837p", *options)
        second = run("claim", str(path), "--format", "837p", *options)
        assert 0 == first[0]
        assert first == second
        assert "*250304*0930*" in first[1]
        fhir_run = run("claim", str(path), "--format", "fhir", *options)
        assert '"created": "2025-03-04"' in fhir_run[1]

    def test_control_number_sequence(self) -> None:
        numbers = x12.control_numbers(999_999_998)
        assert [999_999_998, 999_999_999, 1] == [next(numbers) for _ in range(3)]
        with pytest.raises(ValidationError):
            next(x12.control_numbers(0))


JUNK_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["*", "~", ":", "^", "\x00", "\n", "JOSÉ", "1e999999999", "NaN", "-0"]),
)
JUNK_VALUE: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.decimals(allow_nan=True, allow_infinity=True),
        JUNK_TEXT,
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
KEYS = ["claim_id", "service_date", "route", "dose_mg", "infusion_minutes", "diagnoses", "ndc"]
KEYS += ["products_used", "subscriber", "frequency", "payer_claim_number", "place_of_service"]
PATIENT_KEYS = ["first_name", "last_name", "member_id", "weight_kg", "birth_date", "address"]


@st.composite
def hostile(draw: st.DrawFn) -> bytes:
    data = office() if draw(st.booleans()) else hospital()
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        key = draw(st.sampled_from(KEYS + [f"patient.{k}" for k in PATIENT_KEYS]))
        value = draw(JUNK_VALUE)
        if key.startswith("patient."):
            data["patient"][key.removeprefix("patient.")] = value
        else:
            data[key] = value
    text = json.dumps(data, default=str).encode()
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        text = draw(st.sampled_from([b"[" * 5000, text[:-3] + b"\xff}", b"1" * 6000]))
    return text


def _every_export(claim: Claim, loaded: encounter.Encounter) -> None:
    """Each export either writes the claim or refuses it with a documented error."""
    with contextlib.suppress(TypeError, ValidationError):
        forms.cms1500(claim, allow_errors=True)
    with contextlib.suppress(TypeError, ValidationError):
        forms.ub04(claim, allow_errors=True)
    with contextlib.suppress(TypeError, ValidationError):
        fhir.dumps(fhir.claim_resource(claim, allow_errors=True, created=TODAY))
    with contextlib.suppress(TypeError, ValidationError):
        text = x12.render_837(claim, parties.from_encounter(loaded))
        assert [] == pyx12_errors(text)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(hostile(), min_size=1, max_size=6))
def test_hostile_json_everywhere(lines: list[bytes]) -> None:
    for text in lines:
        try:
            loaded = encounter.from_json(text)
            claim = build_claim(loaded, prices=PRICES, today=TODAY)
        except (TypeError, ValidationError):
            continue
        _every_export(claim, loaded)
    source = io.BytesIO(b"\n".join(text.replace(b"\n", b" ") for text in lines) + b"\n")
    for form in ("837p", "837i"):
        source.seek(0)
        out, err = io.StringIO(), io.StringIO()
        stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(source, encoding="utf-8")
        try:
            status = cli.main(["batch", "-", "--format", form, *PRICE_ARGS], out, err)
        finally:
            sys.stdin.detach()
            sys.stdin = stdin
        assert status in (0, 2)
        assert "Traceback" not in err.getvalue()
        written = out.getvalue()
        if written:
            assert [] == pyx12_errors(written)
            own_checks(written)
        reported = [m for m in unwrap(err.getvalue()).splitlines() if m.startswith("line ")]
        total = unwrap(err.getvalue()).splitlines()[-1]
        claims = written.count("CLM*")
        assert total.startswith(f"{claims} claim(s) written")
        assert claims + len({m.split(":")[0] for m in reported}) <= len(lines)


def test_decimal_context_is_untouched() -> None:
    assert Decimal("1") / Decimal("3") == Decimal("0.3333333333333333333333333333")
    assert dt.date(2025, 1, 1)


def test_jobs_write_the_same_claims_in_the_same_order_with_the_same_report(tmp_path: Path) -> None:
    bad_submitter = office(claim_id="BAD-SUB")
    bad_submitter["submitter"] = dict(bad_submitter["submitter"], name="A*B")
    lines = [encoded(bad_submitter), b"\xff", b"{"]
    lines += [
        encoded(office(claim_id=f"C{n}", patient__weight_kg=str(40 + n % 200))) for n in range(300)
    ]
    lines += [encoded(hospital()), encoded(office(claim_id="LAST"))]
    source = jsonl(tmp_path / "in.jsonl", lines)
    options = ["--format", "837p", *PRICE_ARGS, "--control-number", "3"]
    options += ["--created", "2025-01-02T03:04"]
    serial = run("batch", str(source), *options)
    parallel = run("batch", str(source), *options, "--jobs", "2")
    assert serial == parallel
    assert 301 == serial[1].count("CLM*")
    assert [] == pyx12_errors(serial[1])
    json_serial = run("batch", str(source), "--format", "json", *PRICE_ARGS)
    json_parallel = run("batch", str(source), "--format", "json", *PRICE_ARGS, "--jobs", "2")
    assert json_serial == json_parallel
