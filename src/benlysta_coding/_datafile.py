"""Private reader of the library's TOML data files (drug files, payer policy files).

A :class:`Table` wraps one TOML table and hands out its keys typed; each wrong key is recorded, not
raised, so that a file reports all its problems at once (:meth:`Table.finish`), and each problem names
the file, the key and what is accepted. Keys the reader never asked for are problems too: a typo is
refused, never ignored.
"""

from __future__ import annotations

import json
import os
import tomllib
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, TypeVar

from benlysta_coding.errors import InvalidInput, Problem

MAX_BYTES: Final = 1_000_000
"""The largest data file read (a drug file is about 5 KB)."""


T = TypeVar("T")


def registry(
    built_in: Mapping[str, T], loaded: Iterable[T], kind: type, what: str, field: str
) -> Mapping[str, T]:
    """``built_in`` and ``loaded`` by name (each value's ``name``); a value that is not ``kind``
    is a :class:`TypeError`, a name used twice an :class:`~benlysta_coding.errors.InvalidInput`."""
    found = dict(built_in)
    for value in loaded:
        if not isinstance(value, kind):
            raise TypeError(f"{field}: expected {kind.__module__}.{kind.__name__} values")
        name = value.name  # type: ignore[attr-defined]
        if name in found and found[name] is not value:
            where = getattr(value, "source", "") or name
            problem = Problem(where, "duplicate", f"a {what} named {name!r} is already loaded")
            raise InvalidInput([problem])
        found[name] = value
    return types.MappingProxyType(found)


class Problems:
    """The problems of one file, each as a :class:`~benlysta_coding.errors.Problem` whose path is
    ``FILE: key``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[Problem] = []

    def add(self, key: str, code: str, message: str) -> None:
        self.found.append(Problem(f"{self.name}: {key}" if key else self.name, code, message))

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidInput(self.found)


def read(
    path: str | os.PathLike[str], problems: Problems | None = None
) -> tuple[dict[str, Any], Problems]:
    """The TOML document of ``path`` and the problem list named after the file; an unreadable or
    malformed file raises :class:`~benlysta_coding.errors.InvalidInput` naming the file (and the line
    of a syntax error)."""
    file = Path(path)
    found = problems or Problems(file.name)
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a path with a NUL character
        found.add("", "unreadable", f"cannot read the file ({type(error).__name__})")
        found.raise_if_any()
    if len(raw) > MAX_BYTES:
        found.add("", "too-large", f"a data file is at most {MAX_BYTES} bytes")
        found.raise_if_any()
    try:
        return tomllib.loads(raw.decode("utf-8")), found
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    except tomllib.TOMLDecodeError as error:
        reason = f"not valid TOML: {error}"
    except ValueError:  # an integer of more digits than Python converts
        reason = "not valid TOML: a number too long to read"
    raise InvalidInput([*found.found, Problem(found.name, "invalid-toml", reason)])


class Table:
    """One TOML table of a file, read key by key."""

    def __init__(self, data: Mapping[str, Any], problems: Problems, prefix: str = "") -> None:
        self.data = data
        self.problems = problems
        self.prefix = prefix
        self.asked: set[str] = set()

    def key(self, name: str) -> str:
        """The key as TOML writes it: ``not_indicated."M32.0"`` (quoted when not bare)."""
        bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
        return f"{self.prefix}{name if bare else json.dumps(name)}"

    def fail(self, name: str, accepted: str) -> None:
        self.problems.add(self.key(name), "invalid-value", f"expected {accepted}")

    def has(self, name: str) -> bool:
        self.asked.add(name)
        return name in self.data

    def raw(self, name: str, required: bool) -> Any:
        self.asked.add(name)
        if name not in self.data:
            if required:
                self.problems.add(self.key(name), "missing", "required")
            return None
        return self.data[name]

    def text(
        self,
        name: str,
        accepted: str = "text",
        *,
        required: bool = True,
        choices: Sequence[str] = (),
    ) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if choices:
            accepted = "one of " + ", ".join(repr(choice) for choice in choices)
        if not isinstance(value, str) or not value.strip() or (choices and value not in choices):
            self.fail(name, accepted)
            return None
        return value

    def decimal(self, name: str, *, required: bool = True, positive: bool = True) -> Decimal | None:
        """A number written as text (``"1.5"``, exact) or a TOML integer; a TOML float is refused
        (it is binary, not the number as written)."""
        value = self.raw(name, required)
        if value is None:
            return None
        accepted = 'a number greater than zero as text, such as "1.5", or a whole number'
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(name, accepted)
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(name, accepted)
            return None
        if not number.is_finite() or (positive and number <= 0) or abs(number) > 1_000_000:
            self.fail(name, accepted)
            return None
        return number

    def integer(self, name: str, low: int, high: int, *, required: bool = True) -> int | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(name, f"a whole number from {low} to {high}")
            return None
        return value

    def flag(self, name: str, *, required: bool = False) -> bool | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(name, "true or false")
            return None
        return value

    def texts(self, name: str, accepted: str, *, required: bool = False) -> list[str] | None:
        """A list of text, or one text read as a list of one."""
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v for v in value)
        ):
            self.fail(name, f"a list of {accepted}")
            return None
        return value

    def integers(self, name: str, accepted: str, *, required: bool = False) -> list[int] | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or not value
            or not all(type(v) is int and 0 <= v <= 520 for v in value)
            or value != sorted(set(value))
        ):
            self.fail(name, f"a list of {accepted}")
            return None
        return value

    def table(self, name: str, *, required: bool = False) -> Table | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, "a table")
            return None
        return Table(value, self.problems, f"{self.key(name)}.")

    def tables(self, name: str, *, required: bool = False) -> Iterator[Table]:
        """The tables of an array of tables (``[[name]]``)."""
        value = self.raw(name, required)
        if value is None:
            return
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(name, f"an array of tables ([[{name}]])")
            return
        for index, item in enumerate(value):
            yield Table(item, self.problems, f"{self.key(name)}[{index}].")

    def finish(self, allowed: Sequence[str] = ()) -> None:
        """Report every key that was never read (an unknown key); ``allowed`` lists the keys the
        reader knows, for the message."""
        for name in self.data:
            if name not in self.asked:
                known = ", ".join(sorted(allowed or self.asked))
                self.problems.add(self.key(name), "unknown-key", f"not a known key; known: {known}")
