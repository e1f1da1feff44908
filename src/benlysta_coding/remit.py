"""The 835 remittance (005010X221A1): read it, match it to the claim it answers, explain it.

:func:`read_835` streams an 835 from text, bytes or a file and yields one :class:`ClaimPayment` per
``CLP``: the claim id, status, charge, paid amount, patient responsibility, the payer's claim number,
the claim adjustments (``CAS``) and the service lines (``SVC``: code and modifiers, units, charge,
paid, the line item control number ``REF*6R``, adjustments, remarks ``LQ``, date). Nothing but the
current claim is held in memory, so a file of 100,000 claims streams. Malformed input is refused with
the segment number.

:func:`match` pairs each remittance line with the claim line it answers: by line item control number
first; where the payer dropped it, by code, modifiers, units and date, tolerating a dropped JW or JZ.
Lines that match nothing are reported, never guessed.

:func:`explain` gives each adjustment reason (CARC) and remark (RARC) that matters for a drug claim a
short explanation in the library's own words and the usual next step; a code it does not know is
shown as "not in the bundled list" (load the full published lists with :func:`load_code_list`). Where
a finding of the claim builder predicted the denial, :func:`predicted_by` names it.

More information:

* ASC X12 005010X221A1 (835 Health Care Claim Payment/Advice)
* X12 code lists: claim adjustment reason codes and remittance advice remark codes (x12.org)
"""

from __future__ import annotations

import csv
import datetime
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from benlysta_coding import _x12read
from benlysta_coding._util import EXACT, plain
from benlysta_coding._x12read import total
from benlysta_coding.claim import Adjustment, Claim, OtherPayer, OtherPayerLine, ServiceLine
from benlysta_coding.errors import InvalidFormat, NotReconciled
from benlysta_coding.findings import RULES, Finding
from benlysta_coding.policy import PayerPolicy

__all__ = [
    "ADJUSTMENT_GROUPS",
    "CARC",
    "NEGATIVE_REASONS",
    "RARC",
    "REFUSED_STATUSES",
    "STATUS",
    "Adjustment",
    "ClaimPayment",
    "Explanation",
    "LineMatch",
    "LinePayment",
    "ProviderAdjustment",
    "Reader",
    "Remittance",
    "Transaction",
    "explain",
    "load_code_list",
    "match",
    "predicted_by",
    "read_835",
    "records",
    "secondary_claim",
]

STATUS: Final = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of previous payment",
    "23": "not our claim, forwarded to additional payer(s)",
    "25": "predetermination pricing only, no payment",
}
"""Claim status codes (CLP02), in the library's own words."""


@attrs.frozen
class Explanation:
    """What a code means for a drug claim and the usual next step."""

    code: str
    meaning: str
    next_step: str
    known: bool = True


def _e(code: str, meaning: str, next_step: str) -> tuple[str, Explanation]:
    return code, Explanation(code, meaning, next_step)


CARC: Final[Mapping[str, Explanation]] = dict(
    (
        _e(
            "1", "deductible amount: the patient's share", "bill the patient or the secondary payer"
        ),
        _e(
            "2",
            "coinsurance amount: the patient's share",
            "bill the patient or the secondary payer",
        ),
        _e(
            "3", "co-payment amount: the patient's share", "bill the patient or the secondary payer"
        ),
        _e(
            "4",
            "the code is inconsistent with a modifier, or a required modifier is missing (for "
            "drugs: check JW / JZ)",
            "fix the modifiers and send a corrected claim",
        ),
        _e(
            "11",
            "the diagnosis does not support the service",
            "code the diagnosis the record supports (an M32 code first) and send a corrected "
            "claim, or appeal with the record",
        ),
        _e(
            "15",
            "the authorization number is missing, invalid or does not apply",
            "add the prior authorization (REF*G1) and send a corrected claim",
        ),
        _e(
            "16",
            "the claim lacks information or has billing errors needed to process it (see the "
            "remark codes)",
            "fix what the remarks name and send a new claim (not an appeal)",
        ),
        _e(
            "45",
            "the charge exceeds the fee schedule or the maximum allowed: a contractual write-off",
            "no action: write it off",
        ),
        _e(
            "96",
            "non-covered charges (see the remarks, for example N362 for MUE)",
            "see the remarks",
        ),
        _e(
            "97",
            "the service is bundled into another service already adjudicated",
            "no separate payment; check the administration codes billed together",
        ),
        _e(
            "151",
            "the information does not support this many units or this frequency",
            "check the units against the dose; appeal with documentation if they are right",
        ),
        _e(
            "197",
            "precertification, authorization or notification is absent",
            "obtain or add the authorization; appeal if it was on file",
        ),
    )
)
"""Claim adjustment reason codes that matter for a Benlysta claim, in the library's own words."""

RARC: Final[Mapping[str, Explanation]] = dict(
    (
        _e(
            "M119",
            "the NDC is missing, incomplete, invalid, deactivated or withdrawn",
            "fix the 11-digit NDC, its unit and quantity, and send a new claim",
        ),
        _e(
            "M76",
            "the diagnosis is missing, incomplete or invalid",
            "fix the diagnosis code and send a new claim",
        ),
        _e(
            "MA130",
            "the claim is incomplete or has invalid information and cannot be appealed",
            "send a new, complete claim (not an appeal)",
        ),
        _e(
            "N362",
            "the units exceed the acceptable maximum (MUE)",
            "check the units; appeal with documentation if they are right (MAI 3)",
        ),
        _e(
            "N519",
            "an invalid combination of HCPCS modifiers",
            "fix the modifiers (JW/JZ, JG/TB) and send a corrected claim",
        ),
    )
)
"""Remark codes that matter for a Benlysta claim, in the library's own words."""


def load_code_list(path: str | os.PathLike[str]) -> Mapping[str, Explanation]:
    r"""Read a code list from a CSV file of ``code,description`` rows (for example the published
    CARC or RARC lists), to pass to :func:`explain` as ``extra``; the descriptions are yours.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "carc.csv"
    >>> path.write_text("code,description\n252,An attachment is required\n")
    47
    >>> load_code_list(path)["252"].meaning
    'An attachment is required'
    """
    found = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or (number == 1 and row[0].strip().lower() == "code"):
                continue
            if len(row) < 2 or not row[0].strip():
                raise InvalidFormat(f"{Path(path).name}: row {number}: expected code,description")
            code = row[0].strip().upper()
            found[code] = Explanation(code, row[1].strip(), "see the description", known=True)
    return found


def explain(
    code: str, kind: str = "CARC", extra: Mapping[str, Explanation] | None = None
) -> Explanation:
    """The explanation of a CARC (``kind="CARC"``) or RARC (``"RARC"``) code.

    >>> explain("16").next_step
    'fix what the remarks name and send a new claim (not an appeal)'
    >>> explain("M119", "RARC").meaning
    'the NDC is missing, incomplete, invalid, deactivated or withdrawn'
    """
    if not isinstance(code, str):
        raise TypeError("code: expected a CARC or RARC code as text")
    table = CARC if kind == "CARC" else RARC
    key = code.strip().upper()
    if key in table:
        return table[key]
    if extra and key in extra:
        return extra[key]
    return Explanation(key, "not in the bundled list", "look the code up in the X12 list", False)


@attrs.frozen
class LinePayment:
    """One ``SVC`` service line of a remittance."""

    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal
    """The paid units (``SVC05``; 1 when the payer leaves it empty, as the 835 guide says)."""
    control_number: str = ""
    service_date: datetime.date | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    submitted_units: Decimal | None = None
    """The units of the claim line (``SVC07``), given when the payer paid other units."""
    segment: int = 0
    """The number of the ``SVC`` segment, counted from ``ISA`` (segment 1)."""


@attrs.frozen
class ClaimPayment:
    """One ``CLP`` claim payment with its lines."""

    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    payer_claim_number: str
    adjustments: tuple[Adjustment, ...]
    lines: tuple[LinePayment, ...]
    remarks: tuple[str, ...] = ()
    """Claim-level remark codes: ``MOA`` (outpatient) and ``MIA`` (inpatient)."""
    segment: int = 0
    """The number of the ``CLP`` segment, counted from ``ISA`` (segment 1)."""

    @property
    def status_text(self) -> str:
        return STATUS.get(self.status, f"status {self.status}")


@attrs.frozen
class ProviderAdjustment:
    """One provider-level adjustment (``PLB``): money taken or given outside any claim (a
    recoupment, interest, an advance). It is not a claim payment: ``BPR02`` is the claims' paid
    amounts less these."""

    provider: str
    fiscal_period_end: datetime.date
    reason: str
    """The adjustment reason (for example ``WO`` overpayment recovery, ``L6`` interest)."""
    reference: str
    amount: Decimal
    segment: int = 0


@attrs.frozen
class Remittance:
    """What a remittance says about the payment as a whole (before its claims)."""

    payment_date: datetime.date | None
    production_date: datetime.date | None
    payer_name: str
    total_paid: Decimal
    payer_id: str = ""
    """The payer's identifier (``N1*PR`` ``N104``, or else ``REF*2U``)."""
    payee_name: str = ""
    payee_id: str = ""
    """The payee's identifier (``N1*PE`` ``N104``: an NPI with ``XX``)."""
    trace_number: str = ""
    """The check or EFT trace number (``TRN02``)."""
    control_number: str = ""
    """The transaction set control number (``ST02``)."""


@attrs.frozen
class Transaction:
    """One 835 transaction set, known once its ``SE`` has passed every check."""

    remittance: Remittance
    claims: int
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()


# The 005010X221A1 loops, each as the segments it may hold in their order (its first one opens it),
# and the loops that may follow each one.
_LOOPS: Final[Mapping[str, tuple[str, ...]]] = {
    "header": ("ST", "BPR", "NTE", "TRN", "CUR", "REF", "DTM"),
    "1000A": ("N1", "N3", "N4", "REF", "PER"),
    "1000B": ("N1", "N3", "N4", "REF", "RDM"),
    "2000": ("LX", "TS3", "TS2"),
    "2100": ("CLP", "CAS", "NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY"),
    "2110": ("SVC", "DTM", "CAS", "REF", "AMT", "QTY", "LQ"),
    "summary": ("PLB",),
}
_FOLLOW: Final[Mapping[str, tuple[str, ...]]] = {
    "header": ("1000A",),
    "1000A": ("1000B",),
    "1000B": ("2000", "summary"),
    "2000": ("2100",),
    "2100": ("2110", "2100", "2000", "summary"),
    "2110": ("2110", "2100", "2000", "summary"),
    "summary": ("summary",),
}
_POSITIONS: Final[Mapping[str, Mapping[str, int]]] = {
    loop: {tag: index for index, tag in enumerate(order) if index} for loop, order in _LOOPS.items()
}
"""Each loop's segments (its opening one aside) by their place in the loop."""
_OPENS: Final[Mapping[str, Mapping[str, str]]] = {
    loop: {_LOOPS[name][0]: name for name in following} for loop, following in _FOLLOW.items()
}
"""For each loop, the loops that may follow it by the segment that opens them."""
_ENDS: Final = frozenset({"1000B", "2100", "2110", "summary"})
"""The loops after which ``SE`` may come."""
_ONCE: Final = frozenset({"BPR", "TRN", "CUR", "N3", "N4", "RDM", "TS3", "TS2", "MIA", "MOA"})
_MOST: Final[Mapping[str, int]] = {
    "BPR": 21, "NTE": 2, "TRN": 4, "CUR": 21, "REF": 4, "DTM": 6, "N1": 6, "N3": 2, "N4": 7,
    "PER": 8, "RDM": 3, "LX": 1, "TS3": 24, "TS2": 19, "CLP": 14, "CAS": 19, "NM1": 12,
    "MIA": 24, "MOA": 9, "AMT": 2, "QTY": 2, "SVC": 7, "LQ": 2, "PLB": 14, "ST": 3, "SE": 2,
}  # fmt: skip
_LEAST: Final[Mapping[str, int]] = {
    "BPR": 4, "TRN": 2, "REF": 2, "DTM": 2, "N1": 2, "LX": 1, "CAS": 3, "SVC": 3, "LQ": 2,
    "PLB": 4, "AMT": 2, "QTY": 2, "CLP": 1, "N3": 1, "N4": 1,
}  # fmt: skip
_REASON: Final = re.compile(r"[0-9A-Z]{1,5}")
_LIMITS: Final[Mapping[str, tuple[int, int]]] = {
    tag: (most, _LEAST.get(tag, 0)) for tag, most in _MOST.items()
}
ADJUSTMENT_GROUPS: Final = frozenset({"CO", "CR", "OA", "PI", "PR"})
"""The claim adjustment group codes (``CAS01``)."""


def read_835(
    source: str | bytes | os.PathLike[str] | IO[bytes] | None = None, *, text: str | None = None
) -> Iterator[tuple[Remittance, ClaimPayment]]:
    """Yield (remittance, claim payment) for each ``CLP`` of an 835, streaming; the file is checked
    as it is read (see :class:`Reader`).

    ``source`` is a path (``str`` or ``os.PathLike``), bytes or a binary file; X12 text held in a
    ``str`` goes through ``text=``.

    >>> list(read_835(text=""))
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidFormat: segment 1: an X12 file starts with a 106-character ISA segment
    """
    return iter(Reader(source, text=text))


class Reader(_x12read.CheckedFile):
    """An 835 read claim by claim, checked before its values are believed.

    Checked as it is read: the envelope (``ISA``/``IEA``, ``GS``/``GE``, ``ST``/``SE`` with equal
    control numbers and true counts), the order of segments in the 005010X221A1 loops, the elements
    (how many, amounts, dates, codes: ``CLP02`` a status the guide defines, ``CAS`` at most six
    reason triples of a known group), and the arithmetic the guide requires: each line's charge less
    its payment equals its adjustments, each claim's too (its own and its lines' adjustments), and
    ``BPR02`` equals the claims' payments less the provider-level adjustments (``PLB``).

    A claim is handed out only once its loop has ended; the last claim of a transaction set only
    once its ``SE`` passed. Any violation raises :class:`~benlysta_coding.errors.InvalidFormat`
    naming the segment (counted from ``ISA``, segment 1) and what was expected. A file that fails
    part-way never yields the claim at or after the failure, but the claims before it were handed
    out: act on them only when the iteration ended without an error (``list(reader)`` does).

    After the iteration, :attr:`transactions` holds each transaction set's remittance, claim count
    and provider-level adjustments.
    """

    WHAT = "read_835"
    ENVELOPE = ("HP", "835", "005010X221")

    def __init__(
        self,
        source: str | bytes | os.PathLike[str] | IO[bytes] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        super().__init__(source, text=text)
        self.transactions: list[Transaction] = []

    def __iter__(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        return self._items()

    def parse(
        self, segments: Iterator[tuple[int, list[str]]], component: str
    ) -> Iterator[tuple[Remittance, ClaimPayment]]:
        return _Parser(segments, component, self.transactions).claims()


class _Parser:
    """The 005010X221A1 loops over the enveloped segments: a small state machine."""

    def __init__(
        self,
        segments: Iterator[tuple[int, list[str]]],
        component: str,
        transactions: list[Transaction],
    ) -> None:
        self.segments = segments
        self.component = component
        self.transactions = transactions

    def claims(self) -> Iterator[tuple[Remittance, ClaimPayment]]:
        loop, position, seen = "", 0, set[str]()
        claim: dict[str, Any] | None = None
        line: dict[str, Any] | None = None
        for number, elements in self.segments:
            tag = elements[0]
            most, least = _LIMITS.get(tag, (30, 0))
            if len(elements) > most + 1 or (
                least and (len(elements) <= least or "" in elements[1 : least + 1])
            ):
                _x12read.limit(elements, number, most, least)  # says what is wrong
            if tag == "ST":
                loop, position, seen = "header", 0, {"ST"}
                self._start(elements)
                continue
            if tag == "SE":
                if loop not in _ENDS:
                    raise InvalidFormat(
                        f"segment {number}: SE ends the transaction set too early (in {_name(loop)})"
                    )
                last = self._close(claim, line) if claim is not None else None
                self._end(number)
                if last is not None:  # the last claim only once the whole set has passed
                    yield self.remittance, last
                loop, claim, line = "", None, None
                continue
            here = _POSITIONS[loop].get(tag, 0)
            if here and here >= position and not (tag in _ONCE and tag in seen):
                position = here
                seen.add(tag)
                self._inside(loop, number, elements, claim, line)
                continue
            opened = _OPENS[loop].get(tag)
            if opened is None:
                order = _LOOPS[loop]
                allowed = {*order[max(position, 1) :], *(_LOOPS[n][0] for n in _FOLLOW[loop])}
                if loop in _ENDS:
                    allowed.add("SE")
                raise InvalidFormat(
                    f"segment {number}: {tag} is not allowed here (in {_name(loop)}, after "
                    f"{order[position]}); the 835 guide allows {', '.join(sorted(allowed))}"
                )
            if loop == "header":
                self._check_header(number, seen)
            if opened in ("2100", "2000", "summary") and claim is not None:
                yield self.remittance, self._close(claim, line)
                claim, line = None, None
            elif opened == "2110" and line is not None:
                _check_line(line)
            loop, position, seen = opened, 0, {tag}
            if opened == "2100":
                claim = self._claim(number, elements)
            elif opened == "2110":
                assert claim is not None
                line = self._line(number, elements)
                claim["lines"].append(line)
            elif opened == "summary":
                self._provider_adjustments(number, elements)
            elif opened in ("1000A", "1000B"):
                self._party(opened, number, elements)

    # transaction ------------------------------------------------------------------------------

    def _start(self, elements: list[str]) -> None:
        self.remittance = Remittance(None, None, "", Decimal(0), control_number=elements[2])
        self.claim_paid = Decimal(0)
        self.claim_count = 0
        self.plb: list[ProviderAdjustment] = []
        self.bpr = 0

    def _check_header(self, number: int, seen: set[str]) -> None:
        for tag in ("BPR", "TRN"):
            if tag not in seen:
                raise InvalidFormat(f"segment {number}: the 835 header has no {tag}")

    def _end(self, number: int) -> None:
        provider = total(a.amount for a in self.plb)
        if EXACT.subtract(self.claim_paid, provider) != self.remittance.total_paid:
            raise InvalidFormat(
                f"segment {self.bpr}: BPR02 total paid {plain(self.remittance.total_paid)} is not "
                f"the claims' payments {plain(self.claim_paid)} less the provider adjustments "
                f"{plain(provider)} (checked at the SE, segment {number})"
            )
        self.transactions.append(Transaction(self.remittance, self.claim_count, tuple(self.plb)))

    def _inside(
        self,
        loop: str,
        number: int,
        elements: list[str],
        claim: dict[str, Any] | None,
        line: dict[str, Any] | None,
    ) -> None:
        tag = elements[0]
        if loop == "2110":
            assert line is not None
            if tag == "DTM":
                if elements[1] in ("472", "150", "151"):
                    day = _x12read.date(elements, 2, number, "DTM02")
                    if elements[1] != "151":
                        line["service_date"] = day
            elif tag == "REF":
                if elements[1] == "6R":
                    line["control_number"] = elements[2]
            elif tag == "CAS":
                line["adjustments"].extend(_adjustments(elements, number))
            elif tag == "LQ":
                if elements[1] not in ("HE", "RX"):
                    raise InvalidFormat(f"segment {number}: LQ01 is HE or RX")
                line["remarks"].append(elements[2])
            else:  # AMT, QTY
                _x12read.amount(elements, 2, number, f"{tag}02")
        elif loop == "2100":
            assert claim is not None
            if tag == "CAS":
                claim["adjustments"].extend(_adjustments(elements, number))
            elif tag == "MOA":
                claim["remarks"].extend(r for r in elements[3:8] if r)
            elif tag == "MIA":
                remarks = (_x12read.element(elements, 5), *elements[20:25])
                claim["remarks"].extend(r for r in remarks if r)
            elif tag == "DTM":
                _x12read.date(elements, 2, number, "DTM02")
            elif tag in ("AMT", "QTY"):
                _x12read.amount(elements, 2, number, f"{tag}02")
        elif tag == "BPR":
            self._payment(number, elements)
        elif tag == "TRN":
            self.remittance = attrs.evolve(self.remittance, trace_number=elements[2])
        elif tag == "DTM" and loop == "header" and elements[1] == "405":
            day = _x12read.date(elements, 2, number, "DTM02")
            self.remittance = attrs.evolve(self.remittance, production_date=day)
        elif tag == "DTM":
            _x12read.date(elements, 2, number, "DTM02")
        elif (
            tag == "REF"
            and loop == "1000A"
            and elements[1] == "2U"
            and not self.remittance.payer_id
        ):
            self.remittance = attrs.evolve(self.remittance, payer_id=elements[2])

    def _payment(self, number: int, elements: list[str]) -> None:
        self.bpr = number
        if _x12read.element(elements, 3) not in ("C", "D"):
            raise InvalidFormat(f"segment {number}: BPR03 is C (credit) or D (debit)")
        paid = _x12read.amount(elements, 2, number, "BPR02 total paid")
        day = _x12read.date(elements, 16, number, "BPR16") if len(elements) > 16 else None
        self.remittance = attrs.evolve(self.remittance, total_paid=paid, payment_date=day)

    def _party(self, loop: str, number: int, elements: list[str]) -> None:
        wanted = "PR" if loop == "1000A" else "PE"
        if elements[1] != wanted:
            raise InvalidFormat(
                f"segment {number}: loop {loop} opens with N1*{wanted}, not N1*{elements[1]}"
            )
        name, identifier = _x12read.element(elements, 2), _x12read.element(elements, 4)
        if wanted == "PR":
            self.remittance = attrs.evolve(self.remittance, payer_name=name, payer_id=identifier)
        else:
            self.remittance = attrs.evolve(self.remittance, payee_name=name, payee_id=identifier)

    def _provider_adjustments(self, number: int, elements: list[str]) -> None:
        day = _x12read.date(elements, 2, number, "PLB02")
        if len(elements) % 2 == 0:
            raise InvalidFormat(f"segment {number}: PLB takes reason and amount pairs")
        for start in range(3, len(elements), 2):
            reason, _, reference = elements[start].partition(self.component)
            if not reason:
                raise InvalidFormat(f"segment {number}: PLB{start:02d} needs a reason code")
            paid = _x12read.amount(elements, start + 1, number, f"PLB{start + 1:02d}")
            self.plb.append(ProviderAdjustment(elements[1], day, reason, reference, paid, number))

    # claims and lines -------------------------------------------------------------------------

    def _claim(self, number: int, elements: list[str]) -> dict[str, Any]:
        for index, what in ((1, "CLP01 claim id"), (6, "CLP06 filing code"), (7, "CLP07")):
            if not _x12read.element(elements, index):
                raise InvalidFormat(f"segment {number}: {what} is empty")
        return {
            "claim_id": elements[1],
            "status": _x12read.code(
                elements, 2, number, "CLP02 claim status", lambda c: c in STATUS
            ),
            "charge": _x12read.amount(elements, 3, number, "CLP03 charge"),
            "paid": _x12read.amount(elements, 4, number, "CLP04 paid"),
            "patient_responsibility": _x12read.optional_amount(elements, 5, number, "CLP05"),
            "payer_claim_number": elements[7],
            "adjustments": [],
            "remarks": [],
            "lines": [],
            "segment": number,
        }

    def _line(self, number: int, elements: list[str]) -> dict[str, Any]:
        parts = elements[1].split(self.component)
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 8:
            raise InvalidFormat(f"segment {number}: SVC01 needs a qualifier and a code")
        units = _x12read.optional_amount(elements, 5, number, "SVC05 units")
        return {
            "code": parts[1],
            "modifiers": tuple(filter(None, parts[2:6])),
            "charge": _x12read.amount(elements, 2, number, "SVC02 charge"),
            "paid": _x12read.amount(elements, 3, number, "SVC03 paid"),
            "units": Decimal(1) if units is None else units,  # the guide: empty means one
            "submitted_units": _x12read.optional_amount(elements, 7, number, "SVC07 units"),
            "adjustments": [],
            "remarks": [],
            "segment": number,
        }

    def _close(self, claim: dict[str, Any], line: dict[str, Any] | None) -> ClaimPayment:
        """The claim whose loop has ended, once it and its last line balance."""
        if line is not None:
            _check_line(line)
        every = [
            *claim["adjustments"],
            *(a for each in claim["lines"] for a in each["adjustments"]),
        ]
        adjusted = _unbalanced(claim["charge"], claim["paid"], every)
        if adjusted is not None:
            raise InvalidFormat(
                f"segment {claim['segment']}: the claim does not balance: charge "
                f"{plain(claim['charge'])} less paid {plain(claim['paid'])} is "
                f"{plain(EXACT.subtract(claim['charge'], claim['paid']))}, its adjustments and "
                f"its lines' (CAS) "
                f"add to {plain(adjusted)}"
            )
        self.claim_paid = EXACT.add(self.claim_paid, claim["paid"])
        self.claim_count += 1
        return self._finish(claim)

    def _finish(self, claim: dict[str, Any]) -> ClaimPayment:
        return ClaimPayment(
            claim_id=claim["claim_id"],
            status=claim["status"],
            charge=claim["charge"],
            paid=claim["paid"],
            patient_responsibility=claim["patient_responsibility"],
            payer_claim_number=claim["payer_claim_number"],
            adjustments=tuple(claim["adjustments"]),
            remarks=tuple(claim["remarks"]),
            segment=claim["segment"],
            lines=tuple(
                LinePayment(
                    code=line["code"],
                    modifiers=line["modifiers"],
                    charge=line["charge"],
                    paid=line["paid"],
                    units=line["units"],
                    control_number=line.get("control_number", ""),
                    service_date=line.get("service_date"),
                    adjustments=tuple(line["adjustments"]),
                    remarks=tuple(line["remarks"]),
                    submitted_units=line["submitted_units"],
                    segment=line["segment"],
                )
                for line in claim["lines"]
            ),
        )


def _unbalanced(
    charge: Decimal, paid: Decimal, adjustments: Iterable[Adjustment]
) -> Decimal | None:
    """The adjustments' sum when charge less paid is not it (the 835 guide's balancing of a line
    or a claim), else ``None``."""
    adjusted = total(a.amount for a in adjustments)
    return None if EXACT.subtract(charge, paid) == adjusted else adjusted


def _check_line(line: dict[str, Any]) -> None:
    adjusted = _unbalanced(line["charge"], line["paid"], line["adjustments"])
    if adjusted is not None:
        raise InvalidFormat(
            f"segment {line['segment']}: the line does not balance: charge "
            f"{plain(line['charge'])} less paid {plain(line['paid'])} is "
            f"{plain(EXACT.subtract(line['charge'], line['paid']))}, its adjustments (CAS) add to "
            f"{plain(adjusted)}"
        )


def _name(loop: str) -> str:
    return {"header": "the 835 header", "summary": "the provider adjustments", "": "no loop"}.get(
        loop, f"loop {loop}"
    )


def _adjustments(elements: Sequence[str], number: int) -> list[Adjustment]:
    group = elements[1]
    if group not in ADJUSTMENT_GROUPS:
        raise InvalidFormat(
            f"segment {number}: CAS01 group '{group[:4]}' is not one of "
            f"{', '.join(sorted(ADJUSTMENT_GROUPS))}"
        )
    found = []
    for start in range(2, len(elements), 3):  # up to six reason / amount / quantity triples
        reason = elements[start]
        rest = elements[start + 1 : start + 3]
        if not reason:
            if any(rest):
                raise InvalidFormat(f"segment {number}: CAS{start:02d} reason code is empty")
            continue
        if not _REASON.fullmatch(reason):
            raise InvalidFormat(f"segment {number}: CAS{start:02d} is not a reason code")
        amount = _x12read.amount(elements, start + 1, number, "a CAS amount")
        quantity = (
            _x12read.amount(elements, start + 2, number, "a CAS quantity")
            if len(elements) > start + 2 and elements[start + 2]
            else None
        )
        found.append(Adjustment(group, reason, amount, quantity))
    return found


@attrs.frozen
class LineMatch:
    """A remittance line and the claim line it answers (``None`` when nothing matches), and how
    they were matched: ``control number``, ``code`` (code, modifiers, units and date) or
    ``code, modifier dropped``."""

    payment: LinePayment
    line: ServiceLine | None
    how: str


_DROPPABLE: Final = frozenset({"JW", "JZ"})


def match(claim: Claim, payment: ClaimPayment) -> list[LineMatch]:
    """Pair each remittance line with the claim line it answers; unmatched lines have ``None``.

    A line that carries a line item control number (``REF*6R``) is matched by it alone: when it
    names no line of this claim, or a line billed with another code or other modifiers (a dropped
    JW or JZ aside), it matches nothing. A line without one is matched by code, modifiers, the
    units submitted (``SVC07``, else ``SVC05``) and the date.

    >>> match("not a claim", None)
    Traceback (most recent call last):
        ...
    TypeError: match: expected a Claim and a ClaimPayment
    """
    if not isinstance(claim, Claim) or not isinstance(payment, ClaimPayment):
        raise TypeError("match: expected a Claim and a ClaimPayment")
    free = list(claim.lines)
    found = []
    for paid in payment.lines:
        line, how = _find(paid, free)
        if line is not None:
            free.remove(line)
        found.append(LineMatch(paid, line, how))
    return found


def _same_service(paid: LinePayment, line: ServiceLine) -> str:
    """How ``paid`` answers ``line`` by code and modifiers: ``code``, ``code, modifier dropped``,
    or ``""`` when it does not."""
    if line.code != paid.code:
        return ""
    if line.modifiers == paid.modifiers:
        return "code"
    if tuple(m for m in line.modifiers if m not in _DROPPABLE) == paid.modifiers:
        return "code, modifier dropped"
    return ""


def _find(paid: LinePayment, free: Sequence[ServiceLine]) -> tuple[ServiceLine | None, str]:
    if paid.control_number:
        for line in free:
            if line.control_number == paid.control_number:
                if _same_service(paid, line):
                    return line, "control number"
                billed = ":".join((line.code, *line.modifiers))
                return None, f"control number names line {line.number}, billed as {billed}"
        return None, "control number names no line of the claim"
    units = paid.units if paid.submitted_units is None else paid.submitted_units
    for dropped in (False, True):
        for line in free:
            if Decimal(line.units) != units:
                continue
            if paid.service_date is not None and line.service_date != paid.service_date:
                continue
            how = _same_service(paid, line)
            if how and (how == "code, modifier dropped") == dropped:
                return line, how
    return None, "no match"


def predicted_by(
    findings: Iterable[Finding], adjustments: Iterable[Adjustment], remarks: Iterable[str] = ()
) -> list[Finding]:
    """The claim builder's findings whose documented payer answer matches these adjustments.

    >>> from benlysta_coding.findings import make
    >>> from benlysta_coding.claim import Adjustment
    >>> finding = make("dx-not-billable", "M32.1 is a header", "$.diagnoses[0]")
    >>> [f.code for f in predicted_by([finding], [Adjustment("CO", "16", 10)], ["M76"])]
    ['dx-not-billable']
    """
    given = {f"{a.group}-{a.reason}" for a in adjustments}
    notes = set(remarks)
    found = []
    for finding in findings:
        answer = finding.answer or (RULES[finding.code].answer if finding.code in RULES else None)
        if answer is None or not answer.carc:
            continue
        if answer.carc in given and (not answer.rarc or notes & set(answer.rarc)):
            found.append(finding)
    return found


NEGATIVE_REASONS: Final[Mapping[str, str]] = {
    "23": "the impact of prior payers' adjudication, which may give back",
    "94": "processed in excess of charges",
}
"""The adjustment reasons whose amount may be negative in an 835 a secondary claim is built from;
any other negative adjustment is refused (a reversal, status 22, is refused whole)."""

REFUSED_STATUSES: Final = frozenset({"4", "22", "23", "25"})
"""Claim statuses (``CLP02``) with no adjudication to send to a secondary payer: denied, a
reversal, not this payer's claim, a predetermination."""


def secondary_claim(
    claim: Claim, payment: ClaimPayment, remittance: Remittance, policy: PayerPolicy
) -> Claim:
    """The claim to the secondary payer, from the original claim and the primary's payment.

    It carries the primary's adjudication (837 loops 2320, 2330 and 2430: claim adjustments, the
    amount paid, and per line what was paid and adjusted, with the paid units) and the secondary
    payer's filing code. The adjudication date is the 835's production date (``DTM*405``), or else
    its payment date (``BPR16``).

    The payment must reconcile with the claim first, or
    :class:`~benlysta_coding.errors.NotReconciled` names the 835 segment and the amounts that
    disagree:

    * its status (``CLP02``) is one the 835 guide defines and not one in :data:`REFUSED_STATUSES`;
    * it charges what the claim charges, in total (``CLP03``) and per line (``SVC02``);
    * each line's charge less its payment equals its adjustments, and the claim's charge less its
      payment equals its own and its lines' adjustments, so that ``CLP04`` is the lines' payments
      (``SVC03``) less the claim-level adjustments;
    * no line is paid more than its charge, and no adjustment is negative unless its reason is in
      :data:`NEGATIVE_REASONS`;
    * every claim line is answered once and every remittance line answers a line of this claim with
      its code and modifiers (a dropped JW or JZ aside; see :func:`match`).

    The secondary 837's ``AMT*D``, ``SVD`` and ``CAS`` then carry the 835's figures exactly.

    >>> secondary_claim(None, None, None, None)
    Traceback (most recent call last):
        ...
    TypeError: policy: expected a benlysta_coding.policy.PayerPolicy
    """
    if not isinstance(policy, PayerPolicy):
        raise TypeError("policy: expected a benlysta_coding.policy.PayerPolicy")
    if not isinstance(claim, Claim) or not isinstance(payment, ClaimPayment):
        raise TypeError("secondary_claim: expected a Claim and a ClaimPayment")
    if payment.claim_id != claim.claim_id:
        raise NotReconciled("the remittance answers another claim (CLP01 is not the claim id)")
    where = f"segment {payment.segment}" if payment.segment else "the claim payment"
    if payment.status not in STATUS:
        raise NotReconciled(
            f"{where}: CLP02 '{payment.status[:4]}' is not a claim status the 835 guide defines"
        )
    if payment.status in REFUSED_STATUSES:
        raise NotReconciled(
            f"{where}: the primary payer's answer is '{payment.status_text}': there is no "
            "adjudication to send to a secondary payer"
        )
    day = remittance.production_date or remittance.payment_date
    if day is None:
        raise NotReconciled("the 835 has neither a production date (DTM*405) nor a payment date")
    lines = []
    answered = set()
    for found in match(claim, payment):
        line_where = f"segment {found.payment.segment}" if found.payment.segment else where
        if found.line is None:
            raise NotReconciled(
                f"{line_where}: the remittance line for "
                f"{':'.join((found.payment.code, *found.payment.modifiers))} answers no line of "
                f"the claim ({found.how})"
            )
        if found.line.charge != found.payment.charge:
            raise NotReconciled(
                f"{line_where}: SVC02 charge {plain(found.payment.charge)} is not the charge "
                f"{plain(found.line.charge or Decimal(0))} of claim line {found.line.number}"
            )
        if found.payment.units != found.payment.units.to_integral_value():
            raise NotReconciled(f"{line_where}: SVC05 paid units are not a whole number")
        answered.add(found.line.number)
        lines.append(
            OtherPayerLine(
                number=found.line.number,
                paid=found.payment.paid,
                units=int(found.payment.units),
                adjustments=found.payment.adjustments,
            )
        )
    missing = [line.number for line in claim.lines if line.number not in answered]
    if missing:
        raise NotReconciled(
            f"{where}: the remittance does not answer claim line(s) "
            f"{', '.join(map(str, missing))}; a secondary claim needs the primary's answer to "
            "every line"
        )
    _reconcile(claim, payment, where)
    institutional = claim.type_of_bill is not None
    return attrs.evolve(
        claim,
        payer=policy.name,
        filing_code=policy.filing_code(institutional),
        other_payer=OtherPayer(
            filing_code=claim.filing_code,
            paid=payment.paid,
            adjudicated=day,
            adjustments=payment.adjustments,
            lines=tuple(lines),
        ),
    )


def _reconcile(claim: Claim, payment: ClaimPayment, where: str) -> None:
    """Refuse a payment whose own arithmetic, or whose charge against the claim's, does not hold."""
    if claim.total_charge is None:
        raise NotReconciled("the claim has no charges (pass prices): nothing to reconcile with")
    if payment.charge != claim.total_charge:
        raise NotReconciled(
            f"{where}: CLP03 charge {plain(payment.charge)} is not the claim's charge "
            f"{plain(claim.total_charge)}"
        )
    for paid in payment.lines:
        line_where = f"segment {paid.segment}" if paid.segment else where
        if paid.paid > paid.charge:
            raise NotReconciled(
                f"{line_where}: the line is paid {plain(paid.paid)}, more than its charge "
                f"{plain(paid.charge)}"
            )
        adjusted = _unbalanced(paid.charge, paid.paid, paid.adjustments)
        if adjusted is not None:
            raise NotReconciled(
                f"{line_where}: the line does not balance: charge {plain(paid.charge)} less "
                f"paid {plain(paid.paid)} is not its adjustments {plain(adjusted)}"
            )
    every = (*payment.adjustments, *(a for p in payment.lines for a in p.adjustments))
    for adjustment in every:
        if adjustment.amount < 0 and adjustment.reason not in NEGATIVE_REASONS:
            raise NotReconciled(
                f"{where}: the adjustment {adjustment.group}-{adjustment.reason} of "
                f"{plain(adjustment.amount)} is negative; only reasons "
                f"{', '.join(NEGATIVE_REASONS)} may give back"
            )
    claim_adjusted = total(a.amount for a in payment.adjustments)
    lines_paid = total(p.paid for p in payment.lines)
    if EXACT.subtract(lines_paid, claim_adjusted) != payment.paid:
        raise NotReconciled(
            f"{where}: CLP04 paid {plain(payment.paid)} is not the lines' payments (SVC03) "
            f"{plain(lines_paid)} less the claim adjustments {plain(claim_adjusted)}"
        )
    all_adjusted = _unbalanced(payment.charge, payment.paid, every)
    if all_adjusted is not None:
        raise NotReconciled(
            f"{where}: the claim does not balance: charge {plain(payment.charge)} less paid "
            f"{plain(payment.paid)} is not its adjustments and its lines' {plain(all_adjusted)}"
        )


def records(
    payments: Iterable[tuple[Remittance, ClaimPayment] | ClaimPayment], *, numeric: bool = False
) -> list[dict[str, Any]]:
    """Flat rows of what :func:`read_835` yields, one per adjustment or remark (a line without
    either has one row), that ``pandas.DataFrame`` takes as they are: claim, status, line, code,
    modifiers, charge, paid, group, reason, amount, meaning and next step. Money is a ``Decimal``,
    or a float with ``numeric=True`` (as :meth:`benlysta_coding.claim.Claim.records` does).

    >>> records([])
    []
    """
    rows: list[dict[str, Any]] = []

    def money(value: Decimal | None) -> Decimal | float | None:
        return float(value) if numeric and value is not None else value

    for item in payments:
        payment = item[1] if isinstance(item, tuple) else item
        if not isinstance(payment, ClaimPayment):
            raise TypeError("records: expected what read_835 yields")
        targets: list[tuple[int | None, LinePayment | None]] = [(None, None)]
        targets += [(number, line) for number, line in enumerate(payment.lines, start=1)]
        for number, line in targets:
            adjustments = payment.adjustments if line is None else line.adjustments
            remarks = payment.remarks if line is None else line.remarks
            base = {
                "claim": payment.claim_id,
                "status": payment.status,
                "line": number,
                "control_number": "" if line is None else line.control_number,
                "code": "" if line is None else line.code,
                "modifiers": "" if line is None else ":".join(line.modifiers),
                "charge": money(payment.charge if line is None else line.charge),
                "paid": money(payment.paid if line is None else line.paid),
            }
            found = [
                {**base, "group": a.group, "reason": a.reason, "amount": money(a.amount),
                 "meaning": explain(a.reason).meaning, "next_step": explain(a.reason).next_step}
                for a in adjustments
            ] + [
                {**base, "group": "", "reason": remark, "amount": None,
                 "meaning": explain(remark, "RARC").meaning,
                 "next_step": explain(remark, "RARC").next_step}
                for remark in remarks
            ]  # fmt: skip
            if not found and line is not None:
                found = [{**base, "group": "", "reason": "", "amount": None, "meaning": "",
                          "next_step": ""}]  # fmt: skip
            rows.extend(found)
    return rows
