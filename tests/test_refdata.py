"""Reference data by date of service, from small files the tests write in the CMS layouts."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from benlysta_coding import cli, refdata
from benlysta_coding._util import plain
from benlysta_coding.errors import InvalidFormat, ValidationError
from tests.helpers import claim_of, codes, hospital, office

ASP_HEADER = [
    "HCPCS Code", "Short Description", "HCPCS Code Dosage", "Payment Limit",
    "Co-insurance Percentage", "Vaccine AWP%", "Vaccine Limit", "Blood AWP%", "Blood Limit",
    "Clotting Factor", "Notes",
]  # fmt: skip


def csv_text(title: list[str], header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in title:
        writer.writerow([line] + [""] * (len(header) - 1))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("latin-1")


def asp_file(folder: Path, name: str, title: str, limit: str, extra_rows: int = 0) -> Path:
    rows = [
        ["J0485", "Belatacept injection", "1 MG", "5.611", "20"],
        ["J0490", "Belimumab injection", "10 MG", limit, "20"],
        ["J0491", "Anifrolumab injection", "1 MG", "N/A", "20"],
    ]
    rows += [[f"J{9000 + n:04d}", "A drug", "1 MG", f"{n}.25", "20"] for n in range(extra_rows)]
    rows = [row + [""] * (len(ASP_HEADER) - len(row)) for row in rows]
    titles = [
        title,
        "Payment limits in this file include the 6 percent add-on",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    path = folder / name
    path.write_bytes(csv_text(titles, ASP_HEADER, rows))
    return path


CROSSWALK_HEADER = [
    "_2025_CODE", "Short Description", "LABELER NAME", "Drug Name", "NDC2", "PKG SIZE", "PKG QTY",
    "BILLUNITS", "BILLUNITSPKG",
]  # fmt: skip


def crosswalk_file(folder: Path, units_120: str = "12") -> Path:
    rows = [
        ["J0490", "Belimumab injection", "GSK", "Benlysta", "49401-0101-01", "1", "1", "12", units_120],
        ["J0490", "Belimumab injection", "GSK", "Benlysta", "49401-0102-01", "1", "1", "40", "40"],
        ["J0485", "Belatacept injection", "X", "Nulojix", "00003-0371-13", "1", "1", "250", "250"],
    ]  # fmt: skip
    path = folder / "crosswalk-2025q1.csv"
    path.write_bytes(
        csv_text(["January 2025 ASP NDC-HCPCS Crosswalk"] + [""] * 7, CROSSWALK_HEADER, rows)
    )
    return path


MUE_HEADER = [
    "HCPCS/CPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator",
    "MUE Rationale",
]  # fmt: skip


def mue_file(
    folder: Path, value: str = "150", name: str = "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv"
) -> Path:
    rows = [
        ["J0490", value, "3 Date of Service Edit: Clinical", "Prescribing Information"],
        ["96365", "1", "2 Date of Service Edit: Policy", "Nature of Service/Procedure"],
    ]
    path = folder / name
    title = [
        "CPT codes, descriptions and other data only are copyright 2024 American Medical Association."
    ]
    path.write_bytes(csv_text(title, MUE_HEADER, rows))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "q1": asp_file(
            tmp_path, "January 2025 ASP Pricing File.csv", "January 2025 ASP Pricing File", "24.811"
        ),
        "q2": asp_file(
            tmp_path,
            "April 2025 ASP Pricing File.csv",
            "Medicare Part B Payment Limit File - Effective April 1, 2025 through June 30, 2025",
            "25.102",
        ),
        "crosswalk": crosswalk_file(tmp_path),
        "mue": mue_file(tmp_path),
    }


def reference(files: dict[str, Path]) -> refdata.Reference:
    return refdata.Reference(
        asp=(refdata.load_asp(files["q1"]), refdata.load_asp(files["q2"])),
        crosswalk=(
            refdata.load_crosswalk(files["crosswalk"], period=("2025-01-01", "2025-06-30")),
        ),
        mue=(refdata.load_mue(files["mue"]),),
    )


def test_tables_know_their_period_and_file(files: dict[str, Path]) -> None:
    q1 = refdata.load_asp(files["q1"])
    assert refdata.Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == q1.period
    assert hashlib.sha256(files["q1"].read_bytes()).hexdigest() == q1.source.sha256
    assert "January 2025 ASP Pricing File.csv" == q1.source.name
    assert Decimal("24.811") == q1.limits["J0490"].limit
    assert q1.limits["J0491"].limit is None  # "N/A" is a valid limit, not a malformed row
    q2 = refdata.load_asp(files["q2"])
    assert refdata.Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30)) == q2.period
    mue = refdata.load_mue(files["mue"])
    assert (dt.date(2025, 1, 1), "practitioner") == (mue.effective, mue.setting)
    assert "3" == mue.entries["J0490"].indicator


@pytest.mark.parametrize(("day", "limit"), [("2025-03-31", "24.811"), ("2025-04-01", "25.102")])
def test_the_limit_in_force_on_each_side_of_the_boundary(
    files: dict[str, Path], day: str, limit: str
) -> None:
    # 68.3 kg: J0490 x69 administered and x3 wasted; Medicare allows units x limit (the limit
    # already holds the 6 % add-on), or the charge when lower: 12.50 a unit is lower here
    claim = claim_of(office(service_date=day), reference=reference(files))
    drug = [line for line in claim.lines if line.code == "J0490"]
    exact = [Decimal(limit) * 69, Decimal(limit) * 3]
    assert exact == [line.expected_allowed_exact for line in drug]
    shares = [amount * Decimal("0.2") for amount in exact]  # from the exact allowed amount
    assert shares == [line.coinsurance_exact for line in drug]
    # shown and billed to the cent, half-up: 24.811 x 69 = 1711.959 -> 1711.96
    cents = {"24.811": (["1711.96", "74.43"], ["342.39", "14.89"]),
             "25.102": (["1732.04", "75.31"], ["346.41", "15.06"])}[limit]  # fmt: skip
    assert cents == (
        [str(line.expected_allowed) for line in drug],
        [str(line.coinsurance) for line in drug],
    )
    data = claim.to_dict()["lines"][0]
    assert (cents[0][0], plain(exact[0])) == (
        data["expected_allowed"],
        data["expected_allowed_exact"],
    )
    priced = claim_of(
        office(service_date=day), reference=reference(files), prices={"J0490": "12.50"}
    )
    assert Decimal("862.50") == priced.lines[0].expected_allowed  # the charge is the lesser
    assert "expected_allowed" in json.dumps(priced.to_dict())


def test_no_table_covers_the_date(files: dict[str, Path]) -> None:
    claim = claim_of(office(service_date="2025-07-01"), reference=reference(files))
    assert "reference-not-covered" in codes(claim)
    assert all(line.expected_allowed is None for line in claim.lines)
    with pytest.raises(refdata.NotCovered, match="2025-07-01"):
        reference(files).payment_limit("J0490", dt.date(2025, 7, 1))


def test_a_reissue_replaces_the_earlier_issue(tmp_path: Path, files: dict[str, Path]) -> None:
    again = asp_file(
        tmp_path,
        "January 2025 ASP Pricing File (reissued).csv",
        "January 2025 ASP Pricing File",
        "23.000",
    )
    both = refdata.Reference(asp=(refdata.load_asp(files["q1"]), refdata.load_asp(again)))
    limit, table = both.payment_limit("J0490", dt.date(2025, 2, 1))
    assert (Decimal("23.000"), again.name) == (limit.limit, table.source.name)


def test_mue_breach_explains_the_indicator(tmp_path: Path, files: dict[str, Path]) -> None:
    low = refdata.Reference(mue=(refdata.load_mue(mue_file(tmp_path, "70")),))
    claim = claim_of(office(service_date="2025-03-03"), reference=low)  # 69 + 3 = 72 units
    (found,) = [f for f in claim.errors if f.code == "mue-exceeded"]
    assert "MUE of 70" in found.message
    assert "MAI 3" in found.message
    assert "appeal" in found.message
    assert "$.lines" == found.path
    at_limit = refdata.Reference(mue=(refdata.load_mue(mue_file(tmp_path, "72")),))
    assert "mue-exceeded" not in codes(claim_of(office(), reference=at_limit))


def test_crosswalk_miss_and_units_disagreement(tmp_path: Path, files: dict[str, Path]) -> None:
    table = refdata.load_crosswalk(
        crosswalk_file(tmp_path, units_120="10"), period=("2025-01-01", None)
    )
    claim = claim_of(office(), reference=refdata.Reference(crosswalk=(table,)))
    assert "crosswalk-units-disagree" in codes(claim)
    assert "ndc-not-in-crosswalk" not in codes(claim)
    other = refdata.CrosswalkTable(table.period, table.source, table.entries[1:])  # no 120 mg vial
    missed = claim_of(office(), reference=refdata.Reference(crosswalk=(other,)))
    (found,) = {f.code: f for f in missed.findings if f.code == "ndc-not-in-crosswalk"}.values()
    assert "warning" == found.severity


def test_malformed_row_names_file_row_and_column(tmp_path: Path) -> None:
    path = asp_file(tmp_path, "bad.csv", "January 2025 ASP Pricing File", "twenty")
    with pytest.raises(InvalidFormat, match=r"bad\.csv: row 11, column 'Payment Limit'"):
        refdata.load_asp(path)


def test_a_file_of_the_wrong_kind_is_refused_whole(files: dict[str, Path]) -> None:
    with pytest.raises(InvalidFormat, match="not an ASP pricing file"):
        refdata.load_asp(files["mue"])
    with pytest.raises(InvalidFormat, match="not an MUE table"):
        refdata.load_mue(files["q1"])
    with pytest.raises(InvalidFormat, match="effective date"):
        refdata.load_mue(files["mue"].read_bytes(), name="mue.csv")
    with pytest.raises(InvalidFormat, match="no period"):
        refdata.load_crosswalk(
            files["crosswalk"].read_bytes().replace(b"January 2025", b"Spring"), name="x.csv"
        )


def test_command_line_options(files: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(office()))
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(
        ["claim", str(path), "--asp", str(files["q1"]), "--asp", str(files["q2"]),
         "--mue", str(files["mue"]), "--crosswalk", str(files["crosswalk"])],
        out, err,
    )  # fmt: skip
    assert 0 == status, err.getvalue()
    assert "expected Medicare allowed: 1711.96, coinsurance 342.39" in out.getvalue()


def test_loading_a_full_size_file(tmp_path: Path) -> None:
    path = asp_file(tmp_path, "big.csv", "October 2025 ASP Pricing File", "24.811", extra_rows=1000)
    table = refdata.load_asp(path)
    assert 1003 == len(table.limits)
    with pytest.raises(ValidationError):
        refdata.load_asp(b"", name="empty.csv")


def outpatient_mue(folder: Path, value: str) -> Path:
    header = [
        "HCPCS/CPT Code",
        "Outpatient Hospital Services MUE Values",
        "MUE Adjudication Indicator",
    ]
    path = folder / "MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv"
    path.write_bytes(
        csv_text(["title"], header, [["J0490", value, "3 Date of Service Edit: Clinical"]])
    )
    return path


def test_uncovered_lookups_are_named_on_the_service_date(files: dict[str, Path]) -> None:
    claim = claim_of(office(service_date="2025-07-01"), reference=reference(files))
    found = {f.message: f.path for f in claim.findings if f.code == "reference-not-covered"}
    assert {
        "no ASP file loaded covers 2025-07-01": "$.service_date",
        "no NDC-HCPCS crosswalk loaded covers 2025-07-01": "$.service_date",
    } == found
    no_code = claim_of(
        office(service_date="2025-03-03", infusion_minutes=95), reference=reference(files)
    )
    messages = [f.message for f in no_code.findings if f.code == "reference-not-covered"]
    assert [f"96366 has no MUE in {files['mue'].name}"] == messages


def test_each_setting_uses_its_own_mue_table(tmp_path: Path, files: dict[str, Path]) -> None:
    both = refdata.Reference(
        mue=(
            refdata.load_mue(mue_file(tmp_path, "10")),
            refdata.load_mue(outpatient_mue(tmp_path, "100")),
        )
    )
    assert "mue-exceeded" in codes(claim_of(office(service_date="2025-03-03"), reference=both))
    hospital_claim = claim_of(hospital(service_date="2025-03-03"), reference=both)  # 52 units
    assert "mue-exceeded" not in codes(hospital_claim)
    low = refdata.Reference(mue=(refdata.load_mue(outpatient_mue(tmp_path, "50")),))
    (found,) = claim_of(hospital(service_date="2025-03-03"), reference=low).errors
    assert found.message.startswith(
        "52 J0490 units on 2025-03-03 exceed the outpatient_hospital MUE of 50"
    )


def test_crosswalk_findings_name_the_line_and_the_numbers(tmp_path: Path) -> None:
    table = refdata.load_crosswalk(
        crosswalk_file(tmp_path, units_120="10"), period=("2025-01-01", None)
    )
    claim = claim_of(office(), reference=refdata.Reference(crosswalk=(table,)))
    found = [(f.path, f.message) for f in claim.findings if f.code == "crosswalk-units-disagree"]
    name = "crosswalk-2025q1.csv"
    message = f"{name} gives 10 billing units per package for NDC 49401010101; the product holds 12"
    assert [("$.lines[0]", message), ("$.lines[1]", message)] == found
    other = refdata.CrosswalkTable(table.period, table.source, table.entries[1:])
    missed = claim_of(office(), reference=refdata.Reference(crosswalk=(other,)))
    assert [("$.lines[0]", f"NDC 49401010101 is not in {name} for J0490")] == [
        (f.path, f.message) for f in missed.findings if f.code == "ndc-not-in-crosswalk"
    ][:1]


def test_expected_allowed_only_on_medicare_drug_lines(files: dict[str, Path]) -> None:
    commercial = claim_of(
        office(payer="commercial", service_date="2025-03-03"), reference=reference(files)
    )
    assert all(line.expected_allowed is None for line in commercial.lines)
    medicare = claim_of(office(service_date="2025-03-03"), reference=reference(files))
    assert [True, True, False] == [line.expected_allowed is not None for line in medicare.lines]


# CMS files validated as published -------------------------------------------------------------

ASP_TITLE = b"January 2026 ASP Pricing File\n"
ASP_HEAD = b"HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance Percentage\n"
MUE_HEAD = b"HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n"
MUE_NAME = "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv"


@pytest.mark.parametrize(
    ("kind", "data", "name", "message"),
    [
        ("asp", ASP_TITLE + ASP_HEAD + b"J0490,B,10 MG,-24.811,20\n", "a.csv",
         r"a\.csv: row 3, column 'Payment Limit': expected a number >= 0"),
        ("asp", ASP_TITLE + ASP_HEAD + b"J0490,B,10 MG,24.811,500\n", "a.csv",
         r"a\.csv: row 3, column 'Co-insurance Percentage': a percentage from 0 to 100"),
        ("asp", ASP_TITLE + ASP_HEAD + b'J0490,B,10 MG,"24,811",20\n', "a.csv",
         "a thousands separator is not read"),
        ("asp", ASP_TITLE + ASP_HEAD + b"J0490,B,10 MG,24.811,20\nJ0490,B,10 MG,25,20\n", "a.csv",
         r"a\.csv: rows 3 and 4 both give J0490"),
        ("asp", b"Effective April 1, 2026 through March 31, 2026\n" + ASP_HEAD
         + b"J0490,B,10 MG,24.811,20\n", "a.csv", "ends before it starts"),
        ("asp", ASP_TITLE + ASP_HEAD, "a.csv", r"a\.csv: no rows under the header"),
        ("mue", MUE_HEAD + "J0490,1²,3\n".encode(), MUE_NAME, "expected a whole number"),
        ("mue", MUE_HEAD + b"J0490," + b"9" * 5000 + b",3\n", MUE_NAME, "at most 6 digits"),
        ("mue", MUE_HEAD + b"J0490,150,7 Unknown\n", MUE_NAME, "expected 1, 2 or 3"),
        ("mue", MUE_HEAD + b"J0490,150,3\nJ0490,140,3\n", MUE_NAME, "rows 2 and 3 both give J0490"),
        ("mue", MUE_HEAD, MUE_NAME, "no rows under the header"),
        ("mue", MUE_HEAD + b"J0490,150,3\n", "MUE_Eff_13-45-2025.csv",
         r"MUE_Eff_13-45-2025\.csv: the effective date in the file name \(13-45-2025\) is not a date"),
        ("mue", MUE_HEAD + b"J0490,150,3\n", "MUE_Eff_01-01-0000.csv", "is not a date"),
        ("mue", MUE_HEAD + b"J0490,150,3 " + b"x" * 140_000 + b"\n", MUE_NAME,
         "row 2: not a CSV row this library reads \\(a cell longer than 131072 characters\\)"),
        ("crosswalk", b"_2026_CODE,NDC2\nJ0490,49401-0101-01\nJ0490,49401010101\n", "x.csv",
         r"x\.csv: rows 2 and 3 both give J0490 with NDC 49401010101"),
    ],
)  # fmt: skip
def test_a_bad_cms_file_is_refused_naming_the_file(
    kind: str, data: bytes, name: str, message: str
) -> None:
    loaders: dict[str, Callable[[], object]] = {
        "asp": lambda: refdata.load_asp(data, name=name),
        "mue": lambda: refdata.load_mue(data, name=name),
        "crosswalk": lambda: refdata.load_crosswalk(
            data, name=name, period=("2026-01-01", "2026-03-31")
        ),
    }
    with pytest.raises(ValidationError, match=message):
        loaders[kind]()


def test_the_negative_controls_of_the_bad_files_load() -> None:
    table = refdata.load_asp(
        ASP_TITLE + ASP_HEAD + b"J0490,B,10 MG,$24.811,20.000%\n", name="a.csv"
    )
    assert (Decimal("24.811"), Decimal("20.000")) == (
        table.limits["J0490"].limit,
        table.limits["J0490"].coinsurance_percent,
    )
    assert (
        150 == refdata.load_mue(MUE_HEAD + b"J0490,150,3\n", name=MUE_NAME).entries["J0490"].value
    )
    assert (
        Decimal(0)
        == refdata.load_asp(ASP_TITLE + ASP_HEAD + b"J0490,B,10 MG,0,0\n", name="a.csv")
        .limits["J0490"]
        .limit
    )


def test_a_header_cell_with_a_line_break_inside_its_quotes_is_read() -> None:
    published = (
        b'"HCPCS/\nCPT Code","Practitioner Services\r\nMUE Values","MUE Adjudication Indicator",'
        b'"MUE  Rationale"\nJ0490,150,"3 Date of Service Edit: Clinical",Prescribing Information\n'
    )
    table = refdata.load_mue(published, name=MUE_NAME)
    assert ("practitioner", 150, "3", "Prescribing Information") == (
        table.setting,
        table.entries["J0490"].value,
        table.entries["J0490"].indicator,
        table.entries["J0490"].rationale,
    )
    assert hashlib.sha256(published).hexdigest() == table.source.sha256


@pytest.mark.parametrize("period", ["2025", ("2026-01-01",), ("2026-03-31", "2026-01-01")])
def test_a_bad_period_argument_is_a_clear_error(period: object) -> None:
    with pytest.raises(ValidationError, match=r"x\.csv: (period|the period ends)"):
        refdata.load_crosswalk(b"_2026_CODE,NDC2\nJ0490,49401-0101-01\n", name="x.csv",
                               period=period)  # type: ignore[arg-type]  # fmt: skip


def test_partly_overlapping_periods_are_refused_and_a_reissue_replaces(tmp_path: Path) -> None:
    data = b"_2026_CODE,NDC2\nJ0490,49401-0101-01\n"
    first = refdata.load_crosswalk(data, name="q1.csv", period=("2026-01-01", "2026-03-31"))
    overlapping = refdata.load_crosswalk(data, name="x.csv", period=("2026-03-01", "2026-05-31"))
    with pytest.raises(InvalidFormat, match=r"q1\.csv \(2026-01-01 to 2026-03-31\) and x\.csv"):
        refdata.Reference(crosswalk=(first, overlapping))
    reissue = refdata.load_crosswalk(data, name="q1b.csv", period=("2026-01-01", "2026-03-31"))
    both = refdata.Reference(crosswalk=(first, reissue))
    assert "q1b.csv" == both.crosswalk_for(dt.date(2026, 2, 1)).source.name
    later = refdata.load_crosswalk(data, name="q2.csv", period=("2026-04-01", "2026-06-30"))
    assert 2 == len(refdata.Reference(crosswalk=(first, later)).crosswalk)


def test_a_crosswalk_without_titles_gets_its_period_on_the_command_line(
    files: dict[str, Path], tmp_path: Path
) -> None:
    bare = tmp_path / "crosswalk.csv"
    bare.write_bytes(
        b"_2025_CODE,NDC2,BILLUNITSPKG\nJ0490,49401-0101-01,12\nJ0490,49401-0102-01,40\n"
    )
    path = tmp_path / "e.json"
    path.write_text(json.dumps(office()))
    args = ["claim", str(path), "--crosswalk"]
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main([*args, str(bare)], out, err)
    assert "crosswalk.csv: no period in the title rows" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 0 == cli.main([*args, f"{bare}@2025-01-01..2025-12-31"], out, err), err.getvalue()
    assert "ndc-not-in-crosswalk" not in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main([*args, f"{bare}@2025-01-01"], out, err)
    assert "expected FILE@START..END" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main(["claim", str(path), "--mue", f"{files['mue']}@2025-13-01"], out, err)
    assert "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv: effective" in err.getvalue()
    help_text = io.StringIO()
    with pytest.raises(SystemExit):
        cli.main(["claim", "--help"], help_text, help_text)


def test_loading_streams_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    peaks = []
    for rows in (2_000, 20_000):
        path = tmp_path / f"x{rows}.csv"
        with path.open("w") as out:
            out.write("_2025_CODE,NDC2,BILLUNITSPKG\n")
            for n in range(rows):
                out.write(f"J{n % 10000:04d},{n // 10000 + 10:05d}-{n % 10000:04d}-01,1\n")
        tracemalloc.start()
        table = refdata.load_crosswalk(path, period=("2025-01-01", "2025-03-31"))
        peaks.append(tracemalloc.get_traced_memory()[1] / len(table.entries))
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5  # memory per row, not the whole file's text held twice
