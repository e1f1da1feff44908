"""The registry of claim edits: every check the claim builder makes, with the rules it raises.

An edit is one function registered with :func:`edit`: the stage at which it runs and the codes of the
rules (:data:`benlysta_coding.findings.RULES`) whose findings it may make. The edits themselves live
in :mod:`benlysta_coding.checks`; the builder (:mod:`benlysta_coding.build`) runs each stage's edits
with :func:`run`, in the order they were registered. A rule that a build step finds while it works
(the dose cannot be determined, the vials opened cannot hold the dose) is registered to that step
with :func:`step`, so that every rule has a home: :func:`homes` says where each rule is made.

To add an edit: write the function in :mod:`benlysta_coding.checks`, decorate it with :func:`edit`
naming its stage and rules, add the rules to :data:`~benlysta_coding.findings.RULES`, and test it.
Nothing else changes: ``python -m benlysta_coding rules``, the findings page of the docs and the
``rules=`` settings all read the registry.

>>> from benlysta_coding import checks
>>> EDITS["claim-id"].stage, EDITS["claim-id"].codes
(<Stage.CLAIM: 'claim'>, ('claim-id-missing',))
>>> homes()["dose-not-determined"]
('step: dose',)
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

import attrs

from benlysta_coding.drug import Drug
from benlysta_coding.findings import RULES, Finding
from benlysta_coding.lines import ServiceLine
from benlysta_coding.policy import PayerPolicy
from benlysta_coding.products import Product
from benlysta_coding.units import VialPlan

if TYPE_CHECKING:
    from benlysta_coding.encounter import Encounter

__all__ = [
    "EDITS",
    "STEPS",
    "Context",
    "DayContext",
    "Edit",
    "LineContext",
    "Stage",
    "checks_of",
    "edit",
    "homes",
    "run",
    "step",
]


class Stage(enum.StrEnum):
    """When an edit runs, and what it is given."""

    ENCOUNTER = "encounter"
    """Once per claim, before the dose is worked out: a :class:`Context`."""
    PLAN = "plan"
    """Once per claim, once the dose and the vials are known: a :class:`Context`."""
    LINE = "line"
    """Each service line, in order: a :class:`LineContext` (so the findings come line by line,
    each line's in the order of the edits)."""
    LINES = "lines"
    """Once, over all the service lines: a :class:`Context`."""
    DAY = "day"
    """For each date of service of the drug's lines: a :class:`DayContext`."""
    PRICES = "prices"
    """Once, over the lines and the prices given: a :class:`Context`."""
    CLAIM = "claim"
    """Once per claim, last: a :class:`Context`."""


Held = list[tuple[Product, Decimal, str]]
"""The products a drug line names: (product, NDC quantity, unit) for each NDC it carries."""


@attrs.define(kw_only=True)
class Context:
    """What the edits of a claim read: filled in by the builder as the build goes on (the dose and
    plan once known, then the lines). An edit only reads it."""

    encounter: Encounter | None
    """``None`` when :func:`benlysta_coding.checks.check_lines` checks lines on their own."""
    policy: PayerPolicy
    drug: Drug
    today: datetime.date | None = None
    age: int = 0
    """The patient's age in years on the date of service (-1 if born after it)."""
    dose: Decimal | None = None
    plan: VialPlan | None = None
    lines: Sequence[ServiceLine] = ()
    prices: Mapping[str, Decimal] = attrs.field(factory=dict)
    sc_pharmacy_route: bool = False
    """The claim already explains that SC drug goes to the pharmacy benefit."""
    diagnosis_review: tuple[list[Finding], tuple[int, ...]] | None = None
    """The diagnoses' findings and the pointers to those that support the drug
    (:func:`benlysta_coding.checks.diagnosis_review`), worked out once by the builder (``None``:
    the diagnoses edit works them out)."""


class LineContext(NamedTuple):
    """One service line, what it names of the drug (``None`` for a line of another code), and the
    claim's :class:`Context`."""

    line: ServiceLine
    held: Held | None
    claim: Context


class DayContext(NamedTuple):
    """The drug's lines of one date of service, each with what it names, and the claim's
    :class:`Context`."""

    day: datetime.date
    lines: Sequence[tuple[ServiceLine, Held]]
    waste_billed: bool
    """Whether any drug line of the claim bills waste (JW)."""
    claim: Context


@attrs.frozen
class Edit:
    """A registered edit: its name, stage, the rules it may raise and the function."""

    name: str
    stage: Stage
    codes: tuple[str, ...]
    check: Callable[[Any], Iterable[Any]] = attrs.field(repr=False)

    @property
    def summary(self) -> str:
        """The first line of the function's docstring: what the edit checks."""
        return (self.check.__doc__ or "").strip().splitlines()[0]


EDITS: Final[dict[str, Edit]] = {}
"""Every registered edit by name, in the order they run within a stage."""
STEPS: Final[dict[str, tuple[str, ...]]] = {}
"""The rules each build step makes while it works, by step name."""
_CHECKS: Final[dict[Stage, tuple[Callable[[Any], Iterable[Any]], ...]]] = dict.fromkeys(Stage, ())
"""Each stage's functions, in order of registration (what :func:`run` calls)."""

_F = TypeVar("_F", bound=Callable[..., Iterable[Any]])


def _known(codes: tuple[str, ...], owner: str) -> None:
    unknown = [code for code in codes if code not in RULES]
    if unknown or not codes:
        raise ValueError(f"{owner}: expected rule codes of findings.RULES, not {unknown or 'none'}")


def edit(stage: Stage, *codes: str, name: str | None = None) -> Callable[[_F], _F]:
    """Register the decorated function as an edit of ``stage`` that may raise ``codes``.

    The edit's name is the function's, without a leading underscore and with ``-`` for ``_``
    (``name=`` sets another).

    >>> from benlysta_coding import checks
    >>> [(e.name, e.codes) for e in EDITS.values() if e.stage == Stage.PRICES]
    [('prices', ('price-missing', 'charge-rounded'))]
    """

    def register(function: _F) -> _F:
        called = name or function.__name__.lstrip("_").replace("_", "-")
        _known(codes, f"edit {called}")
        if called in EDITS:
            raise ValueError(f"edit {called}: registered twice")
        registered = Edit(called, stage, codes, function)
        EDITS[called] = registered
        _CHECKS[stage] += (function,)
        return function

    return register


def step(name: str, *codes: str) -> None:
    """Record that the build step ``name`` makes the rules ``codes`` while it works.

    >>> from benlysta_coding import build
    >>> STEPS["vials"][:2]
    ('route-product-mismatch', 'product-unknown')
    """
    _known(codes, f"step {name}")
    STEPS[name] = STEPS.get(name, ()) + codes


def run(
    stage: Stage, context: Context | LineContext | DayContext, found: list[Finding] | None = None
) -> list[Finding]:
    """The findings of every edit of ``stage`` for ``context``, in the order they were
    registered: added to ``found`` when it is given (and returned).

    >>> from benlysta_coding import checks, policy
    >>> from benlysta_coding.drug import BELIMUMAB
    >>> context = Context(
    ...     encounter=None,
    ...     policy=policy.COMMERCIAL,
    ...     drug=BELIMUMAB,
    ...     prices={"J0490": Decimal(1)},
    ... )
    >>> [f.code for f in run(Stage.PRICES, context)]
    []
    """
    if found is None:
        found = []
    for check in _CHECKS[stage]:
        made = check(context)
        if made:  # most edits find nothing: an empty list or tuple is not extended
            found.extend(made)
    return found


def checks_of(stage: Stage) -> tuple[Callable[[Any], Iterable[Any]], ...]:
    """The functions of the edits of ``stage``, in the order :func:`run` calls them (for a caller
    that runs a stage for many lines).

    >>> from benlysta_coding import checks
    >>> [check.__name__ for check in checks_of(Stage.PRICES)]
    ['_prices']
    """
    return _CHECKS[stage]


def homes() -> Mapping[str, tuple[str, ...]]:
    """Where each rule is made: ``edit: <name>`` or ``step: <name>``, for every code of
    :data:`~benlysta_coding.findings.RULES` (an empty tuple for a rule nothing makes).

    >>> from benlysta_coding import build
    >>> homes()["mue-exceeded"]
    ('edit: units-per-day', 'step: reference')
    """
    found: dict[str, tuple[str, ...]] = dict.fromkeys(RULES, ())
    for registered in EDITS.values():
        for code in registered.codes:
            found[code] += (f"edit: {registered.name}",)
    for name, codes in STEPS.items():
        for code in codes:
            found[code] += (f"step: {name}",)
    return found
