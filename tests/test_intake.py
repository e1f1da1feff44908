"""Infusion logs as CSV: encounter.from_csv and batch FILE.csv, with files as spreadsheets export them."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from benlysta_coding import encounter
from benlysta_coding._intake import HEADER
from benlysta_coding.cli import main
from benlysta_coding.encounter import BadRow, Encounter
from benlysta_coding.errors import InvalidInput
from tests.x12check import pyx12_errors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "infusion-log.csv"
PRICES = ["--price=J0490=12.50", "--price=96365=150", "--price=96366=40"]


def rows_of(path: Path = EXAMPLE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False,
          end: str = "\r\n", header: list[str] | None = None) -> Path:  # fmt: skip
    names = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, delimiter=delimiter, lineterminator=end)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def test_the_example_log_gives_two_encounters_and_one_bad_row() -> None:
    read = list(encounter.from_csv(EXAMPLE))
    good = [r for r in read if isinstance(r, Encounter)]
    assert ["LOG-0001", "LOG-0002"] == [r.claim_id for r in good]
    first = good[0]
    assert (Decimal("68.3"), ("M32.13", "M32.19"), 62) == (
        first.patient.weight_kg,
        first.diagnoses,
        first.infusion_minutes,
    )
    assert first.patient.address is not None
    assert "12 ELM ST, APT 2" == first.patient.address.line1  # a quoted comma
    assert [[1, 1], ["49401010201", "49401010101"]] == [
        [u.count for u in good[1].products_used],
        [u.ndc for u in good[1].products_used],
    ]
    (bad,) = [r for r in read if isinstance(r, BadRow)]
    assert (3, [("weight_kg", "invalid-value")]) == (
        bad.row,
        [(p.path, p.code) for p in bad.problems],
    )
    # the same record as JSON gives the same encounter
    as_json = json.loads(
        json.dumps(encounter.from_dict(_record(rows_of()[0])).patient.weight_kg, default=str)
    )
    assert "68.3" == as_json


def _record(row: dict[str, str]) -> dict[str, Any]:
    from benlysta_coding import _intake

    shape = _intake.layout(list(row), _intake.ColumnMap())
    data, problems = _intake.record(list(row.values()), shape)
    assert [] == problems
    return data


def test_batch_reads_a_csv_by_extension_and_reports_rows(tmp_path: Path) -> None:
    status, out, err = run("batch", str(EXAMPLE), "--format", "837p", *PRICES)
    assert 2 == status
    assert [] == pyx12_errors(out)
    assert "CLM*LOG-0001*" in out
    lines = err.splitlines()
    assert lines[0] == "row 2: this institutional claim does not go in an 837p file"
    assert lines[1].startswith("row 3: weight_kg: expected a number greater than 0")
    assert lines[-1] == "1 claim(s) written, 2 row(s) with problems"
    envelope = ["--control-number", "5", "--created", "2026-01-02T08:00"]
    assert run("batch", str(EXAMPLE), "--format", "837p", *envelope, *PRICES) == run(
        "batch", str(EXAMPLE), "--format", "837p", "--jobs", "2", *envelope, *PRICES
    )  # the same output and report from worker processes
    copy = tmp_path / "log.txt"
    copy.write_bytes(EXAMPLE.read_bytes())
    status, out, err = run("batch", str(copy), "--input", "csv", *PRICES)
    assert 2 == status
    assert ["LOG-0001", "LOG-0002"] == [json.loads(line)["claim_id"] for line in out.splitlines()]


def test_files_as_spreadsheets_write_them(tmp_path: Path) -> None:
    rows = rows_of()[:2]
    rows[0]["patient_first_name"] = "JANE\nMARIE"  # a line break inside a quoted field
    rows[1]["billing_address"] = "1 HOSPITAL DR\r\nBUILDING B"
    semicolon = write(tmp_path / "eu.csv", rows + rows_of()[:1], delimiter=";", bom=True)
    read = list(encounter.from_csv(semicolon, delimiter=";"))
    assert [BadRow, BadRow, Encounter] == [type(r) for r in read]
    assert [1, 2] == [r.row for r in read[:2] if isinstance(r, BadRow)]  # a record counts once
    assert [["patient_first_name"], ["billing_address"]] == [
        [p.path for p in r.problems] for r in read[:2] if isinstance(r, BadRow)
    ]
    status, _, err = run("batch", str(semicolon), "--delimiter", ";", *PRICES)
    assert 2 == status
    assert err.startswith("row 1: patient_first_name: expected 1 to 35 printable characters")
    lf = write(tmp_path / "lf.csv", rows_of()[:1], end="\n")
    assert [Encounter] == [type(r) for r in encounter.from_csv(lf)]
    with pytest.raises(InvalidInput, match="no column service_date"):
        list(encounter.from_csv(semicolon))  # read with the wrong delimiter: one column


def test_a_mapping_file_renames_columns_and_sets_constants(tmp_path: Path) -> None:
    site = {
        "Visit": "claim_id", "DOB": "patient_birth_date", "Plan": "payer", "DOS": "service_date",
        "Where": "setting", "Wt (lb)": "weight_lb", "Route": "route", "Minutes": "infusion_minutes",
        "Dx": "diagnoses", "Vials": "products_used", "First": "patient_first_name",
        "Last": "patient_last_name", "Member": "patient_member_id",
    }  # fmt: skip
    (tmp_path / "site.toml").write_text(
        'ignore = ["Nurse"]\n\n[columns]\n'
        + "".join(f'"{k}" = "{v}"\n' for k, v in site.items())
        + '\n[constants]\nbilling_npi = "1234567893"\nbilling_name = "PRAIRIE RHEUMATOLOGY"\n'
        'billing_tax_id = "371234567"\nbilling_address = "400 CLINIC WAY"\n'
        'billing_city = "SPRINGFIELD"\nbilling_state = "IL"\nbilling_zip = "627020002"\n'
        'payer_name = "MEDICARE PART B"\npayer_id = "00952"\nsubmitter_name = "PRAIRIE"\n'
        'submitter_id = "PRAIRIE01"\nsubmitter_contact = "BILLING"\nsubmitter_phone = "2175550100"\n'
        'receiver_name = "MEDICARE"\nreceiver_id = "00952"\n'
    )
    row = {
        "Visit": "S-1", "DOB": "1978-06-14", "Plan": "medicare_part_b", "DOS": "2025-03-03",
        "Where": "office", "Wt (lb)": "150", "Route": "iv", "Minutes": "62", "Dx": "M32.13",
        "Vials": "49401-0102-01:1;49401-0101-01:3", "First": "JANE", "Last": "DOE",
        "Member": "1EG4TE5MK73", "Nurse": "KIM", "patient_address": "12 ELM ST",
        "patient_city": "SPRINGFIELD", "patient_state": "IL", "patient_zip": "627010001",
    }  # fmt: skip
    bad = {**row, "Visit": "S-2", "Wt (lb)": "heavy", "Dx": "M32.13;XX", "Vials": "49401-0102-01"}
    log = write(tmp_path / "site.csv", [row, bad])
    first, second = encounter.from_csv(log, tmp_path / "site.toml")
    assert isinstance(first, Encounter)
    assert Decimal("68.03885550") == first.patient.weight_kg  # 150 lb, exactly
    assert first.billing_provider is not None
    assert "PRAIRIE RHEUMATOLOGY" == first.billing_provider.name
    assert isinstance(second, BadRow)
    assert {"Wt (lb)", "Vials", "Dx[1]"} == {p.path for p in second.problems}
    status, out, err = run("batch", str(log), "--columns", str(tmp_path / "site.toml"), "--format",
                           "837p", "--price", "J0490=12.5", "--price", "96365=150")  # fmt: skip
    assert 2 == status
    assert [] == pyx12_errors(out)
    assert "row 2: Wt (lb): expected a weight in pounds" in err
    no_address = write(
        tmp_path / "none.csv", [{k: v for k, v in row.items() if "patient_" not in k}]
    )
    status, _, err = run("batch", str(no_address), "--columns", str(tmp_path / "site.toml"),
                         "--format", "837p", "--price", "J0490=12.5")  # fmt: skip
    assert "row 1: patient_address/patient_city/patient_state/patient_zip: required" in " ".join(
        err.split()
    )
    (tmp_path / "bad.toml").write_text(
        '[columns]\n"DOS" = "date_of_service"\n[constants]\ncolour = 1\n'
    )
    with pytest.raises(InvalidInput) as caught:
        list(encounter.from_csv(log, tmp_path / "bad.toml"))
    assert {"bad.toml: columns.DOS", "bad.toml: constants.colour"} == {
        p.path for p in caught.value.problems
    }


def test_a_header_that_cannot_be_read_stops_before_any_row(tmp_path: Path) -> None:
    rows = rows_of()[:1]
    rows[0]["weigth_kg"] = rows[0].pop("weight_kg")
    log = write(tmp_path / "typo.csv", rows)
    with pytest.raises(InvalidInput) as caught:
        list(encounter.from_csv(log))
    assert [("header: 'weigth_kg'", "unknown-column")] == [
        (p.path, p.code) for p in caught.value.problems
    ]
    status, out, err = run("batch", str(log), *PRICES)
    assert (2, "") == (status, out)
    assert "header: 'weigth_kg': not a library column" in err
    both = write(tmp_path / "both.csv", [{**rows_of()[0], "weight_lb": "150"}, rows_of()[0]])
    bad, good = encounter.from_csv(both)  # the second row leaves weight_lb empty
    assert isinstance(bad, BadRow)
    assert ["weight_kg/weight_lb"] == [p.path for p in bad.problems]
    assert isinstance(good, Encounter)


def test_an_unreadable_record_ends_the_file_with_a_bad_row(tmp_path: Path) -> None:
    good = EXAMPLE.read_text(encoding="utf-8").splitlines()[:2]
    log = tmp_path / "cut.csv"
    log.write_text("\r\n".join([*good, 'LOG-9,"JANE']) + "\r\n", encoding="utf-8")
    read = list(encounter.from_csv(log))
    assert [Encounter, BadRow] == [type(r) for r in read]
    assert isinstance(read[1], BadRow)
    assert (2, "invalid-csv") == (read[1].row, read[1].problems[0].code)
    status, _, err = run("batch", str(log), *PRICES)
    assert 2 == status
    said = " ".join(err.split())
    assert "cut.csv: record 2: unexpected end of data after 1 claim(s)" in said


def test_the_default_header_is_the_documented_one() -> None:
    page = (ROOT / "docs" / "spreadsheet.rst").read_text(encoding="utf-8")
    assert HEADER in page


def test_a_large_log_streams_in_bounded_memory(tmp_path: Path) -> None:
    row = rows_of()[0]

    def peak(count: int) -> int:
        log = write(tmp_path / f"{count}.csv", [{**row, "claim_id": f"L{n}"} for n in range(count)])
        tracemalloc.start()
        read = sum(1 for r in encounter.from_csv(log) if isinstance(r, Encounter))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == read
        return top

    small, large = peak(500), peak(5000)
    assert large < small * 1.5  # ten times the rows, not ten times the memory
