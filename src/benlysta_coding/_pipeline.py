"""Encounter records in, one result per record out: the step that ``batch``, ``batch --jobs N`` and
the Dask integration share, so that all three report the same problems and write the same claims.
A chunk of records is done in stages (:func:`process_many`), each record's result as if alone.

A record is JSON text (a line of a JSON Lines file) or an already parsed mapping. The result is a
:class:`Result`: a problem (with the reason, never the claim id), a claim as a JSON line, or a claim
rendered for an X12 file (:func:`benlysta_coding.export.x12.render_claim`), which the caller adds to
its interchange in order.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from benlysta_coding import _intake, drug, encounter, parties, policy, refdata, stages
from benlysta_coding.claim import Claim, ClaimKind
from benlysta_coding.drug import Drug
from benlysta_coding.errors import InvalidInput, ValidationError
from benlysta_coding.findings import rule_settings
from benlysta_coding.policy import PayerPolicy

if TYPE_CHECKING:
    from benlysta_coding.export import x12

KINDS: Final = {"837p": ClaimKind.PROFESSIONAL, "837i": ClaimKind.INSTITUTIONAL}


@attrs.frozen(kw_only=True)
class Options:
    """What every record is built and written with (picklable, for worker processes)."""

    form: str
    """``json``, ``837p`` or ``837i``."""
    prices: Mapping[str, str] | None = None
    non_ascii: str = "reject"
    today: datetime.date | None = None
    reference: refdata.Reference | None = None
    """CMS reference files (ASP, crosswalk, MUE) the claims are checked against."""
    rules: Mapping[str, str] | None = None
    """Rule settings, as ``build_claim(..., rules=...)`` takes them."""
    drugs: tuple[Drug, ...] = ()
    """Drugs loaded from files, which a record's ``drug`` may name besides belimumab."""
    policies: tuple[PayerPolicy, ...] = ()
    """Payer policies loaded from files, which a record's ``payer`` may name besides the
    built-ins."""
    paths: Mapping[str, str] = attrs.field(factory=dict)
    """Key paths -> the columns of a CSV input that fill them, to name problems as the file does."""


def options(
    form: str,
    prices: Mapping[str, str] | None,
    today: datetime.date | None,
    rules: Mapping[str, str] | None,
    drugs: Iterable[Drug],
    policies: Iterable[PayerPolicy],
) -> Options:
    """The :class:`Options` of a distributed run, checked at the call (before any worker runs):
    the rule settings, and the drugs and policies loaded (a name used twice is refused)."""
    settings = rule_settings(rules)
    loaded_drugs, loaded_policies = tuple(drugs), tuple(policies)
    drug.registry(loaded_drugs)
    policy.registry(loaded_policies)
    return Options(
        form=form,
        prices={str(k): str(v) for k, v in prices.items()} if prices else None,
        today=today,
        rules=dict(settings) or None,
        drugs=loaded_drugs,
        policies=loaded_policies,
    )


@attrs.frozen
class Refused:
    """A record already known to be bad (a CSV row whose cells could not be read): its result is
    a problem with this reason."""

    reason: str


@attrs.frozen
class Decoded:
    """A record already decoded from its source without floats (a CSV row): read as it is, with
    no JSON text in between."""

    data: Mapping[str, Any]


@attrs.frozen
class Result:
    """``kind`` is ``skip`` (a blank line), ``problem`` (``value`` is the reason), ``json`` (a JSON
    line) or ``x12`` (a :class:`~benlysta_coding.export.x12.Rendered` claim); ``claim_id`` is kept
    for callers who log it on purpose."""

    kind: str
    value: Any = None
    claim_id: str = ""

    def __reduce__(self) -> tuple[type[Result], tuple[Any, ...]]:
        """Pickled as its fields, for a worker process: quicker than attrs' own state."""
        return Result, (self.kind, self.value, self.claim_id)


def process(record: str | bytes | Mapping[str, Any] | None, options: Options) -> Result:
    """Load, build and render one record; every problem is a ``problem`` result, never a raise."""
    return process_many([record], options)[0]


def process_many(
    records: Sequence[str | bytes | Mapping[str, Any] | Refused | Decoded | None],
    options: Options,
) -> list[Result]:
    """:func:`process` for each record, in order, done in stages: every record is loaded, then
    every claim is built (each step of the build for all of them, as
    :func:`~benlysta_coding.stages.build_claims` does), then every claim is written. The results are
    those of :func:`process` record by record; the stages only keep the processor on one kind of
    work at a time, which on a chunk of a few hundred records gives ``batch`` about 40% more claims
    per CPU-second (``benchmarks/bench_speed.py``)."""
    results: list[Result] = [_SKIP] * len(records)
    loaded: list[tuple[int, encounter.Encounter]] = []
    drugs = drug.registry(options.drugs) if options.drugs else drug.DRUGS
    policies = policy.registry(options.policies) if options.policies else policy.POLICIES
    load = encounter.loader(policies, drugs)  # its converters made once for the chunk
    for index, record in enumerate(records):
        if record is None or (
            isinstance(record, (str, bytes)) and (not record or record.isspace())
        ):
            continue
        if isinstance(record, Refused):
            results[index] = Result("problem", record.reason)
            continue
        try:
            if isinstance(record, Decoded):
                read = load(record.data)
            elif isinstance(record, Mapping):
                read = encounter.from_dict(record, policies, drugs)
            else:  # JSON text; decode names any other type
                read = load(encounter.decode(record))
        except ValidationError as error:
            results[index] = _problem(error, options)
        else:
            loaded.append((index, read))
    built: list[tuple[int, encounter.Encounter, Claim]] = []
    made = stages.build_each(
        [read for _, read in loaded],
        prices=options.prices,
        today=options.today,
        reference=options.reference,
        rules=options.rules,
    )
    for (index, read), claim in zip(loaded, made, strict=True):
        if isinstance(claim, ValidationError):
            results[index] = _problem(claim, options)
        else:
            built.append((index, read, claim))
    from benlysta_coding.export import x12

    renderer = x12.Renderer(options.non_ascii)  # for the chunk: claims share their provider
    for index, read, claim in built:
        try:
            results[index] = _output(read, claim, options, renderer)
        except ValidationError as error:
            results[index] = _problem(error, options)
    return results


_SKIP: Final = Result("skip")


def _output(
    read: encounter.Encounter, claim: Claim, options: Options, renderer: x12.Renderer
) -> Result:
    """The claim as a JSON line or rendered for X12, or why it is not written."""
    if claim.errors:
        return Result("problem", "; ".join(str(f) for f in claim.errors), claim.claim_id)
    if options.form == "json":
        return Result("json", json.dumps(claim.to_dict()), claim.claim_id)
    wanted = KINDS[options.form]
    if claim.kind != wanted:
        message = f"this {claim.kind} claim does not go in an {options.form} file"
        return Result("problem", message, claim.claim_id)
    who = parties.from_encounter(read)
    return Result("x12", renderer.render(claim, who), claim.claim_id)


def _problem(error: ValidationError, options: Options) -> Result:
    """A problem result: every problem of a record (named by the CSV's columns for a CSV input),
    never its claim id."""
    if isinstance(error, InvalidInput):
        problems = (
            _intake.renamed(error.problems, options.paths) if options.paths else error.problems
        )
        return Result("problem", "; ".join(str(problem) for problem in problems))
    return Result("problem", str(error))
