"""Private helpers shared by the modules: exact numbers, strict dates, type checks."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    getcontext,
    setcontext,
)
from typing import TYPE_CHECKING, Final, ParamSpec, TypeVar

if TYPE_CHECKING:
    import datetime as _dt

from benlysta_coding.errors import InvalidFormat

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


MAX_INTEGER_DIGITS: Final = 18
"""Digits a number may have before the decimal point (a quintillion: far above any dose or price)."""
MAX_DECIMALS: Final = 12
"""Significant decimal places a number may have."""
_LIMIT: Final = Decimal(10) ** MAX_INTEGER_DIGITS
_RANGE_MESSAGE: Final = (
    f"a number with at most {MAX_INTEGER_DIGITS} digits before the decimal point and "
    f"{MAX_DECIMALS} after"
)


ZERO: Final = Decimal(0)
"""Zero, made once: the start of the library's sums (``Decimal(0)`` costs a call each time)."""

EXACT: Final = Context(
    prec=2 * (MAX_INTEGER_DIGITS + MAX_DECIMALS) + 4,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""The decimal context the library computes in, whatever the caller's: Python's ``decimal`` rounds
every operation to the precision of the current thread's context, so a caller who set
``decimal.getcontext().prec = 5`` would otherwise get rounded charges with no error. With 64 digits,
the sum or product of any two numbers the library accepts is exact."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in :data:`EXACT` and give the caller's context back afterwards (calls from
    inside the library, already in it, only check that)."""

    @functools.wraps(function)
    def in_exact_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        caller = getcontext()
        if caller is EXACT:
            return function(*args, **kwargs)
        setcontext(EXACT)
        try:
            return function(*args, **kwargs)
        finally:
            setcontext(caller)

    return in_exact_context


class OutOfRangeNumber:
    """A JSON number too large or too precise to read (``1e99999999999999999999``, 5,000 digits): a
    placeholder the JSON reader returns, refused with the field named when a field reads it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "OutOfRangeNumber()"


_OUT_OF_RANGE: Final = OutOfRangeNumber()
OUT_OF_RANGE: Final = _OUT_OF_RANGE
"""The placeholder of a number out of range, refused with the path where it stood."""


def json_float(text: str) -> Decimal | OutOfRangeNumber:
    """``parse_float`` for :func:`json.loads`: an exact Decimal, or a placeholder for a number out of
    range (so that one absurd number is a problem at its path, not a crash or a 600 MB string)."""
    if len(text) > 64:
        return _OUT_OF_RANGE
    try:
        number = Decimal(text)
    except ArithmeticError:
        return _OUT_OF_RANGE
    return number if _in_range(number) else _OUT_OF_RANGE


def json_int(text: str) -> int | OutOfRangeNumber:
    """``parse_int`` for :func:`json.loads`: an int, or a placeholder when it has too many digits."""
    return int(text) if len(text) <= MAX_INTEGER_DIGITS + 1 else _OUT_OF_RANGE


_STEP: Final = Decimal(1).scaleb(-MAX_DECIMALS)
_WIDE: Final = Context(prec=MAX_INTEGER_DIGITS + MAX_DECIMALS + 2, traps=[])


def _in_range(number: Decimal) -> bool:
    """Finite, at most 18 digits before the point, at most 12 significant decimals."""
    if _PLAIN_TEXT.fullmatch(str(number)):  # in range by its written form: the common case
        return True
    if not number.is_finite():
        return False
    return number.copy_abs() < _LIMIT and number.quantize(_STEP, context=_WIDE) == number


def to_decimal(value: object, field: str) -> Decimal:
    """Return ``value`` as an exact, finite :class:`~decimal.Decimal` of a sensible size.

    Accepts ``int``, ``Decimal`` and ASCII decimal text such as ``"63.4"``, with at most 18 digits
    before the decimal point and 12 after (``NaN``, infinities and ``1E+1000`` are refused). A
    ``float`` is a :class:`TypeError`, because a binary float cannot hold most decimal values exactly
    (``63.4`` is stored as ``63.39999999999999857891452847979962825775146484375``).
    """
    if type(value) is str and _PLAIN_TEXT.fullmatch(value):  # in range by its very form
        return Decimal(value)
    if type(value) is Decimal and _in_range(value):  # read before: checked, not converted
        return value
    number = _decimal(value, field)
    if not _in_range(number):
        raise InvalidFormat(f"{field}: expected {_RANGE_MESSAGE}")
    return number


_PLAIN_TEXT: Final = re.compile(
    rf"[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{0,{MAX_DECIMALS}}})?", re.ASCII
)
"""Decimal text that is in range by its form (at most 18 digits before the point and 12 after,
no sign, no spaces): read without the range check."""


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, OutOfRangeNumber):
        raise InvalidFormat(f"{field}: expected {_RANGE_MESSAGE}")
    if isinstance(value, bool):
        raise TypeError(f"{field}: expected a Decimal, an int or decimal text, not a bool")
    if isinstance(value, float):
        raise TypeError(
            f"{field}: a float is not accepted because it cannot hold decimal values exactly; "
            "pass a Decimal, an int or a string such as '63.4'"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidFormat(f"{field}: expected a finite number, not {value}")
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 64 or not _DECIMAL_TEXT.fullmatch(text):
            raise InvalidFormat(
                f"{field}: expected a decimal number written with ASCII digits, such as '63.4'"
            )
        try:
            return Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid text
            raise InvalidFormat(f"{field}: expected a decimal number") from error
    raise TypeError(
        f"{field}: expected a Decimal, an int or decimal text, not {type(value).__name__}"
    )


def require(value: object, kind: type | tuple[type, ...], field: str, what: str) -> None:
    """Raise :class:`TypeError` naming ``field`` unless ``value`` is an instance of ``kind``."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"{field}: expected {what}, not {type(value).__name__}")


def require_str(value: object, field: str) -> str:
    """Return ``value`` if it is a ``str``; otherwise raise :class:`TypeError` naming the field."""
    if not isinstance(value, str):
        raise TypeError(f"{field}: expected a str, not {type(value).__name__}")
    return value


def to_date(value: object, field: str) -> _dt.date:
    """Return a calendar date from a ``date`` or strict ISO 8601 text ``YYYY-MM-DD``.

    A ``datetime`` is refused: a date of service is a calendar date, and nothing may shift it through
    a time zone.
    """
    import datetime as _dt  # loaded on first use, so that importing ndc stays light

    if value.__class__ is _dt.date:  # the common case: a date read before
        return value
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):  # date.fromisoformat alone reads 20250303 too
            raise InvalidFormat(f"{field}: expected an ISO 8601 date written YYYY-MM-DD")
        try:
            return _dt.date.fromisoformat(value)
        except ValueError as error:
            raise InvalidFormat(
                f"{field}: not a real calendar date (expected YYYY-MM-DD)"
            ) from error
    if isinstance(value, _dt.datetime):
        raise TypeError(f"{field}: expected a date, not a datetime (pass its .date() on purpose)")
    if isinstance(value, _dt.date):
        return value
    raise TypeError(f"{field}: expected a date or 'YYYY-MM-DD' text, not {type(value).__name__}")


def places(value: Decimal) -> int:
    """The decimal places a number is written with (the negative of its exponent; 0 for a whole
    number, a positive exponent or a value that is not finite): ``825.00`` has 2, ``12.5`` has 1.
    Read from the text, which is quicker than :meth:`~decimal.Decimal.as_tuple`.

    >>> (
    ...     places(Decimal("825.00")),
    ...     places(Decimal("1E+3")),
    ...     places(Decimal("1E-9")),
    ...     places(Decimal("7")),
    ... )
    (2, 0, 9, 0)
    """
    text = str(value)
    if "E" in text or "e" in text:  # exponent notation (the context may write e)
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    point = text.find(".")
    return 0 if point < 0 else len(text) - point - 1


def plain(value: Decimal) -> str:
    """Write a Decimal without exponent and without trailing zeros: ``Decimal('10.50') -> '10.5'``.

    >>> plain(Decimal("1E+1")), plain(Decimal("10.500")), plain(Decimal("0.000"))
    ('10', '10.5', '0')
    """
    text = str(value)  # the quick form; with an exponent (E, or e in some contexts): f"{value:f}"
    if "E" in text or "e" in text:
        text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def money(value: Decimal) -> str:
    """Write an amount with 2 decimals when it has at most 2 (``862.5 -> '862.50'``); otherwise in
    full, so that nothing is rounded here.

    >>> money(Decimal("862.5")), money(Decimal("1E+3")), money(Decimal("0.125"))
    ('862.50', '1000.00', '0.125')
    """
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else f"{value:f}"


_T = TypeVar("_T")


def chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read as they are needed.

    When ``items`` raises, the items read before it come first as a last, shorter list; the error
    is raised when the next list is asked for (a stream that breaks keeps what it gave).

    >>> list(chunks(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    source = iter(items)
    while True:
        chunk: list[_T] = []
        try:
            chunk.extend(itertools.islice(source, size))  # keeps what came before an error
        except Exception:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def article(word: object) -> str:
    """``word`` with its indefinite article: ``an institutional``, ``an 835``, ``a vial``.

    >>> (
    ...     article("institutional"),
    ...     article("835"),
    ...     article("professional"),
    ...     article("autoinjector"),
    ... )
    ('an institutional', 'an 835', 'a professional', 'an autoinjector')
    """
    text = str(word)
    vowel = text[:1].lower() in "aeiou8" or text.startswith(("11", "18"))
    return f"{'an' if vowel else 'a'} {text}"
