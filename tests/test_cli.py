"""The command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benlysta_coding import cli, examples
from benlysta_coding.cli import main
from tests.helpers import claim_of, office, unwrap


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_ndc_command_normalises_and_reports_bad_values() -> None:
    status, out, err = run("ndc", "4940110101", "bad", "49401-102-01")
    assert 2 == status
    header, first, second = out.splitlines()
    assert ["input", "11-digit", "(claims)", "10-digit", "(label)", "product"] == header.split()
    assert ["4940110101", "49401-0101-01", "49401-101-01", "BENLYSTA", "120"] == first.split()[:5]
    assert ["49401-102-01", "49401-0102-01", "49401-102-01", "BENLYSTA", "400"] == second.split()[
        :5
    ]
    assert err.startswith("argument 2: ")


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benlysta_coding", "ndc", "49401-101-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode
    assert ["49401-101-01", "49401-0101-01", "49401-101-01"] == result.stdout.splitlines()[
        1
    ].split()[:3]


def test_dose_command_text_and_json() -> None:
    status, out, _ = run("dose", "--weight-kg", "85")
    assert 0 == status
    assert "J0490 administered units: 85" in out
    assert "Wasted: 30.0 mg, 3 unit(s) (JW line)" in out
    status, out, _ = run("dose", "--weight-kg", "63.4", "--json")
    data = json.loads(out)
    assert (64, 0, "634.0") == (data["administered_units"], data["wasted_units"], data["dose_mg"])
    assert [("49401-0102-01", 1), ("49401-0101-01", 2)] == [
        (v["ndc"], v["count"]) for v in data["vials"]
    ]


def test_dose_command_pounds_sc_and_errors() -> None:
    status, out, _ = run("dose", "--weight-lb", "150")
    assert 0 == status
    assert "Dose: 680.4 mg for 68.0 kg" in out  # 150 lb = 68.0388555 kg, shown rounded
    status, out, _ = run("dose", "--weight-lb", "140")
    assert "Dose: 635.0 mg for 63.5 kg" in out  # 140 lb = 63.5029318 kg
    assert "J0490 administered units: 64" in out  # from the exact dose, 635.029318 mg
    status, out, _ = run("dose", "--weight-kg", "70", "--route", "sc", "--json")
    assert (0, 20) == (status, json.loads(out)["administered_units"])
    status, _, err = run("dose", "--weight-kg", "0.5")
    assert 2 == status
    assert "10 to 350 kg" in err
    status, _, err = run("dose")
    assert (2, "give exactly one of --weight-kg and --weight-lb\n") == (status, err)


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_demo_builds_the_office_claim() -> None:
    status, out, _ = run("demo")
    assert 0 == status
    assert "Claim BEN-2025-0001: professional (place of service 11)" in out
    assert " 2  J0490 JW        3       N449401010101 UN6" in out
    assert max(len(line) for line in out.splitlines()) <= 80  # fits the terminal
    assert "Total charge: - (no prices given)" in out
    status, out, _ = run("demo", "--price", "J0490=12.50", "--price", "96365=150")
    assert "Total charge: 1050.00" in out
    status, _, err = run("demo", "--price", "J0490")
    assert 2 == status
    assert "CODE=PRICE" in err
    assert 2 == run("demo", "--price", "J0490=1.5e3")[0]


def test_claim_command_json_and_text() -> None:
    status, out, err = run(
        "claim", str(EXAMPLES / "encounter-hospital-iv.json"), "--format", "json"
    )
    assert (0, "") == (status, err)
    data = json.loads(out)
    assert ["J0490", "J0490", "96365", "96366"] == [line["code"] for line in data["lines"]]
    assert "0131" == data["type_of_bill"]
    status, out, _ = run("claim", str(EXAMPLES / "encounter-office-iv.json"))
    assert 0 == status
    assert out.startswith("Claim BEN-2025-0001")


def test_claim_command_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"route": "im"}')
    status, out, err = run("claim", str(bad))
    assert (2, "") == (status, out)
    assert "$.route: expected one of 'iv', 'sc' [invalid-value]" in unwrap(err).splitlines()
    blocked = tmp_path / "blocked.json"
    data = json.loads((EXAMPLES / "encounter-office-iv.json").read_text())
    data["diagnoses"] = ["M32.1"]
    blocked.write_text(json.dumps(data))
    status, out, err = run("claim", str(blocked), "--format", "json")
    assert 2 == status
    assert json.loads(out)["lines"]
    assert "error: $.diagnoses[0]: M32.1 is a category header" in err
    assert 2 == run("claim", str(tmp_path / "missing.json"))[0]
    old = tmp_path / "old.json"
    data["service_date"] = "2011-06-01"
    old.write_text(json.dumps(data))
    status, _, err = run("claim", str(old))
    assert 2 == status
    assert "2012-01-01" in err


def test_claim_command_reads_standard_input() -> None:
    text = (EXAMPLES / "encounter-office-iv.json").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "benlysta_coding", "claim", "-", "--format", "json"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode
    assert "BEN-2025-0001" == json.loads(result.stdout)["claim_id"]


def test_claim_command_exports() -> None:
    office_file = str(EXAMPLES / "encounter-office-iv.json")
    hospital_file = str(EXAMPLES / "encounter-hospital-iv.json")
    prices = ["--price", "J0490=12.50", "--price", "96365=150", "--price", "96366=50"]
    status, out, err = run(
        "claim", office_file, "--format", "837p", "--control-number", "5", "--test", *prices
    )
    assert (0, "") == (status, err)
    assert out.startswith("ISA*")
    assert "*000000005*0*T*:~" in out.splitlines()[0]
    status, out, _ = run("claim", hospital_file, "--format", "837i", *prices)
    assert 0 == status
    assert "SV2*0636*HC:J0490*500*UN*40~" in out
    status, out, _ = run("claim", office_file, "--format", "cms1500")
    assert "N449401010101 UN6" == json.loads(out)["rows"][0]["shaded"]
    status, out, _ = run("claim", hospital_file, "--format", "ub04")
    assert "0131" == json.loads(out)["FL4"]
    status, out, _ = run("claim", office_file, "--format", "fhir", *prices)
    assert "Claim" == json.loads(out)["resourceType"]
    assert '"value": 1050.00' in out


def test_claim_command_export_errors() -> None:
    office_file = str(EXAMPLES / "encounter-office-iv.json")
    status, _, err = run("claim", office_file, "--format", "837i", "--price", "J0490=1")
    assert 2 == status
    assert "use 837p" in err
    status, _, err = run("claim", office_file, "--format", "837p")
    assert 2 == status
    assert "charge" in err


def test_batch_streams_json_lines_and_x12(tmp_path: Path) -> None:
    from tests.x12check import own_checks, pyx12_errors

    office = json.loads((EXAMPLES / "encounter-office-iv.json").read_text())
    hospital = json.loads((EXAMPLES / "encounter-hospital-iv.json").read_text())
    lines = [
        json.dumps(office),
        json.dumps(
            {**office, "claim_id": "B2", "patient": {**office["patient"], "weight_kg": "63.4"}}
        ),
        "",
        '{"route": "im"}',
        json.dumps(hospital),
        json.dumps({**office, "claim_id": "B3", "diagnoses": ["M32.1"]}),
        json.dumps({**office, "claim_id": "B4", "receiver": {"name": "X", "id": "OTHER"}}),
    ]
    source = tmp_path / "batch.jsonl"
    source.write_text("\n".join(lines) + "\n")
    status, out, err = run(
        "batch",
        str(source),
        "--format",
        "837p",
        "--price",
        "J0490=12.50",
        "--price",
        "96365=150",
        "--control-number",
        "77",
    )
    assert 2 == status
    assert 2 == out.count("CLM*")
    assert [] == pyx12_errors(out)
    own_checks(out)
    messages = unwrap(err).splitlines()
    assert messages[0].startswith("line 4: ")
    assert "$.route: expected one of 'iv', 'sc' [invalid-value]" in messages[0]
    assert messages[1] == "line 5: this institutional claim does not go in an 837p file"
    assert messages[2].startswith("line 6: error: $.diagnoses[0]")
    assert messages[3].startswith("line 7: submitter / receiver: every claim of one file needs")
    assert "2 claim(s) written, 4 line(s) with problems" == messages[-1]
    status, out, err = run("batch", str(source))
    assert 2 == status
    assert ["BEN-2025-0001", "B2", "BEN-2025-0002", "B4"] == [
        json.loads(line)["claim_id"] for line in out.splitlines()
    ]


def test_batch_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text((EXAMPLES / "encounter-hospital-iv.json").read_text().replace("\n", "") + "\n")
    assert (0, "1 claim(s) written, 0 line(s) with problems\n") == run("batch", str(good))[::2]
    status, out, err = run("batch", str(good), "--format", "837i")
    assert (2, "") == (status, out)
    assert err.startswith("line 1: lines[0]: X12 needs a charge")
    assert "BEN-2025" not in err
    assert 2 == run("batch", str(tmp_path / "missing.jsonl"))[0]
    assert 2 == run("batch", str(good), "--price", "J0490")[0]


def test_text_banner_colours_and_width() -> None:
    from benlysta_coding.export import text

    claim = claim_of(office(diagnoses=["M32.13", "M32.1"]))
    plain_text = text.render(claim, width=60)
    assert plain_text.startswith("ERRORS: this claim has 1 error(s) and cannot be")
    assert max(len(line) for line in plain_text.splitlines()) <= 60
    assert "\x1b[" not in plain_text
    coloured = text.render(claim, colour=True)
    assert coloured.startswith("\x1b[1;31mERRORS")
    assert "\x1b[36minfo\x1b[0m" in coloured


def test_version_and_help() -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"], io.StringIO(), io.StringIO())
    assert 0 == info.value.code
    parser = cli._parser()
    for action in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        for option in action._actions:
            if option.dest != "help":
                assert option.help, (action.prog, option.dest)


def test_a_price_as_cms_publishes_it_is_billed_to_the_cent() -> None:
    from tests.x12check import pyx12_errors

    out, err = io.StringIO(), io.StringIO()
    status = cli.main(
        ["claim", "examples/encounter-office-iv.json", "--format", "837p", "--price",
         "J0490=9.245", "--price", "96365=150", "--control-number", "3"],
        out, err,
    )  # fmt: skip
    assert 0 == status, err.getvalue()
    assert "SV1*HC:J0490*637.91*UN*69" in out.getvalue()
    assert "SV1*HC:J0490:JW*27.74*UN*3" in out.getvalue()
    assert [] == pyx12_errors(out.getvalue())
    out = io.StringIO()
    assert 0 == cli.main(["claim", "examples/encounter-office-iv.json", "--price", "J0490=9.245"],
                         out, err)  # fmt: skip
    assert "69 x 9.245 = 637.905, billed as 637.91" in out.getvalue()
    assert 2 == cli.main(["claim", "examples/encounter-office-iv.json", "--format", "837p",
                          "--price", "J0490=9.2451"], io.StringIO(), err)  # fmt: skip
    assert "charge-precision" in err.getvalue()


@pytest.mark.parametrize("command", ["claim", "batch"])
def test_non_ascii_on_the_command_line(tmp_path: Path, command: str) -> None:
    import json

    from benlysta_coding import examples

    data = json.loads(json.dumps(examples.OFFICE_IV))
    data["patient"]["first_name"] = "JOSÉ"
    path = tmp_path / ("e.json" if command == "claim" else "e.jsonl")
    path.write_text(json.dumps(data) + "\n")
    base = [command, str(path), "--format", "837p", "--price", "J0490=12.5", "--price", "96365=150"]
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main(base, out, err)
    assert "non-ASCII" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert 0 == cli.main([*base, "--non-ascii", "transliterate"], out, err), err.getvalue()
    assert "*JOSE****MI*" in out.getvalue()
    data["patient"]["first_name"] = "\ufb03" * 35  # 35 characters, 105 once transliterated
    path.write_text(json.dumps(data) + "\n")
    out, err = io.StringIO(), io.StringIO()
    assert 2 == cli.main([*base, "--non-ascii", "transliterate"], out, err)
    assert "patient.first_name: 105 characters once transliterated" in err.getvalue()


def test_format_in_any_case_and_the_claim_kind_with_its_article(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    hospital = "examples/encounter-hospital-iv.json"
    assert 2 == cli.main(["claim", hospital, "--format", "837P"], out, err)
    assert "--format 837p: this is an institutional claim; use 837i" in err.getvalue()
    office = "examples/encounter-office-iv.json"
    err = io.StringIO()
    assert 2 == cli.main(["claim", office, "--format", "837I"], io.StringIO(), err)
    assert "this is a professional claim; use 837p" in err.getvalue()
    out = io.StringIO()
    assert 0 == cli.main(["claim", office, "--format", "JSON"], out, io.StringIO())
    assert '"claim_id"' in out.getvalue()
    lines = tmp_path / "e.jsonl"
    lines.write_text(Path(office).read_text().replace("\n", "") + "\n")
    out = io.StringIO()
    assert 0 == cli.main(["batch", str(lines), "--format", "Json"], out, io.StringIO())
    assert 1 == len(out.getvalue().splitlines())


def test_the_claim_checks_through_the_command_line(tmp_path: Path) -> None:
    import json

    from benlysta_coding import examples

    void = {**json.loads(json.dumps(examples.OFFICE_IV)), "frequency": "void",
            "payer_claim_number": "PCN-1"}  # fmt: skip
    path = tmp_path / "void.json"
    path.write_text(json.dumps(void))
    out = io.StringIO()
    assert 0 == cli.main(["claim", str(path)], out, io.StringIO())
    shown = " ".join(out.getvalue().split())  # the text wraps to the terminal
    assert "cancelled through the contractor (a reopening, or its portal)" in shown
    assert "[medicare-reopening]" in shown
    keyed = json.loads(json.dumps(examples.OFFICE_IV))
    keyed["patient"]["JANEDOE19780614"] = True
    path.write_text(json.dumps(keyed))
    err = io.StringIO()
    assert 2 == cli.main(["claim", str(path)], io.StringIO(), err)
    assert "$.patient: an unknown key (key 8 of this object)" in err.getvalue()
    assert "JANEDOE" not in err.getvalue()
    err = io.StringIO()
    assert 2 == cli.main(["dose", "--weight-kg", "NaN"], io.StringIO(), err)
    assert "weight_kg" in err.getvalue()
    assert "InvalidOperation" not in err.getvalue()


COMMANDS = ["demo", "claim", "batch", "remit", "rules", "ack", "ndc", "dose"]


def _python_m(*args: str, columns: str = "80") -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "COLUMNS": columns}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "benlysta_coding", *args], capture_output=True,
                          text=True, env=env, check=False, cwd=ROOT)  # fmt: skip


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_fits_80_columns_and_ends_with_two_examples(command: str) -> None:
    done = _python_m(*([command] if command else []), "--help")
    assert 0 == done.returncode
    lines = done.stdout.rstrip("\n").splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "examples:" == lines[-3]
    assert all(line.startswith("  python -m benlysta_coding ") for line in lines[-2:])
    assert lines[0].startswith("usage: python -m benlysta_coding")


def test_the_installed_command_names_itself() -> None:
    import shutil

    installed = shutil.which("benlysta-coding")
    if installed is None:
        pytest.skip("the package's console script is not on PATH")
    done = subprocess.run([installed, "rules", "--help"], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.stdout.startswith("usage: benlysta-coding rules")
    assert "  benlysta-coding rules --format json" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--price", "J0490=12.50", "--price", "96365=150"],
        ["claim", "examples/encounter-office-iv.json"],
        ["claim", "examples/encounter-dependant-office-iv.json", "--format", "837p"],
        ["remit", "examples/remittance-office-iv.835"],
        ["rules"],
        ["ack", "examples/ack-office-iv.277"],
        ["ack", "examples/ack-office-iv.999"],
        ["ndc", "49401-101-01", "49401010201", "4940110101", "12"],
        ["dose", "--weight-lb", "69.9", "--age", "10"],
        ["dose", "--weight-kg", "NaN"],
        ["claim", "nonexistent.json"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_every_command_fits_80_columns(args: list[str]) -> None:
    done = _python_m(*args)
    for stream in (done.stdout, done.stderr):
        assert all(len(line) <= 80 for line in stream.splitlines()), stream
    assert "Traceback" not in done.stderr


def test_doses_and_waste_with_one_decimal() -> None:
    done = _python_m("dose", "--weight-lb", "69.9", "--age", "10")
    assert "Wasted: 42.9 mg" in done.stdout  # 69.9 lb = 31.706... kg: 317.06 mg, 360 mg opened
    assert "Dose: 317.1 mg for 31.7 kg" in done.stdout


def test_the_ndc_error_names_the_commands_own_options() -> None:
    done = _python_m("ndc", "1234567890")
    assert 2 == done.returncode
    text = " ".join(done.stderr.split())
    assert "write the NDC with its hyphens" in text
    assert "layout=" not in text
    assert "catalogue" not in text


@pytest.mark.parametrize("command", [["batch", "-"], ["remit", "examples/remittance-office-iv.835"],
                                     ["claim", "examples/encounter-office-iv.json"], ["rules"]])  # fmt: skip
@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_ends_quietly_with_exit_0(
    command: list[str], reader: str, tmp_path: Path
) -> None:
    """``| head -1`` closes after a line; ``| true`` before the first write."""
    import shlex

    line = (ROOT / "examples" / "encounter-office-iv.json").read_text().replace("\n", "") + "\n"
    feed = tmp_path / "many.jsonl"
    feed.write_text(line * 3000)
    args = [str(feed) if a == "-" else a for a in command]
    shell = (
        f"set -o pipefail; {shlex.quote(sys.executable)} -m benlysta_coding "
        f"{' '.join(shlex.quote(a) for a in args)} | {reader}"
    )
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT,
                          check=False)  # fmt: skip
    assert 0 == done.returncode, done.stderr
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr


def test_links_follow_each_finding_to_its_anchor_in_the_docs(tmp_path: Path) -> None:
    from benlysta_coding.findings import RULES

    status, out, err = run(
        "claim", "examples/encounter-office-iv.json", "--links", "https://docs.example.org/b/"
    )
    assert 0 == status
    assert "      see https://docs.example.org/b/findings.html#products-from-plan\n" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**examples.OFFICE_IV, "diagnoses": ["M32.1"]}))
    status, out, err = run("claim", str(bad), "--links", str(tmp_path))
    assert 2 == status
    assert f"  see {tmp_path.as_uri()}/findings.html#dx-not-billable\n" in err
    assert "#dx-not-billable\n" in out  # the text on stdout links it too
    status, out, _ = run("claim", "examples/encounter-office-iv.json")
    assert "see " not in out  # without the option, no links
    page = (Path(__file__).resolve().parent.parent / "docs" / "findings.rst").read_text()
    assert all(f"   * - _`{code}`\n" in page for code in RULES)  # every code has its anchor


def test_a_parallel_batch_fixes_the_heap_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs`` sets glibc's mmap threshold (M_MMAP_THRESHOLD, -3) to 64 KiB, so the pickled
    chunks do not grow the main process's heap (``benchmarks/bench_scale.py`` shows the memory)."""
    import ctypes

    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, parameter: int, value: int) -> int:
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(sys, "platform", "linux")
    cli._steady_heap()
    assert [(-3, 65536)] == calls
    monkeypatch.setattr(sys, "platform", "darwin")
    cli._steady_heap()
    assert [(-3, 65536)] == calls
