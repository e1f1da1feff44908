"""Test helpers for X12: the pyx12 validator (an independent check) and the checks it does not make."""

from __future__ import annotations

import io
import json
import logging
from decimal import Decimal
from typing import Any

import pyx12.map_if
import pyx12.params
import pyx12.x12n_document

_load_map_file = pyx12.map_if.load_map_file
_MAPS: dict[tuple[str, str | None], Any] = {}


def _cached_map(map_file: str, param: Any, map_path: str | None = None) -> Any:
    """pyx12 re-reads and re-builds its XML maps on every call (about 0.2 s); the maps are read-only
    for validation (the walker keeps its counts apart), so each is loaded once per test session."""
    key = (map_file, map_path)
    if key not in _MAPS:
        _MAPS[key] = _load_map_file(map_file, param, map_path)
    return _MAPS[key]


pyx12.map_if.load_map_file = _cached_map


def pyx12_errors(text: str) -> list[str]:
    """Validate with pyx12; return the error messages (empty when valid)."""
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    logging.disable(logging.ERROR)
    try:
        report = io.StringIO()
        try:
            ok = pyx12.x12n_document.x12n_document(
                pyx12.params.params(), io.StringIO(text), io.StringIO(), None, fd_json=report
            )
        except Exception as error:  # an unknown version raises instead of returning
            return [f"pyx12 raised {type(error).__name__}: {error}"]
    finally:
        logging.disable(logging.NOTSET)
    found = _errors(json.loads(report.getvalue() or "{}"))
    if not ok and not found:
        found.append("pyx12 rejected the file")
    return found


def _errors(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "errors" and value:
                found.extend(json.dumps(e) for e in value)
            else:
                found.extend(_errors(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_errors(item))
    return found


def segments(text: str) -> list[list[str]]:
    return [seg.strip().split("*") for seg in text.split("~") if seg.strip()]


def own_checks(text: str) -> None:
    """What pyx12 does not check: totals, pointers, NDC shape, LX numbering, SE counts."""
    segs = segments(text)
    claims: list[dict[str, Any]] = []
    st_start = 0
    for index, seg in enumerate(segs):
        tag = seg[0]
        if tag == "ST":
            st_start = index
        elif tag == "SE":
            assert int(seg[1]) == index - st_start + 1
        elif tag == "CLM":
            claims.append(
                {"total": Decimal(seg[2]), "charges": [], "diagnoses": 0, "lx": [], "pointers": []}
            )
        elif tag == "HI":
            claims[-1]["diagnoses"] += len(seg) - 1
        elif tag == "LX":
            claims[-1]["lx"].append(int(seg[1]))
        elif tag == "SV1":
            claims[-1]["charges"].append(Decimal(seg[2]))
            claims[-1]["pointers"].extend(int(p) for p in seg[7].split(":"))
        elif tag == "SV2":
            claims[-1]["charges"].append(Decimal(seg[3]))
        elif tag == "LIN":
            assert seg[2] == "N4"
            assert len(seg[3]) == 11
            assert seg[3].isdigit()
        elif tag == "CTP":
            assert Decimal(seg[4]) > 0
            assert seg[5] in ("UN", "ML", "ME", "GR", "F2")
    assert segs[-1][0] == "IEA"
    assert segs[0][0] == "ISA"
    assert len("*".join(segs[0])) == 105  # 106 with the segment terminator
    for claim in claims:
        assert claim["total"] == sum(claim["charges"], Decimal(0))
        assert list(range(1, len(claim["lx"]) + 1)) == claim["lx"]
        assert all(1 <= p <= claim["diagnoses"] for p in claim["pointers"])
