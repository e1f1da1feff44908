"""The payer's acknowledgments of an 837: the 999 (syntax) and the 277CA (claims accepted or not).

Every 837 file gets a 999 that says whether its syntax was accepted; each claim in it then gets a
277CA that says whether it was accepted into adjudication or rejected, and why. A claim rejected at
the 277CA never reaches an 835, while the timely-filing clock keeps running.

* :func:`read_999` (005010X231A1) yields one :class:`TransactionResponse` per transaction set it
  answers (``AK2`` to ``IK5``): accepted, accepted with errors, or rejected, with each error's
  location (``IK3``: segment id, position in the set, loop; ``IK4``: element position, bad value;
  ``CTX``: context) explained in the library's own words with a next step. The group's answer
  (``AK1``/``AK9``) is in :attr:`Reader999.groups` once the file was read.
* :func:`read_277ca` (005010X214) yields one :class:`ClaimStatus` per status the payer gives: for
  the receiver (a whole batch), the billing provider, and each claim (``TRN02`` of loop 2200D is
  the claim id sent in ``CLM01``; ``REF*1K`` the payer's claim number), with its lines (``REF*FJ``
  is the line item control number sent in ``REF*6R``). Each ``STC`` status comes with its
  category (A0 to A8), status and entity codes explained and a next step.
* :func:`match` points each 999 error to the claim, line and 837 element that caused it, and each
  277CA status to its claim and line, and names the claims that no 277CA mentions.
* :func:`records` gives flat rows that ``pandas.DataFrame`` takes as they are.

Both readers take a path (``str`` or ``os.PathLike``), bytes or a binary file (X12 text held in a
``str`` goes through ``text=``) and check the file as the 835 reader does: envelope and counts,
the order of segments, the elements they read. Malformed input raises
:class:`~benlysta_coding.errors.InvalidFormat` naming the segment (counted from ``ISA``). They
stream: earlier transaction sets or claims may have been handed out before the error is met; the
error is still raised, so act on what was read only once the iteration ended without one.

More information: ASC X12 005010X231A1 (999 Implementation Acknowledgment); ASC X12 005010X214
(277CA Health Care Claim Acknowledgment); the X12 code lists "Claim Status Category Codes",
"Claim Status Codes" and "Entity Identifier Codes" (x12.org); the codes bundled here are explained
in the library's own words.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from benlysta_coding import _x12read
from benlysta_coding.claim import Claim
from benlysta_coding.errors import InvalidFormat

__all__ = [
    "CATEGORIES",
    "ELEMENT_ERRORS",
    "ENTITIES",
    "SEGMENT_ERRORS",
    "STATUSES",
    "TRANSACTION_ERRORS",
    "ClaimStatus",
    "ElementError",
    "GroupResponse",
    "LineStatus",
    "Match",
    "Meaning",
    "Reader277",
    "Reader999",
    "SegmentError",
    "Status",
    "TransactionResponse",
    "match",
    "read_277ca",
    "read_999",
    "records",
]


@attrs.frozen
class Meaning:
    """What a code means, in the library's own words, and the usual next step."""

    code: str
    meaning: str
    next_step: str
    known: bool = True


def _table(*rows: tuple[str, str, str]) -> Mapping[str, Meaning]:
    return {code: Meaning(code, meaning, step) for code, meaning, step in rows}


def _explain(table: Mapping[str, Meaning], code: str, what: str) -> Meaning:
    found = table.get(code)
    if found is not None:
        return found
    return Meaning(code, "not in the bundled list", f"look the code up in the X12 {what}", False)


_FIX_AND_RESEND: Final = "fix the 837 where the error points and send the file again"

SEGMENT_ERRORS: Final = _table(
    ("1", "a segment id the receiver does not recognise", _FIX_AND_RESEND),
    ("2", "a segment where the guide does not expect it", _FIX_AND_RESEND),
    ("3", "a required segment is missing", "add the segment and send the file again"),
    ("4", "a loop repeats more often than the guide allows", _FIX_AND_RESEND),
    ("5", "a segment repeats more often than the guide allows", _FIX_AND_RESEND),
    ("6", "a segment that is not in this transaction set", _FIX_AND_RESEND),
    ("7", "a segment out of its order", _FIX_AND_RESEND),
    ("8", "the segment has errors in its elements (see the element errors)", _FIX_AND_RESEND),
    ("I4", "a segment the implementation guide marks 'not used'", _FIX_AND_RESEND),
    ("I6", "a segment the guide requires in this situation is missing", _FIX_AND_RESEND),
    ("I7", "a loop occurs fewer times than the guide requires", _FIX_AND_RESEND),
    ("I8", "a segment occurs fewer times than the guide requires", _FIX_AND_RESEND),
    ("I9", "a segment the guide marks 'not used' in this situation", _FIX_AND_RESEND),
)
"""999 ``IK3-04`` segment error codes."""

ELEMENT_ERRORS: Final = _table(
    ("1", "a required element is missing", "fill the element and send the file again"),
    ("2", "an element required by another element is missing", _FIX_AND_RESEND),
    ("3", "too many elements in the segment", _FIX_AND_RESEND),
    ("4", "the value is too short", _FIX_AND_RESEND),
    ("5", "the value is too long", _FIX_AND_RESEND),
    ("6", "the value holds a character the receiver does not accept", _FIX_AND_RESEND),
    ("7", "a code value the element does not take", "use a valid code and send the file again"),
    ("8", "not a valid date", "fix the date and send the file again"),
    ("9", "not a valid time", _FIX_AND_RESEND),
    ("10", "an element given together with one it excludes", _FIX_AND_RESEND),
    ("12", "the element repeats too often", _FIX_AND_RESEND),
    ("13", "too many components in the element", _FIX_AND_RESEND),
    ("I6", "a code value the implementation guide does not use", _FIX_AND_RESEND),
    ("I9", "an element the guide requires in this situation is missing", _FIX_AND_RESEND),
    ("I10", "an element the implementation guide marks 'not used'", _FIX_AND_RESEND),
    ("I11", "the element repeats fewer times than the guide requires", _FIX_AND_RESEND),
    ("I12", "the value does not match the pattern the guide requires", _FIX_AND_RESEND),
    ("I13", "an element the guide marks 'not used' in this situation", _FIX_AND_RESEND),
)
"""999 ``IK4-03`` element error codes."""

TRANSACTION_ERRORS: Final = _table(
    ("1", "the receiver does not support this transaction set", "ask the payer which it takes"),
    ("2", "the transaction set trailer (SE) is missing", "send the whole file again"),
    ("3", "the ST and SE control numbers differ", "send the file again as the library wrote it"),
    ("4", "SE counts another number of segments than the set holds", "send the file again"),
    ("5", "one or more segments are in error", "fix the segments the errors name"),
    ("6", "the transaction set id is missing or invalid", "send the file again"),
    ("7", "the transaction set control number is missing or invalid", "send the file again"),
    ("23", "the control number repeats within the group", "use a new control number"),
    ("I5", "one or more segments are in error (implementation guide)", "fix what the errors name"),
    ("I6", "the implementation guide named in ST03 is not supported", "ask the payer which"),
)
"""999 ``IK5-02`` and after: transaction set syntax error codes."""

_RESPONSES: Final = {
    "A": "accepted",
    "E": "accepted with errors",
    "P": "partially accepted",
    "R": "rejected",
    "M": "rejected: message authentication failed",
    "W": "rejected: assurance failed",
    "X": "rejected: content after decryption could not be analysed",
}

CATEGORIES: Final = _table(
    ("A0", "forwarded to another entity", "follow the claim with the entity it went to"),
    ("A1", "received, not yet accepted into adjudication", "wait for the next status"),
    ("A2", "accepted into adjudication", "no action: wait for the 835"),
    ("A3", "returned as unprocessable", "fix what the status names and send a new claim"),
    ("A4", "not found", "check the claim id and the payer; send the claim if it never arrived"),
    ("A5", "split by the payer", "follow each part; no action for the split itself"),
    ("A6", "rejected for missing information", "add what the status names and send a new claim"),
    ("A7", "rejected for invalid information", "fix what the status names and send a new claim"),
    ("A8", "rejected for a field that disagrees with another", "fix the pair of fields named"),
)
"""277CA ``STC01-1`` claim status category codes (A0 to A8)."""

REJECTED_CATEGORIES: Final = frozenset({"A3", "A4", "A6", "A7", "A8"})
"""Categories that mean the claim was not accepted into adjudication."""

STATUSES: Final = _table(
    ("0", "no further status can be given electronically", "call the payer"),
    ("1", "see the remittance for details", "read the 835"),
    ("19", "the entity acknowledges receipt of the claim", "no action"),
    ("20", "accepted for processing", "no action"),
    ("21", "missing or invalid information", "see the entity and the other codes"),
    ("116", "the claim was sent to the wrong payer", "send it to the patient's payer"),
    ("164", "the entity's contract or member number", "check the member id on the card"),
    ("187", "the date(s) of service", "check the dates of service"),
    ("254", "the principal diagnosis code", "check the first diagnosis (an M32 code)"),
    ("255", "a diagnosis code", "check the diagnosis codes"),
    ("400", "the claim is out of balance", "make the line charges add up to the total"),
    ("453", "the procedure code modifiers", "check JW / JZ and the other modifiers"),
    ("454", "the procedure code", "check the HCPCS / CPT code of the line"),
    ("562", "the entity's National Provider Identifier (NPI)", "check the NPI"),
    ("732", "information inconsistent with the billing guidelines", "check the payer's rules"),
)
"""277CA ``STC01-2`` claim status codes that matter for a drug claim (others are looked up)."""

ENTITIES: Final = {
    "40": "the receiver",
    "41": "the submitter",
    "71": "the attending physician",
    "77": "the service location",
    "82": "the rendering provider",
    "85": "the billing provider",
    "87": "the pay-to provider",
    "DN": "the referring provider",
    "IL": "the subscriber",
    "PR": "the payer",
    "QC": "the patient",
}
"""277CA ``STC01-3`` entity identifier codes (who the status is about)."""


# the 999 ---------------------------------------------------------------------------------------


@attrs.frozen
class ElementError:
    """One ``IK4``: an element of the segment in error."""

    position: int
    """``IK4-01-1``: the element's position in the segment."""
    component: int | None
    reference: str
    """``IK4-02``: the X12 data element reference number."""
    code: str
    bad_value: str
    meaning: str
    next_step: str
    context: tuple[str, ...] = ()


@attrs.frozen
class SegmentError:
    """One ``IK3``: a segment of the answered transaction set in error."""

    segment_id: str
    position: int
    """``IK3-02``: the segment's position in the transaction set (``ST`` is 1)."""
    loop: str
    code: str
    meaning: str
    next_step: str
    context: tuple[str, ...] = ()
    """``CTX`` segments as written, such as ``CLM01:BEN-2025-0001``."""
    elements: tuple[ElementError, ...] = ()
    segment: int = 0
    """The ``IK3``'s segment number in the 999, counted from ``ISA``."""

    @property
    def claim_id(self) -> str:
        """The claim id a ``CTX*CLM01`` context gives, else ``""``."""
        for context in self.context:
            name, _, value = context.partition(":")
            if name == "CLM01":
                return value
        return ""


@attrs.frozen
class TransactionResponse:
    """The 999's answer to one transaction set (``AK2`` to ``IK5``)."""

    transaction_set: str
    control_number: str
    """``AK2-02``: the ``ST02`` of the answered transaction set."""
    implementation: str
    status: str
    """``IK5-01``: ``A`` accepted, ``E`` accepted with errors, ``R`` (and ``M``, ``W``, ``X``)
    rejected."""
    codes: tuple[Meaning, ...]
    errors: tuple[SegmentError, ...]
    group_control_number: str = ""
    segment: int = 0

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")

    @property
    def rejected(self) -> bool:
        return not self.accepted

    @property
    def status_text(self) -> str:
        return _RESPONSES.get(self.status, f"status {self.status}")


@attrs.frozen
class GroupResponse:
    """The 999's answer to one functional group (``AK1`` and ``AK9``)."""

    functional_id: str
    group_control_number: str
    version: str
    status: str
    """``AK9-01``: ``A``, ``E``, ``P`` (partly) or ``R``."""
    included: int
    received: int
    accepted_count: int
    codes: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")

    @property
    def rejected(self) -> bool:
        return not self.accepted

    @property
    def status_text(self) -> str:
        return _RESPONSES.get(self.status, f"status {self.status}")


_GROUP_STATUSES: Final = frozenset({"A", "E", "P", "R"})


def read_999(
    source: str | bytes | os.PathLike[str] | IO[bytes] | None = None, *, text: str | None = None
) -> Iterator[TransactionResponse]:
    """Yield the 999's answer to each transaction set, streaming (see :class:`Reader999`).

    >>> list(read_999(text=""))
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidFormat: segment 1: an X12 file starts with a 106-character ISA segment
    """
    return iter(Reader999(source, text=text))


class Reader999(_x12read.CheckedFile):
    """A 999 read transaction response by transaction response, checked as it is read: envelope,
    counts, the order of ``AK1``, ``AK2``, ``IK3``, ``CTX``, ``IK4``, ``IK5`` and ``AK9``, and the
    codes it reads. :attr:`groups` holds each ``AK1``/``AK9`` answer once the file was read."""

    WHAT = "read_999"
    ENVELOPE = ("FA", "999", "005010X231")

    def __init__(
        self,
        source: str | bytes | os.PathLike[str] | IO[bytes] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        super().__init__(source, text=text)
        self.groups: list[GroupResponse] = []

    def __iter__(self) -> Iterator[TransactionResponse]:
        return self._items()

    def parse(
        self, segments: Iterator[tuple[int, list[str]]], component: str
    ) -> Iterator[TransactionResponse]:
        state = ""
        group: dict[str, Any] = {}
        response: dict[str, Any] | None = None
        error: dict[str, Any] | None = None
        element: dict[str, Any] | None = None
        answered = 0
        for number, elements in segments:
            tag = elements[0]
            value = _x12read.element
            if tag == "ST":
                state, group, answered = "ST", {}, 0
            elif tag == "AK1" and state == "ST":
                _need(elements, number, 1, 2)
                group = {"id": elements[1], "control": elements[2], "version": value(elements, 3)}
                state = "AK1"
            elif tag == "AK2" and state in ("AK1", "IK5"):
                _need(elements, number, 1, 2)
                response = {
                    "set": elements[1],
                    "control": elements[2],
                    "implementation": value(elements, 3),
                    "errors": [],
                    "segment": number,
                }
                error = element = None
                state = "AK2"
            elif tag == "IK3" and state in ("AK2", "IK3", "CTX3", "IK4", "CTX4"):
                assert response is not None
                _need(elements, number, 1, 2, 4)
                code = elements[4]
                why = _explain(SEGMENT_ERRORS, code, "999 segment error codes")
                error = {
                    "segment_id": elements[1],
                    "position": _x12read.whole(elements, 2, number, "IK3-02 position"),
                    "loop": value(elements, 3),
                    "code": code,
                    "why": why,
                    "context": [],
                    "elements": [],
                    "segment": number,
                }
                response["errors"].append(error)
                element, state = None, "IK3"
            elif tag == "CTX" and state in ("IK3", "CTX3", "IK4", "CTX4"):
                _need(elements, number, 1)
                text = "*".join(elements[1:])
                if state in ("IK3", "CTX3"):
                    assert error is not None
                    error["context"].append(text)
                    state = "CTX3"
                else:
                    assert element is not None
                    element["context"].append(text)
                    state = "CTX4"
            elif tag == "IK4" and state in ("IK3", "CTX3", "IK4", "CTX4"):
                assert error is not None
                _need(elements, number, 1, 3)
                where = elements[1].split(component)
                if not where[0].isdigit():
                    raise InvalidFormat(f"segment {number}: IK4-01 is an element position")
                code = elements[3]
                why = _explain(ELEMENT_ERRORS, code, "999 element error codes")
                element = {
                    "position": int(where[0]),
                    "component": int(where[1]) if len(where) > 1 and where[1].isdigit() else None,
                    "reference": value(elements, 2),
                    "code": code,
                    "bad": value(elements, 4),
                    "why": why,
                    "context": [],
                }
                error["elements"].append(element)
                state = "IK4"
            elif tag == "IK5" and state in ("AK2", "IK3", "CTX3", "IK4", "CTX4"):
                assert response is not None
                _need(elements, number, 1)
                status = _x12read.code(elements, 1, number, "IK5-01", _RESPONSES.__contains__)
                if status == "P":
                    raise InvalidFormat(f"segment {number}: IK5-01 is not P (that is AK9 only)")
                if status in ("A",) and response["errors"]:
                    raise InvalidFormat(
                        f"segment {number}: IK5-01 says accepted, but the response lists errors"
                    )
                answered += 1
                state = "IK5"
                yield _transaction(response, elements, group.get("control", ""))
                response = None
            elif tag == "AK9" and state in ("AK1", "IK5"):
                _need(elements, number, 1, 2, 3, 4)
                status = _x12read.code(elements, 1, number, "AK9-01", _GROUP_STATUSES.__contains__)
                counts = [_x12read.whole(elements, i, number, f"AK9-0{i}") for i in (2, 3, 4)]
                if counts[1] != answered and answered:
                    raise InvalidFormat(
                        f"segment {number}: AK9-03 counts {counts[1]} transaction sets received; "
                        f"the 999 answers {answered}"
                    )
                included, received, accepted = counts
                self.groups.append(
                    GroupResponse(
                        functional_id=group["id"],
                        group_control_number=group["control"],
                        version=group["version"],
                        status=status,
                        included=included,
                        received=received,
                        accepted_count=accepted,
                        codes=tuple(c for c in elements[5:] if c),
                    )
                )
                state = "AK9"
            elif tag == "SE" and state == "AK9":
                state = ""
            else:
                raise InvalidFormat(
                    f"segment {number}: {tag} is not allowed here (after "
                    f"{state or 'the envelope'}); a 999 runs AK1, AK2 (IK3, CTX, IK4), IK5, AK9"
                )


def _need(elements: Sequence[str], number: int, *indexes: int) -> None:
    """Refuse a segment without the elements at ``indexes``."""
    for index in indexes:
        if not _x12read.element(elements, index):
            raise InvalidFormat(f"segment {number}: {elements[0]}{index:02d} is required")


def _transaction(
    response: dict[str, Any], ik5: Sequence[str], group_control: str
) -> TransactionResponse:
    return TransactionResponse(
        transaction_set=response["set"],
        control_number=response["control"],
        implementation=response["implementation"],
        status=ik5[1],
        codes=tuple(
            _explain(TRANSACTION_ERRORS, code, "999 transaction set error codes")
            for code in ik5[2:]
            if code
        ),
        errors=tuple(
            SegmentError(
                segment_id=error["segment_id"],
                position=error["position"],
                loop=error["loop"],
                code=error["code"],
                meaning=error["why"].meaning,
                next_step=error["why"].next_step,
                context=tuple(error["context"]),
                elements=tuple(
                    ElementError(
                        position=element["position"],
                        component=element["component"],
                        reference=element["reference"],
                        code=element["code"],
                        bad_value=element["bad"],
                        meaning=element["why"].meaning,
                        next_step=element["why"].next_step,
                        context=tuple(element["context"]),
                    )
                    for element in error["elements"]
                ),
                segment=error["segment"],
            )
            for error in response["errors"]
        ),
        group_control_number=group_control,
        segment=response["segment"],
    )


# the 277CA -------------------------------------------------------------------------------------


@attrs.frozen
class Status:
    """One ``STC`` status: category, status and entity codes, explained."""

    category: str
    status: str
    entity: str
    meaning: str
    next_step: str
    date: datetime.date | None = None
    action: str = ""
    """``STC03``: ``WQ`` accepted, ``U`` rejected (where the payer gives it)."""
    amount: Decimal | None = None

    @property
    def rejected(self) -> bool:
        return self.category in REJECTED_CATEGORIES


@attrs.frozen
class LineStatus:
    """The status of one service line (loop 2220D)."""

    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    units: Decimal | None
    control_number: str
    """``REF*FJ``: the line item control number sent in ``REF*6R``."""
    statuses: tuple[Status, ...]
    segment: int = 0


@attrs.frozen
class ClaimStatus:
    """A 277CA status: of the whole batch (``receiver``), of a billing provider (``provider``) or
    of one claim (``claim``, with its lines)."""

    level: str
    statuses: tuple[Status, ...]
    claim_id: str = ""
    """``TRN02`` of loop 2200D: the patient control number sent in ``CLM01``."""
    payer_claim_number: str = ""
    """``REF*1K``: the payer's claim control number."""
    lines: tuple[LineStatus, ...] = ()
    segment: int = 0

    @property
    def rejected(self) -> bool:
        """The claim (or batch) was not accepted: a rejected status here or on a line."""
        return any(s.rejected for s in self.statuses) or any(
            s.rejected for line in self.lines for s in line.statuses
        )


_LEVELS: Final = {"20": "source", "21": "receiver", "19": "provider", "PT": "claim"}
_PARENT: Final = {"20": None, "21": "20", "19": "21", "PT": "19"}
_ORDER_277: Final[Mapping[str, tuple[str, ...]]] = {
    "20": ("HL", "NM1", "TRN", "DTP"),
    "21": ("HL", "NM1", "TRN", "STC", "QTY", "AMT"),
    "19": ("HL", "NM1", "TRN", "STC", "REF", "QTY", "AMT"),
    "PT": ("HL", "NM1", "TRN", "STC", "REF", "DTP"),
    "line": ("SVC", "STC", "REF", "DTP"),
}


def read_277ca(
    source: str | bytes | os.PathLike[str] | IO[bytes] | None = None, *, text: str | None = None
) -> Iterator[ClaimStatus]:
    """Yield each receiver, provider and claim status of a 277CA, streaming (see
    :class:`Reader277`).

    >>> list(read_277ca(text=""))
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidFormat: segment 1: an X12 file starts with a 106-character ISA segment
    """
    return iter(Reader277(source, text=text))


class Reader277(_x12read.CheckedFile):
    """A 277CA read status by status, checked as it is read: envelope, counts, ``BHT`` first, the
    ``HL`` hierarchy (source 20, receiver 21, provider 19, patient PT, each under the one before),
    the order of segments in each level, and the ``STC`` codes and amounts it reads. A claim is
    handed out when its loop has ended."""

    WHAT = "read_277ca"
    ENVELOPE = ("HN", "277", "005010X214")

    def __iter__(self) -> Iterator[ClaimStatus]:
        return self._items()

    def parse(
        self, segments: Iterator[tuple[int, list[str]]], component: str
    ) -> Iterator[ClaimStatus]:
        levels: dict[str, str] = {}
        current: dict[str, Any] | None = None
        line: dict[str, Any] | None = None
        position = 0
        order: tuple[str, ...] = ()
        for number, elements in segments:
            tag = elements[0]
            if tag == "ST":
                levels, current, line, order = {}, None, None, ("ST", "BHT")
                position = 0
                continue
            if tag == "SE":
                if current is not None and current["code"] != "20":
                    yield _finish_277(current)
                current = None
                continue
            if tag == "HL":
                if not levels and position < 1:
                    raise InvalidFormat(f"segment {number}: a 277CA starts with BHT after ST")
                if (
                    current is not None and current["code"] != "20"
                ):  # the payer's own loop: no status
                    yield _finish_277(current)
                current, line = self._level(number, elements, levels), None
                order, position = _ORDER_277[elements[3]], 0
                continue
            if tag == "SVC" and current is not None and current["code"] == "PT":
                line = _line_277(number, elements, component)
                current["lines"].append(line)
                order, position = _ORDER_277["line"], 0
                continue
            if tag not in order[1:] or order.index(tag, 1) < position:
                raise InvalidFormat(
                    f"segment {number}: {tag} is not allowed here; the 277CA guide allows "
                    f"{', '.join(order[max(position, 1) :]) or 'HL'} (or a new HL loop)"
                )
            position = order.index(tag, 1)
            if tag == "BHT":
                continue
            assert current is not None
            if tag == "STC":
                status = _status(number, elements, component)
                (line if line is not None else current)["statuses"].extend(status)
            elif tag == "TRN" and current["code"] == "PT":
                _x12read.limit(elements, number, 2, 2)
                current["claim_id"] = elements[2]
            elif tag == "REF" and line is not None and _x12read.element(elements, 1) == "FJ":
                line["control"] = _x12read.element(elements, 2)
            elif tag == "REF" and _x12read.element(elements, 1) == "1K":
                current["payer_claim_number"] = _x12read.element(elements, 2)
            elif tag == "AMT":
                _x12read.amount(elements, 2, number, "AMT02")
            elif tag == "QTY":
                _x12read.amount(elements, 2, number, "QTY02")

    @staticmethod
    def _level(number: int, elements: list[str], levels: dict[str, str]) -> dict[str, Any]:
        _x12read.limit(elements, number, 4, 0)
        _need(elements, number, 1, 3)
        identifier, parent, code = elements[1], elements[2], elements[3]
        if code not in _LEVELS:
            raise InvalidFormat(f"segment {number}: HL03 '{code[:3]}' is not 20, 21, 19 or PT")
        if identifier in levels:
            raise InvalidFormat(f"segment {number}: HL01 {identifier} is used twice")
        wanted = _PARENT[code]
        if (wanted is None and parent) or (wanted is not None and levels.get(parent) != wanted):
            raise InvalidFormat(
                f"segment {number}: HL {identifier} ({_LEVELS[code]}) must sit under a level "
                f"{wanted}"
                if wanted
                else f"segment {number}: HL {identifier} has no parent"
            )
        levels[identifier] = code
        return {"code": code, "statuses": [], "lines": [], "segment": number}


def _status(number: int, elements: list[str], component: str) -> list[Status]:
    """The statuses of an ``STC``: ``STC01`` and where given ``STC10`` and ``STC11``."""
    if len(elements) < 2 or not elements[1]:
        raise InvalidFormat(f"segment {number}: STC01 is required")
    day = _x12read.date(elements, 2, number, "STC02") if _x12read.element(elements, 2) else None
    action = _x12read.element(elements, 3)
    amount = _x12read.optional_amount(elements, 4, number, "STC04")
    found = []
    for index in (1, 10, 11):
        text = _x12read.element(elements, index)
        if not text:
            continue
        parts = text.split(component)
        category, status = parts[0], parts[1] if len(parts) > 1 else ""
        entity = parts[2] if len(parts) > 2 else ""
        if category not in CATEGORIES and not (len(category) == 2 and category.isalnum()):
            raise InvalidFormat(f"segment {number}: STC{index:02d}-1 is not a category code")
        found.append(_explained(category, status, entity, day, action, amount))
    return found


def _explained(
    category: str,
    status: str,
    entity: str,
    day: datetime.date | None,
    action: str,
    amount: Decimal | None,
) -> Status:
    kind = _explain(CATEGORIES, category, "claim status category codes")
    detail = _explain(STATUSES, status, "claim status codes") if status else None
    who = ENTITIES.get(entity, f"entity {entity}") if entity else ""
    meaning = kind.meaning
    if detail is not None:
        meaning += f": {detail.meaning}"
    if who:
        meaning += f" ({who})"
    step = kind.next_step
    if detail is not None and category in REJECTED_CATEGORIES and detail.known:
        step = f"{detail.next_step}; {kind.next_step}"
    return Status(category, status, entity, meaning, step, day, action, amount)


def _line_277(number: int, elements: list[str], component: str) -> dict[str, Any]:
    _x12read.limit(elements, number, 7, 2)
    parts = elements[1].split(component)
    if len(parts) < 2 or not parts[1]:
        raise InvalidFormat(f"segment {number}: SVC01 needs a qualifier and a code")
    return {
        "code": parts[1],
        "modifiers": tuple(p for p in parts[2:6] if p),
        "charge": _x12read.amount(elements, 2, number, "SVC02 charge"),
        "units": _x12read.optional_amount(elements, 7, number, "SVC07 units"),
        "control": "",
        "statuses": [],
        "segment": number,
    }


def _finish_277(level: dict[str, Any]) -> ClaimStatus:
    return ClaimStatus(
        level=_LEVELS[level["code"]],
        statuses=tuple(level["statuses"]),
        claim_id=level.get("claim_id", ""),
        payer_claim_number=level.get("payer_claim_number", ""),
        lines=tuple(
            LineStatus(
                code=line["code"],
                modifiers=line["modifiers"],
                charge=line["charge"],
                units=line["units"],
                control_number=line["control"],
                statuses=tuple(line["statuses"]),
                segment=line["segment"],
            )
            for line in level["lines"]
        ),
        segment=level["segment"],
    )


# matching back to the claims ---------------------------------------------------------------------


@attrs.frozen
class Match:
    """One acknowledgment pointed back at what caused it: a 999 error (``error``) or a 277CA
    status (``status``), the claim id, the line number (``None`` for the claim or file), and the
    837 element (``CLM01``, ``SV101`` ...) where a 999 names one. ``missing`` marks a claim of the
    837 that no 277CA mentions: it counts as not accepted."""

    claim_id: str
    line: int | None
    element: str
    what: str
    rejected: bool
    next_step: str = ""
    missing: bool = False


_ELEMENT_NAMES: Final = {
    "CLM01": "the claim id",
    "CLM02": "the total charge",
    "CLM05": "the place of service and frequency",
    "SV101": "the procedure code and modifiers",
    "SV102": "the line charge",
    "SV103": "the unit of measure",
    "SV104": "the units",
    "SV107": "the diagnosis pointers",
    "SV201": "the revenue code",
    "SV202": "the procedure code and modifiers",
    "SV203": "the line charge",
    "SV205": "the units",
    "LIN03": "the NDC",
    "CTP04": "the NDC quantity",
    "CTP05": "the NDC unit",
    "HI01": "the first diagnosis",
    "NM109": "an identifier (member id, NPI or payer id)",
    "DTP03": "a date",
    "REF02": "a reference number",
}


@attrs.frozen
class _Place:
    claim_id: str
    line: int | None


def _places(path: str | os.PathLike[str]) -> dict[str, list[_Place | None]]:
    """For each transaction set of an 837 (by ``ST02``), the claim and line of each segment
    position (index 0 is ``ST``)."""
    found: dict[str, list[_Place | None]] = {}
    current: list[_Place | None] = []
    claim_id, line = "", None
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except (OSError, ValueError) as error:
        raise InvalidFormat(
            f"claims: cannot read the 837 file {Path(path).name[:60]!r} ({type(error).__name__})"
        ) from None
    with handle:
        stream = _x12read.open_source(handle, None, "the 837")
        segments = _x12read.Segments(stream)
        for _, elements in _x12read.enveloped(segments, "HC", "837", "005010X22"):
            tag = elements[0]
            if tag == "ST":
                current, claim_id, line = [], "", None
                found[elements[2]] = current
            elif tag == "CLM":
                claim_id, line = _x12read.element(elements, 1), None
            elif tag == "LX":
                line = int(_x12read.element(elements, 1) or 0)
            elif tag == "HL":
                claim_id, line = "", None
            current.append(_Place(claim_id, line) if claim_id else None)
        _x12read.release(stream, handle)
    return found


def match(
    acks: Iterable[TransactionResponse | ClaimStatus],
    claims: Iterable[Claim] | str | os.PathLike[str],
) -> list[Match]:
    """Point each acknowledgment back at the claim, line and 837 element that caused it.

    ``claims`` is the list of :class:`~benlysta_coding.claim.Claim` sent, or the path of the 837
    file the library wrote. A 999 error is placed by the transaction set (``AK2-02`` is its
    ``ST02``) and the segment position when the file is given, else by a ``CTX*CLM01`` context;
    a 277CA status by the claim id (``TRN02``) and, for a line, ``REF*FJ``. Claims that no 277CA
    mentions are listed last, as not accepted.

    >>> match([], [])
    []
    """
    places: dict[str, list[_Place | None]] = {}
    ids: list[str] = []
    lines: dict[tuple[str, str], int] = {}
    if isinstance(claims, str | os.PathLike):
        places = _places(claims)
        ids = list(
            dict.fromkeys(p.claim_id for set_ in places.values() for p in set_ if p is not None)
        )
    else:
        for claim in claims:
            if not isinstance(claim, Claim):
                raise TypeError("claims: expected Claims or the path of an 837 file")
            ids.append(claim.claim_id)
            for each in claim.lines:
                lines[(claim.claim_id, each.control_number)] = each.number
    found: list[Match] = []
    mentioned: set[str] = set()
    saw_277 = False
    for ack in acks:
        if isinstance(ack, TransactionResponse):
            found.extend(_match_999(ack, places))
        elif isinstance(ack, ClaimStatus):
            saw_277 = True
            found.extend(_match_277(ack, lines))
            mentioned.add(ack.claim_id)
        else:
            raise TypeError("acks: expected what read_999 or read_277ca yields")
    if saw_277:
        found.extend(
            Match(claim_id, None, "", "no 277CA status mentions this claim", True,
                  "ask the payer whether the claim arrived; it is not accepted yet", True)
            for claim_id in ids
            if claim_id not in mentioned
        )  # fmt: skip
    return found


def _match_999(
    response: TransactionResponse, places: Mapping[str, list[_Place | None]]
) -> list[Match]:
    if not response.errors:
        codes = "; ".join(code.meaning for code in response.codes)
        return [
            Match("", None, "", f"transaction set {response.control_number}: "
                  f"{response.status_text}{': ' + codes if codes else ''}",
                  not response.accepted)
        ]  # fmt: skip
    found = []
    in_set = places.get(response.control_number, [])
    for error in response.errors:
        place = in_set[error.position - 1] if 0 < error.position <= len(in_set) else None
        claim_id = place.claim_id if place is not None else error.claim_id
        line = place.line if place is not None else None
        targets = error.elements or (None,)
        for element in targets:
            name = error.segment_id
            if element is not None:
                name = f"{error.segment_id}{element.position:02d}"
                if element.component:
                    name += f"-{element.component}"
            about = _ELEMENT_NAMES.get(name.partition("-")[0], "")
            what = f"{name}{' (' + about + ')' if about else ''}: {error.meaning}"
            step = error.next_step
            if element is not None:
                bad = f" (sent '{element.bad_value}')" if element.bad_value else ""
                what = f"{name}{' (' + about + ')' if about else ''}: {element.meaning}{bad}"
                step = element.next_step
            found.append(Match(claim_id, line, name, what, not response.accepted, step))
    return found


def _match_277(status: ClaimStatus, lines: Mapping[tuple[str, str], int]) -> list[Match]:
    found = []
    for each in status.statuses:
        found.append(
            Match(status.claim_id, None, "", f"{status.level}: {each.category}: {each.meaning}",
                  each.rejected, each.next_step)
        )  # fmt: skip
    for line in status.lines:
        number = lines.get((status.claim_id, line.control_number))
        if number is None and line.control_number.rpartition("-")[2].isdigit():
            number = int(line.control_number.rpartition("-")[2])  # the library's own REF*6R
        for each in line.statuses:
            found.append(
                Match(status.claim_id, number, "", f"line {':'.join((line.code, *line.modifiers))}"
                      f": {each.category}: {each.meaning}", each.rejected, each.next_step)
            )  # fmt: skip
    return found


# tables ----------------------------------------------------------------------------------------


def records(
    items: Iterable[TransactionResponse | ClaimStatus | Match], *, numeric: bool = False
) -> list[dict[str, Any]]:
    """Flat rows of acknowledgments (what the readers or :func:`match` give), one per status or
    error, that ``pandas.DataFrame`` takes as they are: claim, line, status category, status,
    entity, meaning, next step (and for a 999 the segment and element). ``numeric`` is accepted
    for the same call as :func:`benlysta_coding.remit.records`; acknowledgments carry no money.

    >>> records([])
    []
    """
    del numeric  # no amounts in these rows
    rows: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Match):
            rows.append(
                {"claim": item.claim_id, "line": item.line, "category": "", "status": "",
                 "entity": "", "element": item.element, "meaning": item.what,
                 "next_step": item.next_step, "rejected": item.rejected}
            )  # fmt: skip
        elif isinstance(item, ClaimStatus):
            for each in item.statuses:
                rows.append(_row(item.claim_id, None, each))
            for line in item.lines:
                for each in line.statuses:
                    rows.append(_row(item.claim_id, line.control_number, each))
        elif isinstance(item, TransactionResponse):
            for error in item.errors or ():
                for element in error.elements or (None,):
                    rows.append(
                        {"claim": error.claim_id, "line": None, "category": item.status,
                         "status": error.code if element is None else element.code,
                         "entity": "",
                         "element": error.segment_id + ("" if element is None
                                                        else f"{element.position:02d}"),
                         "meaning": error.meaning if element is None else element.meaning,
                         "next_step": error.next_step if element is None else element.next_step,
                         "rejected": not item.accepted}
                    )  # fmt: skip
            if not item.errors:
                rows.append(
                    {"claim": "", "line": None, "category": item.status, "status": "",
                     "entity": "", "element": "", "meaning": item.status_text, "next_step": "",
                     "rejected": not item.accepted}
                )  # fmt: skip
        else:
            raise TypeError("records: expected what read_999, read_277ca or match give")
    return rows


def _row(claim_id: str, line: str | None, status: Status) -> dict[str, Any]:
    return {
        "claim": claim_id,
        "line": line,
        "category": status.category,
        "status": status.status,
        "entity": status.entity,
        "element": "",
        "meaning": status.meaning,
        "next_step": status.next_step,
        "rejected": status.rejected,
    }
