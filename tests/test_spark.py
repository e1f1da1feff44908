"""Spark on a local session (local[2]): claim lines through mapInPandas, one 837 per partition,
and the union of the claims equal to the serial batch on the same records."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benlysta_coding.cli import main
from tests.helpers import hospital, office
from tests.x12check import pyx12_errors

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):  # pragma: no cover
    pytest.skip("Spark needs a Java runtime (.ci/run installs one)", allow_module_level=True)
pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
from pyspark.sql import SparkSession  # noqa: E402

from benlysta_coding import spark  # noqa: E402

PRICES = {"J0490": "12.50", "96365": "150", "96366": "40"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    made = (
        SparkSession.builder.master("local[2]")
        .appName("benlysta-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    made.sparkContext.setLogLevel("ERROR")
    yield made
    made.stop()


def records() -> list[str]:
    made = [json.dumps(office(claim_id=f"S-{n}", patient__weight_kg=str(50 + n))) for n in range(9)]
    made[3] = json.dumps(office(claim_id="S-3", route="im"))  # refused by the loader
    made[6] = "{"  # not JSON
    return made


def frame(session: Any, texts: list[str], partitions: int = 3) -> Any:
    rows = [(position, text) for position, text in enumerate(texts)]
    return session.createDataFrame(rows, "position long, record string").repartition(
        partitions, "position"
    )


def test_claim_lines_gives_each_claims_lines_and_the_rejects(session: Any) -> None:
    df = frame(session, records())
    out = df.mapInPandas(spark.claim_lines(prices=PRICES), spark.CLAIM_LINES_SCHEMA)
    rows = sorted(out.collect(), key=lambda r: (r.position, r.line or 0))
    rejects = [(r.position, r.problems) for r in rows if r.kind == "reject"]
    assert [3, 6] == [position for position, _ in rejects]
    assert "$.route: expected one of 'iv', 'sc'" in rejects[0][1]
    first = [r for r in rows if r.position == 0]
    # 50 kg: 500 mg from a 400 mg and a 120 mg vial, 40 + 10 units, 2 units wasted
    assert [("J0490", "", 40), ("J0490", "", 10), ("J0490", "JW", 2), ("96365", "", 1)] == [
        (r.code, r.modifiers, r.units) for r in first
    ]
    serial = io.StringIO()
    path = ROOT / "build" / "spark-records.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(records()) + "\n")
    argv = ["batch", str(path), *[f"--price={k}={v}" for k, v in PRICES.items()]]
    main(argv, serial, io.StringIO())
    expected = [
        (claim["claim_id"], line["number"], line["code"], line["units"], line["charge"])
        for claim in map(json.loads, serial.getvalue().splitlines())
        for line in claim["lines"]
    ]
    assert sorted(expected) == sorted(
        (r.claim_id, r.line, r.code, r.units, r.charge) for r in rows if r.kind == "line"
    )


def test_one_837_per_partition_whose_union_is_the_serial_batch(
    session: Any, tmp_path: Path
) -> None:
    texts = [*records(), json.dumps(hospital(claim_id="H-1"))]
    df = frame(session, texts, partitions=3)
    report = spark.write_837_partitions(
        df, tmp_path, prices=PRICES, first_control_number=41, created="2026-01-02T08:00"
    )
    assert [41, 42, 43] == sorted(f.control_number for f in report.files)
    claims: set[str] = set()
    for written in report.files:
        text = Path(written.path).read_text()
        assert [] == pyx12_errors(text)
        assert f"*{written.control_number:09d}*" in text.splitlines()[0]
        found = {seg.split("*")[1] for seg in text.split("~\n") if seg.startswith("CLM*")}
        assert written.claims == len(found)
        claims |= found
    serial = io.StringIO()
    path = tmp_path / "serial.jsonl"
    path.write_text("\n".join(texts) + "\n")
    main(["batch", str(path), "--format", "837p", *[f"--price={k}={v}" for k, v in PRICES.items()]],
         serial, io.StringIO())  # fmt: skip
    assert {
        seg.split("*")[1] for seg in serial.getvalue().split("~\n") if seg.startswith("CLM*")
    } == claims
    assert {3, 6, 9} == {r.position for r in report.rejected}  # 9: an institutional claim in 837p


def test_csv_columns_go_through_the_same_path(session: Any, tmp_path: Path) -> None:
    with (ROOT / "examples" / "infusion-log.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = list(rows[0])
    data = [(n, *[row[c] or None for c in names]) for n, row in enumerate(rows)]
    schema = "position long, " + ", ".join(f"{c} string" for c in names)
    df = session.createDataFrame(data, schema).coalesce(1)
    out = df.mapInPandas(
        spark.claim_lines(csv_columns=True, prices=PRICES), spark.CLAIM_LINES_SCHEMA
    ).collect()
    assert {0, 1} == {r.position for r in out if r.kind == "line"}
    (reject,) = [r for r in out if r.kind == "reject"]
    assert 2 == reject.position
    assert reject.problems.startswith("weight_kg: expected"), reject.problems
    report = spark.write_837_partitions(
        df, tmp_path, prices=PRICES, first_control_number=7, csv_columns=True
    )
    assert 1 == sum(f.claims for f in report.files)
    assert {1, 2} == {r.position for r in report.rejected}  # 1: institutional in an 837p


def test_bad_options_are_refused_at_the_call(session: Any, tmp_path: Path) -> None:
    from benlysta_coding.errors import InvalidComponent, InvalidInput

    with pytest.raises(InvalidInput, match="rule-mandatory"):
        spark.claim_lines(rules={"dx-invalid": "off"})
    with pytest.raises(InvalidComponent, match="form"):
        spark.write_837_partitions(
            frame(session, records()), tmp_path, form="835", first_control_number=1
        )
