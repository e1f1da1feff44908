"""One encounter record in, one result out: the step that ``batch``, ``batch --jobs N`` and the Dask
integration share, so that all three report the same problems and write the same claims.

A record is JSON text (a line of a JSON Lines file) or an already parsed mapping. The result is a
:class:`Result`: a problem (with the reason, never the claim id), a claim as a JSON line, or a claim
rendered for an X12 file (:func:`benlysta_coding.export.x12.render_claim`), which the caller adds to
its interchange in order.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, Final

import attrs

from benlysta_coding import encounter, parties, refdata
from benlysta_coding.claim import ClaimKind, build_claim
from benlysta_coding.errors import InvalidInput, ValidationError

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


@attrs.frozen
class Result:
    """``kind`` is ``skip`` (a blank line), ``problem`` (``value`` is the reason), ``json`` (a JSON
    line) or ``x12`` (a :class:`~benlysta_coding.export.x12.Rendered` claim); ``claim_id`` is kept
    for callers who log it on purpose."""

    kind: str
    value: Any = None
    claim_id: str = ""


def process(record: str | bytes | Mapping[str, Any] | None, options: Options) -> Result:
    """Load, build and render one record; every problem is a ``problem`` result, never a raise."""
    from benlysta_coding.export import x12

    if record is None or (isinstance(record, str | bytes) and not record.strip()):
        return Result("skip")
    try:
        if isinstance(record, Mapping):
            loaded = encounter.from_dict(record)
        else:
            loaded = encounter.from_json(record)
        claim = build_claim(
            loaded, prices=options.prices, today=options.today, reference=options.reference
        )
        if claim.errors:
            return Result("problem", "; ".join(str(f) for f in claim.errors), claim.claim_id)
        if options.form == "json":
            return Result("json", json.dumps(claim.to_dict()), claim.claim_id)
        wanted = KINDS[options.form]
        if claim.kind != wanted:
            message = f"this {claim.kind} claim does not go in an {options.form} file"
            return Result("problem", message, claim.claim_id)
        who = parties.from_encounter(loaded)
        return Result("x12", x12.render_claim(claim, who, options.non_ascii), claim.claim_id)
    except InvalidInput as error:
        return Result("problem", "; ".join(str(problem) for problem in error.problems))
    except ValidationError as error:
        return Result("problem", str(error))
