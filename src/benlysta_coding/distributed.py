"""Claims at volumes past one machine, on Dask: one complete 837 per partition.

Install the extra (``pip install "benlysta_coding[dask]"``); this module imports Dask only when one of
its functions runs, so the rest of the library never needs it.

:func:`write_837_partitions` maps a Dask bag of encounter records (JSON text lines, or mappings) to
claims and writes one X12 interchange per partition into a folder. Each file is a complete, valid
interchange with its own control number: ``first_control_number`` plus the partition's index, so the
numbers of one run never collide (hand out a fresh range per run; see
:func:`benlysta_coding.export.x12.control_numbers`). Records with problems are reported with their
partition and position, never written; every other record is written, in order. A partition with no
claim to write writes no file.

What scales: partitions (work is per partition, with no shared state) and workers (processes; a
claim takes well under a millisecond of CPU). What does not: the control-number range is decided up
front from the number of partitions, and the files are one per partition, so repartition the bag to
the file sizes your clearinghouse accepts.
"""

from __future__ import annotations

import datetime
import importlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from benlysta_coding import _pipeline, stages
from benlysta_coding._util import chunks
from benlysta_coding.drug import Drug
from benlysta_coding.errors import InvalidComponent, ValidationError
from benlysta_coding.policy import PayerPolicy

__all__ = ["PartitionFile", "Rejected", "Report", "write_837_partitions"]


@attrs.frozen
class PartitionFile:
    """One interchange written: its partition, path, control number and number of claims."""

    partition: int
    path: str
    control_number: int
    claims: int


@attrs.frozen
class Rejected:
    """A record not written: its partition, its position in the partition (from 0) and why."""

    partition: int
    position: int
    reason: str


@attrs.frozen
class Report:
    """What a run wrote and what it left out."""

    files: tuple[PartitionFile, ...]
    rejected: tuple[Rejected, ...]


def _write_partition(
    records: Iterable[Any],
    partition: int,
    folder: str,
    options: _pipeline.Options,
    control_number: int,
    created: datetime.datetime,
) -> tuple[PartitionFile | None, list[Rejected]]:
    from benlysta_coding.export import x12

    rejected = []
    path = Path(folder) / f"claims-{partition:05d}.{options.form}"
    partial = path.with_suffix(path.suffix + ".part")
    envelope = x12.Envelope(control_number=control_number, created=created)
    with partial.open("w", encoding="ascii", newline="") as out:
        writer = x12.Interchange(out, envelope)
        for position, result in enumerate(_results(records, options)):
            if result.kind == "x12":
                try:
                    writer.add_rendered(result.value)
                    continue
                except ValidationError as error:
                    rejected.append(Rejected(partition, position, str(error)))
            elif result.kind == "problem":
                rejected.append(Rejected(partition, position, result.value))
        try:
            summary = writer.finish()
        except ValidationError:
            summary = None
    if summary is None:
        partial.unlink()
        return None, rejected
    os.replace(partial, path)
    return PartitionFile(partition, str(path), control_number, summary.claims), rejected


def _results(records: Iterable[Any], options: _pipeline.Options) -> Iterator[_pipeline.Result]:
    """The results of a partition's records, in order (a partition may be any iterable), built a
    stage (:data:`benlysta_coding.stages.STAGE`) at a time."""
    for chunk in chunks(records, stages.STAGE):
        yield from _pipeline.process_many(chunk, options)


def _created(value: datetime.datetime | str | None) -> datetime.datetime:
    if value is None:
        return datetime.datetime.now().replace(second=0, microsecond=0)
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidComponent("created: expected an ISO date and time") from None
    if not isinstance(value, datetime.datetime):
        raise TypeError("created: expected a datetime or ISO text")
    return value


def write_837_partitions(
    records: Any,
    folder: str | os.PathLike[str],
    *,
    form: str = "837p",
    prices: Mapping[str, str] | None = None,
    first_control_number: int,
    created: datetime.datetime | str | None = None,
    today: datetime.date | None = None,
    scheduler: str | None = None,
    rules: Mapping[str, str] | None = None,
    drugs: Iterable[Drug] = (),
    policies: Iterable[PayerPolicy] = (),
) -> Report:
    """Write one 837 per partition of a Dask bag of encounter records into ``folder``.

    ``form`` is ``837p`` or ``837i``; ``prices`` maps codes to prices (as for ``build_claim``);
    partition ``i`` gets control number ``first_control_number + i``; ``created`` (default: now) is
    written in every envelope. ``rules`` sets rules off or to a severity, as for ``build_claim``.
    ``drugs`` and ``policies`` are drug and payer policy files you loaded
    (:func:`benlysta_coding.drug.load`, :func:`benlysta_coding.policy.load`), which a record's
    ``drug`` and ``payer`` may then name.
    ``scheduler`` is passed to Dask (``None``: the current client or the
    default). A Dask dataframe with one column of JSON text can be passed as ``frame[col].to_bag()``.

    >>> import dask.bag
    >>> from benlysta_coding import examples
    >>> import json, tempfile
    >>> records = dask.bag.from_sequence(
    ...     [json.dumps(examples.OFFICE_IV)] * 3, npartitions=2
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = write_837_partitions(
    ...         records,
    ...         folder,
    ...         form="837p",
    ...         prices={"J0490": "12.50", "96365": "150"},
    ...         first_control_number=101,
    ...         created="2026-01-01T12:00",
    ...         scheduler="synchronous",
    ...     )
    >>> [(f.partition, f.control_number, f.claims) for f in report.files]
    [(0, 101, 2), (1, 102, 1)]
    >>> report.rejected
    ()
    """
    dask: Any = importlib.import_module("dask")  # the optional extra, loaded only here

    if form not in _pipeline.KINDS:
        raise InvalidComponent("form: expected '837p' or '837i'")
    if isinstance(first_control_number, bool) or not isinstance(first_control_number, int):
        raise TypeError("first_control_number: expected an int")
    parts = records.to_delayed()
    if not 1 <= first_control_number <= 999_999_999 - len(parts) + 1:
        raise InvalidComponent(
            "first_control_number: expected 1 or more, leaving a number for each partition "
            "below 1000000000"
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    # checked at the call, before any partition runs
    options = _pipeline.options(form, prices, today, rules, drugs, policies)
    when = _created(created)
    tasks = [
        dask.delayed(_write_partition)(
            part, index, str(target), options, first_control_number + index, when
        )
        for index, part in enumerate(parts)
    ]
    results = dask.compute(*tasks, scheduler=scheduler)
    files = tuple(written for written, _ in results if written is not None)
    rejected = tuple(item for _, problems in results for item in problems)
    return Report(files=files, rejected=rejected)
