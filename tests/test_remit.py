"""Reading 835 remittances written for the tests (each validated by pyx12), matching them to the
claims they answer, and explaining them."""

from __future__ import annotations

import io
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from benlysta_coding import cli, remit
from benlysta_coding.errors import InvalidFormat
from tests.helpers import claim_of, office
from tests.remit835 import remittance
from tests.x12check import pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150"}
# office example: J0490 x69 (862.50), J0490-JW x3 (37.50), 96365 x1 (150): 1050.00
CLAIM = claim_of(office(), prices=PRICES)
DENIED_NDC = {
    n: {"paid": 0, "cas": [("CO", "16", charge)], "lq": ["M119"]}
    for n, charge in ((1, "862.5"), (2, "37.5"), (3, "150"))
}


def read(text: str) -> list[remit.ClaimPayment]:
    assert [] == pyx12_errors(text)
    return [payment for _, payment in remit.read_835(text)]


def test_paid_claim() -> None:
    text = remittance([(CLAIM, "1", {})])
    (payment,) = read(text)
    assert ("BEN-2025-0001", "1", Decimal("1050"), Decimal("1050")) == (
        payment.claim_id,
        payment.status,
        payment.charge,
        payment.paid,
    )
    assert ["BEN-2025-0001-1", "BEN-2025-0001-2", "BEN-2025-0001-3"] == [
        line.control_number for line in payment.lines
    ]
    assert [("J0490", ()), ("J0490", ("JW",)), ("96365", ())] == [
        (line.code, line.modifiers) for line in payment.lines
    ]
    remittance_info, _ = next(remit.read_835(text))
    assert "MEDICARE PART B" == remittance_info.payer_name
    assert "2025-04-14" == str(remittance_info.production_date)
    assert "2025-04-15" == str(remittance_info.payment_date)


def test_partly_paid_with_patient_share() -> None:
    # Medicare pays 80 %: 862.50 -> 690.00 paid, 172.50 coinsurance (PR-2)
    answers = {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}
    (payment,) = read(remittance([(CLAIM, "1", answers)]))
    line = payment.lines[0]
    assert (Decimal("690"), [("PR", "2", Decimal("172.5"))]) == (
        line.paid,
        [(a.group, a.reason, a.amount) for a in line.adjustments],
    )
    assert "bill the patient or the secondary payer" == remit.explain("2").next_step


@pytest.mark.parametrize(
    ("answers", "carc", "remark", "step"),
    [
        (DENIED_NDC, "16", "M119", "send a new claim"),
        ({2: {"paid": 0, "cas": [("CO", "4", "37.5")], "lq": ["N519"]}}, "4", "N519", "corrected"),
        ({1: {"paid": 0, "cas": [("CO", "96", "862.5")], "lq": ["N362"]}}, "96", "N362", "appeal"),
        ({3: {"paid": 0, "cas": [("CO", "197", "150")]}}, "197", None, "authorization"),
    ],
)
def test_denials_are_explained(
    answers: dict[int, dict[str, Any]], carc: str, remark: str | None, step: str
) -> None:
    (payment,) = read(remittance([(CLAIM, "4", answers)]))
    adjustments = [a for line in payment.lines for a in line.adjustments]
    assert carc in [a.reason for a in adjustments]
    assert remit.explain(carc).known
    if remark is not None:
        assert remark in [r for line in payment.lines for r in line.remarks]
        assert step in remit.explain(remark, "RARC").next_step
    else:
        assert step in remit.explain(carc).next_step


def test_reversed_and_forwarded() -> None:
    reversal, forwarded = read(remittance([(CLAIM, "22", {}), (CLAIM, "19", {})]))
    assert ("22", Decimal("-1050"), "reversal of previous payment") == (
        reversal.status,
        reversal.paid,
        reversal.status_text,
    )
    assert "forwarded" in forwarded.status_text


def test_matching_by_control_number_then_by_code_with_a_dropped_modifier() -> None:
    answers: dict[int, dict[str, Any]] = {
        2: {"drop": ("JW",), "no_control": True},
        3: {"no_control": True},
    }
    (payment,) = read(remittance([(CLAIM, "1", answers)]))
    matches = remit.match(CLAIM, payment)
    assert [
        (1, "control number"),
        (2, "code, modifier dropped"),
        (3, "code"),
    ] == [(m.line.number if m.line else None, m.how) for m in matches]
    stranger = attrs.evolve(payment.lines[0], code="J9999", control_number="")
    (unmatched,) = remit.match(CLAIM, attrs.evolve(payment, lines=(stranger,)))
    assert (None, "no match") == (unmatched.line, unmatched.how)


def test_the_claim_builder_predicted_the_denial() -> None:
    bad = claim_of(office(diagnoses=["M32.13", "M32.1"]))  # dx-not-billable: CO-16 with M76
    adjustment = remit.Adjustment("CO", "16", Decimal("10"))
    assert ["dx-not-billable"] == [
        f.code for f in remit.predicted_by(bad.findings, [adjustment], ["M76"])
    ]
    assert [] == remit.predicted_by(bad.findings, [adjustment], ["M119"])


def test_unknown_codes_and_a_loaded_list(tmp_path: Path) -> None:
    assert "not in the bundled list" == remit.explain("252").meaning
    path = tmp_path / "carc.csv"
    path.write_text("code,description\n252,An attachment is required\n")
    assert (
        "An attachment is required"
        == remit.explain("252", extra=remit.load_code_list(path)).meaning
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ISA"),
        ("ISA*00*" + " " * 98 + "~", "835"),
        (
            remittance([(CLAIM, "1", {})]).replace(
                "CLP*BEN-2025-0001*1*1050", "CLP*BEN-2025-0001*1*X"
            ),
            r"segment \d+: CLP03",
        ),
        (remittance([(CLAIM, "1", {})])[:-30], "ends inside a segment"),
    ],
)
def test_malformed_input_names_the_segment(text: str, message: str) -> None:
    with pytest.raises(InvalidFormat, match=message):
        list(remit.read_835(text))


def test_command_line(tmp_path: Path) -> None:
    path = tmp_path / "r.835"
    path.write_text(remittance([(CLAIM, "4", DENIED_NDC)]))
    out, err = io.StringIO(), io.StringIO()
    assert 0 == cli.main(["remit", str(path)], out, err)
    assert "CO-16 862.5" in out.getvalue()
    assert "NDC is missing" in out.getvalue()
    out = io.StringIO()
    assert 0 == cli.main(["remit", str(path), "--format", "json"], out, err)
    assert '"remark": "M119"' in out.getvalue()
    path.write_text("nonsense")
    assert 2 == cli.main(["remit", str(path)], io.StringIO(), err)


def test_streaming_keeps_memory_flat() -> None:
    one = remittance([(CLAIM, "1", {})])
    head, _, tail = one.partition("LX*1~\n")
    claim_part, _, end = tail.partition("SE*")

    def big(count: int) -> io.StringIO:
        return io.StringIO(
            head + "".join(f"LX*{n}~\n" + claim_part for n in range(1, count)) + "SE*" + end
        )

    peaks = []
    for count in (1000, 5000):
        source = big(count)
        tracemalloc.start()
        read_count = sum(1 for _ in remit.read_835(source))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count - 1 == read_count
    assert peaks[1] < peaks[0] * 2


SECONDARY = {
    "payer_name": "ACME HEALTH PLAN",
    "payer_id": "60054",
    "member_id": "ACM1234",
    "policy": "commercial",
}
MEDICARE_SECONDARY = {
    "payer_name": "MEDICARE PART B",
    "payer_id": "00952",
    "member_id": "1EG4TE5MK73",
    "policy": "medicare_part_b",
    "insurance_type": "12",
}


def secondary_text(
    data: dict[str, Any], answers: dict[int, dict[str, Any]], tmp_path: Path
) -> tuple[int, str, str]:
    from benlysta_coding import encounter as encounter_module

    claim = claim_of(data, prices=PRICES)
    assert [] == list(claim.errors)
    encounter_module.from_dict(data)
    (tmp_path / "e.json").write_text(json.dumps(data))
    (tmp_path / "r.835").write_text(remittance([(claim, "19", answers)]))
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(
        ["claim", str(tmp_path / "e.json"), "--format", "837p", "--price", "J0490=12.50",
         "--price", "96365=150", "--primary-remittance", str(tmp_path / "r.835"),
         "--control-number", "5", "--created", "2025-05-01T09:00"],
        out, err,
    )  # fmt: skip
    return status, out.getvalue(), err.getvalue()


def test_commercial_secondary_after_medicare(tmp_path: Path) -> None:
    # Medicare paid 80 % of the J0490 line (690 of 862.50), 172.50 coinsurance (PR-2)
    answers = {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}
    status, text, err = secondary_text(office(secondary_insurance=SECONDARY), answers, tmp_path)
    assert 0 == status, err
    assert [] == pyx12_errors(text)
    assert "SBR*S*18*******CI~" in text  # the destination: the secondary payer
    assert "NM1*IL*1*SAMPLE*JANE****MI*ACM1234~" in text
    assert "NM1*PR*2*ACME HEALTH PLAN*****PI*60054~" in text
    assert "SBR*P*18*******MB~\nAMT*D*877.5~\nOI***Y***Y~" in text  # paid: 690 + 37.50 + 150
    assert "NM1*IL*1*SAMPLE*JANE****MI*1EG4TE5MK73~\nNM1*PR*2*MEDICARE PART B*****PI*00952~" in text
    assert "SVD*00952*690*HC:J0490**69~\nCAS*PR*2*172.5~\nDTP*573*D8*20250414~" in text


def test_medicare_as_secondary_payer(tmp_path: Path) -> None:
    data = office(
        payer="commercial", secondary_insurance=MEDICARE_SECONDARY, patient__member_id="ACM1234"
    )
    data["insurance"] = {"payer_name": "ACME HEALTH PLAN", "payer_id": "60054"}
    answers = {1: {"paid": "800", "cas": [("CO", "45", "62.5")]}}
    status, text, err = secondary_text(data, answers, tmp_path)
    assert 0 == status, err
    assert [] == pyx12_errors(text)
    assert "SBR*S*18***12****MB~" in text  # Medicare secondary: the MSP type in SBR05
    assert "NM1*IL*1*SAMPLE*JANE****MI*1EG4TE5MK73~\nN3*12 ELM ST~" in text  # Medicare member id
    assert "SBR*P*18*******CI~\nAMT*D*987.5~" in text  # paid: 800 + 37.50 + 150
    assert "NM1*IL*1*SAMPLE*JANE****MI*ACM1234~\nNM1*PR*2*ACME HEALTH PLAN*****PI*60054~" in text
    assert "SVD*60054*800*HC:J0490**69~\nCAS*CO*45*62.5~" in text
    without_type = dict(data, secondary_insurance={**MEDICARE_SECONDARY, "insurance_type": ""})
    status, _, err = secondary_text(without_type, answers, tmp_path)
    assert 2 == status
    assert "insurance_type" in err


def test_institutional_secondary(tmp_path: Path) -> None:
    from tests.helpers import hospital

    data = hospital(payer="medicare_part_b", secondary_insurance=SECONDARY)
    prices = {"J0490": "12.50", "96365": "150", "96366": "50"}
    claim = claim_of(data, prices=prices)
    (tmp_path / "e.json").write_text(json.dumps(data))
    (tmp_path / "r.835").write_text(remittance([(claim, "1", {})]))
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(
        ["claim", str(tmp_path / "e.json"), "--format", "837i", "--price", "J0490=12.50",
         "--price", "96365=150", "--price", "96366=50", "--primary-remittance",
         str(tmp_path / "r.835")],
        out, err,
    )  # fmt: skip
    assert 0 == status, err.getvalue()
    text = out.getvalue()
    assert [] == pyx12_errors(text)
    assert "SBR*S*18*******CI~" in text
    assert "SBR*P*18*******MA~" in text  # Medicare institutional primary: MA
    assert text.count("SVD*") == len(claim.lines)
