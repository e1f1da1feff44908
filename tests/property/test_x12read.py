"""Every X12 reader (835, 999, 277CA) fed a valid file with random edits: it reads it whole or
refuses it with the library's error, never another exception, ``FUZZ_EXAMPLES`` sets how many
edited files a run tries (300 by default; 8,000 passed when this was written)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from benlysta_coding import ack, remit
from benlysta_coding.errors import ValidationError
from tests.acks import ack_277, ack_999
from tests.helpers import claim_of, office
from tests.remit835 import remittance

CLAIM = claim_of(office(), prices={"J0490": "12.50", "96365": "150"})
FILES: list[tuple[str, Callable[..., Iterator[Any]]]] = [
    (remittance([(CLAIM, "1", {1: {"paid": "690", "cas": [("PR", "2", "172.5")]}}),
                 (CLAIM, "4", {3: {"paid": 0, "cas": [("CO", "197", "150")]}})]),
     remit.read_835),
    (ack_999(["IK3*SV1*23*2400*8", "CTX*CLM01:BEN-2025-0001", "IK4*1:2*234*7*J0490"]),
     ack.read_999),
    (ack_277([(CLAIM, "A7:21:85", {2: "A7:453"})]), ack.read_277ca),
]  # fmt: skip
ALPHABET = "*:~^\n0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZ \x00é"


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, Callable[..., Iterator[Any]]]:
    text, reader = draw(st.sampled_from(FILES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(ALPHABET, min_size=1, max_size=3))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text, reader


def _read(reader: Callable[..., Iterator[Any]], text: str) -> str | None:
    try:
        for _ in reader(text=text):
            pass
    except ValidationError as error:
        return str(error)
    return None


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(edited())
def test_an_edited_file_is_read_whole_or_refused(
    case: tuple[str, Callable[..., Iterator[Any]]],
) -> None:
    text, reader = case
    refusal = _read(reader, text)
    assert refusal is None or refusal  # read whole, or refused saying what was wrong
