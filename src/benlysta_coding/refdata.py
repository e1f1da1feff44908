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
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from benlysta_coding import ndc as _ndc
from benlysta_coding._util import to_date
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
    r"([A-Za-z]+)\s+(\d{1,2}),?\s*(\d{4})\s*(?:through|thru|to|-)\s*([A-Za-z]+)\s+(\d{1,2}),?\s*"
    r"(\d{4})"
)
_QUARTER: Final = re.compile(r"\b(January|April|July|October)\s+(\d{4})\b", re.IGNORECASE)
_EFFECTIVE_IN_NAME: Final = re.compile(r"Eff[_ -]?(\d{2})[-_](\d{2})[-_](\d{4})", re.IGNORECASE)


class _Hashed(io.RawIOBase):
    """A binary file read once, its SHA-256 computed on the way, so a table is hashed as it
    streams."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


class _File:
    """A CMS file, streamed as CSV rows (cells stripped), with its name for every message."""

    def __init__(self, path: str | os.PathLike[str] | bytes, name: str | None) -> None:
        if isinstance(path, bytes):
            raw: IO[bytes] = io.BytesIO(path)
            self.name = name or "(bytes)"
        elif isinstance(path, str | os.PathLike):
            file = Path(path)
            self.name = name or file.name
            try:
                raw = file.open("rb")
            except (OSError, ValueError) as error:  # ValueError: a NUL in the path
                raise InvalidFormat(
                    f"{self.name}: cannot read the file ({type(error).__name__})"
                ) from None
        else:
            raise TypeError("path: expected a file path or the file's bytes")
        self.hashed = _Hashed(raw)
        self.raw = raw
        buffered = io.BufferedReader(self.hashed, 1 << 16)
        utf8 = buffered.peek(3)[:3] == b"\xef\xbb\xbf"
        self.text = io.TextIOWrapper(
            buffered, encoding="utf-8-sig" if utf8 else "latin-1", newline=""
        )
        self.reader = csv.reader(self.text)
        self.row = 0

    def __enter__(self) -> _File:
        return self

    def __exit__(self, *_: object) -> None:
        self.raw.close()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number in the file, cells) for each CSV record; a record with a line break inside
        quotes counts once."""
        while True:
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise InvalidFormat(
                    f"{self.name}: row {self.row + 1}: not a CSV row this library reads "
                    f"({'a cell longer than ' + str(csv.field_size_limit()) + ' characters' if 'field larger' in str(error) else error})"
                ) from None
            except UnicodeDecodeError:
                raise InvalidFormat(f"{self.name}: row {self.row + 1}: not UTF-8 text") from None
            self.row += 1
            yield self.row, [cell.strip() for cell in cells]

    def source(self) -> Source:
        """The file's name and SHA-256, once it has been read to its end."""
        while self.hashed.raw.read(1 << 16):  # anything the CSV reader left (nothing, usually)
            pass
        return Source(self.name, self.hashed.digest.hexdigest())


def _fold(cell: str) -> str:
    """A header cell as it is matched: case folded, whitespace (line breaks too) collapsed, no
    space around a slash: ``"HCPCS/\\nCPT Code"`` reads ``hcpcs/cpt code``."""
    return re.sub(r"\s*/\s*", "/", " ".join(cell.split())).casefold()


def _header(
    file: _File, rows: Iterator[tuple[int, list[str]]], wanted: Sequence[str], kind: str
) -> tuple[list[list[str]], list[str], dict[str, int]]:
    """The title rows, the header row (within the first rows) holding every wanted column, and
    each wanted column's index."""
    titles: list[list[str]] = []
    for _, row in rows:
        columns = {_fold(cell): number for number, cell in enumerate(row) if cell}
        found = {}
        for pattern in wanted:
            match = next((n for c, n in columns.items() if re.fullmatch(pattern, c)), None)
            if match is None:
                break
            found[pattern] = match
        else:
            return titles, row, found
        titles.append(row)
        if len(titles) > MAX_TITLE_ROWS:
            break
    raise InvalidFormat(
        f"{file.name}: not {kind} (no header row with the columns "
        f"{', '.join(w.replace(chr(92), '') for w in wanted)} in the first {MAX_TITLE_ROWS} rows)"
    )


def _period_from_titles(titles: Sequence[Sequence[str]]) -> Period | None:
    title = " ".join(" ".join(row) for row in titles)
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


def _given_period(given: object, name: str) -> Period | None:
    """The period a caller gave (a :class:`Period` or a (start, end) pair), checked."""
    if given is None:
        return None
    if isinstance(given, Period):
        found = given
    else:
        if not isinstance(given, tuple | list) or len(given) != 2:
            raise ValidationError(
                f"{name}: period: expected a Period or a (start, end) pair such as "
                "('2026-01-01', '2026-03-31')"
            )
        start, end = given
        try:
            found = Period(to_date(start, "start"), None if end is None else to_date(end, "end"))
        except ValidationError as error:
            raise ValidationError(f"{name}: period {error}") from None
    if found.end is not None and found.end < found.start:
        raise ValidationError(
            f"{name}: the period ends ({found.end}) before it starts ({found.start})"
        )
    return found


def _period(given: Period | None, titles: Sequence[Sequence[str]], name: str) -> Period:
    if given is not None:
        return given
    found = _period_from_titles(titles)
    if found is None:
        raise InvalidFormat(f"{name}: no period in the title rows; pass period=(start, end)")
    if found.end is not None and found.end < found.start:
        raise InvalidFormat(f"{name}: the period in the title rows ends before it starts")
    return found


_AMOUNT: Final = re.compile(r"\$?(\d{1,12}(?:\.\d{1,6})?|\.\d{1,6})")


def _amount(text: str, name: str, row: int, column: str) -> Decimal | None:
    """A number as CMS writes it (``24.811``, ``$24.811``), or ``None`` for ``N/A``; never
    negative, never with a thousands separator."""
    if text.upper() in ("N/A", "NA", ""):
        return None
    found = _AMOUNT.fullmatch(text)
    if found is None:
        why = "a thousands separator is not read" if "," in text else "expected a number >= 0"
        raise InvalidFormat(f"{name}: row {row}, column '{column}': {why} or N/A")
    return Decimal(found[1])


def _percent(text: str, name: str, row: int) -> Decimal | None:
    """A coinsurance percentage ``20``, ``20.000`` or ``20%``: 0 to 100, kept as a percentage."""
    value = _amount(text.removesuffix("%").strip(), name, row, "Co-insurance Percentage")
    if value is not None and value > 100:
        raise InvalidFormat(
            f"{name}: row {row}, column 'Co-insurance Percentage': a percentage from 0 to 100"
        )
    return value


def _code(text: str, name: str, row: int, column: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[0-9A-Z]{5}", code):
        raise InvalidFormat(f"{name}: row {row}, column '{column}': expected a 5-character code")
    return code


def _data_rows(
    rows: Iterator[tuple[int, list[str]]], columns: Mapping[str, int], name: str
) -> Iterator[tuple[int, list[str]]]:
    """(row number in the file, cells) of each non-empty row under the header, checked to hold
    every column the header named."""
    needed = max(columns.values())
    for number, row in rows:
        if not any(row):
            continue
        if len(row) <= needed:
            raise InvalidFormat(f"{name}: row {number}: fewer columns than the header")
        yield number, row


def _once(seen: dict[Any, int], key: object, number: int, name: str, what: str) -> None:
    """Refuse a key a file already had, naming both rows."""
    first = seen.setdefault(key, number)
    if first != number:
        raise InvalidFormat(f"{name}: rows {first} and {number} both give {what}")


def load_asp(
    path: str | os.PathLike[str] | bytes,
    *,
    period: Period | tuple[object, object] | None = None,
    name: str | None = None,
) -> ASPTable:
    r"""Read a CMS quarterly ASP pricing file (CSV as distributed); ``period`` overrides the title.

    Payment limits are numbers >= 0 (or ``N/A``); coinsurance is a percentage from 0 to 100,
    written ``20``, ``20.000`` or ``20%`` and kept as the percentage (``Decimal('20')``). A code
    given twice, a thousands separator and a reversed period are refused, naming the file.

    >>> data = (b"January 2026 ASP Pricing File\n"
    ...         b"HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n"
    ...         b"J0490,Belimumab,10 MG,24.811\n")
    >>> table = load_asp(data, name="asp.csv")
    >>> table.period.start, table.limits["J0490"].limit
    (datetime.date(2026, 1, 1), Decimal('24.811'))
    """
    with _File(path, name) as file:
        given = _given_period(period, file.name)
        rows = file.rows()
        titles, head, columns = _header(
            file, rows, ("hcpcs code", "payment limit", "hcpcs code dosage"), "an ASP pricing file"
        )
        coinsurance = next(
            (n for n, cell in enumerate(head) if _fold(cell).startswith("co-insurance")), None
        )
        limits: dict[str, PaymentLimit] = {}
        seen: dict[object, int] = {}
        for number, row in _data_rows(rows, columns, file.name):
            code = _code(row[columns["hcpcs code"]], file.name, number, "HCPCS Code")
            _once(seen, code, number, file.name, code)
            limit = _amount(row[columns["payment limit"]], file.name, number, "Payment Limit")
            share = None
            if coinsurance is not None and coinsurance < len(row):
                share = _percent(row[coinsurance], file.name, number)
            limits[code] = PaymentLimit(code, row[columns["hcpcs code dosage"]], limit, share)
        if not limits:
            raise InvalidFormat(f"{file.name}: no rows under the header")
        return ASPTable(_period(given, titles, file.name), file.source(), limits)


def load_crosswalk(
    path: str | os.PathLike[str] | bytes,
    *,
    period: Period | tuple[object, object] | None = None,
    name: str | None = None,
) -> CrosswalkTable:
    r"""Read the ASP NDC-HCPCS crosswalk (code column ``_YYYY_CODE``, NDC column ``NDC2`` or ``NDC``).

    The same code and NDC on two rows is refused, naming both rows.

    >>> data = b"_2026_CODE,NDC2,BILLUNITSPKG\nJ0490,49401-0101-01,12\n"
    >>> load_crosswalk(data, name="x.csv", period=("2026-01-01", "2026-03-31")).ndcs(
    ...     "J0490"
    ... )
    frozenset({'49401010101'})
    """
    with _File(path, name) as file:
        given = _given_period(period, file.name)
        rows = file.rows()
        titles, head, columns = _header(
            file, rows, (r"_\d{4}_code", r"ndc2?"), "an NDC-HCPCS crosswalk"
        )
        units = next((n for n, cell in enumerate(head) if _fold(cell) == "billunitspkg"), None)
        entries = []
        seen: dict[str, int] = {}
        codes: dict[str, str] = {}  # one object per distinct code and unit count: less memory
        counts: dict[str, Decimal | None] = {}
        for number, row in _data_rows(rows, columns, file.name):
            code = _code(row[columns[r"_\d{4}_code"]], file.name, number, "HCPCS code")
            code = codes.setdefault(code, code)
            try:
                ndc11 = _ndc.validate(row[columns[r"ndc2?"]])
            except (TypeError, ValidationError):
                raise InvalidFormat(
                    f"{file.name}: row {number}, column 'NDC': expected an NDC"
                ) from None
            _once(seen, code + ndc11, number, file.name, f"{code} with NDC {ndc11}")
            per_package = None
            if units is not None and units < len(row):
                text = row[units]
                if text not in counts:
                    counts[text] = _amount(text, file.name, number, "BILLUNITSPKG")
                per_package = counts[text]
            entries.append(CrosswalkEntry(code, ndc11, per_package))
        del seen, codes, counts
        if not entries:
            raise InvalidFormat(f"{file.name}: no rows under the header")
        return CrosswalkTable(_period(given, titles, file.name), file.source(), tuple(entries))


_MUE_VALUE: Final = r"(practitioner|outpatient hospital) services mue values?"


def load_mue(
    path: str | os.PathLike[str] | bytes,
    *,
    effective: datetime.date | str | None = None,
    name: str | None = None,
) -> MUETable:
    r"""Read a CMS practitioner or outpatient hospital MUE table; the effective date comes from the
    file name (``..._Eff_01-01-2026.csv``) unless you give it.

    Values are whole numbers (at most 6 digits); the adjudication indicator is 1, 2 or 3 (the
    published cells read like ``3 Date of Service Edit: Clinical``). A code given twice, an empty
    table and an impossible date in the name are refused, naming the file.

    >>> data = (
    ...     b"HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n"
    ...     b"J0490,150,3\n"
    ... )
    >>> table = load_mue(data, name="MUE_PractitionerServices_Eff_01-01-2026.csv")
    >>> (table.effective, table.entries["J0490"].value)
    (datetime.date(2026, 1, 1), 150)
    """
    with _File(path, name) as file:
        rows = file.rows()
        _, head, columns = _header(
            file,
            rows,
            (r"hcpcs/cpt code", _MUE_VALUE, r"mue adjudication indicator"),
            "an MUE table",
        )
        if effective is None:
            day = _effective_in_name(file.name)
        else:
            try:
                day = to_date(effective, "effective")
            except ValidationError as error:
                raise ValidationError(f"{file.name}: {error}") from None
        value_column = head[columns[_MUE_VALUE]]
        setting = (
            "practitioner"
            if _fold(value_column).startswith("practitioner")
            else "outpatient_hospital"
        )
        shown = " ".join(value_column.split())
        rationale = next((n for n, c in enumerate(head) if _fold(c) == "mue rationale"), None)
        entries: dict[str, MUEEntry] = {}
        seen: dict[object, int] = {}
        for number, row in _data_rows(rows, columns, file.name):
            code = _code(row[columns[r"hcpcs/cpt code"]], file.name, number, "HCPCS/CPT Code")
            _once(seen, code, number, file.name, code)
            raw = row[columns[_MUE_VALUE]]
            if not re.fullmatch(r"[0-9]{1,6}", raw):
                raise InvalidFormat(
                    f"{file.name}: row {number}, column '{shown}': expected a whole number of at "
                    "most 6 digits"
                )
            indicator = row[columns[r"mue adjudication indicator"]][:1]
            if indicator not in MUE_INDICATORS:
                raise InvalidFormat(
                    f"{file.name}: row {number}, column 'MUE Adjudication Indicator': expected "
                    f"1, 2 or 3"
                )
            reason = row[rationale] if rationale is not None and rationale < len(row) else ""
            entries[code] = MUEEntry(code, int(raw), indicator, reason)
        if not entries:
            raise InvalidFormat(f"{file.name}: no rows under the header")
        return MUETable(setting, day, file.source(), entries)


def _effective_in_name(name: str) -> datetime.date:
    found = _EFFECTIVE_IN_NAME.search(name)
    if found is None:
        raise InvalidFormat(
            f"{name}: the MUE effective date is only in the file name "
            "(..._Eff_MM-DD-YYYY.csv); pass effective="
        )
    try:
        return datetime.date(int(found[3]), int(found[1]), int(found[2]))
    except ValueError:
        raise InvalidFormat(
            f"{name}: the effective date in the file name ({found[1]}-{found[2]}-{found[3]}) is "
            "not a date MM-DD-YYYY"
        ) from None


# lookups -----------------------------------------------------------------------------------------


def _in_force(tables: Sequence[ASPTable] | Sequence[CrosswalkTable], day: datetime.date) -> object:
    found = None
    for table in tables:  # the later of two issues for a period replaces the earlier
        if table.period.covers(day):
            found = table
    return found


def _overlap(first: Period, second: Period) -> bool:
    return (second.end is None or first.start <= second.end) and (
        first.end is None or second.start <= first.end
    )


def _shown(period: Period) -> str:
    return f"{period.start} to {period.end or 'open'}"


@attrs.frozen
class Reference:
    """The loaded tables, answering by date of service."""

    asp: tuple[ASPTable, ...] = ()
    crosswalk: tuple[CrosswalkTable, ...] = ()
    mue: tuple[MUETable, ...] = ()

    def __attrs_post_init__(self) -> None:
        """Refuse two tables of one kind whose periods partly overlap (which would answer a date by
        load order); a reissue for the same period replaces the earlier one."""
        kinds: tuple[Sequence[ASPTable | CrosswalkTable], ...] = (self.asp, self.crosswalk)
        for tables in kinds:
            for index, first in enumerate(tables):
                for second in tables[index + 1 :]:
                    if first.period != second.period and _overlap(first.period, second.period):
                        raise InvalidFormat(
                            f"{first.source.name} ({_shown(first.period)}) and "
                            f"{second.source.name} ({_shown(second.period)}) cover some of the "
                            "same dates; load one table per period (a reissue has the same period)"
                        )

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
