"""Reading X12 files the payer sends back (835, and later 999 and 277CA): checked before believed.

One reader of segments, shared by every X12 reader of the library:

* :func:`open_source` takes a path (``str`` or ``os.PathLike``), bytes or a binary file, and X12
  text as a ``str`` only through ``text=``; every character must be printable ASCII (line breaks
  between segments aside), so a NUL or a non-ASCII character is refused, never read.
* :class:`Segments` streams the segments with the delimiters the ``ISA`` declares, numbered from
  ``ISA`` (segment 1), and refuses an unknown segment id or an unfinished segment.
* :func:`enveloped` checks the envelope as it goes: ``ISA``/``IEA``, ``GS``/``GE`` and ``ST``/``SE``
  pair up with equal control numbers, and ``SE01``, ``GE01`` and ``IEA01`` count what they close. A
  file that ends before its ``IEA`` is refused. It yields the segments of each transaction set,
  ``ST`` and ``SE`` included, ``SE`` only once its count was checked.

Every refusal is an :class:`~benlysta_coding.errors.InvalidFormat` that names the segment number and
what was expected. A reader that streams may have handed out earlier parts of the file before it meets
the error; the error is still raised, so a caller acts on what it read only once the iteration ended
without one.

More information: ASC X12 005010 envelope (ISA/IEA, GS/GE, ST/SE); the character sets of X12.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final, cast

from benlysta_coding._util import EXACT, article
from benlysta_coding.errors import InvalidFormat

_BAD_CHARACTER: Final = re.compile(r"[^\x20-\x7e\r\n]")
_SEGMENT_ID: Final = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_NUMBER: Final = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_WHOLE: Final = re.compile(r"\d+")
MAX_SEGMENT: Final = 1_000_000
"""Characters a segment may hold before the file is refused (an X12 segment is far shorter)."""
CHUNK: Final = 65536


def open_source(source: object, text: str | None, what: str) -> IO[str]:
    """A text stream of the X12 ``source`` (or of ``text``), decoded as ASCII; give it back with
    :func:`release`."""
    if text is not None:
        if source is not None:
            raise TypeError(f"{what}: give a source or text=, not both")
        if not isinstance(text, str):
            raise TypeError(f"{what}: text= takes the X12 as a str")
        return io.StringIO(text)
    if isinstance(source, bytes):
        return io.TextIOWrapper(io.BytesIO(source), encoding="ascii", newline="")
    if isinstance(source, str):
        if source.startswith("ISA") or "~" in source or "\n" in source:
            raise TypeError(
                f"{what}: a str is a file path; pass X12 text as text=... (or as bytes)"
            )
        return _open_path(source, what)
    if isinstance(source, os.PathLike):
        return _open_path(source, what)
    if hasattr(source, "read"):
        probe = source.read(0)
        if isinstance(probe, str):  # an open text file: read as it is
            return source  # type: ignore[return-value]
        return io.TextIOWrapper(cast("IO[bytes]", source), encoding="ascii", newline="")
    raise TypeError(f"{what}: expected a path, bytes or a binary file (or text= for a str)")


def _open_path(path: str | os.PathLike[str], what: str) -> IO[str]:
    try:
        return Path(path).open(encoding="ascii", newline="")
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise InvalidFormat(
            f"{what}: cannot read the file {Path(path).name[:60]!r} ({type(error).__name__})"
        ) from None


def release(stream: IO[str], source: object) -> None:
    """Close what :func:`open_source` opened; leave a caller's file open."""
    if stream is source:
        return
    if isinstance(stream, io.TextIOWrapper) and stream.buffer is source:
        stream.detach()  # the caller's binary file stays open
        return
    stream.close()


class Segments:
    """The segments of an X12 file, streamed as (number from ISA, elements)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        head = self._read(106)
        if len(head) < 106 or not head.startswith("ISA"):
            raise InvalidFormat("segment 1: an X12 file starts with a 106-character ISA segment")
        self.element, self.component, self.terminator = head[3], head[104], head[105]
        delimiters = (self.element, self.component, self.terminator)
        if len(set(delimiters)) < 3 or any(d.isalnum() or d == " " for d in delimiters):
            raise InvalidFormat(
                "segment 1: the ISA delimiters must differ and be neither letters, digits nor spaces"
            )
        if self.terminator in head[:105] or self.component in head[:104]:
            raise InvalidFormat(
                "segment 1: a delimiter of the ISA (its 105th or 106th character) stands inside it"
            )
        if len(head[:105].split(self.element)) != 17:
            raise InvalidFormat("segment 1: ISA has 16 elements of fixed length")
        self.pending = head
        self.number = 0

    def _read(self, size: int) -> str:
        try:
            chunk = self.stream.read(size)
        except OSError as error:
            raise InvalidFormat(
                f"near segment {getattr(self, 'number', 0) + 1}: cannot read the file "
                f"({type(error).__name__})"
            ) from None
        except UnicodeDecodeError:
            raise InvalidFormat(
                f"segment {getattr(self, 'number', 0) + 1}: an X12 file is ASCII text"
            ) from None
        bad = _BAD_CHARACTER.search(chunk)
        if bad is not None:
            raise InvalidFormat(
                f"near segment {getattr(self, 'number', 0) + 1}: a character X12 does not "
                f"allow (code {ord(bad.group()):#x}); an X12 file is printable ASCII"
            )
        return chunk

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        pending = self.pending
        while True:
            pieces = pending.split(self.terminator)
            pending = pieces.pop()  # the text after the last terminator: an unfinished segment
            for piece in pieces:
                body = piece.strip("\r\n")
                if not body.strip():
                    continue
                self.number += 1
                elements = body.split(self.element)
                if not _SEGMENT_ID.fullmatch(elements[0]):
                    raise InvalidFormat(
                        f"segment {self.number}: '{elements[0][:3]}' is not a segment id "
                        "(is a delimiter inside a value?)"
                    )
                yield self.number, elements
            chunk = self._read(CHUNK)
            if not chunk:
                if pending.strip():
                    raise InvalidFormat(
                        f"segment {self.number + 1}: the file ends inside a segment"
                    )
                return
            if len(pending) > MAX_SEGMENT:
                raise InvalidFormat(
                    f"segment {self.number + 1}: longer than {MAX_SEGMENT} characters"
                )
            pending += chunk


def enveloped(
    segments: Segments, functional_id: str, transaction: str, version: str
) -> Iterator[tuple[int, list[str]]]:
    """The segments of each transaction set (``ST`` to ``SE``), the envelope checked around them."""
    isa: list[str] | None = None
    gs: tuple[int, list[str]] | None = None
    st: tuple[int, list[str]] | None = None
    groups = sets = 0
    ended = False
    for number, elements in segments:
        tag = elements[0]
        if ended:
            raise InvalidFormat(f"segment {number}: {tag} after IEA; the interchange has ended")
        if isa is None:
            isa = elements
            _check_isa(elements)
            continue
        if st is not None:
            if tag == "SE":
                count = whole(elements, 1, number, "SE01 segment count")
                if count != number - st[0] + 1:
                    raise InvalidFormat(
                        f"segment {number}: SE01 counts {count} segments; the transaction set "
                        f"has {number - st[0] + 1}"
                    )
                if element(elements, 2) != element(st[1], 2):
                    raise InvalidFormat(
                        f"segment {number}: SE02 '{element(elements, 2)}' is not the ST02 "
                        f"control number '{element(st[1], 2)}'"
                    )
                st = None
                sets += 1
                yield number, elements
                continue
            if tag in ("ST", "GS", "GE", "ISA", "IEA"):
                raise InvalidFormat(f"segment {number}: {tag} inside a transaction set (no SE)")
            yield number, elements
            continue
        if tag == "GS":
            if gs is not None:
                raise InvalidFormat(f"segment {number}: GS inside a functional group (no GE)")
            if element(elements, 1) != functional_id:
                raise InvalidFormat(
                    f"segment {number}: expected a functional group GS*{functional_id}"
                )
            if not element(elements, 8).startswith(version):
                raise InvalidFormat(f"segment {number}: GS08 is not the version {version}")
            if not element(elements, 6):
                raise InvalidFormat(f"segment {number}: GS06 control number is empty")
            gs, sets = (number, elements), 0
        elif tag == "ST":
            if gs is None:
                raise InvalidFormat(f"segment {number}: ST outside a functional group (no GS)")
            if element(elements, 1) != transaction:
                raise InvalidFormat(
                    f"segment {number}: expected {article(transaction)} transaction set (ST*{transaction})"
                )
            if not element(elements, 2):
                raise InvalidFormat(f"segment {number}: ST02 control number is empty")
            st = (number, elements)
            yield number, elements
        elif tag == "GE":
            if gs is None:
                raise InvalidFormat(f"segment {number}: GE without GS")
            if whole(elements, 1, number, "GE01 transaction set count") != sets:
                raise InvalidFormat(
                    f"segment {number}: GE01 counts {element(elements, 1)} transaction sets; the "
                    f"group has {sets}"
                )
            if element(elements, 2) != element(gs[1], 6):
                raise InvalidFormat(
                    f"segment {number}: GE02 is not the GS06 control number '{element(gs[1], 6)}'"
                )
            gs = None
            groups += 1
        elif tag == "IEA":
            if gs is not None:
                raise InvalidFormat(f"segment {number}: IEA inside a functional group (no GE)")
            if whole(elements, 1, number, "IEA01 group count") != groups:
                raise InvalidFormat(
                    f"segment {number}: IEA01 counts {element(elements, 1)} functional groups; "
                    f"the interchange has {groups}"
                )
            if element(elements, 2) != isa[13].strip():
                raise InvalidFormat(
                    f"segment {number}: IEA02 is not the ISA13 control number '{isa[13].strip()}'"
                )
            if groups == 0:
                raise InvalidFormat(f"segment {number}: the interchange holds no functional group")
            ended = True
        else:
            where = "a functional group" if gs is not None else "the interchange"
            raise InvalidFormat(f"segment {number}: {tag} outside a transaction set, in {where}")
    if isa is None:
        raise InvalidFormat("segment 1: the file is empty")
    if not ended:
        missing = "SE" if st is not None else "GE" if gs is not None else "IEA"
        raise InvalidFormat(
            f"segment {segments.number + 1}: the file ends before its {missing}: it is cut short, "
            "and nothing in it can be trusted"
        )


def _check_isa(elements: Sequence[str]) -> None:
    if len(elements) != 17:
        raise InvalidFormat("segment 1: ISA has 16 elements")
    if not re.fullmatch(r"\d{9}", elements[13]):
        raise InvalidFormat("segment 1: ISA13 control number is 9 digits")
    if elements[12] != "00501":
        raise InvalidFormat("segment 1: ISA12 is not the version 00501")


def element(elements: Sequence[str], index: int) -> str:
    """The element at ``index`` (``""`` when absent)."""
    return elements[index] if index < len(elements) else ""


def limit(elements: Sequence[str], number: int, most: int, least: int = 1) -> None:
    """Refuse a segment with more than ``most`` elements or fewer than ``least``."""
    count = len(elements) - 1
    if count > most:
        raise InvalidFormat(
            f"segment {number}: {elements[0]} has {count} elements; it takes at most {most}"
        )
    if count < least or not all(elements[i] for i in range(1, least + 1)):
        raise InvalidFormat(f"segment {number}: {elements[0]} needs its first {least} element(s)")


def amount(elements: Sequence[str], index: int, number: int, what: str) -> Decimal:
    """A required X12 decimal number (``R``): digits, one optional point and a leading minus."""
    text = elements[index] if index < len(elements) else ""
    if 0 < len(text) <= 20 and text.isascii() and text.replace(".", "", 1).isdigit():
        return Decimal(text)  # the common case, checked without the pattern: 1050, 862.5
    if len(text) > 20 or not _NUMBER.fullmatch(text):  # X12 R: up to 18 digits, sign and point
        shown = "empty" if not text else "not a number"
        raise InvalidFormat(f"segment {number}: {what} is {shown} (expected an amount like 862.5)")
    return Decimal(text)


def optional_amount(elements: Sequence[str], index: int, number: int, what: str) -> Decimal | None:
    """An X12 decimal number that may be absent (``None``)."""
    if not element(elements, index):
        return None
    return amount(elements, index, number, what)


def whole(elements: Sequence[str], index: int, number: int, what: str) -> int:
    """A required whole number of at most 9 digits."""
    text = element(elements, index)
    if not _WHOLE.fullmatch(text) or len(text) > 9:
        raise InvalidFormat(f"segment {number}: {what} is not a whole number")
    return int(text)


def date(elements: Sequence[str], index: int, number: int, what: str) -> datetime.date:
    """A required date written CCYYMMDD."""
    text = elements[index] if index < len(elements) else ""
    try:
        if len(text) != 8 or not text.isdigit():  # the characters are ASCII already
            raise ValueError
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InvalidFormat(f"segment {number}: {what} is not a date CCYYMMDD") from None


def code(
    elements: Sequence[str], index: int, number: int, what: str, accepted: Callable[[str], bool]
) -> str:
    """A required code that ``accepted`` allows."""
    text = element(elements, index)
    if not accepted(text):
        raise InvalidFormat(f"segment {number}: {what} '{text[:20]}' is not a code it takes")
    return text


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``values``, whatever the caller's decimal context (a reader's generator runs
    in the caller's context between its yields, so it adds with the library's own)."""
    found = Decimal(0)
    for value in values:
        found = EXACT.add(found, value)
    return found


class CheckedFile:
    """The base of the library's X12 readers: it holds the source (a path, bytes or a binary file,
    or X12 text through ``text=``) and streams what :meth:`parse` makes of its enveloped segments,
    closing what it opened."""

    WHAT: str = "read"
    """The reader's name in messages."""
    ENVELOPE: tuple[str, str, str] = ("", "", "")
    """The functional group id, the transaction set id and the version the file must have."""

    def __init__(
        self,
        source: str | bytes | os.PathLike[str] | IO[bytes] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self._source, self._text = source, text

    def _items(self) -> Iterator[Any]:
        stream = open_source(self._source, self._text, self.WHAT)
        try:
            segments = Segments(stream)
            checked = enveloped(segments, *self.ENVELOPE)
            yield from self.parse(checked, segments.component)
        finally:
            release(stream, self._source)

    def parse(self, segments: Iterator[tuple[int, list[str]]], component: str) -> Iterator[Any]:
        """What the reader makes of the segments of each transaction set (``ST`` to ``SE``)."""
        raise NotImplementedError
