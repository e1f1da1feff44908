"""Private reader of infusion logs as CSV: one administration per row, into encounter records.

:func:`benlysta_coding.encounter.from_csv` and ``batch FILE.csv`` read through here. A row becomes the
JSON-like record the encounter loader reads (:func:`record`); the loader's problems are then named
by the file's own column (:func:`column_of`). The columns are :data:`COLUMNS`; a site's export may
name them otherwise through a mapping file (:func:`read_columns`): a ``[columns]`` table (the
site's column = the library's), a ``[constants]`` table (a library column = a value for every row)
and an optional ``ignore`` list of the site's columns that are not read.

Files are UTF-8 with or without a byte order mark, with LF or CRLF line ends, quoted fields that
hold line breaks (one record), and ``,`` or ``;`` between fields. A record's number is its place
among the data records after the header (a record with a line break in a quoted field counts
once; a blank line is no record).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from benlysta_coding import _datafile
from benlysta_coding.errors import InvalidInput, Problem, ValidationError

POUND_KG: Final = Decimal("0.45359237")
"""One pound in kilograms, exactly (international yard and pound agreement, 1959)."""


@attrs.frozen
class Column:
    """A library column: its name, the key path of the encounter it fills, and what it holds."""

    name: str
    path: str
    help: str
    example: str


COLUMNS: Final = tuple(
    Column(*spec)
    for spec in (
        ("claim_id", "claim_id", "the patient account number (CLM01)", "BEN-2025-0001"),
        ("patient_first_name", "patient.first_name", "the patient's first name", "JANE"),
        ("patient_last_name", "patient.last_name", "the patient's last name", "SAMPLE"),
        ("patient_birth_date", "patient.birth_date", "YYYY-MM-DD", "1978-06-14"),
        ("patient_sex", "patient.sex", "F, M or U", "F"),
        ("patient_member_id", "patient.member_id", "member id with the payer", "1EG4TE5MK73"),
        ("patient_address", "patient.address.line1", "street line", "12 ELM ST"),
        ("patient_city", "patient.address.city", "city", "SPRINGFIELD"),
        ("patient_state", "patient.address.state", "2 capital letters", "IL"),
        ("patient_zip", "patient.address.zip", "5 or 9 digits", "627010001"),
        ("payer", "payer", "payer policy name", "medicare_part_b"),
        ("payer_name", "insurance.payer_name", "payer name", "MEDICARE PART B"),
        ("payer_id", "insurance.payer_id", "payer id", "00952"),
        ("billing_npi", "billing_provider.npi", "billing provider NPI", "1234567893"),
        ("billing_name", "billing_provider.name", "billing provider name", "PRAIRIE RHEUMATOLOGY"),
        ("billing_tax_id", "billing_provider.tax_id", "EIN, 9 digits", "371234567"),
        ("billing_taxonomy", "billing_provider.taxonomy", "taxonomy code", "207RR0500X"),
        ("billing_address", "billing_provider.address.line1", "street line", "400 CLINIC WAY"),
        ("billing_city", "billing_provider.address.city", "city", "SPRINGFIELD"),
        ("billing_state", "billing_provider.address.state", "2 capital letters", "IL"),
        ("billing_zip", "billing_provider.address.zip", "9 digits", "627020002"),
        ("rendering_npi", "rendering.npi", "rendering physician NPI", "1245319599"),
        ("rendering_first_name", "rendering.first_name", "first name", "ANN"),
        ("rendering_last_name", "rendering.last_name", "last name", "LEE"),
        ("attending_npi", "attending.npi", "attending physician NPI (837I)", "1003000001"),
        ("attending_first_name", "attending.first_name", "first name", "ALEX"),
        ("attending_last_name", "attending.last_name", "last name", "RIVERA"),
        ("submitter_name", "submitter.name", "X12 submitter name", "PRAIRIE RHEUMATOLOGY"),
        ("submitter_id", "submitter.id", "X12 submitter id", "PRAIRIE01"),
        ("submitter_contact", "submitter.contact_name", "contact", "BILLING OFFICE"),
        ("submitter_phone", "submitter.phone", "10 digits", "2175550100"),
        ("receiver_name", "receiver.name", "X12 receiver name", "MEDICARE CONTRACTOR"),
        ("receiver_id", "receiver.id", "X12 receiver id", "00952"),
        ("service_date", "service_date", "date of service, YYYY-MM-DD", "2025-03-03"),
        ("place_of_service", "place_of_service", "11 office or 49 clinic (professional)", "11"),
        ("setting", "setting", "office, hospital_outpatient or critical_access_hospital", "office"),
        ("weight_kg", "patient.weight_kg", "weight in kg", "68.3"),
        ("weight_lb", "patient.weight_kg", "weight in pounds (converted exactly)", ""),
        ("dose_mg", "dose_mg", "dose given, mg", ""),
        ("route", "route", "iv or sc", "iv"),
        ("indication", "indication", "the drug's indication (default sle)", "sle"),
        ("drug", "drug", "the drug's name (default belimumab)", ""),
        ("infusion_minutes", "infusion_minutes", "start to stop, minutes", "62"),
        (
            "products_used",
            "products_used",
            "NDC:count;NDC:count",
            "49401-0102-01:1;49401-0101-01:3",
        ),
        (
            "diagnoses",
            "diagnoses",
            "ICD-10-CM codes, first-listed first, ;-separated",
            "M32.13;M32.19",
        ),
        ("prior_authorization", "prior_authorization", "prior authorization number", "PA-778812"),
    )
)
"""The library's columns, in the order of the default header."""

BY_NAME: Final[Mapping[str, Column]] = {column.name: column for column in COLUMNS}
REQUIRED: Final = ("service_date", "route", "setting", "payer", "diagnoses", "patient_birth_date")
"""The columns a file (or its constants) must have."""
DEFAULTS: Final = {"indication": "sle"}
"""Values of the columns a file may leave out."""
HEADER: Final = ",".join(column.name for column in COLUMNS)
"""The default header line."""


@attrs.frozen
class ColumnMap:
    """How a site's columns map to the library's: ``columns`` (the site's name -> the library's),
    ``constants`` (a library column -> a value for every row), ``ignore`` (the site's columns not
    read)."""

    columns: Mapping[str, str] = attrs.field(factory=dict)
    constants: Mapping[str, str] = attrs.field(factory=dict)
    ignore: frozenset[str] = frozenset()


def read_columns(path: str | os.PathLike[str]) -> ColumnMap:
    """Read a column mapping file (TOML); every problem at once, naming the file and the key."""
    document, problems = _datafile.read(path)
    top = _datafile.Table(document, problems)
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    known = ", ".join(BY_NAME)
    table = top.table("columns")
    if table is not None:
        for site in list(table.data):
            library = table.text(site, f"a library column: {known}")
            if library is not None and library not in BY_NAME:
                table.fail(site, f"a library column: {known}")
            elif library is not None:
                columns[site] = library
    table = top.table("constants")
    if table is not None:
        for library in list(table.data):
            value = table.raw(library, required=True)
            if library not in BY_NAME:
                problems.add(
                    f"constants.{library}", "unknown-key", f"not a library column; known: {known}"
                )
            elif isinstance(value, bool) or not isinstance(value, str | int):
                table.fail(library, "text (or a whole number)")
            else:
                constants[library] = str(value)
    ignore = top.texts("ignore", "the site's column names") or []
    top.finish(("columns", "constants", "ignore"))
    problems.raise_if_any()
    return ColumnMap(columns, constants, frozenset(ignore))


def column_map(path: str | os.PathLike[str] | None) -> ColumnMap:
    """The mapping of a ``--columns`` file, or the library's own columns for ``None``."""
    return ColumnMap() if path is None else read_columns(path)


@attrs.frozen
class Layout:
    """A file's header read against the column map: which position holds which library column,
    and the name each library column has in the file (for messages)."""

    positions: tuple[tuple[int, str], ...]
    names: Mapping[str, str]
    constants: Mapping[str, str]

    def paths(self) -> dict[str, str]:
        """The encounter key paths (``$.patient.weight_kg``) -> the column named in messages: as
        the file names it, else the library's name (for a column the file does not have)."""
        found: dict[str, str] = {}
        for column in COLUMNS:
            key = "$." + column.path
            if column.name in self.names or key not in found:
                found[key] = self.names.get(column.name, column.name)
        return found


def layout(header: list[str], mapping: ColumnMap) -> Layout:
    """The layout of a header; a header that cannot be read raises
    :class:`~benlysta_coding.errors.InvalidInput` listing every problem."""
    problems = []
    positions = []
    names: dict[str, str] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if name in mapping.ignore:
            continue
        library = mapping.columns.get(name, name if name in BY_NAME else None)
        if library is None:
            problems.append(
                Problem(
                    f"header: {name[:40]!r}",
                    "unknown-column",
                    "not a library column; map it in the [columns] table of a --columns file, "
                    "or list it under ignore",
                )
            )
            continue
        if library in names:
            problems.append(
                Problem(f"header: {name[:40]!r}", "duplicate-column", f"{library} is given twice")
            )
            continue
        positions.append((index, library))
        names[library] = name
    for library in mapping.constants:
        names.setdefault(library, f"constants.{library}")
    for library in REQUIRED:
        if library not in names:
            problems.append(Problem("header", "missing-column", f"no column {library}"))
    if problems:
        raise InvalidInput(problems)
    return Layout(tuple(positions), names, dict(mapping.constants))


_COUNT: Final = re.compile(r"\s*([^:;]+?)\s*:\s*([0-9]{1,3})\s*")


_SPECIAL: Final = frozenset({"diagnoses", "products_used", "infusion_minutes", "weight_lb"})
"""The columns whose cell is more than the value of one key."""
_KEYS: Final = {column.name: tuple(column.path.split(".")) for column in COLUMNS}


def record(row: list[str], shape: Layout) -> tuple[dict[str, Any], list[Problem]]:
    """The encounter record of a row, and the problems found reading the cells themselves (each
    named by its column as in the file)."""
    values: dict[str, str] = {**DEFAULTS, **shape.constants}
    problems: list[Problem] = []
    size = len(row)
    for index, library in shape.positions:
        if index < size:
            cell = row[index].strip()
            if cell:
                values[library] = cell
    if "weight_kg" in values and "weight_lb" in values:
        kg, lb = (shape.names.get(name, name) for name in ("weight_kg", "weight_lb"))
        problems.append(
            Problem(f"{kg}/{lb}", "invalid-value", "give the weight in kg or in pounds, not both")
        )
        del values["weight_lb"]
    data: dict[str, Any] = {}
    for library, cell in values.items():
        value: Any = cell
        if library in _SPECIAL:
            value = _special(library, cell, shape.names.get(library, library), problems)
            if value is None:
                continue
        keys = _KEYS[library]
        if len(keys) == 1:
            data[keys[0]] = value
            continue
        place = data
        for key in keys[:-1]:
            place = place.setdefault(key, {})
        place[keys[-1]] = value
    return data, problems


def _special(library: str, cell: str, shown: str, problems: list[Problem]) -> Any:
    """The value of a cell that holds a list, a number or pounds; ``None`` when it is refused
    (its problem recorded)."""
    if library == "diagnoses":
        return [code.strip() for code in cell.split(";") if code.strip()]
    if library == "products_used":
        used = []
        for part in filter(str.strip, cell.split(";")):
            match = _COUNT.fullmatch(part)
            if match is None:
                problems.append(Problem(shown, "invalid-value", "expected NDC:count;NDC:count"))
                break
            used.append({"ndc": match[1], "count": int(match[2])})
        return used
    if library == "infusion_minutes":
        return int(cell) if cell.isascii() and cell.isdigit() and len(cell) <= 6 else cell
    pounds = Decimal(cell) if _POUNDS.fullmatch(cell) else None  # weight_lb
    if pounds is None or pounds <= 0:
        problems.append(
            Problem(shown, "invalid-value", "expected a weight in pounds, such as 150.5")
        )
        return None
    return str(pounds * POUND_KG)


_POUNDS: Final = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,6})?")


def column_of(path: str, paths: Mapping[str, str]) -> str:
    """The column a problem's key path names: ``$.patient.weight_kg`` -> ``weight_kg`` (as the file
    names it), ``$.diagnoses[1]`` -> ``diagnoses[1]``; a path no column fills is kept."""
    best = ""
    for prefix in paths:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            best = max(best, prefix, key=len)
    if best:
        return paths[best] + path[len(best) :]
    under = [shown for prefix, shown in paths.items() if prefix.startswith(path + ".")]
    return "/".join(under) or path  # an object several columns fill: name them all


def renamed(problems: Iterable[Problem], paths: Mapping[str, str]) -> list[Problem]:
    """Problems with their key paths named by the file's columns."""
    return [Problem(column_of(p.path, paths), p.code, p.message) for p in problems]


def rows(text: Iterable[str], delimiter: str, first: int = 0) -> Iterator[tuple[int, list[str]]]:
    """(record number, fields) for each record; the first is numbered ``first`` (0: the header,
    so that the data records count from 1)."""
    if delimiter not in (",", ";"):
        raise ValidationError("delimiter: expected ',' or ';'")
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = first - 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            raise BadRecord(number, str(error)) from None
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line is no record
        number += 1
        yield number, row


class BadRecord(Exception):
    """A record the CSV reader cannot read (an unclosed quote, a field over the limit): the rest
    of the file cannot be read reliably."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(reason)
        self.number = number
        self.reason = reason


def open_text(path: str | os.PathLike[str]) -> io.TextIOWrapper:
    """A CSV file as text: UTF-8 with or without a byte order mark, any line end."""
    return open(Path(path), encoding="utf-8-sig", newline="")
