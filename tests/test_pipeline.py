"""The shared record step (`batch`, `batch --jobs`, Dask): records done in stages give, record for
record and in order, what each record gives alone."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from benlysta_coding import _pipeline, cli
from tests.helpers import TODAY, hospital, office, unwrap

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


def _records() -> list[Any]:
    return [
        json.dumps(office(claim_id="A1")),
        "   ",
        b"{",
        office(claim_id="A2", patient__weight_kg="63.4"),  # a mapping, not text
        json.dumps(office(claim_id="A3", diagnoses=["M32.1"])),  # a claim with an error
        json.dumps(office(claim_id="A7", service_date="2010-06-01")),  # refused when built
        json.dumps(hospital(claim_id="A4")),  # institutional: not for an 837P
        None,
        json.dumps(office(claim_id="A5", route="im")),  # refused when read
        json.dumps(office(claim_id="A6")).encode(),
    ]


def test_each_record_gets_its_own_result_in_order() -> None:
    options = _pipeline.Options(form="837p", prices=PRICES, today=TODAY)
    results = _pipeline.process_many(_records(), options)
    assert [
        ("x12", "A1"),
        ("skip", ""),
        ("problem", ""),
        ("x12", "A2"),
        ("problem", "A3"),
        ("problem", ""),
        ("problem", "A4"),
        ("skip", ""),
        ("problem", ""),
        ("x12", "A6"),
    ] == [(result.kind, result.claim_id) for result in results]
    assert results[5].value.startswith("service_date: dates of service before 2012-01-01")
    assert "this institutional claim does not go in an 837p file" == results[6].value
    assert "$.route" in results[8].value
    assert "A5" not in results[8].value  # a problem never echoes the record's identifiers
    assert results[4].value.startswith("error: $.diagnoses[0]")


def test_stages_give_what_each_record_gives_alone() -> None:
    for form in ("837p", "837i", "json"):
        options = _pipeline.Options(form=form, prices=PRICES, today=TODAY)
        records = _records()
        alone = [_pipeline.process_many([record], options)[0] for record in records]
        assert alone == _pipeline.process_many(records, options)
        assert alone == [_pipeline.process(record, options) for record in records]


def test_batch_keeps_the_order_across_chunks(tmp_path: Path) -> None:
    count = 2 * cli.CHUNK_LINES + 10
    bad = {cli.CHUNK_LINES, cli.CHUNK_LINES + 1, count}  # line numbers (1-based) refused
    lines = [
        "{" if number in bad else json.dumps(office(claim_id=f"K{number}"))
        for number in range(1, count + 1)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["batch", str(source), "--format", "json"], out, err)
    assert 2 == status
    expected = [f"K{number}" for number in range(1, count + 1) if number not in bad]
    assert expected == [json.loads(line)["claim_id"] for line in out.getvalue().splitlines()]
    reported = [line.split(":")[0] for line in unwrap(err.getvalue()).splitlines()[:-1]]
    assert [f"line {number}" for number in sorted(bad)] == reported


class _BreaksAfter:
    """Standard input whose reading fails after the given lines (a disk or network error)."""

    def __init__(self, lines: list[str]) -> None:
        self.buffer = self
        self.lines = [line.encode() + b"\n" for line in lines]

    def close(self) -> None:  # what a worker process does with its standard input
        self.lines = []

    def readline(self, size: int) -> bytes:
        if not self.lines:
            raise OSError(5, "Input/output error")
        return self.lines.pop(0)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("form", ["json", "837p"])
def test_batch_writes_what_it_read_before_the_input_failed(
    monkeypatch: pytest.MonkeyPatch, jobs: str, form: str
) -> None:
    read = [json.dumps(office(claim_id=f"R{number}")) for number in range(1, 4)]
    monkeypatch.setattr(sys, "stdin", _BreaksAfter([read[0], "{", read[1], read[2]]))
    out, err = io.StringIO(), io.StringIO()
    prices = ["--price", "J0490=12.50", "--price", "96365=150"]
    assert 2 == cli.main(["batch", "-", "--format", form, "--jobs", jobs, *prices], out, err)
    assert [
        "line 2: $: not valid JSON: Expecting property name enclosed in double quotes at line 2 "
        "[invalid-json]",
        "-: cannot read the file (OSError) after 3 claim(s); the output is incomplete "
        + ("(lines up to there)" if form == "json" else "(an unfinished interchange)"),
    ] == unwrap(err.getvalue()).splitlines()
    if form == "json":
        claims = [json.loads(line)["claim_id"] for line in out.getvalue().splitlines()]
    else:
        claims = re.findall(r"CLM\*(R[0-9])\*", out.getvalue())
        assert "IEA*" not in out.getvalue()
    assert ["R1", "R2", "R3"] == claims


def test_options_a_record_cannot_be_built_with_are_reported_for_every_record() -> None:
    options = _pipeline.Options(form="json", prices={"J0490": "twelve"})
    records: list[Any] = [
        json.dumps(office(claim_id="P1")),
        "",
        b"{",
        json.dumps(office(claim_id="P2")),
    ]
    results = _pipeline.process_many(records, options)
    assert ["problem", "skip", "problem", "problem"] == [result.kind for result in results]
    for result in (results[0], results[3]):
        assert result.value.startswith("price of J0490: expected a decimal number")
    assert "not valid JSON" in results[2].value


def test_today_defaults_to_the_system_date() -> None:
    options = _pipeline.Options(form="json")
    future, past = _pipeline.process_many(
        [json.dumps(office(service_date="2099-01-01")), json.dumps(office())], options
    )
    assert "problem" == future.kind
    assert "[service-date-future]" in future.value
    assert "json" == past.kind
    assert "service-date-future" not in past.value


# a stopped batch reports ------------------------------------------------------------------------


class _StopsWriting(io.StringIO):
    """An output that takes ``allowed`` writes, then raises ``error``."""

    def __init__(self, allowed: int, error: BaseException) -> None:
        super().__init__()
        self.allowed, self.error = allowed, error

    def write(self, text: str) -> int:
        if self.allowed == 0:
            raise self.error
        self.allowed -= 1
        return super().write(text)


def _batch_file(tmp_path: Path, count: int) -> Path:
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps(office(claim_id=f"S{n}")) + "\n" for n in range(count)))
    return source


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("error", "reason", "status"),
    [
        (OSError(28, "No space left on device"), "cannot write the output: No space left on device", 2),
        (KeyboardInterrupt(), "interrupted", 130),
    ],
)  # fmt: skip
def test_a_batch_stopped_by_its_output_says_how_many_claims_it_wrote(
    tmp_path: Path, jobs: str, error: BaseException, reason: str, status: int
) -> None:
    source = _batch_file(tmp_path, 300)
    out, err = _StopsWriting(5, error), io.StringIO()
    assert status == cli.main(["batch", str(source), "--format", "json", "--jobs", jobs], out, err)
    assert [f"batch: stopped after 5 claim(s) ({reason}); the output is incomplete"] == unwrap(
        err.getvalue()
    ).splitlines()
    assert 5 == len(out.getvalue().splitlines())


_REAL_WORK = cli._work


def _dies_on_the_second_chunk(task: Any) -> list[Any]:
    import os

    lines, _ = task
    if lines[0][0] > cli.CHUNK_LINES:
        os._exit(9)  # as a worker killed by the system would
    return _REAL_WORK(task)


def test_a_killed_worker_stops_the_batch_with_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_work", _dies_on_the_second_chunk)
    source = _batch_file(tmp_path, cli.CHUNK_LINES * 3)
    out, err = io.StringIO(), io.StringIO()
    prices = ["--price", "J0490=12.50", "--price", "96365=150"]
    status = cli.main(["batch", str(source), "--format", "837p", "--jobs", "2", *prices], out, err)
    assert 2 == status
    written = out.getvalue().count("CLM*")  # the first chunk, unless the pool broke before it
    assert written in (0, cli.CHUNK_LINES)
    assert [
        f"batch: stopped after {written} claim(s) (a worker process died); the output is incomplete"
    ] == unwrap(err.getvalue()).splitlines()
    assert "IEA*" not in out.getvalue()  # an unfinished interchange cannot pass for a whole one


def test_ctrl_c_ends_a_real_batch_with_one_line_and_exit_130(tmp_path: Path) -> None:
    import signal
    import subprocess

    source = _batch_file(tmp_path, 20_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "benlysta_coding", "batch", str(source), "--format", "json",
         "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()  # the batch is writing
    assert b"S0" in first
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    written = 1 + len(rest.splitlines())
    assert 130 == process.returncode
    text = unwrap(errors.decode())
    assert "Traceback" not in text
    assert "Exception ignored" not in text
    assert [
        f"batch: stopped after {written} claim(s) (interrupted); the output is incomplete"
    ] == text.splitlines()


def test_a_chunk_of_two_providers_renders_each_claim_with_its_own() -> None:
    """The renderer of a chunk reuses the provider's loop only for an equal provider."""
    other = {**office()["billing_provider"], "name": "LAKESIDE INFUSION"}
    records = [
        json.dumps(office(claim_id=f"C{n}", **({"billing_provider": other} if n % 2 else {})))
        for n in range(4)
    ]
    options = _pipeline.Options(form="837p", prices=PRICES, today=TODAY)
    results = _pipeline.process_many(records, options)
    names = [
        next(part for part in result.value.parts if part.startswith("NM1*85*")).split("*")[3]
        for result in results
    ]
    assert names == ["PRAIRIE RHEUMATOLOGY", "LAKESIDE INFUSION"] * 2
