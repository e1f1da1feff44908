"""Test helper: write 835 remittances (005010X221A1) for the tests, answering claims the library built."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from benlysta_coding._util import plain
from benlysta_coding.claim import Claim


def line_segments(
    claim: Claim, answers: dict[int, dict[str, Any]], sign: Decimal = Decimal(1)
) -> tuple[list[str], Decimal]:
    """SVC loops for each line of ``claim``; ``answers`` per line number: paid, cas, lq, drop,
    no_control, omit, code, control, units. ``sign`` -1 writes a reversal."""
    segments = []
    total = Decimal(0)
    for line in claim.lines:
        answer = answers.get(line.number, {})
        if answer.get("omit"):
            continue
        charge = (line.charge or Decimal(0)) * sign
        paid = Decimal(answer.get("paid", charge)) * (1 if "paid" not in answer else sign)
        modifiers = tuple(m for m in line.modifiers if m not in answer.get("drop", ()))
        code = ":".join(("HC", answer.get("code", line.code), *modifiers))
        units = answer.get("units", line.units)
        segments.append(f"SVC*{code}*{plain(charge)}*{plain(paid)}**{units}")
        day = claim.service_date
        segments.append(f"DTM*472*{day:%Y%m%d}")
        cas = answer.get("cas") or ([("CO", "45", charge - paid)] if charge != paid else [])
        for group, reason, amount in cas:
            segments.append(f"CAS*{group}*{reason}*{plain(Decimal(amount) * sign)}")
        if not answer.get("no_control"):
            segments.append(f"REF*6R*{answer.get('control', line.control_number)}")
        for remark in answer.get("lq", ()):
            segments.append(f"LQ*HE*{remark}")
        total += paid
    return segments, total


def remittance(
    claims: Sequence[tuple[Claim, str, dict[int, dict[str, Any]]]],
    *,
    payment_date: str = "20250415",
    production_date: str = "20250414",
    claim_cas: Sequence[tuple[str, str, str]] = (),
    provider_adjustments: Sequence[tuple[str, str]] = (),
) -> str:
    """An 835 with one CLP per (claim, status, line answers); ``claim_cas`` (group, reason,
    amount) go on each claim, and the claim's paid amount is its charge less every adjustment;
    ``provider_adjustments`` (reason:reference, amount) are PLB pairs."""
    body = []
    paid_total = Decimal(0)
    for number, (claim, status, answers) in enumerate(claims, start=1):
        sign = Decimal(-1) if status == "22" else Decimal(1)
        segments, paid = line_segments(claim, answers, sign)
        charge = claim.total_charge or Decimal(0)
        answered = sum(
            ((line.charge or Decimal(0)) for line in claim.lines
             if not answers.get(line.number, {}).get("omit")),
            Decimal(0),
        )  # fmt: skip
        # the claim pays its charge less every adjustment: its lines' and its own
        paid = charge * sign - (answered * sign - paid)
        paid -= sum((Decimal(a) for _, _, a in claim_cas), Decimal(0))
        patient = sum(
            (Decimal(a) for ans in answers.values() for g, _, a in ans.get("cas", []) if g == "PR"),
            Decimal(0),
        )
        body += [
            f"LX*{number}",
            f"CLP*{claim.claim_id}*{status}*{plain(charge * sign)}*{plain(paid)}*"
            f"{plain(patient)}*MB*PCN{number:06d}*11*1",
            *(f"CAS*{g}*{r}*{a}" for g, r, a in claim_cas),
            "NM1*QC*1*SAMPLE*JANE****MI*1EG4TE5MK73",
            f"DTM*232*{claim.service_date:%Y%m%d}",
        ]
        body += segments
        paid_total += paid
    body += [
        f"PLB*1234567893*20251231*{reason}*{amount}" for reason, amount in provider_adjustments
    ]
    paid_total -= sum((Decimal(a) for _, a in provider_adjustments), Decimal(0))
    header = [
        f"BPR*I*{plain(paid_total)}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*"
        f"98765*{payment_date}",
        "TRN*1*12345*1512345678",
        f"DTM*405*{production_date}",
        "N1*PR*MEDICARE PART B",
        "N3*1 PAYER WAY",
        "N4*SPRINGFIELD*IL*627010001",
        "PER*BL*EDI HELP*TE*8005551212",
        "N1*PE*PRAIRIE RHEUMATOLOGY*XX*1234567893",
    ]
    segments = ["ST*835*0001", *header, *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    isa = (
        "ISA*00*          *00*          *ZZ*00952          *ZZ*PRAIRIE01      *250415*1200*^*00501*"
        "000000011*0*P*:"
    )
    lines = [isa, "GS*HP*00952*PRAIRIE01*20250415*1200*11*X*005010X221A1", *segments]
    lines += ["GE*1*11", "IEA*1*000000011"]
    return "~\n".join(lines) + "~\n"
