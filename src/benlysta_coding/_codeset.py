"""Private machinery shared by the code-set modules: the entry base class and the lookup table."""

from __future__ import annotations

import datetime as _dt
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Generic, TypeVar

import attrs

from benlysta_coding._util import require_str
from benlysta_coding.errors import CodeNotInEffect, UnknownCode
from benlysta_coding.facts import Certainty


@attrs.frozen(kw_only=True)
class CodeEntry:
    """One entry of an external code set.

    ``summary`` is the library's own short wording (never licensed descriptor text). ``effective`` and
    ``end`` bound the dates of service on which the code may be used; ``None`` means not bounded (or,
    for ``effective``, that the start date was not verified).
    """

    code: str
    summary: str
    certainty: Certainty
    effective: _dt.date | None = None
    end: _dt.date | None = None
    sources: tuple[str, ...] = ()
    note: str = ""

    def in_effect(self, on: _dt.date) -> bool:
        """Return whether the code may be used on the date of service ``on``."""
        if self.effective is not None and on < self.effective:
            return False
        return self.end is None or on <= self.end


E = TypeVar("E", bound=CodeEntry)


class CodeTable(Generic[E]):
    """A read-only table of entries with a normalising, date-aware lookup."""

    def __init__(
        self,
        kind: str,
        entries: Iterable[E],
        normalise: Callable[[str], str] = str.strip,
        hints: Mapping[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.codes: Mapping[str, E] = types.MappingProxyType({e.code: e for e in entries})
        self._normalise = normalise
        self._hints = dict(hints or {})

    def lookup(self, code: object, on: _dt.date | None = None) -> E:
        text = self._normalise(require_str(code, f"{self.kind} code"))
        entry = self.codes.get(text)
        if entry is None:
            hint = self._hints.get(text, "")
            known = ", ".join(self.codes)
            shown = text if text.isascii() and text.isprintable() and len(text) <= 12 else "(value)"
            raise UnknownCode(
                f"{self.kind} code {shown!s} is not in this library's code set"
                f"{'; ' + hint if hint else ''}. Known codes: {known}."
            )
        if on is not None and not entry.in_effect(on):
            start = entry.effective.isoformat() if entry.effective else "the start"
            end = entry.end.isoformat() if entry.end else "now"
            raise CodeNotInEffect(
                f"{self.kind} code {entry.code} is in effect from {start} to {end}, "
                f"not on {on.isoformat()}"
            )
        return entry
