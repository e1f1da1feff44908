"""The Dask path: one valid 837 per partition on a local cluster of worker processes, the same claims
as the serial run, and every rejected record reported with its partition and position."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from benlysta_coding import cli
from tests.helpers import hospital, office
from tests.x12check import own_checks, pyx12_errors

dask_bag = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")
from benlysta_coding.distributed import write_837_partitions  # noqa: E402

PRICES = {"J0490": "12.50", "96365": "150", "96366": "50"}
PER_PARTITION = 300
PARTITIONS = 4


def records() -> list[str]:
    found = []
    for number in range(PER_PARTITION * PARTITIONS):
        if number % 97 == 5:  # a record with a problem: an unknown route
            found.append(json.dumps(office(claim_id=f"X{number}", route="im")))
        elif number % 211 == 7:  # an institutional claim does not go in an 837P
            found.append(json.dumps(hospital(claim_id=f"H{number}")))
        else:
            weight = str(40 + number % 150)
            found.append(json.dumps(office(claim_id=f"C{number}", patient__weight_kg=weight)))
    return found


def claim_ids(text: str) -> list[str]:
    return [seg.split("*")[1] for seg in text.split("~\n") if seg.startswith("CLM*")]


def test_partitions_on_a_local_cluster_match_the_serial_run(tmp_path: Path) -> None:
    data = records()
    source = tmp_path / "all.jsonl"
    source.write_text("\n".join(data) + "\n")
    out, err = io.StringIO(), io.StringIO()
    args = ["batch", str(source), "--format", "837p", "--created", "2026-01-01T12:00"]
    args += [arg for code, price in PRICES.items() for arg in ("--price", f"{code}={price}")]
    cli.main(args, out, err)
    serial_ids = claim_ids(out.getvalue())
    serial_bad = sorted(
        int(m.split(":")[0].split()[1]) - 1 for m in err.getvalue().splitlines()[:-1]
    )

    bag = dask_bag.from_sequence(data, partition_size=PER_PARTITION)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = write_837_partitions(
            bag,
            tmp_path / "out",
            prices=PRICES,
            first_control_number=500,
            created="2026-01-01T12:00",
            scheduler=client,
        )
    assert [(0, 500), (1, 501), (2, 502), (3, 503)] == [
        (f.partition, f.control_number) for f in report.files
    ]
    written: list[str] = []
    for partition in report.files:
        text = Path(partition.path).read_text()
        assert [] == pyx12_errors(text)
        own_checks(text)
        assert f"IEA*1*{partition.control_number:09d}~" in text
        written += claim_ids(text)
        assert partition.claims == len(claim_ids(text))
    assert serial_ids == written
    assert serial_bad == [r.partition * PER_PARTITION + r.position for r in report.rejected]
    assert all("BEN" not in r.reason for r in report.rejected)


def test_a_partition_with_nothing_to_write_writes_no_file(tmp_path: Path) -> None:
    bag = dask_bag.from_sequence(
        [json.dumps(office(route="im"))] * 2 + [json.dumps(office())] * 2, npartitions=2
    )
    report = write_837_partitions(
        bag, tmp_path, prices=PRICES, first_control_number=7, scheduler="synchronous"
    )
    assert [1] == [f.partition for f in report.files]
    assert [(0, 0), (0, 1)] == [(r.partition, r.position) for r in report.rejected]
    assert ["claims-00001.837p"] == sorted(p.name for p in tmp_path.iterdir())


def test_a_partition_of_any_iterable_is_built_a_stage_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benlysta_coding import _pipeline, stages
    from benlysta_coding import distributed as ours

    monkeypatch.setattr(stages, "STAGE", 3)
    data = [json.dumps(office(claim_id=f"D{n}")) for n in range(7)]
    data[4] = "{"
    options = _pipeline.Options(form="837p", prices=PRICES)
    found = list(ours._results(iter(data), options))  # a generator, not a list
    assert ["x12"] * 4 + ["problem"] + ["x12"] * 2 == [r.kind for r in found]
    assert ["D0", "D1", "D2", "D3", "", "D5", "D6"] == [r.claim_id for r in found]


def test_the_dask_path_takes_the_rules(tmp_path: Path) -> None:
    from benlysta_coding.errors import InvalidInput

    first_not_sle = json.dumps(office(diagnoses=["M06.9", "M32.14"]))
    bag = dask_bag.from_sequence([first_not_sle] * 2, npartitions=1)
    kept = write_837_partitions(bag, tmp_path / "a", prices=PRICES, first_control_number=1,
                                scheduler="synchronous")  # fmt: skip
    assert 2 == sum(f.claims for f in kept.files)  # a warning: the claims are written
    raised = write_837_partitions(bag, tmp_path / "b", prices=PRICES, first_control_number=1,
                                  scheduler="synchronous",
                                  rules={"dx-first-not-category": "error"})  # fmt: skip
    assert [] == list(raised.files)
    assert 2 == len(raised.rejected)
    assert all("dx-first-not-category" in r.reason for r in raised.rejected)
    with pytest.raises(InvalidInput, match="rule-mandatory"):
        write_837_partitions(bag, tmp_path / "c", prices=PRICES, first_control_number=1,
                             scheduler="synchronous", rules={"dx-invalid": "off"})  # fmt: skip
