"""999 and 277CA acknowledgments (written for the tests, each validated with pyx12): read,
checked, matched back to the claims and lines that caused them, and as tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from benlysta_coding import ack, cli, encounter, parties
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.export import x12
from tests.acks import ack_277, ack_999
from tests.helpers import claim_of, hospital, office
from tests.remit835 import remittance
from tests.x12check import pyx12_errors

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
CLAIM = claim_of(office(), prices=PRICES)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _837(tmp_path: Path, data: dict[str, object], name: str = "sent.837") -> Path:
    claim = claim_of(data, prices=PRICES)
    who = parties.from_encounter(encounter.from_dict(data))
    text = x12.render_837(claim, who, x12.Envelope(control_number=1001))
    assert [] == pyx12_errors(text)
    path = tmp_path / name
    path.write_text(text)
    return path


def _position(path: Path, prefix: str) -> int:
    """The position in the transaction set (ST is 1) of the first segment starting ``prefix``."""
    segments = [s.strip() for s in path.read_text().split("~") if s.strip()]
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    return next(i for i, s in enumerate(segments) if s.startswith(prefix)) - start + 1


def _read999(text: str) -> tuple[list[ack.TransactionResponse], list[ack.GroupResponse]]:
    assert [] == pyx12_errors(text)
    reader = ack.Reader999(text=text)
    return list(reader), reader.groups


def test_an_accepted_999() -> None:
    (response,), (group,) = _read999(ack_999())
    assert (True, "accepted", "0001", ()) == (
        response.accepted,
        response.status_text,
        response.control_number,
        response.errors,
    )
    assert ("HC", "1001", 1, 1, 1, True) == (
        group.functional_id,
        group.group_control_number,
        group.included,
        group.received,
        group.accepted_count,
        group.accepted,
    )


def test_a_rejected_sv1_points_to_its_claim_line_and_element(tmp_path: Path) -> None:
    sent = _837(tmp_path, office())
    position = _position(sent, "SV1*HC:J0490:JW")  # the waste line, line 2
    text = ack_999([f"IK3*SV1*{position}*2400*8", "CTX*CLM01:BEN-2025-0001",
                    "IK4*1:2*234*7*J0490"])  # fmt: skip
    (response,), _ = _read999(text)
    assert (False, "R") == (response.accepted, response.status)
    (error,) = response.errors
    assert ("SV1", position, "2400", "8", "BEN-2025-0001") == (
        error.segment_id, error.position, error.loop, error.code, error.claim_id
    )  # fmt: skip
    (found,) = ack.match([response], sent)
    assert ("BEN-2025-0001", 2, "SV101-2", True) == (
        found.claim_id, found.line, found.element, found.rejected
    )  # fmt: skip
    assert "the procedure code and modifiers" in found.what
    assert "a code value the element does not take (sent 'J0490')" in found.what
    (by_context,) = ack.match([response], [CLAIM])  # without the file: the CTX context
    assert ("BEN-2025-0001", None) == (by_context.claim_id, by_context.line)


def test_a_rejected_sv2_on_an_837i(tmp_path: Path) -> None:
    sent = _837(tmp_path, hospital())
    position = _position(sent, "SV2*0636")
    (response,), _ = _read999(
        ack_999([f"IK3*SV2*{position}*2400*8", "IK4*4*380*6*52.5"], implementation="005010X223A2")
    )
    (found,) = ack.match([response], sent)
    assert (1, "SV204") == (found.line, found.element)


def test_a_claim_level_a7_for_the_billing_provider() -> None:
    text = ack_277([(CLAIM, "A7:562:85", {})])
    assert [] == pyx12_errors(text)
    statuses = list(ack.read_277ca(text=text))
    assert ["receiver", "provider", "claim"] == [s.level for s in statuses]
    claim = statuses[-1]
    assert (True, "BEN-2025-0001", "") == (claim.rejected, claim.claim_id, claim.payer_claim_number)
    (status,) = claim.statuses
    assert ("A7", "562", "85") == (status.category, status.status, status.entity)
    assert "rejected for invalid information" in status.meaning
    assert "National Provider Identifier" in status.meaning
    assert "(the billing provider)" in status.meaning
    assert "check the NPI" in status.next_step
    matches = [m for m in ack.match(statuses, [CLAIM]) if m.claim_id]
    assert [("BEN-2025-0001", None, True)] == [(m.claim_id, m.line, m.rejected) for m in matches]


def test_a_line_level_status_through_ref_fj() -> None:
    text = ack_277([(CLAIM, "A7:21:85", {2: "A7:453"})])
    assert [] == pyx12_errors(text)
    *_, claim = ack.read_277ca(text=text)
    (line,) = claim.lines
    assert ("J0490", ("JW",), "BEN-2025-0001-2") == (line.code, line.modifiers, line.control_number)
    found = [m for m in ack.match([claim], [CLAIM]) if m.line is not None]
    assert [(2, True)] == [(m.line, m.rejected) for m in found]
    assert "procedure code modifiers" in found[0].what


def test_an_accepted_277_and_one_that_omits_a_claim() -> None:
    other = claim_of(office(claim_id="BEN-2025-0009"), prices=PRICES)
    accepted = ack_277([(CLAIM, "A2:20:PR", {}), (other, "A2:20:PR", {})])
    assert [] == pyx12_errors(accepted)
    statuses = list(ack.read_277ca(text=accepted))
    assert not any(s.rejected for s in statuses)
    assert "2026003123456" == statuses[-1].payer_claim_number
    assert not any(m.rejected for m in ack.match(statuses, [CLAIM, other]))
    omitted = ack_277([(CLAIM, "A2:20:PR", {}), (other, "A2:20:PR", {})], omit=["BEN-2025-0009"])
    assert [] == pyx12_errors(omitted)
    missing = [m for m in ack.match(ack.read_277ca(text=omitted), [CLAIM, other]) if m.missing]
    assert [("BEN-2025-0009", True)] == [(m.claim_id, m.rejected) for m in missing]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ack_999().replace("IEA*1*000000501~\n", ""), "ends before its IEA"),
        (ack_999().replace("AK2*837*0001*005010X222A1~\n", ""), "IK5 is not allowed here"),
        (ack_999(["IK4*1*234*7*X"]), "IK4 is not allowed here"),
        (ack_999().replace("AK9*A*1*1*1", "AK9*A*1*2*1"), "AK9-03 counts 2"),
        (ack_999().replace("IK5*A", "IK5*Q"), "IK5-01 'Q'"),
        (ack_999(["IK3*SV1*23*2400*8"], rejected=False), "says accepted, but"),
        (ack_999().replace("SE*6*0001", "SE*7*0001"), "SE01 counts 7"),
        (ack_277([(CLAIM, "A2:20:PR", {})]).replace("HL*4*3*PT", "HL*4*2*PT"), "must sit under"),
        (ack_277([(CLAIM, "A2:20:PR", {})]).replace("BHT*0085*08*277CA0001*20260103*1000*TH~\n",
                                                     ""), "starts with BHT"),
        (ack_277([(CLAIM, "A2:20:PR", {})]).replace("STC*A2:20:PR", "STC*!!:20:PR"),
         "not a category code"),
        (ack_277([(CLAIM, "A2:20:PR", {})]).replace("TRN*2*BEN", "AMT*YU*1~\nTRN*2*BEN"),
         "AMT is not allowed here"),
    ],
)  # fmt: skip
def test_a_malformed_acknowledgment_is_refused(text: str, message: str, tmp_path: Path) -> None:
    reader = ack.read_999 if "GS*FA" in text else ack.read_277ca
    with pytest.raises(InvalidFormat, match=message):
        list(reader(text=text))
    path = tmp_path / "bad.ack"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main(["ack", str(path)], out, err)
    assert "" == out.getvalue()
    assert "nothing in it was used" in " ".join(err.getvalue().split())


def test_the_command_line_exit_codes(tmp_path: Path) -> None:
    sent = _837(tmp_path, office())
    cases = {
        "ok.999": (ack_999(), 0),
        "bad.999": (ack_999([f"IK3*SV1*{_position(sent, 'SV1')}*2400*8", "IK4*1:2*234*7*X"]), 1),
        "ok.277": (ack_277([(CLAIM, "A2:20:PR", {})]), 0),
        "bad.277": (ack_277([(CLAIM, "A7:562:85", {})]), 1),
        "omits.277": (ack_277([(CLAIM, "A2:20:PR", {})], omit=["BEN-2025-0001"]), 1),
    }
    for name, (text, status) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        out, err = io.StringIO(), io.StringIO()
        assert status == cli.main(["ack", str(path), "--claims", str(sent)], out, err), name
        assert "" == err.getvalue()
    out = io.StringIO()
    assert 1 == cli.main(["ack", str(tmp_path / "bad.999"), "--claims", str(sent), "--format",
                          "csv"], out, io.StringIO())  # fmt: skip
    header, row = out.getvalue().splitlines()[:2]
    assert header.startswith("claim,line,category,status,entity,element,meaning,next_step")
    assert row.startswith("BEN-2025-0001,1,,,,SV101-2,")
    out = io.StringIO()
    assert 1 == cli.main(["ack", str(tmp_path / "bad.999")], out, io.StringIO())
    assert "SV1 at position" in out.getvalue()  # without --claims: positions only


def test_tables_for_pandas() -> None:
    import pandas

    from benlysta_coding import remit

    rows = ack.records(ack.read_277ca(text=ack_277([(CLAIM, "A7:21:85", {2: "A7:453"})])))
    frame = pandas.DataFrame(rows)
    assert ["claim", "line", "category", "status", "entity", "element", "meaning", "next_step",
            "rejected"] == list(frame.columns)  # fmt: skip
    assert 2 == int(frame["rejected"].sum())
    answers = {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}
    payments = list(remit.read_835(text=remittance([(CLAIM, "1", answers)])))
    table = pandas.DataFrame(remit.records(payments, numeric=True))
    assert 172.5 == table.loc[table["reason"] == "2", "amount"].sum()
    exact = remit.records(payments)
    assert {"claim", "line", "code", "modifiers", "group", "reason", "amount", "meaning",
            "next_step"} <= set(exact[0])  # fmt: skip
    assert "172.5" == str(next(r["amount"] for r in exact if r["reason"] == "2"))


def test_the_shipped_samples_answer_the_office_claim() -> None:
    """The sample files are what the test helpers write for the office example's claims (a paid
    claim; and, in ``remittance-denials.835``, a claim denied for a missing authorization and one
    whose waste line lacks a valid NDC), and pyx12 accepts each."""
    answers = {1: {"paid": "690", "cas": [("PR", "2", "172.5")]},
               2: {"paid": "30", "cas": [("PR", "2", "7.5")]},
               3: {"paid": "120", "cas": [("PR", "2", "30")]}}  # fmt: skip
    denied = {
        n: {"paid": "0", "cas": [("CO", "197", a)]}
        for n, a in ((1, "862.5"), (2, "37.5"), (3, "150"))
    }
    partly = {**answers, 2: {"paid": "0", "cas": [("CO", "16", "37.5")], "lq": ["M119"]}}
    expected = {
        "remittance-office-iv.835": remittance(
            [(CLAIM, "1", answers)], payment_date="20260121", production_date="20260120"
        ),
        "remittance-denials.835": remittance(
            [
                (claim_of(office(claim_id="BEN-2025-0101"), prices=PRICES), "1", answers),
                (claim_of(office(claim_id="BEN-2025-0102"), prices=PRICES), "4", denied),
                (claim_of(office(claim_id="BEN-2025-0103"), prices=PRICES), "1", partly),
            ],
            payment_date="20260121",
            production_date="20260120",
        ),
        "ack-office-iv.999": ack_999(),
        "ack-office-iv.277": ack_277([(CLAIM, "A2:20:PR", {})]),
    }
    for name, text in expected.items():
        shipped = (EXAMPLES / name).read_text()
        assert text == shipped, name
        assert [] == pyx12_errors(shipped)


@pytest.mark.parametrize(
    "text",
    [ack_999(["IK3*SV1*23*2400*8", "CTX*CLM01:BEN-2025-0001", "IK4*1:2*234*7*J0490"]),
     ack_277([(CLAIM, "A7:21:85", {2: "A7:453"})])],
    ids=["999", "277CA"],
)  # fmt: skip
def test_a_cut_acknowledgment_is_refused_at_every_boundary(text: str) -> None:
    reader = ack.read_999 if "GS*FA" in text else ack.read_277ca
    whole = list(reader(text=text))
    ends = [i + 1 for i, char in enumerate(text) if char == "~"]
    for cut in (0, *ends[:-1], *range(ends[-2], len(text.rstrip()) - 1)):
        seen = []
        with pytest.raises(InvalidFormat, match=r"segment \d+"):  # noqa: PT012
            for item in reader(text=text[:cut]):
                seen.append(item)
        assert seen == whole[: len(seen)], cut
