"""Reading JSON-like data into frozen attrs values, every problem at once, each value converted once.

The value classes (parties, the encounter) declare each field with an attrs ``converter`` that turns
what it is given into the field's type or raises (:class:`TypeError` for a wrong type, a
:class:`~benlysta_coding.errors.ValidationError` for a wrong value). That converter is the only place a
field's rule is written:

* built in Python, the class runs its converters as attrs does; when one fails, :func:`collecting`
  reruns the reading below over the same arguments so that the error lists *every* problem;
* read from JSON, :meth:`Reader.read` first tries the class's quick reading: a function written
  for the class's fields when the class is declared (as attrs writes an ``__init__``), which calls
  each converter once and sets the fields on a new instance, with no paths and no problem records.
  At the first sign of a problem it gives up, and the reader reads the fields again in order,
  collecting every problem with its JSON path. A good document is read once; only a bad one is
  read twice.

A class declared with ``collecting(path, shared=True)`` (a provider, a payer, the submitter: the same
in every record of a batch) is read once per distinct content: a mapping of plain text values is
compared with the one of its class read last (a copy of its content), then looked up in a bounded
cache of the values already read, which are immutable.

Field metadata (``attrs.field(metadata=...)``) says what the JSON reference in the docs shows:
``help``, ``example`` and ``json`` (the JSON type); ``kind`` names a nested value class, ``items``
the class of the objects of a list.
"""

from __future__ import annotations

import datetime
import difflib
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from benlysta_coding._util import article, plain, to_date, to_decimal
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


class _Refused(Exception):
    """A value the quick reading gave up on (never cached: it is read again to report why)."""


_REFUSALS: Final = (
    _Refused,
    TypeError,
    ValidationError,
    ValueError,
    ArithmeticError,
    RecursionError,
    MemoryError,
)
"""What a converter raises for a value it refuses (:class:`InvalidInput` is a ValidationError)."""


def _likely_typo(key: object, keys: frozenset[str]) -> str | None:
    """The accepted key that ``key`` misspells (one or two characters off), else ``None``."""
    if not isinstance(key, str) or not key.isidentifier() or len(key) >= MAX_EXCERPT:
        return None
    close = difflib.get_close_matches(key.lower(), keys, n=1, cutoff=0.8)
    return close[0] if close else None


def _once(message: str, where: str) -> str:
    """A converter's message without the field name the path already gives
    (``$.service_date: service_date: expected ...`` reads ``$.service_date: expected ...``)."""
    name = where.rpartition(".")[2].partition("[")[0]
    if name and message.startswith(f"{name}: "):
        return message[len(name) + 2 :]
    return message


class Reader:
    """Collects problems while reading, each with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def convert(self, convert: Converter, value: object, path: str, name: str = "") -> Any:
        """Run one converter; a problem is recorded and ``None`` returned when it refuses. The
        path of the problem is ``path`` (with ``.name`` when given)."""
        try:
            return convert(value)
        except InvalidInput as error:  # a list or nested value: its paths are relative
            where = f"{path}.{name}" if name else path
            self.problems.extend(
                Problem(where + problem.path.removeprefix("$"), problem.code, problem.message)
                for problem in error.problems
            )
        except TypeError as error:
            where = f"{path}.{name}" if name else path
            self.fail(where, "invalid-type", _once(_message(error, value), where))
        except ValidationError as error:
            where = f"{path}.{name}" if name else path
            self.fail(where, "invalid-value", _once(str(error), where))
        except (ValueError, ArithmeticError, RecursionError, MemoryError):
            where = f"{path}.{name}" if name else path
            self.fail(where, "invalid-value", "not a value this field accepts")
        return None

    def mapping(self, value: object, path: str, keys: frozenset[str]) -> Mapping[Any, Any]:
        if value.__class__ is dict and value.keys() <= keys:  # the common case, checked cheaply
            return value
        if not isinstance(value, Mapping):
            self.fail(path, "invalid-type", "expected an object")
            return {}
        if value.keys() <= keys:
            return value
        for position, key in enumerate(value):
            if key not in keys:
                typo = _likely_typo(key, keys)
                if typo is not None:  # a key name is echoed only when it is a misspelt one
                    self.fail(
                        f"{path}.{key}", "unknown-key", f"an unknown key; did you mean '{typo}'?"
                    )
                else:  # a key can carry patient data when a system writes data as keys
                    self.fail(
                        path,
                        "unknown-key",
                        f"an unknown key (key {position + 1} of this object); accepted keys: "
                        f"{', '.join(sorted(keys))}",
                    )
        return value

    def read(
        self,
        kind: type[T],
        value: object,
        path: str,
        overrides: Mapping[str, Converter] | None = None,
        converters: tuple[Converter, ...] | None = None,
    ) -> T | None:
        """Read a mapping (or pass an instance of ``kind`` through) into ``kind``. ``overrides``
        replaces the converters of some fields; ``converters``, when given, are the plan's with
        those overrides already in place (:meth:`Plan.converters_for`, made once for many
        reads)."""
        if isinstance(value, kind):
            return value
        plan = plan_of(kind)
        if value.__class__ is dict:  # the common case: read without paths, problems or copies
            try:
                if converters is None and overrides is None:
                    return _read_nested(kind, value)  # type: ignore[no-any-return]
                converters = converters or plan.converters_for(overrides or {})
                return plan.quick(value, converters)  # type: ignore[no-any-return]
            except _REFUSALS:
                pass
        # something is wrong (or the mapping is not a dict): read every field in order, recording
        # each problem with its path
        before = len(self.problems)
        data = self.mapping(value, path, plan.keys)
        if data is not value:
            return None
        values = self._fields_in_order(plan, data, path, overrides)
        if len(self.problems) > before:
            return None
        if plan.cross_check is not None:
            for name, code, message in plan.cross_check(values):
                self.fail(f"{path}.{name}", code, message)
            if len(self.problems) > before:
                return None
        return build(kind, values, plan)

    def _fields_in_order(
        self,
        plan: Plan,
        data: Mapping[str, Any],
        path: str,
        overrides: Mapping[str, Converter] | None,
    ) -> dict[str, Any]:
        """Every field in declaration order, recording each problem: the values of the fields
        given (converted; ``None`` where a problem was recorded)."""
        values: dict[str, Any] = {}
        for name, optional, nested, items, convert in plan.fields:
            item = data.get(name)
            if item is None or (optional and item == ""):
                if item is None and name in plan.nullable and name in data:
                    values[name] = None  # null, a value of this field
                elif not optional:
                    self.fail(f"{path}.{name}", "missing", "required")
                continue
            if overrides and name in overrides:
                values[name] = self.convert(overrides[name], item, path, name)
            elif nested is not None:
                values[name] = self.read(nested, item, f"{path}.{name}")
            elif items is not None:
                values[name] = self.read_list(items, item, f"{path}.{name}", convert)
            elif convert:
                values[name] = self.convert(convert, item, path, name)
            else:  # a field without a converter
                values[name] = item
        return values

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


SHARED_CACHE: Final = 1024
"""Distinct shared values (providers, payers ...) kept read."""

_Key = tuple[tuple[str, Any], ...]


def _key(value: Mapping[str, Any]) -> _Key | None:
    """The content of a mapping of text (and mappings of text) as a hashable key; ``None`` for any
    other value, which is read without the cache."""
    items = tuple(value.items())
    for _, item in items:
        if item.__class__ is not str:
            break
    else:
        return items  # text only: the common case
    found: list[tuple[str, Any]] = []
    for name, item in items:
        if item.__class__ is str:
            found.append((name, item))
        elif item.__class__ is dict:
            inner = _key(item)
            if inner is None:
                return None
            found.append((name, inner))
        else:
            return None
    return tuple(found)


def _unkey(key: _Key) -> dict[str, Any]:
    return {name: _unkey(item) if item.__class__ is tuple else item for name, item in key}


@functools.lru_cache(maxsize=SHARED_CACHE)
def _read_shared(kind: type, key: _Key) -> Any:
    plan = plan_of(kind)
    return plan.quick(_unkey(key), plan.converters)


Quick = Callable[[dict[str, Any], tuple[Converter, ...]], Any]
"""The quick reading of a class: (a dict, each field's converter) -> an instance, or
:class:`_Refused` at the first sign of a problem."""


@attrs.frozen
class Plan:
    """How to read one value class, made once per class: its fields in declaration order (name,
    optional, nested class, item class, converter) for the reading that reports problems, the
    quick reading with the converter of each field, the accepted keys and its cross-field check."""

    fields: tuple[tuple[str, bool, Any, Any, Any], ...]
    keys: frozenset[str]
    cross_check: Any
    converters: tuple[Converter, ...]
    """Each field's converter for the quick reading: that of a nested value or a list of them
    reads it quickly too."""
    quick: Quick
    setters: tuple[tuple[str, Any, Callable[[Any, Any], None]], ...]
    """(name, default, what sets the field on an instance) for each field: :func:`build`."""
    shared: bool = False
    """Read once per distinct content (see the module's notes)."""
    nullable: frozenset[str] = frozenset()
    """The fields for which ``null`` is a value (read by :func:`typed`)."""

    def converters_for(self, overrides: Mapping[str, Converter]) -> tuple[Converter, ...]:
        """The converters with those of ``overrides`` in place of the fields' own."""
        return tuple(
            overrides.get(name, convert)
            for (name, *_), convert in zip(self.fields, self.converters, strict=True)
        )


def plan_of(kind: type) -> Plan:
    """The reading plan of ``kind``, attached to the class by :func:`collecting`."""
    plan: Plan | None = kind.__dict__.get("__structure_plan__")
    return plan if plan is not None else _make_plan(kind)


def _make_plan(kind: type, shared: bool = False) -> Plan:
    """The plan of a class whose converters are its attrs converters (nested classes and lists of
    them named by the ``kind`` and ``items`` metadata)."""
    return _plan(
        kind,
        [
            (
                f,
                f.metadata.get("kind"),
                f.metadata.get("items"),
                f.converter,
                # the reader skips empty values itself, so it calls an optional() converter's inner one
                getattr(f.converter, "inner", f.converter),
                False,
            )
            for f in attrs.fields(kind)
        ],
        shared,
        getattr(kind, "cross_check", None),
    )


def _plan(
    kind: type,
    specs: list[tuple[attrs.Attribute[Any], Any, Any, Any, Any, bool]],
    shared: bool,
    cross_check: Any,
) -> Plan:
    """A plan from each field's (attribute, nested class, item class, converter, the converter
    of a given value, whether ``null`` is a value)."""
    converters: list[Converter] = []
    for _, nested, items, _, convert, _ in specs:
        if nested is not None:
            convert = functools.partial(_read_nested, nested)
        elif items is not None:
            convert = functools.partial(_read_list, items, convert)
        elif convert is None:
            convert = _as_is
        converters.append(convert)
    setters = tuple((f.name, f.default, _setter(kind, f.name)) for f, *_ in specs)
    keys = frozenset(f.name for f, *_ in specs)
    return Plan(
        fields=tuple(
            (f.name, f.default is not attrs.NOTHING, nested, items, convert)
            for f, nested, items, convert, _, _ in specs
        ),
        keys=keys,
        cross_check=cross_check,
        converters=tuple(converters),
        quick=_quick_reading(
            kind, [(f, nullable) for f, *_, nullable in specs], keys, setters, cross_check
        ),
        setters=setters,
        shared=shared,
        nullable=frozenset(f.name for f, *_, nullable in specs if nullable),
    )


def _as_is(value: object) -> object:
    """The converter of a field without one."""
    return value


def _quick_reading(
    kind: type,
    fields: list[tuple[attrs.Attribute[Any], bool]],
    keys: frozenset[str],
    setters: tuple[tuple[str, Any, Callable[[Any, Any], None]], ...],
    cross_check: Any,
) -> Quick:
    """The quick reading of ``kind``: a function written for its fields (as attrs writes an
    ``__init__``), made once per class. For each field in turn it takes the value from the dict;
    a missing or ``null`` value (or ``""`` for a field with a default) is the default, ``null``
    itself where ``null`` is a value, and any other value goes through the field's converter.
    Then it sets every field on a new instance and runs the cross-field check. There are no
    paths, no problem records and no loop over a table of fields: at the first sign of a problem
    (a converter refuses, a key is unknown, a required field is missing, the cross-field check
    finds something) it raises :class:`_Refused`, and :meth:`Reader.read` reads again in field
    order to report each problem with its path.

    The code is made from the field names only (each written with ``repr``); the defaults, the
    setters and the converters are values it is given, never text."""
    code = ["def read(data, c):", "    if not data.keys() <= keys:", "        raise Refused"]
    code.append("    get = data.get")
    for index, (field, nullable) in enumerate(fields):
        key, value = repr(field.name), f"v{index}"
        optional = field.default is not attrs.NOTHING
        missing = f"d{index}" if optional else "refused()"
        code += [f"    item = get({key})", "    if item is None:"]
        if nullable:
            code.append(f"        {value} = None if {key} in data else {missing}")
        else:
            code.append(f"        {value} = {missing}")
        if optional:
            code += ["    elif item == '':", f"        {value} = d{index}"]
        code += ["    else:", f"        {value} = c[{index}](item)"]
    code.append("    instance = new(kind)")
    code += [f"    s{index}(instance, v{index})" for index in range(len(fields))]
    if cross_check is not None:
        values = ", ".join(f"{field.name!r}: v{index}" for index, (field, _) in enumerate(fields))
        code += [f"    if check({{{values}}}):", "        raise Refused"]
    code.append("    return instance")
    namespace: dict[str, Any] = {
        "keys": keys,
        "Refused": _Refused,
        "refused": _refused,
        "new": object.__new__,
        "kind": kind,
        "check": cross_check,
    }
    for index, (_, default, setter) in enumerate(setters):
        namespace[f"d{index}"], namespace[f"s{index}"] = default, setter
    exec(compile("\n".join(code), f"<quick reading of {kind.__qualname__}>", "exec"), namespace)
    read: Quick = namespace["read"]
    return read


def _refused() -> Any:
    """What a missing required field reads as: a refusal."""
    raise _Refused


def _read_nested(kind: type, value: object) -> Any:
    """The quick reading of a nested value (or the instance given), shared values through
    their cache."""
    if value.__class__ is not dict:
        if isinstance(value, kind):
            return value
        raise _Refused
    plan = plan_of(kind)
    if plan.shared:
        last = _LAST_SHARED.get(kind)  # a batch repeats its provider record after record
        if last is not None and value == last[0]:
            return last[1]
        key = _key(value)
        if key is not None:
            read = _read_shared(kind, key)
            _LAST_SHARED[kind] = (_unkey(key), read)  # a copy: the caller may change its dict
            return read
    return plan.quick(value, plan.converters)


_LAST_SHARED: Final[dict[type, tuple[dict[str, Any], Any]]] = {}
"""The content and the value of the shared value of each class read last."""


def _read_list(kind: type, check: Converter | None, value: object) -> tuple[Any, ...]:
    """The quick reading of a list of objects, then the list's own rule."""
    if value.__class__ is not list and value.__class__ is not tuple:
        raise _Refused
    read = tuple(_read_nested(kind, item) for item in value)
    return check(read) if callable(check) else read


def _setter(kind: type, name: str) -> Callable[[Any, Any], None]:
    """What sets the field ``name`` on an instance of a frozen class: the slot itself when the
    class has slots (quicker than ``object.__setattr__``, which looks the slot up by name)."""
    for klass in kind.__mro__:
        slot = klass.__dict__.get(name)
        if isinstance(slot, types.MemberDescriptorType):
            setter: Callable[[Any, Any], None] = slot.__set__
            return setter
    return functools.partial(_set_by_name, name=name)


def _set_by_name(instance: Any, value: Any, *, name: str) -> None:
    object.__setattr__(instance, name, value)


def build(kind: type[T], values: Mapping[str, Any], plan: Plan | None = None) -> T:
    """Make an instance from converted values without running the converters again."""
    instance = object.__new__(kind)
    get = values.get
    for name, default, setter in (plan or plan_of(kind)).setters:
        setter(instance, get(name, default))
    return instance


def collecting(path: str, *, shared: bool = False) -> Callable[[type[T]], type[T]]:
    """Class decorator: when the attrs ``__init__`` refuses a value, report every problem at once.

    The error is an :class:`~benlysta_coding.errors.InvalidInput` whose problems carry paths under
    ``path`` (``$.patient.weight_kg``). ``shared`` values are read once per distinct content.
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
        cls.__structure_plan__ = _make_plan(cls, shared)  # type: ignore[attr-defined]
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

    item = fragment_of(convert)
    return described(convert_list, {"type": "array", "maxItems": at_most, "items": item})


def nested(kind: type[T]) -> Callable[[Any], T]:
    """A converter for a field holding a value class: an instance, or a mapping read into one."""

    def convert(value: object) -> T:
        if isinstance(value, kind):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"expected {article(kind.__name__)} or an object")
        reader = Reader()
        read = reader.read(kind, value, "$")
        if read is None:
            raise InvalidInput(reader.problems)
        return read

    return described(convert, {"$ref": f"#/$defs/{kind.__name__}"})


# -- the JSON Schema of the model ---------------------------------------------------------------
#
# Each converter says what it accepts as a JSON Schema fragment (its ``__schema__``), beside the
# code that accepts it; :func:`json_schema` assembles the fragments of a class's fields with the
# field metadata. One source of truth: the loader and the schema read the same declarations.

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
DATE_PARTS: Final = "(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
"""The month and day of a date pattern."""
DATE_FRAGMENT: Final = {"type": "string", "pattern": "^[0-9]{4}-" + DATE_PARTS, "format": "date"}
"""A date, ``YYYY-MM-DD``: the pattern checks the shape; a day the month does not have
(2025-02-30) is refused by the loader only."""


def described(convert: C, fragment: Mapping[str, Any]) -> C:
    """``convert`` with the JSON Schema fragment of what it accepts (returned for chaining)."""
    convert.__schema__ = dict(fragment)  # type: ignore[attr-defined]
    return convert


C = TypeVar("C", bound=Callable[..., Any])


def fragment_of(convert: Converter) -> dict[str, Any]:
    """The schema fragment a converter declared; a converter without one is a programming error."""
    found = getattr(convert, "__schema__", None)
    if found is None:
        raise TypeError(f"converter {getattr(convert, '__name__', convert)!r} declares no schema")
    return dict(found)


def decimal_fragment(limit: int) -> dict[str, Any]:
    """A number greater than 0 and at most ``limit``: a JSON number, or decimal text (the text's
    range is a pattern: whole part below ``limit``, or ``limit`` itself with zero decimals)."""
    digits = str(limit)
    size = len(digits)
    below = [f"[0-9]{{1,{size - 1}}}"] if size > 1 else []
    for index, digit in enumerate(digits):
        low = 1 if index == 0 else 0
        if int(digit) > low:
            rest = size - index - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            below.append(f"{digits[:index]}[{low}-{int(digit) - 1}]{tail}")
    whole = "|".join(below)
    text = rf"^\s*\+?(?=[0-9.]*[1-9])0*(?:(?:{whole})(?:\.[0-9]*)?|\.[0-9]+|{digits}(?:\.0*)?)\s*$"
    return {
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": limit},
            {"type": "string", "pattern": text},
        ]
    }


def json_schema(
    kind: type, title: str, schema_id: str, overrides: Mapping[str, Converter] | None = None
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a value class read by :class:`Reader`; ``overrides``
    replaces the converters of top-level fields, as :meth:`Reader.read` takes them."""
    defs: dict[str, Any] = {}
    top = _object_schema(kind, defs, overrides or {})
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id, "title": title, **top, "$defs": defs}


def _object_schema(
    kind: type, defs: dict[str, Any], overrides: Mapping[str, Converter]
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    for field in attrs.fields(kind):
        info = field.metadata
        nested_kind = info.get("kind") or info.get("items")
        if nested_kind is not None and nested_kind.__name__ not in defs:
            defs[nested_kind.__name__] = {}  # placed first: a class met again is not walked again
            defs[nested_kind.__name__] = _object_schema(nested_kind, defs, {})
        convert = overrides.get(field.name) or field.converter
        # the reader skips a missing, null or (for a field with a default) empty value itself
        fragment = fragment_of(getattr(convert, "inner", convert))
        if field.default is not attrs.NOTHING:
            fragment = {"anyOf": [fragment, {"enum": [None, ""]}]}
        fragment["description"] = str(info.get("help", ""))
        if info.get("example") is not None:
            fragment["examples"] = [info["example"]]
        properties[field.name] = fragment
        if field.default is attrs.NOTHING:
            required.append(field.name)
    doc = (kind.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    return {
        "type": "object",
        "description": doc,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# Value classes read and written by their field types: the claim and what it holds ---------------


def typed(*kinds: type) -> None:
    """Read and write ``kinds`` by their fields' types: each field's converter is made from its
    annotation (text, whole numbers, exact decimals, dates, enums, ``X | None``, tuples, and the
    nested value classes, which must be in ``kinds`` too), unless its metadata gives ``read`` (a
    converter) or ``write`` (how :func:`to_json` writes the value). The classes keep their own
    ``__init__``: only reading JSON converts.

    >>> import attrs, datetime
    >>> @attrs.frozen
    ... class Visit:
    ...     day: datetime.date
    ...     minutes: int | None = None
    >>> typed(Visit)
    >>> Reader().read(Visit, {"day": "2025-03-03", "minutes": 60}, "$")
    Visit(day=datetime.date(2025, 3, 3), minutes=60)
    >>> to_json(Visit(datetime.date(2025, 3, 3)))
    {'day': '2025-03-03', 'minutes': None}
    """
    for kind in kinds:
        hints = typing.get_type_hints(kind)
        fields = attrs.fields(kind)
        specs: list[tuple[attrs.Attribute[Any], Any, Any, Any, Any, bool]] = []
        for f in fields:
            nested, item_kind, convert, nullable = _from_hint(hints[f.name], f.name)
            if "read" in f.metadata or "write" in f.metadata:  # read as the metadata says
                nested, item_kind, convert = None, None, f.metadata.get("read")
            specs.append((f, nested, item_kind, convert, convert, nullable))
        kind.__structure_plan__ = _plan(kind, specs, False, None)  # type: ignore[attr-defined]
        kind.__json_writers__ = tuple(  # type: ignore[attr-defined]
            (f.name, f.metadata.get("write")) for f in fields
        )


def _from_hint(hint: Any, name: str) -> tuple[type | None, type | None, Converter | None, bool]:
    """(nested class, item class, converter, whether ``None`` is a value) for a field's type."""
    nullable = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = [part for part in typing.get_args(hint) if part is not type(None)]
        nullable = len(parts) < len(typing.get_args(hint))
        hint = parts[0] if len(parts) == 1 else hint
    if attrs.has(hint):
        return hint, None, None, nullable
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if attrs.has(item):
            return None, item, None, nullable
        return None, None, _tuple_of(_scalar(item, name)), nullable
    return None, None, _scalar(hint, name), nullable


def _scalar(hint: Any, name: str) -> Converter | None:
    """The converter of a plain JSON value of type ``hint`` (``None``: read as it is)."""
    if hint is str:
        return _text
    if hint is int:
        return _whole
    if hint is bool:
        return _flag
    if hint is Decimal:
        return functools.partial(to_decimal, field=name)
    if hint is datetime.date:
        return functools.partial(to_date, field=name)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _choice(hint)
    return None


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError("expected a string")
    return value


def _whole(value: object) -> int:
    if type(value) is not int:
        raise TypeError("expected a whole number")
    return value


def _flag(value: object) -> bool:
    if type(value) is not bool:
        raise TypeError("expected true or false")
    return value


def _choice(kind: type[enum.Enum]) -> Converter:
    by_value = {member.value: member for member in kind}

    def convert(value: object) -> enum.Enum:
        member = by_value.get(value) if isinstance(value, str | int) else None
        if member is None:
            raise ValidationError(f"expected one of {', '.join(map(str, by_value))}")
        return member

    return convert


def _tuple_of(convert: Converter | None) -> Converter:
    def convert_list(value: object) -> tuple[Any, ...]:
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            raise TypeError("expected a list")
        return tuple(value) if convert is None else tuple(convert(item) for item in value)

    return convert_list


def to_json(value: Any) -> Any:
    """A value as JSON holds it: value classes as objects of their fields, in order (a field's
    ``write`` metadata, given to :func:`typed`, writes it), tuples as lists, exact decimals as text
    (``plain`` when whole), dates as ISO text, enums as their values."""
    kind = value.__class__
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is tuple or kind is list:
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return plain(value) if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    writers = getattr(kind, "__json_writers__", None)
    if writers is not None:
        return {
            name: to_json(getattr(value, name)) if write is None else write(getattr(value, name))
            for name, write in writers
        }
    fields = getattr(kind, "__attrs_attrs__", None)
    if fields is not None:
        return {field.name: to_json(getattr(value, field.name)) for field in fields}
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value
