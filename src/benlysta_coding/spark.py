"""Spark beside Dask: encounter records in a Spark DataFrame to claim lines, and one 837 per partition.

Teams that outgrow one machine mostly run Spark (Databricks, EMR, Glue). This module (extra
``spark``; ``pyspark`` is imported only here, and only when a function runs) offers the two things a
pipeline needs:

* :func:`claim_lines` makes the function to give ``DataFrame.mapInPandas`` with
  :data:`CLAIM_LINES_SCHEMA`: each record (a JSON string, or the CSV columns of
  :func:`benlysta_coding.encounter.from_csv`) becomes its claim's lines, or one reject row with
  the record's problems;
* :func:`write_837_partitions` writes one complete 837 per partition, each with its own control
  number, as :func:`benlysta_coding.distributed.write_837_partitions` does for Dask. The union of
  the claims is what ``batch`` writes for the same records, serially.

Both read a ``position`` column (a whole number that identifies the record, such as
``monotonically_increasing_id()`` or the row number of the source), which the rows they give carry.
Values stay exact: quantities and charges are decimal text.

>>> CLAIM_LINES_SCHEMA.split(", ")[:3]
['position long', 'kind string', 'claim_id string']
"""

from __future__ import annotations

import datetime
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from benlysta_coding import _intake, _pipeline, distributed
from benlysta_coding.drug import Drug
from benlysta_coding.errors import InvalidComponent
from benlysta_coding.policy import PayerPolicy

__all__ = ["CLAIM_LINES_SCHEMA", "claim_lines", "write_837_partitions"]

CLAIM_LINES_SCHEMA: Final = (
    "position long, kind string, claim_id string, line int, code string, modifiers string, "
    "units long, service_date string, ndc string, ndc_unit string, ndc_quantity string, "
    "revenue_code string, charge string, diagnoses string, problems string"
)
"""The rows of :func:`claim_lines`: ``kind`` is ``line`` (a claim line) or ``reject`` (the record
was not billed; ``problems`` says why, and the line fields are null)."""

_LINE_KEYS: Final = ("line", "code", "modifiers", "units", "service_date", "ndc", "ndc_unit",
                     "ndc_quantity", "revenue_code", "charge", "diagnoses")  # fmt: skip


def _records(
    rows: Iterable[Mapping[str, Any]], column: str, shape: _intake.Layout | None
) -> Iterator[tuple[int, str | None, str]]:
    """(position, the record as encounter JSON or None, problem) for each row; ``shape`` is the
    layout of CSV columns (``None``: each record is JSON text in ``column``)."""
    for row in rows:
        position = int(row["position"])
        if shape is None:
            value = row.get(column)
            if isinstance(value, str):
                yield position, value, ""
            else:
                yield position, None, f"{column}: expected the encounter as JSON text"
            continue
        cells = [
            "" if _missing(row[name]) else str(row[name]) for name in row if name != "position"
        ]
        data, problems = _intake.record(cells, shape)
        if problems:
            yield position, None, "; ".join(str(problem) for problem in problems)
        else:
            yield position, json.dumps(data), ""


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _built(
    records: list[tuple[int, str | None, str]], options: _pipeline.Options
) -> Iterator[tuple[int, _pipeline.Result | str]]:
    texts = [text for _, text, _ in records if text is not None]
    done = iter(_pipeline.process_many(texts, options))
    for position, text, problem in records:
        yield position, (problem if text is None else next(done))


def claim_lines(
    *,
    column: str = "record",
    csv_columns: bool | str | os.PathLike[str] = False,
    prices: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
    rules: Mapping[str, str] | None = None,
    drugs: Iterable[Drug] = (),
    policies: Iterable[PayerPolicy] = (),
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The function for ``df.mapInPandas(claim_lines(...), CLAIM_LINES_SCHEMA)``.

    The DataFrame holds a ``position`` column and either ``column`` (each record as encounter JSON
    text) or, with ``csv_columns`` true (or a column mapping file), the columns of a CSV infusion
    log (:func:`benlysta_coding.encounter.from_csv`). ``prices``, ``today``, ``rules``, ``drugs`` and
    ``policies`` are those of ``build_claim`` and ``batch``; they are checked here, at the call.
    A record whose claim has error findings is a reject row, as ``batch`` reports it.

    Spark hands the function an iterator of pandas frames; so can you:

    >>> import json, pandas
    >>> from benlysta_coding import examples
    >>> run = claim_lines(prices={"J0490": "12.50", "96365": "150"})
    >>> frame = pandas.DataFrame(
    ...     {"position": [7, 8], "record": [json.dumps(examples.OFFICE_IV), "{"]}
    ... )
    >>> out = next(run(iter([frame])))
    >>> [(row.position, row.kind, row.code, row.units) for row in out.itertuples()][:2]
    [(7, 'line', 'J0490', 69), (7, 'line', 'J0490', 3)]
    >>> out["problems"].iloc[-1]
    '$: not valid JSON: Expecting property name enclosed in double quotes at line 1 [invalid-json]'
    """
    options = _pipeline.options("json", prices, today, rules, drugs, policies)
    mapping = _mapping(csv_columns)

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas  # the extra's own dependency (pyspark's mapInPandas hands pandas frames)

        for frame in frames:
            shape, here = _shape(list(frame.columns), mapping, options)
            records = list(_records(frame.to_dict("records"), column, shape))
            rows: list[dict[str, Any]] = []
            for position, result in _built(records, here):
                rows.extend(_rows(position, result))
            names = [c.split()[0] for c in CLAIM_LINES_SCHEMA.split(", ")]
            # plain Python values (object columns): pandas 3's Arrow-backed strings reach
            # pyspark's converter as chunked arrays, which it refuses
            yield pandas.DataFrame(rows, columns=names, dtype=object)

    return run


def _shape(
    columns: list[str], mapping: _intake.ColumnMap | None, options: _pipeline.Options
) -> tuple[_intake.Layout | None, _pipeline.Options]:
    """The layout of a frame's CSV columns (a header problem raises) and the options that name
    problems by those columns."""
    if mapping is None:
        return None, options
    shape = _intake.layout([name for name in columns if name != "position"], mapping)
    return shape, attrs.evolve(options, paths=shape.paths())


def _mapping(csv_columns: bool | str | os.PathLike[str]) -> _intake.ColumnMap | None:
    if csv_columns is False:
        return None
    return _intake.column_map(None if csv_columns is True else csv_columns)


def _rows(position: int, result: _pipeline.Result | str) -> list[dict[str, Any]]:
    if isinstance(result, str) or result.kind != "json":
        problems = result if isinstance(result, str) else str(result.value)
        return [{"position": position, "kind": "reject", "problems": problems}]
    claim = json.loads(result.value)
    rows = []
    for line in claim["lines"]:
        rows.append(
            {
                "position": position,
                "kind": "line",
                "claim_id": claim["claim_id"],
                "line": line["number"],
                "code": line["code"],
                "modifiers": ":".join(line["modifiers"]),
                "units": line["units"],
                "service_date": line["service_date"],
                "ndc": line["ndc"],
                "ndc_unit": line["ndc_unit"],
                "ndc_quantity": line["ndc_quantity"],
                "revenue_code": line["revenue_code"],
                "charge": line["charge"],
                "diagnoses": ",".join(
                    claim["diagnoses"][p - 1] for p in line["diagnosis_pointers"]
                ),
            }
        )
    return rows


def write_837_partitions(
    df: Any,
    folder: str | os.PathLike[str],
    *,
    form: str = "837p",
    prices: Mapping[str, str] | None = None,
    first_control_number: int,
    created: datetime.datetime | str | None = None,
    today: datetime.date | None = None,
    rules: Mapping[str, str] | None = None,
    drugs: Iterable[Drug] = (),
    policies: Iterable[PayerPolicy] = (),
    column: str = "record",
    csv_columns: bool | str | os.PathLike[str] = False,
) -> distributed.Report:
    """Write one 837 per partition of ``df`` into ``folder`` (a path every executor writes to:
    local for ``local[N]``, a shared mount such as ``/dbfs/...`` on a cluster).

    Partition ``i`` gets control number ``first_control_number + i``; a partition with no claim
    to write leaves no file. Rejected records come back with their ``position``. The options are
    those of :func:`claim_lines` and :func:`benlysta_coding.distributed.write_837_partitions`.

    >>> import json, tempfile
    >>> from pyspark.sql import SparkSession
    >>> from benlysta_coding import examples
    >>> session = (
    ...     SparkSession.builder.master("local[2]")
    ...     .config("spark.ui.enabled", "false")
    ...     .getOrCreate()
    ... )
    >>> rows = [
    ...     (n, json.dumps(examples.OFFICE_IV | {"claim_id": f"D{n}"})) for n in range(3)
    ... ]
    >>> df = session.createDataFrame(rows, "position long, record string").repartition(
    ...     2, "position"
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = write_837_partitions(
    ...         df,
    ...         folder,
    ...         prices={"J0490": "12.50", "96365": "150"},
    ...         first_control_number=101,
    ...         created="2026-01-01T12:00",
    ...     )
    >>> sorted((f.control_number, f.claims) for f in report.files), report.rejected
    ([(101, 1), (102, 2)], ())
    """
    if form not in _pipeline.KINDS:
        raise InvalidComponent("form: expected '837p' or '837i'")
    if isinstance(first_control_number, bool) or not isinstance(first_control_number, int):
        raise TypeError("first_control_number: expected an int")
    shape, options = _shape(
        list(df.columns),
        _mapping(csv_columns),
        _pipeline.options(form, prices, today, rules, drugs, policies),
    )
    rdd = df.rdd
    count = rdd.getNumPartitions()
    if not 1 <= first_control_number <= 999_999_999 - count + 1:
        raise InvalidComponent(
            "first_control_number: expected 1 or more, leaving a number for each partition "
            "below 1000000000"
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    when = distributed._created(created)

    def write(index: int, rows: Iterator[Any]) -> Iterator[tuple[Any, list[Any]]]:
        records = _records((row.asDict() for row in rows), column, shape)
        positions: list[int] = []

        def texts() -> Iterator[str | _pipeline.Refused]:
            for position, text, problem in records:
                positions.append(position)
                yield text if text is not None else _pipeline.Refused(problem)

        written, rejected = distributed._write_partition(
            texts(), index, str(target), options, first_control_number + index, when
        )
        yield (
            written,
            [distributed.Rejected(index, positions[r.position], r.reason) for r in rejected],
        )

    results = rdd.mapPartitionsWithIndex(write).collect()
    files = tuple(sorted((w for w, _ in results if w is not None), key=lambda f: f.partition))
    rejected = tuple(item for _, items in results for item in items)
    return distributed.Report(files=files, rejected=rejected)
