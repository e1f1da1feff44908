"""Reading JSON-like data into frozen attrs values, every problem at once, each value converted once.

The value classes (parties, the encounter) declare each field with an attrs ``converter`` that turns
what it is given into the field's type or raises (:class:`TypeError` for a wrong type, a
:class:`~benlysta_coding.errors.ValidationError` for a wrong value). That converter is the only place a
field's rule is written:

* built in Python, the class runs its converters as attrs does; when one fails, :func:`collecting`
  reruns the reading below over the same arguments so that the error lists *every* problem;
* read from JSON, :func:`structure` calls each converter once, collects every problem with its JSON
  path, then builds the instance without running the converters a second time.

Field metadata (``attrs.field(metadata=...)``) says what the JSON reference in the docs shows:
``help``, ``example`` and ``json`` (the JSON type); ``kind`` names a nested value class, ``items``
the class of the objects of a list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import attrs

from benlysta_coding.errors import InvalidInput, Problem, ValidationError

T = TypeVar("T")
Converter = Callable[[Any], Any]

MAX_EXCERPT: Final = 40
"""Longest piece of an input that an error message may quote."""


def meta(
    help: str,  # noqa: A002 - the natural name for a field's description
    example: object = None,
    json: str = "string",
    kind: type | None = None,
    items: type | None = None,
) -> dict[str, object]:
    """Field metadata for the docs' JSON reference and for nested reading."""
    return {"help": help, "example": example, "json": json, "kind": kind, "items": items}


def _message(error: Exception, value: object) -> str:
    if isinstance(error, TypeError) and isinstance(value, float):
        return (
            "a JSON number was read as a binary float; parse JSON with "
            "parse_float=decimal.Decimal (from_json does) or give the number as a string"
        )
    return str(error)


class Reader:
    """Collects problems while reading, each with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def convert(self, convert: Converter, value: object, path: str) -> Any:
        """Run one converter; a problem is recorded and ``None`` returned when it refuses."""
        try:
            return convert(value)
        except InvalidInput as error:  # a list or nested value: its paths are relative
            self.problems.extend(
                Problem(path + problem.path.removeprefix("$"), problem.code, problem.message)
                for problem in error.problems
            )
        except TypeError as error:
            self.fail(path, "invalid-type", _message(error, value))
        except ValidationError as error:
            self.fail(path, "invalid-value", str(error))
        except (ValueError, ArithmeticError, RecursionError, MemoryError):
            self.fail(path, "invalid-value", "not a value this field accepts")
        return None

    def mapping(self, value: object, path: str, keys: Mapping[str, object]) -> Mapping[Any, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, "invalid-type", "expected an object")
            return {}
        for position, key in enumerate(value):
            if key not in keys:
                shown = (
                    f".{key}"
                    if isinstance(key, str) and key.isidentifier() and len(key) < MAX_EXCERPT
                    else f"{{key {position + 1}}}"
                )
                self.fail(
                    f"{path}{shown}",
                    "unknown-key",
                    f"unknown key; accepted keys: {', '.join(sorted(keys))}",
                )
        return value

    def read(
        self,
        kind: type[T],
        value: object,
        path: str,
        overrides: Mapping[str, Converter] | None = None,
    ) -> T | None:
        """Read a mapping (or pass an instance of ``kind`` through) into ``kind``."""
        if isinstance(value, kind):
            return value
        fields = attrs.fields_dict(kind)  # type: ignore[arg-type]
        before = len(self.problems)
        data = self.mapping(value, path, fields)
        values: dict[str, Any] = {}
        for name, field in fields.items():
            where = f"{path}.{name}"
            item = data.get(name)
            optional = field.default is not attrs.NOTHING
            if item is None or (optional and item == ""):
                if not optional and isinstance(value, Mapping):
                    self.fail(where, "missing", "required")
                continue
            nested = field.metadata.get("kind")
            if nested is not None:
                converted = self.read(nested, item, where)
            elif field.metadata.get("items") is not None:
                converted = self.read_list(field.metadata["items"], item, where, field.converter)
            else:
                convert = (overrides or {}).get(name) or field.converter
                converted = self.convert(convert, item, where) if convert else item  # type: ignore[arg-type]
            if converted is not None:
                values[name] = converted
        if len(self.problems) > before or not isinstance(value, Mapping):
            return None
        cross = getattr(kind, "cross_check", None)
        if cross is not None:
            for name, code, message in cross(values):
                self.fail(f"{path}.{name}", code, message)
            if len(self.problems) > before:
                return None
        return build(kind, values)

    def read_list(
        self, kind: type, value: object, path: str, check: object
    ) -> tuple[Any, ...] | None:
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            self.fail(path, "invalid-type", "expected a list")
            return None
        before = len(self.problems)
        read = tuple(self.read(kind, item, f"{path}[{i}]") for i, item in enumerate(value))
        if len(self.problems) > before:
            return None
        if callable(check):  # the list's own rule (length, duplicates) on the read items
            return self.convert(check, read, path)  # type: ignore[no-any-return]
        return read


def build(kind: type[T], values: Mapping[str, Any]) -> T:
    """Make an instance from converted values without running the converters again."""
    instance = object.__new__(kind)
    for field in attrs.fields(kind):  # type: ignore[arg-type]
        if field.name in values:
            value = values[field.name]
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            value = field.default.factory()
        else:
            value = field.default
        object.__setattr__(instance, field.name, value)
    return instance


def collecting(path: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: when the attrs ``__init__`` refuses a value, report every problem at once.

    The error is an :class:`~benlysta_coding.errors.InvalidInput` whose problems carry paths under
    ``path`` (``$.patient.weight_kg``).
    """

    def decorate(cls: type[T]) -> type[T]:
        init = cls.__init__

        def __init__(self: T, **kwargs: Any) -> None:
            try:
                init(self, **kwargs)
            except (TypeError, ValidationError):
                reader = Reader()
                reader.read(cls, kwargs, path)
                if not reader.problems:  # pragma: no cover - the reading found what init did
                    raise
                raise InvalidInput(reader.problems) from None
            check = getattr(cls, "cross_check", None)
            if check is not None:
                values = {f.name: getattr(self, f.name) for f in attrs.fields(cls)}  # type: ignore[arg-type]
                found = [Problem(f"{path}.{n}", c, m) for n, c, m in check(values)]
                if found:
                    raise InvalidInput(found)

        __init__.__doc__ = init.__doc__
        cls.__init__ = __init__  # type: ignore[assignment,method-assign]
        return cls

    return decorate


def items(convert: Converter, at_most: int, what: str) -> Converter:
    """A converter for a list of plain values: each item converted, every bad item reported."""

    def convert_list(value: object) -> tuple[Any, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            raise TypeError(f"expected a list of {what}")
        reader = Reader()
        if len(value) > at_most:
            reader.fail("$", "invalid-value", f"expected at most {at_most} {what}")
            raise InvalidInput(reader.problems)
        read = [reader.convert(convert, item, f"$[{i}]") for i, item in enumerate(value)]
        if reader.problems:
            raise InvalidInput(reader.problems)
        return tuple(read)

    return convert_list


def nested(kind: type[T]) -> Callable[[Any], T]:
    """A converter for a field holding a value class: an instance, or a mapping read into one."""

    def convert(value: object) -> T:
        if isinstance(value, kind):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a {kind.__name__} or an object")
        reader = Reader()
        read = reader.read(kind, value, "$")
        if read is None:
            raise InvalidInput(reader.problems)
        return read

    return convert
