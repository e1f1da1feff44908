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
import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import attrs

from benlysta_coding._util import to_decimal
from benlysta_coding.claim import Adjustment, Claim, OtherPayer, OtherPayerLine, ServiceLine
from benlysta_coding.errors import InvalidFormat, ValidationError
from benlysta_coding.findings import RULES, Finding
from benlysta_coding.policy import PayerPolicy

__all__ = [
    "CARC",
    "RARC",
    "Adjustment",
    "ClaimPayment",
    "Explanation",
    "LineMatch",
    "LinePayment",
    "Remittance",
    "explain",
    "load_code_list",
    "match",
    "predicted_by",
    "read_835",
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
    control_number: str = ""
    service_date: datetime.date | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()


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

    @property
    def status_text(self) -> str:
        return STATUS.get(self.status, f"status {self.status}")


@attrs.frozen
class Remittance:
    """What a remittance says about the payment as a whole (before its claims)."""

    payment_date: datetime.date | None
    production_date: datetime.date | None
    payer_name: str
    total_paid: Decimal


class _Segments:
    """Segments of an X12 file, streamed: (number, elements), with the delimiters from ISA."""

    def __init__(self, source: IO[str]) -> None:
        self.source = source
        head = source.read(106)
        if len(head) < 106 or not head.startswith("ISA"):
            raise InvalidFormat("segment 1: an X12 file starts with a 106-character ISA segment")
        self.element, self.component, self.terminator = head[3], head[104], head[105]
        self.buffer = head
        self.number = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        pending = self.buffer
        while True:
            pieces = pending.split(self.terminator)
            pending = pieces.pop()  # the text after the last terminator: an unfinished segment
            for piece in pieces:
                text = piece.strip()
                if text:
                    self.number += 1
                    yield self.number, text.split(self.element)
            chunk = self.source.read(65536)
            if not chunk:
                if pending.strip():
                    raise InvalidFormat(
                        f"segment {self.number + 1}: the file ends inside a segment"
                    )
                return
            if len(pending) > 1_000_000:
                raise InvalidFormat(f"segment {self.number + 1}: longer than 1 MB")
            pending += chunk


def _amount(elements: Sequence[str], index: int, number: int, what: str) -> Decimal:
    try:
        return to_decimal(elements[index], what)
    except (IndexError, TypeError, ValidationError):
        raise InvalidFormat(f"segment {number}: {what} is not an amount") from None


def _optional_amount(elements: Sequence[str], index: int, number: int, what: str) -> Decimal | None:
    if len(elements) <= index or not elements[index]:
        return None
    return _amount(elements, index, number, what)


def _date(text: str, number: int) -> datetime.date:
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InvalidFormat(f"segment {number}: expected a date CCYYMMDD") from None


def _adjustments(elements: Sequence[str], number: int) -> list[Adjustment]:
    group = elements[1] if len(elements) > 1 else ""
    found = []
    for start in range(2, len(elements), 3):  # up to six reason / amount / quantity triples
        reason = elements[start]
        if not reason:
            continue
        amount = _amount(elements, start + 1, number, "CAS amount")
        quantity = _optional_amount(elements, start + 2, number, "CAS quantity")
        found.append(Adjustment(group, reason, amount, quantity))
    return found


def _open(source: str | bytes | os.PathLike[str] | IO[str]) -> IO[str]:
    if isinstance(source, bytes):
        return io.StringIO(source.decode("ascii", errors="strict"))
    if isinstance(source, str):
        return io.StringIO(source)
    if isinstance(source, os.PathLike):
        return Path(source).open(encoding="ascii", newline="")
    if hasattr(source, "read"):
        return source
    raise TypeError("source: expected 835 text, bytes, a path or an open text file")


def read_835(
    source: str | bytes | os.PathLike[str] | IO[str],
) -> Iterator[tuple[Remittance, ClaimPayment]]:
    """Yield (remittance, claim payment) for each ``CLP`` of an 835, streaming.

    ``source`` is the 835 as text or bytes, a path (``pathlib.Path``), or an open text file.

    >>> list(read_835(""))
    Traceback (most recent call last):
        ...
    benlysta_coding.errors.InvalidFormat: segment 1: an X12 file starts with a 106-character ISA segment
    """
    try:
        stream = _open(source)
    except UnicodeDecodeError:
        raise InvalidFormat("segment 1: an 835 is ASCII text") from None
    try:
        yield from _claims(_Segments(stream))
    except UnicodeDecodeError:
        raise InvalidFormat("an 835 is ASCII text") from None


def _claims(segments: _Segments) -> Iterator[tuple[Remittance, ClaimPayment]]:
    remittance = Remittance(None, None, "", Decimal(0))
    claim: dict[str, Any] | None = None
    lines: list[dict[str, Any]] = []
    seen_835 = False
    for number, elements in segments:
        tag = elements[0]
        if tag == "ST":
            if len(elements) < 2 or elements[1] != "835":
                raise InvalidFormat(f"segment {number}: expected an 835 transaction (ST*835)")
            seen_835 = True
        elif tag == "BPR":
            paid = _amount(elements, 2, number, "BPR02 total paid")
            day = _date(elements[16], number) if len(elements) > 16 and elements[16] else None
            remittance = attrs.evolve(remittance, total_paid=paid, payment_date=day)
        elif tag == "DTM" and claim is None and len(elements) > 2 and elements[1] == "405":
            remittance = attrs.evolve(remittance, production_date=_date(elements[2], number))
        elif tag == "N1" and len(elements) > 2 and elements[1] == "PR":
            remittance = attrs.evolve(remittance, payer_name=elements[2])
        elif tag == "CLP":
            if claim is not None:
                yield remittance, _finish(claim, lines)
            if len(elements) < 5:
                raise InvalidFormat(f"segment {number}: CLP needs at least 4 elements")
            claim = {
                "claim_id": elements[1],
                "status": elements[2],
                "charge": _amount(elements, 3, number, "CLP03 charge"),
                "paid": _amount(elements, 4, number, "CLP04 paid"),
                "patient_responsibility": _optional_amount(elements, 5, number, "CLP05"),
                "payer_claim_number": elements[7] if len(elements) > 7 else "",
                "adjustments": [],
                "remarks": [],
            }
            lines = []
        elif claim is None:
            continue
        elif tag == "SVC":
            parts = elements[1].split(segments.component) if len(elements) > 1 else []
            if len(parts) < 2:
                raise InvalidFormat(f"segment {number}: SVC01 needs a qualifier and a code")
            units = _optional_amount(elements, 5, number, "SVC05 units") or Decimal(1)
            lines.append(
                {
                    "code": parts[1],
                    "modifiers": tuple(p for p in parts[2:6] if p),
                    "charge": _amount(elements, 2, number, "SVC02 charge"),
                    "paid": _amount(elements, 3, number, "SVC03 paid"),
                    "units": units,
                    "adjustments": [],
                    "remarks": [],
                }
            )
        elif tag == "CAS":
            target = lines[-1] if lines else claim
            target["adjustments"].extend(_adjustments(elements, number))
        elif tag == "REF" and lines and len(elements) > 2 and elements[1] == "6R":
            lines[-1]["control_number"] = elements[2]
        elif tag == "DTM" and lines and len(elements) > 2 and elements[1] in ("472", "150"):
            lines[-1]["service_date"] = _date(elements[2], number)
        elif tag == "LQ" and lines and len(elements) > 2:
            lines[-1]["remarks"].append(elements[2])
        elif tag == "MOA" and len(elements) > 3:
            claim["remarks"].extend(r for r in elements[3:8] if r)
        elif tag in ("SE", "PLB") and claim is not None:
            yield remittance, _finish(claim, lines)
            claim, lines = None, []
    if claim is not None:
        yield remittance, _finish(claim, lines)
    if not seen_835:
        raise InvalidFormat("no 835 transaction (ST*835) in the file")


def _finish(claim: dict[str, Any], lines: list[dict[str, Any]]) -> ClaimPayment:
    return ClaimPayment(
        claim_id=str(claim["claim_id"]),
        status=str(claim["status"]),
        charge=claim["charge"],
        paid=claim["paid"],
        patient_responsibility=claim["patient_responsibility"],
        payer_claim_number=str(claim["payer_claim_number"]),
        adjustments=tuple(claim["adjustments"]),
        remarks=tuple(claim["remarks"]),
        lines=tuple(
            LinePayment(
                code=str(line["code"]),
                modifiers=line["modifiers"],
                charge=line["charge"],
                paid=line["paid"],
                units=line["units"],
                control_number=str(line.get("control_number", "")),
                service_date=line.get("service_date"),
                adjustments=tuple(line["adjustments"]),
                remarks=tuple(line["remarks"]),
            )
            for line in lines
        ),
    )


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


def _find(paid: LinePayment, free: Sequence[ServiceLine]) -> tuple[ServiceLine | None, str]:
    if paid.control_number:
        for line in free:
            if line.control_number == paid.control_number:
                return line, "control number"
    for dropped in (False, True):
        for line in free:
            if line.code != paid.code or Decimal(line.units) != paid.units:
                continue
            if paid.service_date is not None and line.service_date != paid.service_date:
                continue
            kept = tuple(m for m in line.modifiers if not (dropped and m in _DROPPABLE))
            if kept == paid.modifiers:
                return line, "code, modifier dropped" if dropped else "code"
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


def secondary_claim(
    claim: Claim, payment: ClaimPayment, remittance: Remittance, policy: PayerPolicy
) -> Claim:
    """The claim to the secondary payer, from the original claim and the primary's payment.

    It carries the primary's adjudication (837 loops 2320, 2330 and 2430: claim adjustments, the
    amount paid, and per line what was paid and adjusted) and the secondary payer's filing code.
    Every remittance line must match a claim line (:func:`match`); the adjudication date is the
    835's production date (``DTM*405``), or else its payment date (``BPR16``).

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
        raise InvalidFormat("the remittance answers another claim (CLP01 is not the claim id)")
    if payment.status in ("4", "22", "23", "25"):
        raise InvalidFormat(
            f"the primary payer's answer is '{payment.status_text}': there is no adjudication "
            "to send to a secondary payer"
        )
    day = remittance.production_date or remittance.payment_date
    if day is None:
        raise InvalidFormat("the 835 has neither a production date (DTM*405) nor a payment date")
    lines = []
    for found in match(claim, payment):
        if found.line is None:
            raise InvalidFormat(
                f"a remittance line for {found.payment.code} matches no line of the claim"
            )
        lines.append(
            OtherPayerLine(
                number=found.line.number,
                paid=found.payment.paid,
                units=found.line.units,
                adjustments=found.payment.adjustments,
            )
        )
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
