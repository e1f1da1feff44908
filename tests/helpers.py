"""Helpers shared by the tests: example encounters with changes."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import pkgutil
import sys
from typing import Any

from benlysta_coding import encounter
from benlysta_coding import examples as _examples
from benlysta_coding.build import build_claim
from benlysta_coding.claim import Claim

TODAY = dt.date(2026, 1, 1)


def office(**changes: Any) -> dict[str, Any]:
    """The office example as a dict, with top-level changes (None deletes a key)."""
    return _changed(_examples.OFFICE_IV, changes)


def hospital(**changes: Any) -> dict[str, Any]:
    return _changed(_examples.HOSPITAL_IV, changes)


def sc(**changes: Any) -> dict[str, Any]:
    """The office example given subcutaneously to a commercial payer, with changes."""
    base: dict[str, Any] = {
        "route": "sc",
        "infusion_minutes": None,
        "payer": "commercial",
        "diagnoses": ["M32.13"],
    }
    base.update(changes)
    return office(**base)


def _changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if key.startswith("patient__"):
            data["patient"][key.removeprefix("patient__")] = value
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def claim_of(data: dict[str, Any], **options: Any) -> Claim:
    options.setdefault("today", TODAY)
    return build_claim(encounter.from_dict(data), **options)


def codes(claim: Claim) -> list[str]:
    return [finding.code for finding in claim.findings]


def summary(claim: Claim) -> list[tuple[str, tuple[str, ...], int]]:
    return [(line.code, line.modifiers, line.units) for line in claim.lines]


OPTIONAL_MODULES = ("spark", "distributed", "html", "strategies")
"""Modules that import an optional dependency (pyspark, dask, IPython, hypothesis)."""


def clear_caches() -> int:
    """Empty every bounded cache of the library; returns how many there are (every module of the
    core is imported first, so that the count does not depend on what a test imported)."""
    import benlysta_coding

    for info in pkgutil.walk_packages(benlysta_coding.__path__, "benlysta_coding."):
        if not info.name.endswith(OPTIONAL_MODULES):
            importlib.import_module(info.name)
    cleared = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("benlysta_coding"):
            continue
        for value in vars(module).values():
            if getattr(value, "__module__", None) != name:
                continue  # imported from another module: counted there
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()
                cleared += 1
    return cleared


def unwrap(text: str) -> str:
    """Command-line output as one line a message: the continuation lines the command line wraps
    to the terminal's width (indented four more spaces) joined back."""
    lines: list[str] = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if lines and line.strip():
            previous = len(lines[-1]) - len(lines[-1].lstrip(" "))
            if indent == previous + 4 and not line.lstrip().startswith(("next:",)):
                lines[-1] += " " + line.strip()
                continue
        lines.append(line)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")
