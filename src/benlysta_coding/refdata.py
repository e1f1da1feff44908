"""Reference data by date of service, from the CMS files you download: ASP payment limits, the ASP
NDC-HCPCS crosswalk and the MUE tables.

No price, crosswalk or MUE is bundled (they change every quarter): point the library at the files you
downloaded and it answers by date of service, tracing every answer to its file (name and SHA-256).

* :func:`load_asp`: the quarterly ASP pricing file (renamed "Medicare Part B Payment Limit File" in
  2026). Title rows sit above the header row; the period is read from them (or given by you). A
  payment limit of ``N/A`` is valid and read as no limit. The payment limit already includes the
  add-on (106 % of ASP for most drugs): never multiply it again.
* :func:`load_crosswalk`: the ASP NDC-HCPCS crosswalk. Its code column is named after the year
  (``_2026_CODE``); its NDC column has been ``NDC2`` and ``NDC``.
* :func:`load_mue`: the practitioner or outpatient hospital MUE table; the effective date is only in
  the file name (``..._Eff_01-01-2026.csv``) or given by you.

:class:`Reference` holds any number of loaded tables; a lookup picks the table in force on the date of
service and raises :class:`NotCovered` when none covers it. A file reissued for the same period
replaces the earlier issue (the one loaded later wins). A malformed file is refused with its name, row
and column; a file of another layout is refused whole, never half-read.

The layouts follow the files as CMS distributes them (CSV, Latin-1, title rows above the header), as
read by public code that processes the January 2024 files; this library was not able to check real
files of other quarters, so a layout change is refused with the header it found rather than guessed.

More information:

* https://www.cms.gov/medicare/payment/all-fee-service-providers/medicare-part-b-drug-average-sales-price
* https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-medically-unlikely-edits
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final

import attrs

from benlysta_coding import ndc as _ndc
from benlysta_coding._util import to_date, to_decimal
from benlysta_coding.errors import InvalidFormat, NotSupported, ValidationError

__all__ = [
    "ASPTable",
    "CrosswalkEntry",
    "CrosswalkTable",
    "MUEEntry",
    "MUETable",
    "NotCovered",
    "PaymentLimit",
    "Period",
    "Reference",
    "Source",
    "load_asp",
    "load_crosswalk",
    "load_mue",
]

MAX_TITLE_ROWS: Final = 20
"""Title rows allowed above the header row."""

MUE_INDICATORS: Final = {
    "1": "line edit: units above the MUE on one claim line are denied; the rest of the line pays",
    "2": "date-of-service edit, policy: units above the MUE on that date are denied; an appeal "
    "cannot succeed (the limit is absolute by policy)",
    "3": "date-of-service edit, clinical: units above the MUE on that date are denied; an appeal "
    "with documentation of medical necessity may succeed",
}
"""The MUE adjudication indicators (MAI), in the library's own words."""


class NotCovered(NotSupported):
    """No loaded table covers the date of service (or the code)."""


@attrs.frozen
class Source:
    """The file a table came from."""

    name: str
    sha256: str


@attrs.frozen
class Period:
    """The dates a table is in force: ``start`` to ``end`` inclusive (``end`` ``None``: open)."""

    start: datetime.date
    end: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@attrs.frozen
class PaymentLimit:
    """One row of the ASP file: the limit per billing unit (``None`` for ``N/A``)."""

    hcpcs: str
    dosage: str
    limit: Decimal | None
    coinsurance_percent: Decimal | None


@attrs.frozen
class ASPTable:
    period: Period
    source: Source
    limits: Mapping[str, PaymentLimit]


@attrs.frozen
class CrosswalkEntry:
    hcpcs: str
    ndc11: str
    billing_units_per_package: Decimal | None


@attrs.frozen
class CrosswalkTable:
    period: Period
    source: Source
    entries: tuple[CrosswalkEntry, ...]
    _index: Mapping[str, Mapping[str, tuple[CrosswalkEntry, ...]]] = attrs.field(
        init=False, repr=False, eq=False
    )
    """The entries by HCPCS code and NDC, built once so that each claim looks rows up, not scans."""

    def __attrs_post_init__(self) -> None:
        index: dict[str, dict[str, tuple[CrosswalkEntry, ...]]] = {}
        for entry in self.entries:
            by_ndc = index.setdefault(entry.hcpcs, {})
            by_ndc[entry.ndc11] = (*by_ndc.get(entry.ndc11, ()), entry)
        object.__setattr__(self, "_index", index)

    def ndcs(self, hcpcs: str) -> frozenset[str]:
        return frozenset(self._index.get(hcpcs, {}))

    def rows(self, hcpcs: str, ndc11: str) -> tuple[CrosswalkEntry, ...]:
        """The entries that pair ``hcpcs`` with ``ndc11``, in file order."""
        return self._index.get(hcpcs, {}).get(ndc11, ())


@attrs.frozen
class MUEEntry:
    code: str
    value: int
    indicator: str
    rationale: str

    @property
    def meaning(self) -> str:
        """What the adjudication indicator means for a claim above the value."""
        return MUE_INDICATORS.get(self.indicator, "an indicator this library does not know")


@attrs.frozen
class MUETable:
    setting: str
    """``practitioner`` or ``outpatient_hospital``."""
    effective: datetime.date
    source: Source
    entries: Mapping[str, MUEEntry]


# reading ---------------------------------------------------------------------------------------

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        (
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ),
        start=1,
    )
}  # fmt: skip
_RANGE: Final = re.compile(
    r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})\s*(?:through|thru|to|-)\s*([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})"
)
_QUARTER: Final = re.compile(r"\b(January|April|July|October)\s+(\d{4})\b", re.IGNORECASE)
_EFFECTIVE_IN_NAME: Final = re.compile(r"Eff[_ -]?(\d{2})[-_](\d{2})[-_](\d{4})", re.IGNORECASE)


def _read(path: str | os.PathLike[str] | bytes, name: str | None) -> tuple[str, Source]:
    if isinstance(path, bytes):
        data, shown = path, name or "(bytes)"
    else:
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise InvalidFormat(
                f"{file.name}: cannot read the file ({type(error).__name__})"
            ) from None
        shown = name or file.name
    if len(data) > 100_000_000:
        raise InvalidFormat(f"{shown}: larger than 100 MB; not a CMS reference file")
    text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("latin-1")
    return text, Source(shown, hashlib.sha256(data).hexdigest())


def _rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _header(
    rows: Sequence[Sequence[str]], source: Source, wanted: Iterable[str], kind: str
) -> tuple[int, dict[str, int]]:
    """The header row (within the title rows) that holds every wanted column, and its columns."""
    wanted = list(wanted)
    for index, row in enumerate(rows[: MAX_TITLE_ROWS + 1]):
        columns = {cell.lower(): number for number, cell in enumerate(row) if cell}
        if all(any(re.fullmatch(w, c) for c in columns) for w in wanted):
            found = {}
            for w in wanted:
                found[w] = next(number for c, number in columns.items() if re.fullmatch(w, c))
            return index, found
    raise InvalidFormat(
        f"{source.name}: not a {kind} (no header row with the columns "
        f"{', '.join(w.replace(chr(92), '') for w in wanted)} in the first {MAX_TITLE_ROWS} rows)"
    )


def _period_from_titles(rows: Sequence[Sequence[str]], header: int) -> Period | None:
    title = " ".join(" ".join(row) for row in rows[:header])
    found = _RANGE.search(title)
    if found:
        start = _day(found[1], found[2], found[3])
        end = _day(found[4], found[5], found[6])
        if start and end:
            return Period(start, end)
    quarter = _QUARTER.search(title)
    if quarter:
        month, year = _MONTHS[quarter[1].lower()], int(quarter[2])
        following = datetime.date(year + (month == 10), (month + 2) % 12 + 1, 1)
        return Period(datetime.date(year, month, 1), following - datetime.timedelta(days=1))
    return None


def _day(month: str, day: str, year: str) -> datetime.date | None:
    number = _MONTHS.get(month.lower())
    try:
        return datetime.date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def _period(
    given: Period | tuple[object, object] | None, found: Period | None, source: Source
) -> Period:
    if given is not None:
        if isinstance(given, Period):
            return given
        start, end = given
        last = None if end is None else to_date(end, "period end")
        return Period(to_date(start, "period start"), last)
    if found is None:
        raise InvalidFormat(f"{source.name}: no period in the title rows; pass period=(start, end)")
    return found


def _amount(text: str, source: Source, row: int, column: str) -> Decimal | None:
    if text.upper() in ("N/A", "NA", ""):
        return None
    try:
        return to_decimal(text.replace(",", "").replace("$", ""), column)
    except (TypeError, ValidationError):
        raise InvalidFormat(
            f"{source.name}: row {row}, column '{column}': expected a number or N/A"
        ) from None


def _code(text: str, source: Source, row: int, column: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[0-9A-Z]{5}", code):
        raise InvalidFormat(
            f"{source.name}: row {row}, column '{column}': expected a 5-character code"
        )
    return code


def _data_rows(
    rows: Sequence[Sequence[str]], header: int, columns: Mapping[str, int], source: Source
) -> Iterator[tuple[int, Sequence[str]]]:
    """(row number in the file, cells) of each non-empty row under the header, checked to hold
    every column the header named."""
    needed = max(columns.values())
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(row):
            continue
        if len(row) <= needed:
            raise InvalidFormat(f"{source.name}: row {number}: fewer columns than the header")
        yield number, row


def load_asp(
    path: str | os.PathLike[str] | bytes,
    *,
    period: Period | tuple[object, object] | None = None,
    name: str | None = None,
) -> ASPTable:
    r"""Read a CMS quarterly ASP pricing file (CSV as distributed); ``period`` overrides the title.

    >>> data = (b"January 2026 ASP Pricing File\n"
    ...         b"HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n"
    ...         b"J0490,Belimumab,10 MG,24.811\n")
    >>> table = load_asp(data, name="asp.csv")
    >>> table.period.start, table.limits["J0490"].limit
    (datetime.date(2026, 1, 1), Decimal('24.811'))
    """
    text, source = _read(path, name)
    rows = _rows(text)
    header, columns = _header(
        rows, source, ("hcpcs code", "payment limit", "hcpcs code dosage"), "ASP pricing file"
    )
    coinsurance = next(
        (n for n, cell in enumerate(rows[header]) if cell.lower().startswith("co-insurance")), None
    )
    limits = {}
    for number, row in _data_rows(rows, header, columns, source):
        code = _code(row[columns["hcpcs code"]], source, number, "HCPCS Code")
        limit = _amount(row[columns["payment limit"]], source, number, "Payment Limit")
        share = None
        if coinsurance is not None and coinsurance < len(row):
            share = _amount(row[coinsurance], source, number, "Co-insurance Percentage")
        limits[code] = PaymentLimit(code, row[columns["hcpcs code dosage"]], limit, share)
    if not limits:
        raise InvalidFormat(f"{source.name}: no rows under the header")
    found = _period(period, _period_from_titles(rows, header), source)
    return ASPTable(found, source, limits)


def load_crosswalk(
    path: str | os.PathLike[str] | bytes,
    *,
    period: Period | tuple[object, object] | None = None,
    name: str | None = None,
) -> CrosswalkTable:
    r"""Read the ASP NDC-HCPCS crosswalk (code column ``_YYYY_CODE``, NDC column ``NDC2`` or ``NDC``).

    >>> data = b"_2026_CODE,NDC2,BILLUNITSPKG\nJ0490,49401-0101-01,12\n"
    >>> load_crosswalk(data, name="x.csv", period=("2026-01-01", "2026-03-31")).ndcs("J0490")
    frozenset({'49401010101'})
    """
    text, source = _read(path, name)
    rows = _rows(text)
    header, columns = _header(rows, source, (r"_\d{4}_code", r"ndc2?"), "NDC-HCPCS crosswalk")
    units = next((n for n, cell in enumerate(rows[header]) if cell.upper() == "BILLUNITSPKG"), None)
    entries = []
    for number, row in _data_rows(rows, header, columns, source):
        code = _code(row[columns[r"_\d{4}_code"]], source, number, "HCPCS code")
        try:
            ndc11 = _ndc.validate(row[columns[r"ndc2?"]])
        except (TypeError, ValidationError):
            raise InvalidFormat(
                f"{source.name}: row {number}, column 'NDC': expected an NDC"
            ) from None
        per_package = None
        if units is not None and units < len(row):
            per_package = _amount(row[units], source, number, "BILLUNITSPKG")
        entries.append(CrosswalkEntry(code, ndc11, per_package))
    if not entries:
        raise InvalidFormat(f"{source.name}: no rows under the header")
    found = _period(period, _period_from_titles(rows, header), source)
    return CrosswalkTable(found, source, tuple(entries))


def load_mue(
    path: str | os.PathLike[str] | bytes,
    *,
    effective: datetime.date | str | None = None,
    name: str | None = None,
) -> MUETable:
    r"""Read a CMS practitioner or outpatient hospital MUE table; the effective date comes from the
    file name (``..._Eff_01-01-2026.csv``) unless you give it.

    >>> data = b"HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\nJ0490,150,3\n"
    >>> table = load_mue(data, name="MUE_PractitionerServices_Eff_01-01-2026.csv")
    >>> (table.effective, table.entries["J0490"].value)
    (datetime.date(2026, 1, 1), 150)
    """
    text, source = _read(path, name)
    rows = _rows(text)
    header, columns = _header(
        rows,
        source,
        (r"hcpcs/cpt code", r"(practitioner|outpatient hospital) services mue values?",
         r"mue adjudication indicator"),
        "MUE table",
    )  # fmt: skip
    value_column = rows[header][columns[r"(practitioner|outpatient hospital) services mue values?"]]
    setting = (
        "practitioner" if value_column.lower().startswith("practitioner") else "outpatient_hospital"
    )
    rationale = next((n for n, c in enumerate(rows[header]) if c.lower() == "mue rationale"), None)
    entries = {}
    for number, row in _data_rows(rows, header, columns, source):
        code = _code(row[columns[r"hcpcs/cpt code"]], source, number, "HCPCS/CPT Code")
        raw = row[columns[r"(practitioner|outpatient hospital) services mue values?"]]
        if not raw.isdigit():
            raise InvalidFormat(
                f"{source.name}: row {number}, column '{value_column}': expected a whole number"
            )
        indicator = row[columns[r"mue adjudication indicator"]][:1]
        reason = row[rationale] if rationale is not None and rationale < len(row) else ""
        entries[code] = MUEEntry(code, int(raw), indicator, reason)
    if effective is None:
        found = _EFFECTIVE_IN_NAME.search(source.name)
        if found is None:
            raise InvalidFormat(
                f"{source.name}: the MUE effective date is only in the file name "
                "(..._Eff_MM-DD-YYYY.csv); pass effective="
            )
        day = datetime.date(int(found[3]), int(found[1]), int(found[2]))
    else:
        day = to_date(effective, "effective")
    return MUETable(setting, day, source, entries)


# lookups -----------------------------------------------------------------------------------------


def _in_force(tables: Sequence[ASPTable] | Sequence[CrosswalkTable], day: datetime.date) -> object:
    found = None
    for table in tables:  # the later of two issues for a period replaces the earlier
        if table.period.covers(day):
            found = table
    return found


@attrs.frozen
class Reference:
    """The loaded tables, answering by date of service."""

    asp: tuple[ASPTable, ...] = ()
    crosswalk: tuple[CrosswalkTable, ...] = ()
    mue: tuple[MUETable, ...] = ()

    def payment_limit(self, hcpcs: str, day: datetime.date) -> tuple[PaymentLimit, ASPTable]:
        table = _in_force(self.asp, day)
        if not isinstance(table, ASPTable):
            raise NotCovered(f"no ASP file loaded covers {day.isoformat()}")
        entry = table.limits.get(hcpcs)
        if entry is None:
            raise NotCovered(f"{hcpcs} is not in {table.source.name}")
        return entry, table

    def crosswalk_for(self, day: datetime.date) -> CrosswalkTable:
        table = _in_force(self.crosswalk, day)
        if not isinstance(table, CrosswalkTable):
            raise NotCovered(f"no NDC-HCPCS crosswalk loaded covers {day.isoformat()}")
        return table

    def mue_for(self, code: str, day: datetime.date, setting: str) -> tuple[MUEEntry, MUETable]:
        tables = sorted(
            (t for t in self.mue if t.setting == setting and t.effective <= day),
            key=lambda t: t.effective,
        )
        if not tables:
            raise NotCovered(f"no {setting} MUE table loaded is in force on {day.isoformat()}")
        table = tables[-1]
        entry = table.entries.get(code)
        if entry is None:
            raise NotCovered(f"{code} has no MUE in {table.source.name}")
        return entry, table
