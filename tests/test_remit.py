"""Reading 835 remittances written for the tests (each validated by pyx12), matching them to the
claims they answer, and explaining them."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    return [payment for _, payment in remit.read_835(text=text)]


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
    remittance_info, _ = next(remit.read_835(text=text))
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
        ("ISA*00*" + " " * 98 + "~", "segment 1: the ISA delimiters"),
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
        list(remit.read_835(text=text))


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
    peaks = []
    for count in (1000, 5000):
        source = io.BytesIO(remittance([(CLAIM, "1", {})] * count).encode())
        tracemalloc.start()
        read_count = sum(1 for _ in remit.read_835(source))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == read_count
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


# the 835 is checked whole before it is believed -----------------------------------------------

THREE = remittance(
    [(CLAIM, "1", {}), (CLAIM, "1", {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}),
     (CLAIM, "4", DENIED_NDC)],
    provider_adjustments=[("WO:OVERPAID01", "25")],
)  # fmt: skip


def test_the_sweep_file_is_valid_and_read_whole() -> None:
    assert [] == pyx12_errors(THREE)
    reader = remit.Reader(text=THREE)
    payments = [payment for _, payment in reader]
    assert [Decimal("1050"), Decimal("877.5"), Decimal("0")] == [p.paid for p in payments]
    (transaction,) = reader.transactions
    assert 3 == transaction.claims
    (plb,) = transaction.provider_adjustments
    assert ("WO", "OVERPAID01", Decimal("25")) == (plb.reason, plb.reference, plb.amount)
    assert Decimal("1902.5") == transaction.remittance.total_paid  # 1050 + 877.5 + 0 - 25
    assert ("PRAIRIE RHEUMATOLOGY", "1234567893", "12345") == (
        transaction.remittance.payee_name,
        transaction.remittance.payee_id,
        transaction.remittance.trace_number,
    )
    assert Decimal("172.5") == payments[1].patient_responsibility


def _cuts(text: str) -> list[int]:
    ends = [i + 1 for i, char in enumerate(text) if char == "~"]
    last_twenty = ends[-21] if len(ends) > 20 else 0
    return sorted({0, *ends[:-1], *range(last_twenty, len(text.rstrip()) - 1)})


def _read_until_refused(text: str) -> tuple[list[remit.ClaimPayment], Exception | None]:
    seen = []
    try:
        for _, payment in remit.read_835(text=text):
            seen.append(payment)
    except InvalidFormat as error:
        return seen, error
    return seen, None


def test_a_cut_file_never_yields_a_partial_claim(tmp_path: Path) -> None:
    whole = [payment for _, payment in remit.read_835(text=THREE)]
    path = tmp_path / "cut.835"
    cuts = _cuts(THREE)
    assert len(cuts) > 300
    for cut in cuts:
        text = THREE[:cut]
        seen, error = _read_until_refused(text)
        assert isinstance(error, InvalidFormat), cut
        assert re.match(r"segment \d+", str(error)), str(error)
        assert seen == whole[: len(seen)], cut  # only whole claims, each as the whole file has it
        path.write_text(text)
        out, err = io.StringIO(), io.StringIO()
        assert 2 == cli.main(["remit", str(path)], out, err), cut
        assert "" == out.getvalue()
        assert "nothing in it was used" in " ".join(err.getvalue().split())


PAID = remittance([(CLAIM, "1", {})])


def _swap(old: str, new: str) -> str:
    assert old in PAID
    return PAID.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PAID.replace("IEA*1*000000011~\n", ""), "ends before its IEA"),
        (PAID.replace("GE*1*11~\nIEA*1*000000011~\n", ""), "ends before its GE"),
        (PAID[: PAID.index("SE*")], "ends before its SE"),
        (PAID + "CLP*BEN-2025-0001*1*1050*1050**MB*X*11*1~\n", "CLP after IEA"),
        (
            PAID.replace("GE*1*11~", "CLP*BEN-2025-0001*1*1050*1050**MB*X*11*1~\nGE*1*11~"),
            "CLP outside a transaction set",
        ),
        (_swap("SVC*HC:J0490*862.5*862.5", "SVC*HC:J0490*862.5*6~90"), "'90' is not a segment"),
        (_swap("REF*6R*BEN-2025-0001-2~", "REF*6R*BEN-2025-0001-2~\nPLB*1*20251231*WO*0~"),
         "SVC is not allowed here"),
        (_swap("REF*6R*BEN-2025-0001-1~", "REF*6R*BEN-2025-0001-1~\nZZZ*1~"), "ZZZ is not allowed"),
        (_swap("NM1*QC", "LX*9~\nNM1*QC"), "NM1 is not allowed here"),
        (_swap("CLP*BEN-2025-0001*1*", "CLP*BEN-2025-0001*99*"), "CLP02 claim status '99'"),
        (_swap("CLP*BEN-2025-0001*1*", "CLP*BEN-2025-0001**"), "CLP02 claim status ''"),
        (_swap("*1050*1050*", "*1050*9000*"), "the claim does not balance"),
        (_swap("SVC*HC:J0490*862.5*862.5", "SVC*HC:J0490*862.5*5000"), "line does not balance"),
        (_swap("BPR*I*1050*", "BPR*I*1049*"), "BPR02 total paid 1049"),
        (_swap("*1050*1050*", "*1,050*1050*"), "CLP03 charge is not a number"),
        (_swap("*1050*1050*", "*1E3*1050*"), "CLP03 charge is not a number"),
        (_swap("DTM*472*20250303~\nREF*6R*BEN-2025-0001-1",
               "DTM*472*20250303~\nCAS*CO" + "*45*0" * 18 + "~\nREF*6R*BEN-2025-0001-1"),
         "CAS has 37 elements; it takes at most 19"),
        (_swap("DTM*472*20250303~\nREF*6R*BEN-2025-0001-1",
               "DTM*472*20250303~\nCAS*XX*45*0~\nREF*6R*BEN-2025-0001-1"), "CAS01 group 'XX' is not one of CO, CR, OA, PI, PR"),
        (_swap("SE*", "SE*1"), "SE01 counts"),
        (_swap("IEA*1*000000011", "IEA*1*000000012"), "IEA02 is not the ISA13"),
        (_swap("GE*1*11", "GE*2*11"), "GE01 counts 2"),
        (_swap("N1*PR*MEDICARE", "N1*PE*MEDICARE"), "loop 1000A opens with N1\\*PR"),
        (_swap("TRN*1*12345*1512345678~\n", ""), "header has no TRN"),
        (_swap("SAMPLE", "SAM\x00PLE"), "character X12 does not allow"),
        (_swap("SAMPLE", "SAMPLÉ"), "character X12 does not allow"),
    ],
)  # fmt: skip
def test_a_file_that_fails_its_checks_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidFormat, match=message):
        list(remit.read_835(text=text))


def test_the_refusals_have_a_valid_control() -> None:
    assert [] == pyx12_errors(PAID)
    assert 1 == len(list(remit.read_835(text=PAID)))
    assert 1 == len(list(remit.read_835(PAID.encode())))
    assert 1 == len(list(remit.read_835(io.BytesIO(PAID.encode()))))


def test_units_are_read_as_written_and_default_to_one_only_when_empty() -> None:
    zero = _swap("SVC*HC:J0490*862.5*862.5**69", "SVC*HC:J0490*862.5*862.5**0*HC:J0490*69")
    (payment,) = [p for _, p in remit.read_835(text=zero)]
    assert (Decimal(0), Decimal(69)) == (payment.lines[0].units, payment.lines[0].submitted_units)
    assert [] == pyx12_errors(zero)
    empty = _swap("SVC*HC:96365*150*150**1", "SVC*HC:96365*150*150")
    (payment,) = [p for _, p in remit.read_835(text=empty)]
    assert Decimal(1) == payment.lines[2].units


def test_a_str_is_a_path_and_text_goes_through_the_keyword() -> None:
    with pytest.raises(TypeError, match="text="):
        list(remit.read_835(PAID))
    with pytest.raises(TypeError, match="not both"):
        list(remit.read_835(b"x", text=PAID))


def test_the_command_line_carries_the_whole_answer(tmp_path: Path) -> None:
    path = tmp_path / "r.835"
    path.write_text(THREE)
    out, err = io.StringIO(), io.StringIO()
    assert 0 == cli.main(["remit", str(path), "--format", "json"], out, err)
    (transaction,) = json.loads(out.getvalue())["transactions"]
    assert {"name": "MEDICARE PART B", "id": ""} == transaction["payer"]
    assert {"name": "PRAIRIE RHEUMATOLOGY", "id": "1234567893"} == transaction["payee"]
    assert [
        {"provider": "1234567893", "reason": "WO", "reference": "OVERPAID01", "amount": "25"}
    ] == (transaction["provider_adjustments"])
    assert ["0", "172.5", "0"] == [c["patient_responsibility"] for c in transaction["claims"]]
    out = io.StringIO()
    assert 0 == cli.main(["remit", str(path)], out, err)
    text = " ".join(out.getvalue().split())  # wrapped to 80 columns
    assert all(len(line) <= 80 for line in out.getvalue().splitlines())
    assert "paid 1050.00, patient owes 0.00" in text
    assert "paid 877.50, patient owes 172.50" in text
    assert "Provider adjustment WO 25.00 (OVERPAID01), not a claim payment" in text
    assert "to PRAIRIE RHEUMATOLOGY (1234567893): paid 1902.50" in text


# a secondary claim reconciles before it is written --------------------------------------------


def _secondary(text: str) -> Any:
    assert [] == pyx12_errors(text)
    ((info, payment),) = list(remit.read_835(text=text))
    return remit.secondary_claim(CLAIM, payment, info, policy_commercial())


def policy_commercial() -> Any:
    from benlysta_coding import policy

    return policy.COMMERCIAL


@pytest.mark.parametrize(
    ("answers", "claim_cas", "message"),
    [
        ({1: {"paid": "5000", "cas": [("CO", "45", "-4137.5")]}}, (), "paid 5000, more than"),
        ({1: {"paid": "690", "cas": [("PR", "2", "-172.5"), ("CO", "45", "345")]}}, (),
         "PR-2 of -172.5 is negative"),
        ({}, [("CO", "45", "-7950")], "CO-45 of -7950 is negative"),
        ({3: {"omit": True}}, [("CO", "45", "150")], "does not answer claim line\\(s\\) 3"),
        ({1: {"code": "J9999"}}, (), "names line 1, billed as J0490"),
        ({2: {"control": "BEN-2025-0009-1"}}, (), "names no line of the claim"),
        ({2: {"control": "", "no_control": True, "drop": ("JW",), "units": "4"}}, (),
         "J0490 answers no line"),
    ],
)  # fmt: skip
def test_a_secondary_claim_is_refused_when_the_money_does_not_reconcile(
    answers: dict[int, dict[str, Any]], claim_cas: Any, message: str
) -> None:
    from benlysta_coding.errors import NotReconciled

    text = remittance([(CLAIM, "1", answers)], claim_cas=claim_cas)
    with pytest.raises(NotReconciled, match=message):
        _secondary(text)


def test_a_secondary_claim_refuses_undefined_and_refused_statuses() -> None:
    from benlysta_coding.errors import NotReconciled

    ((info, payment),) = list(remit.read_835(text=PAID))
    for status, message in (("99", "not a claim status"), ("", "not a claim status"),
                            ("4", "denied"), ("22", "reversal"), ("25", "predetermination")):  # fmt: skip
        with pytest.raises(NotReconciled, match=message):
            remit.secondary_claim(CLAIM, attrs.evolve(payment, status=status), info,
                                  policy_commercial())  # fmt: skip
    hand_made = attrs.evolve(payment, paid=Decimal("9000"))
    with pytest.raises(NotReconciled, match="CLP04 paid 9000 is not the lines' payments"):
        remit.secondary_claim(CLAIM, hand_made, info, policy_commercial())


def test_the_negative_control_of_the_secondary_refusals_is_accepted() -> None:
    claim = _secondary(
        remittance([(CLAIM, "1", {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}})])
    )
    assert claim.other_payer is not None
    assert Decimal("877.5") == claim.other_payer.paid
    dropped = _secondary(remittance([(CLAIM, "1", {2: {"no_control": True, "drop": ("JW",)}})]))
    assert dropped.other_payer is not None


def test_the_command_line_refuses_an_unreconciled_835(tmp_path: Path) -> None:
    answers = {1: {"paid": "5000", "cas": [("CO", "45", "-4137.5")]}}
    status, text, err = secondary_text(office(secondary_insurance=SECONDARY), answers, tmp_path)
    assert (2, "") == (status, text)
    assert "r.835: segment 16: the line is paid 5000, more than its charge 862.5" in " ".join(
        err.split()
    )
    two = remittance([(CLAIM, "1", {}), (CLAIM, "1", {})])
    (tmp_path / "r.835").write_text(two)
    out, err2 = io.StringIO(), io.StringIO()
    assert 2 == cli.main(
        ["claim", str(tmp_path / "e.json"), "--format", "837p", "--price", "J0490=12.50",
         "--price", "96365=150", "--primary-remittance", str(tmp_path / "r.835")], out, err2,
    )  # fmt: skip
    assert "2 payments answer this claim" in " ".join(err2.getvalue().split())


ACCEPTED: list[int] = []


@settings(max_examples=40, deadline=None)
@given(
    shares=st.lists(st.tuples(st.integers(0, 100), st.sampled_from(["45", "2", "1", "253"])),
                    min_size=3, max_size=3),
    claim_cas=st.sampled_from([(), (("CO", "45", "10"),), (("OA", "23", "-5"),)]),
    fudge=st.sampled_from([None, "0.01", "-0.01"]),
)  # fmt: skip
def test_an_accepted_secondary_claim_balances(
    shares: list[tuple[int, str]], claim_cas: Any, fudge: str | None
) -> None:
    from benlysta_coding import encounter, parties
    from benlysta_coding.errors import NotReconciled
    from benlysta_coding.export import x12

    answers: dict[int, dict[str, Any]] = {}
    for line, (percent, reason) in zip(CLAIM.lines, shares, strict=True):
        charge = line.charge or Decimal(0)
        paid = (charge * percent / 100).quantize(Decimal("0.01"))
        group = "CO" if reason in ("45", "253") else "PR"
        adjust = charge - paid + (Decimal(fudge) if fudge and line.number == 1 else 0)
        answers[line.number] = {"paid": paid, "cas": [(group, reason, adjust)] if adjust else []}
    text = remittance([(CLAIM, "1", answers)], claim_cas=claim_cas)
    try:
        ((info, payment),) = list(remit.read_835(text=text))
        secondary = remit.secondary_claim(CLAIM, payment, info, policy_commercial())
    except (InvalidFormat, NotReconciled):
        assert fudge or claim_cas, "a balanced answer to every line is accepted"
        return
    assert fudge is None
    ACCEPTED.append(len(claim_cas))
    loaded = encounter.from_dict(office(secondary_insurance=SECONDARY))
    written = x12.render_837(
        secondary, parties.for_secondary(loaded), x12.Envelope(control_number=7)
    )
    assert [] == pyx12_errors(written)
    segs = [s.split("*") for s in written.replace("\n", "").split("~") if s]
    clm = next(s for s in segs if s[0] == "CLM")
    start = next(i for i, s in enumerate(segs) if s[0] == "SBR" and s[1] == "P")
    claim_level = [s for s in segs[start:] if s[0] == "CAS"]
    amt = next(s for s in segs[start:] if s[0] == "AMT" and s[1] == "D")
    line_cas = Decimal(0)
    for index, seg in enumerate(segs):
        if seg[0] == "SVD":
            line_start = max(i for i in range(index) if segs[i][0] == "SV1")
            charge = Decimal(segs[line_start][2])
            cas = [s for s in segs[index + 1 :] if s[0] in ("CAS", "DTP")]
            cas = cas[: next((i for i, s in enumerate(cas) if s[0] == "DTP"), 0)]
            adjusted = sum((Decimal(a) for s in cas for a in s[3::3]), Decimal(0))
            assert charge - adjusted == Decimal(seg[2])  # SV102 - CAS = SVD02
            line_cas += adjusted
    claim_adjusted = sum((Decimal(a) for s in claim_level[: len(claim_cas)] for a in s[3::3]),
                         Decimal(0))  # fmt: skip
    assert Decimal(clm[2]) - claim_adjusted - line_cas == Decimal(amt[2])
    assert Decimal(amt[2]) == payment.paid


def test_the_balance_property_saw_accepted_claims_of_every_kind() -> None:
    assert {0, 1} <= set(ACCEPTED)  # runs after the property test above, in file order
