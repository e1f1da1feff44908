"""`build_claims`: many encounters with one set of options, built a stage at a time."""

from __future__ import annotations

import datetime as dt
import gc
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from benlysta_coding import (
    build,
    build_claim,
    build_claims,
    checks,
    claim,
    edits,
    encounter,
    refdata,
    stages,
)
from benlysta_coding._util import chunks
from benlysta_coding.errors import InvalidFormat, NotSupported
from tests.helpers import TODAY, hospital, office

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}


def _read(count: int) -> list[encounter.Encounter]:
    read = []
    for number in range(count):
        data = office if number % 3 else hospital
        weight = str(45 + number)
        read.append(encounter.from_dict(data(claim_id=f"S{number}", patient__weight_kg=weight)))
    return read


def test_the_claims_of_build_claim_in_order_across_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stages, "STAGE", 4)
    read = _read(11)  # three stages: 4, 4 and 3
    made = list(build_claims(read, prices=PRICES, today=TODAY))
    assert [f"S{n}" for n in range(11)] == [c.claim_id for c in made]
    assert ["institutional", "professional", "professional"] * 3 + [
        "institutional",
        "professional",
    ] == [str(c.kind) for c in made]
    assert [build_claim(e, prices=PRICES, today=TODAY) for e in read] == made
    # S0 weighs 45 kg: 450 mg is 45 units from four 120 mg vials (480 mg), 30 mg (3 units) wasted
    assert [("J0490", (), 45), ("J0490", ("JW",), 3)] == [
        (line.code, line.modifiers, line.units) for line in made[0].lines[:2]
    ]


def test_encounters_are_read_a_stage_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stages, "STAGE", 5)
    taken = []

    def source() -> Iterator[encounter.Encounter]:
        for item in _read(12):
            taken.append(item.claim_id)
            yield item

    made = build_claims(source(), today=TODAY)
    assert [] == taken  # nothing is read before the first claim is asked for
    assert "S0" == next(made).claim_id
    assert 5 == len(taken)
    assert 12 == len(list(made)) + 1


def test_options_are_checked_at_the_call() -> None:
    taken = []

    def source() -> Iterator[Any]:
        taken.append(1)
        yield from _read(1)

    with pytest.raises(InvalidFormat, match="price of J0490"):
        build_claims(source(), prices={"J0490": "twelve"})
    with pytest.raises(TypeError, match="today"):
        build_claims(source(), today=dt.datetime(2026, 1, 1, 9))
    with pytest.raises(TypeError, match="drug"):  # the encounter names its drug
        build_claims(source(), drug="belimumab")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="encounters"):
        build_claims(_read(1)[0])  # type: ignore[arg-type]
    for wrong in (42, "S1", b"S1", {"claim_id": "S1"}):
        with pytest.raises(TypeError, match="encounters: expected an iterable"):
            build_claims(wrong)  # type: ignore[arg-type]
    assert [] == taken


def test_a_failing_encounter_raises_after_the_claims_before_it() -> None:
    read = _read(3)
    too_early = encounter.from_dict(office(claim_id="OLD", service_date="2010-06-01"))
    made = build_claims([*read[:2], too_early, read[2]], today=TODAY)
    assert ["S0", "S1"] == [next(made).claim_id, next(made).claim_id]
    with pytest.raises(NotSupported, match="service_date"):
        next(made)
    made = build_claims([read[0], "not an encounter"], today=TODAY)  # type: ignore[list-item]
    assert "S0" == next(made).claim_id
    with pytest.raises(TypeError, match="encounter"):
        next(made)


def test_build_each_builds_every_encounter_once_and_leaves_no_reference_cycle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails gives its error and the others their claims, each built once (a failure
    used to restart the rest of the stage), and nothing of the stage is left in a reference cycle
    for the garbage collector (an error kept with its traceback held the whole stage)."""
    read = _read(4)
    too_early = encounter.from_dict(office(claim_id="OLD", service_date="2010-06-01"))
    given = [read[0], too_early, read[1], too_early, read[2], read[3]]
    started: list[str] = []
    original = build.steps

    def counted(item: encounter.Encounter, settings: build.Options) -> Iterator[Any]:
        started.append(item.claim_id)
        return original(item, settings)

    monkeypatch.setattr(build, "steps", counted)
    options: dict[str, Any] = {"prices": None, "today": TODAY, "reference": None}
    stages.build_each(given, **options)  # once, for anything made on first use
    started.clear()
    gc.collect()
    gc.disable()
    try:
        made = stages.build_each(given, **options)
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert ["S0", "OLD", "S1", "OLD", "S2", "S3"] == started
    assert [type(m).__name__ for m in made] == ["Claim", "NotSupported"] * 2 + ["Claim"] * 2
    assert [build_claim(e, today=TODAY) for e in read] == [
        m for m in made if isinstance(m, claim.Claim)
    ]
    assert 0 == unreachable
    assert all(m.__traceback__ is None for m in made if isinstance(m, NotSupported))


def test_a_source_that_fails_hands_out_the_claims_it_gave_first() -> None:
    def source() -> Iterator[encounter.Encounter]:
        yield from _read(3)
        raise OSError("the feed broke")

    made = build_claims(source(), today=TODAY)  # three encounters, less than a stage
    assert ["S0", "S1", "S2"] == [next(made).claim_id for _ in range(3)]
    with pytest.raises(OSError, match="the feed broke"):
        next(made)


def test_chunks_keep_what_was_read_before_the_source_failed() -> None:
    def source() -> Iterator[int]:
        yield from range(5)
        raise ValueError("no more")

    parts = chunks(source(), 2)
    assert [[0, 1], [2, 3], [4]] == [next(parts), next(parts), next(parts)]
    with pytest.raises(ValueError, match="no more"):
        next(parts)
    assert [[0, 1, 2], [3]] == list(chunks(iter(range(4)), 3))
    assert [] == list(chunks([], 3))


def test_today_as_text() -> None:
    read = encounter.from_dict(office(service_date="2026-02-02"))
    future = [f.code for f in build_claim(read, today="2026-02-01").findings]
    assert "service-date-future" in future
    present = [f.code for f in build_claim(read, today="2026-02-02").findings]
    assert "service-date-future" not in present
    with pytest.raises(InvalidFormat, match="today"):
        build_claim(read, today="02/02/2026")


@pytest.mark.parametrize(
    ("module", "step"),
    [
        (build, "_date_and_age"),  # before the first pause
        (build, "_plan"),
        (build, "_service_lines"),  # after the first
        (checks, "line_edits"),  # after the second
        (build, "_with_reference"),  # after the third
        (build, "_assemble"),
    ],
)
def test_a_failure_in_any_step_keeps_the_claims_before_it(
    monkeypatch: pytest.MonkeyPatch, module: object, step: str
) -> None:
    original = getattr(module, step)

    def failing(read: Any, *rest: Any, **options: Any) -> Any:
        given = read.encounter if isinstance(read, edits.Context) else read
        claim_id = getattr(given, "claim_id", None)
        if claim_id in ("S2", "S4"):
            raise InvalidFormat(f"{step} refused {claim_id}")
        return original(read, *rest, **options)

    monkeypatch.setattr(module, step, failing)
    read = _read(6)
    reference = refdata.Reference()  # empty: the reference step runs and finds nothing
    made = build_claims(read, today=TODAY, reference=reference)
    first_two = [next(made), next(made)]
    with pytest.raises(InvalidFormat, match=f"{step} refused S2"):
        next(made)
    with pytest.raises(InvalidFormat, match=f"{step} refused S4"):
        build_claim(read[4], today=TODAY, reference=reference)
    monkeypatch.setattr(module, step, original)
    assert [build_claim(e, today=TODAY, reference=reference) for e in read[:2]] == first_two


def test_the_options_and_their_defaults_are_those_of_build_claim() -> None:
    one = dict(inspect.signature(build_claim).parameters)
    many = dict(inspect.signature(build_claims).parameters)
    assert ["encounter"] == [name for name in one if name not in many]
    assert ["encounters"] == [name for name in many if name not in one]
    del one["encounter"], many["encounters"]
    assert one == many
    # batch builds with the defaults of build_claim: an institutional drug line bills 0636
    read = [encounter.from_dict(hospital())]
    (batch,) = stages.build_each(read, prices=None, today=TODAY, reference=None)
    assert isinstance(batch, claim.Claim)
    assert build_claim(read[0], today=TODAY) == batch
    assert "0636" == batch.lines[0].revenue_code
