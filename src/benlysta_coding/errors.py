"""The exception tree of ``benlysta_coding``.

Every error the library raises for a bad *value* is a :class:`ValidationError`, itself a
:class:`ValueError`, so ``except ValueError`` keeps working for callers who do not care about the
details. A wrong *type* (a ``float`` where an exact ``Decimal`` is needed, a number where a string is
needed) is a plain :class:`TypeError`.

Messages say what was wrong and what is accepted. They never repeat patient data (names, member ids,
birth dates): a message about a patient field names the field, not its value.

>>> from benlysta_coding import ndc
>>> try:
...     ndc.validate("49401-101")
... except InvalidFormat as error:
...     print(error)
An NDC needs three segments in one of the layouts 4-4-2, 5-3-2, 5-4-1 or 5-4-2 (for example 49401-101-01), or 11 digits; got 2 segment(s).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = [
    "AmbiguousNDC",
    "ClaimHasErrors",
    "CodeNotInEffect",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidInput",
    "InvalidLength",
    "NotReconciled",
    "NotSupported",
    "OutOfRange",
    "Problem",
    "UnknownCode",
    "ValidationError",
]


class ValidationError(ValueError):
    """A value was given that the library cannot accept."""

    message = "The value is not valid."
    claim_id: str | None = None
    """For an error about one claim of many (an export, a batch): that claim's id. It is the
    patient's account number, so it is never put in the message; log it only on purpose."""

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidFormat(ValidationError):
    """The value has the wrong characters or shape."""

    message = "The value has an invalid format."


class InvalidLength(ValidationError):
    """The value has the wrong number of characters or digits."""

    message = "The value has an invalid length."


class InvalidComponent(ValidationError):
    """One part of the value is not possible (for example a segment that cannot be un-padded)."""

    message = "One of the parts of the value is not valid."


class UnknownCode(ValidationError):
    """A code that the code set does not hold."""

    message = "The code is not known."


class CodeNotInEffect(ValidationError):
    """A known code used on a date outside its effective period."""

    message = "The code is not in effect on that date."


class OutOfRange(ValidationError):
    """A number outside the accepted range (a weight, a dose, a quantity)."""

    message = "The number is outside the accepted range."


class NotSupported(ValidationError):
    """A request the library refuses on purpose: an unverified regimen, an out-of-scope date."""

    message = "This case is not supported."


class NotReconciled(ValidationError):
    """A payer's answer whose figures disagree with the claim it answers, or with themselves (an 835
    line that answers no line of the claim, a payment above the charge, adjustments that do not
    add up): nothing is built from it."""

    message = "The remittance does not reconcile with the claim."


class AmbiguousNDC(ValidationError):
    """An NDC whose digits fit more than one layout, with the candidates it could be."""

    message = "The NDC is ambiguous."

    def __init__(self, message: str | None = None, candidates: Iterable[str] = ()) -> None:
        self.candidates: tuple[str, ...] = tuple(candidates)
        super().__init__(message)


class Problem(NamedTuple):
    """One problem found in structured input (an immutable named tuple).

    ``path`` is a JSON path such as ``$.patient.weight_kg``; ``code`` is a stable machine-readable code;
    ``message`` says what is wrong and what is accepted, never repeating patient data.
    """

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


class InvalidInput(ValidationError):
    """Structured input with one or more problems, all reported at once.

    >>> error = InvalidInput([Problem("$.route", "invalid-choice", "use 'iv' or 'sc'")])
    >>> print(error)
    1 problem in the input:
    $.route: use 'iv' or 'sc' [invalid-choice]
    """

    message = "The input has problems."
    MAX_PROBLEMS = 100
    """At most this many problems are kept; one more says how many were left out."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        found = list(problems)
        if len(found) > self.MAX_PROBLEMS:
            left_out = len(found) - self.MAX_PROBLEMS
            found = [
                *found[: self.MAX_PROBLEMS],
                Problem("$", "too-many-problems", f"{left_out} more problems are not shown"),
            ]
        self.problems: tuple[Problem, ...] = tuple(found)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the input:"]
        lines.extend(str(problem) for problem in self.problems)
        super().__init__("\n".join(lines))


class ClaimHasErrors(ValidationError):
    """A claim with error findings given to an export: every export refuses it the same way.

    ``findings`` holds the error findings; ``claim_id`` the claim's id (the patient account number,
    an identifier: it is kept as an attribute for callers who log it, never put in the message).
    """

    message = "The claim has error findings; fix them first."

    def __init__(self, findings: Iterable[object], claim_id: str = "") -> None:
        self.findings: tuple[object, ...] = tuple(findings)
        self.claim_id = claim_id
        codes = ", ".join(sorted({str(getattr(f, "code", f)) for f in self.findings}))
        super().__init__(f"the claim has error findings ({codes}); fix them first")
