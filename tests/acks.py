"""Test helper: write 999 (005010X231A1) and 277CA (005010X214) acknowledgments of an 837 the
library wrote, as a payer would; every one a test writes is validated with pyx12."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from benlysta_coding._util import plain
from benlysta_coding.claim import Claim

ISA = (
    "ISA*00*          *00*          *ZZ*00952          *ZZ*PRAIRIE01      *260103*1000*^*00501*"
    "000000{control:03d}*0*P*:"
)


def _envelope(functional: str, version: str, body: list[str], control: int = 501) -> str:
    segments = [f"ST*{body[0]}*0001*{version}", *body[1:]]
    segments.append(f"SE*{len(segments) + 1}*0001")
    lines = [
        ISA.format(control=control),
        f"GS*{functional}*00952*PRAIRIE01*20260103*1000*{control}*X*{version}",
        *segments,
        f"GE*1*{control}",
        f"IEA*1*000000{control:03d}",
    ]
    return "~\n".join(lines) + "~\n"


def ack_999(
    errors: Sequence[str] = (),
    *,
    group_control: str = "1001",
    set_control: str = "0001",
    implementation: str = "005010X222A1",
    rejected: bool | None = None,
) -> str:
    """A 999 answering one 837 transaction set; ``errors`` are IK3 / CTX / IK4 segments (without
    their terminators), written inside the AK2 loop; rejected when there are errors (or as
    ``rejected`` says)."""
    refused = bool(errors) if rejected is None else rejected
    body = [
        "999",
        f"AK1*HC*{group_control}*{implementation}",
        f"AK2*837*{set_control}*{implementation}",
        *errors,
        "IK5*R*5" if refused else "IK5*A",
        f"AK9*{'R' if refused else 'A'}*1*1*{0 if refused else 1}",
    ]
    return _envelope("FA", "005010X231A1", body)


def ack_277(
    claims: Sequence[tuple[Claim, str, dict[int, str]]],
    *,
    batch: str = "A1:19:PR",
    omit: Sequence[str] = (),
) -> str:
    """A 277CA: for each (claim, its STC01, {line number: line STC01}), a patient loop; ``batch``
    is the receiver-level status; claims whose id is in ``omit`` are left out."""
    total = sum((c.total_charge or Decimal(0) for c, _, _ in claims), Decimal(0))
    body = [
        "277",
        "BHT*0085*08*277CA0001*20260103*1000*TH",
        "HL*1**20*1",
        "NM1*PR*2*MEDICARE PART B*****PI*00952",
        "TRN*1*0001",
        "DTP*050*D8*20260102",
        "DTP*009*D8*20260103",
        "HL*2*1*21*1",
        "NM1*41*2*PRAIRIE RHEUMATOLOGY*****46*PRAIRIE01",
        "TRN*2*10010001",
        f"STC*{batch}*20260103*{'U' if batch[:2] in ('A3', 'A6', 'A7', 'A8') else 'WQ'}*"
        f"{plain(total)}",
        f"QTY*{'AA' if batch[:2] in ('A3', 'A6', 'A7', 'A8') else '90'}*{len(claims)}",
        f"AMT*{'YY' if batch[:2] in ('A3', 'A6', 'A7', 'A8') else 'YU'}*{plain(total)}",
        "HL*3*2*19*1",
        "NM1*85*2*PRAIRIE RHEUMATOLOGY*****XX*1234567893",
        "TRN*1*0",
        f"STC*A1:19:PR**WQ*{plain(total)}",
        f"QTY*QA*{len(claims)}",
        f"AMT*YU*{plain(total)}",
    ]
    number = 3
    for claim, status, lines in claims:
        if claim.claim_id in omit:
            continue
        number += 1
        rejected = status[:2] in ("A3", "A6", "A7", "A8")
        day = f"{claim.service_date:%Y%m%d}"
        body += [
            f"HL*{number}*3*PT",
            "NM1*QC*1*SAMPLE*JANE****MI*1EG4TE5MK73",
            f"TRN*2*{claim.claim_id}",
            f"STC*{status}*20260103*{'U' if rejected else 'WQ'}*{plain(claim.total_charge or Decimal(0))}",
        ]
        if not rejected:
            body.append("REF*1K*2026003123456")
        body.append(f"DTP*472*RD8*{day}-{day}")
        for line in claim.lines:
            if line.number not in lines:
                continue
            code = ":".join(("HC", line.code, *line.modifiers))
            body += [
                f"SVC*{code}*{plain(line.charge or Decimal(0))}*****{line.units}",
                f"STC*{lines[line.number]}*20260103*U",
                f"REF*FJ*{line.control_number}",
                f"DTP*472*D8*{day}",
            ]
    return _envelope("HN", "005010X214", body)
