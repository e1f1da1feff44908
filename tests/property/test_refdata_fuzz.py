"""The CMS loaders fed valid files with random edits: each loads the file or refuses it with the
library's error naming the file, never another exception. ``FUZZ_EXAMPLES`` sets how many edited
files a run tries (300 by default)."""

from __future__ import annotations

import os
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from benlysta_coding import refdata
from benlysta_coding.errors import ValidationError

ASP = (
    b"January 2026 ASP Pricing File\n"
    b"HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance Percentage\n"
    b"J0490,Belimumab,10 MG,24.811,20\nJ0485,Belatacept,1 MG,5.611,20\n"
)
CROSSWALK = b'_2026_CODE,NDC2,BILLUNITSPKG\nJ0490,49401-0101-01,12\nJ0490,"49401-0102-01",40\n'
MUE = (
    b'"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator\n'
    b"J0490,150,3 Date of Service Edit: Clinical\n96365,1,2\n"
)
LOADERS: list[tuple[bytes, Callable[[bytes], object]]] = [
    (ASP, lambda data: refdata.load_asp(data, name="asp.csv")),
    (CROSSWALK, lambda data: refdata.load_crosswalk(data, name="x.csv",
                                                    period=("2026-01-01", "2026-03-31"))),
    (MUE, lambda data: refdata.load_mue(data, name="MUE_Eff_01-01-2026.csv")),
]  # fmt: skip
ALPHABET = b',"\n\r0123456789.-$%JN/A \xef\xbb\xbf\xe9\x00'


@st.composite
def edited(draw: st.DrawFn) -> tuple[bytes, Callable[[bytes], object]]:
    data, loader = draw(st.sampled_from(LOADERS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        piece = bytes(draw(st.lists(st.sampled_from(list(ALPHABET)), min_size=1, max_size=3)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(piece) :]
        else:
            data = data[:at] + piece + data[at + len(piece) :]
    return data, loader


def _load(loader: Callable[[bytes], object], data: bytes) -> str | None:
    try:
        loader(data)
    except ValidationError as error:
        return str(error)
    return None


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(edited())
def test_an_edited_cms_file_loads_or_is_refused_by_name(
    case: tuple[bytes, Callable[[bytes], object]],
) -> None:
    data, loader = case
    refusal = _load(loader, data)
    assert refusal is None or refusal.split(":")[0] in (
        "asp.csv",
        "x.csv",
        "MUE_Eff_01-01-2026.csv",
    )
