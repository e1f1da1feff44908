"""The command line: ``python -m benlysta_coding COMMAND``.

Commands:

* ``demo`` (the default): build and print the example physician-office claim.
* ``claim FILE.json [--format text|json|837p|837i|cms1500|ub04|fhir] [--price CODE=PRICE ...]``:
  build the claim of an encounter file (``-`` reads standard input) and print it in that format;
  problems go to standard error, one per line with its path. The X12 formats need a price for every
  code (``--price``), and the party data in the encounter file.
* ``batch FILE.jsonl --format json|837p|837i [--price CODE=PRICE ...]``: one encounter per line
  (JSON Lines), streamed: JSON Lines of claims, or one X12 interchange. A line with a problem is
  reported on standard error as ``line N: ...`` and its claim is not written; the exit status is then 2.
* ``ndc VALUE ...``: normalise NDCs; one line each, exit 2 if any is invalid.
* ``dose --weight-kg 70 [--route iv] [--json]``: the dose, J0490 units, vials and waste.

Exit status: 0 on success, 2 for invalid input (problems on standard error, one per line).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import datetime
import io
import json
import os
import pathlib
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO, Final, TextIO

from benlysta_coding import (
    _intake,
    _pipeline,
    dosing,
    encounter,
    examples,
    hcpcs,
    ndc,
    policy,
    products,
    units,
)
from benlysta_coding import drug as drug_module
from benlysta_coding._util import article, chunks, exact, plain
from benlysta_coding.build import build_claim
from benlysta_coding.claim import Claim, ClaimKind
from benlysta_coding.drug import Drug
from benlysta_coding.errors import InvalidInput, Problem, ValidationError
from benlysta_coding.export.text import ANSI, RESET, wrap
from benlysta_coding.policy import PayerPolicy

__all__ = ["main", "render"]


def render(claim: Claim, *, width: int = 80, colour: bool = False, links: str | None = None) -> str:
    """Return a claim as readable text (:func:`benlysta_coding.export.text.render`)."""
    from benlysta_coding.export import text

    return text.render(claim, width=width, colour=colour, links=links)


def _link(code: str, docs: str) -> str:
    from benlysta_coding.export.text import finding_link

    return finding_link(code, docs)


def _terminal(out: TextIO) -> tuple[int, bool]:
    """The width to fit and whether to colour: a terminal's own width, colour unless NO_COLOR."""
    if not (hasattr(out, "isatty") and out.isatty()):
        return 80, False
    return shutil.get_terminal_size((80, 24)).columns, "NO_COLOR" not in os.environ


class _Printer:
    """Lines for a reader: wrapped to the terminal's width (80 when not a terminal), continuation
    lines indented, and coloured by severity on a terminal unless ``NO_COLOR`` is set."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.width, self.colour = _terminal(out)

    def line(self, text: str, severity: str = "", indent: str = "") -> None:
        for each in wrap(text, self.width, indent, indent + "    "):
            painted = f"{ANSI[severity]}{each}{RESET}" if severity and self.colour else each
            self.out.write(painted + "\n")


def _say(err: TextIO, text: str, severity: str = "") -> None:
    """A message on standard error, wrapped to the terminal (and coloured as ``severity``)."""
    _Printer(err).line(text, severity)


def _pairs(values: Sequence[str], option: str, shape: str) -> dict[str, str]:
    """``KEY=VALUE`` options, keys and values stripped; ``shape`` shows the expected form."""
    found = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key:
            raise ValidationError(f"{option}: expected {shape}, not {value!r}")
        found[key.strip()] = setting.strip()
    return found


def _prices(values: Sequence[str]) -> dict[str, str]:
    prices = _pairs(values, "--price", "CODE=PRICE such as J0490=12.50")
    return {code.upper(): price for code, price in prices.items()}


def _rules(values: Sequence[str]) -> dict[str, str] | None:
    """``--rule CODE=SETTING`` options as ``build_claim(..., rules=...)`` takes them, checked."""
    from benlysta_coding.findings import rule_settings

    found = _pairs(values, "--rule", "CODE=SETTING such as dx-first-not-category=off")
    return dict(rule_settings(found)) or None


def _rule_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="CODE=SETTING",
        help="turn a rule off or set its severity: off, info, warning or error (repeat; "
        "'rules' lists them)",
    )


def _file_options(parser: argparse.ArgumentParser, drugs: bool = True) -> None:
    if drugs:
        parser.add_argument(
            "--drug",
            action="append",
            default=[],
            metavar="FILE.toml",
            help="load a drug file; an encounter's 'drug' may then name it (repeat)",
        )
    parser.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE.toml",
        help="load a payer policy file; an encounter's 'payer' may then name it (repeat)",
    )


def _loaded(args: argparse.Namespace) -> tuple[tuple[Drug, ...], tuple[PayerPolicy, ...]]:
    """The drug and policy files of ``--drug`` and ``--policy``, every problem of every file at
    once (:class:`~benlysta_coding.errors.InvalidInput`)."""
    problems: list[Problem] = []
    drugs: list[Drug] = []
    policies: list[PayerPolicy] = []
    for path in getattr(args, "drug", []):
        try:
            drugs.append(drug_module.load(path))
        except InvalidInput as error:
            problems.extend(error.problems)
    for path in getattr(args, "policy", []):
        try:
            policies.append(policy.load(path))
        except InvalidInput as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInput(problems)
    drug_module.registry(drugs)  # a name used twice is refused here, before any record is read
    policy.registry(policies)
    return tuple(drugs), tuple(policies)


def _refused(err: TextIO, error: InvalidInput) -> int:
    """Every problem of refused input on standard error; the exit status 2."""
    for problem in error.problems:
        _say(err, str(problem))
    return 2


def _policies(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``policy list`` and ``policy show NAME``."""
    try:
        _, loaded = _loaded(args)
    except InvalidInput as error:
        return _refused(err, error)
    known = policy.registry(loaded)
    if args.action == "list":
        for name, chosen in known.items():
            where = "built-in" if name in policy.POLICIES else "file"
            out.write(f"{name}\t{where}\t{chosen.filing_code(False)}\n")
        return 0
    if args.name not in known:
        _say(err, f"policy show: expected one of {', '.join(known)}")
        return 2
    out.write(policy.to_toml(known[args.name]))
    return 0


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``schema encounter``: the JSON Schema, with the names of the drugs and policies loaded."""
    try:
        drugs, policies = _loaded(args)
    except InvalidInput as error:
        return _refused(err, error)
    made = encounter.schema(policy.registry(policies), drug_module.registry(drugs))
    out.write(json.dumps(made, indent=2, ensure_ascii=False) + "\n")
    return 0


def _list_rules(args: argparse.Namespace, out: TextIO) -> int:
    """Every rule: code, default severity, what it checks and the payer's answer."""
    from benlysta_coding.edits import homes
    from benlysta_coding.findings import MANDATORY, RULES

    made_by = homes()  # the edits and build steps are registered: build is imported above
    listed: list[dict[str, Any]] = []
    for rule in RULES.values():
        answer = rule.answer
        listed.append(
            {
                "code": rule.code,
                "severity": str(rule.severity),
                "description": rule.title,
                "fix": rule.fix,
                "source": rule.source,
                "mandatory": rule.code in MANDATORY,
                "made_by": list(made_by[rule.code]),
                "payer_answer": None
                if answer is None
                else {
                    "carc": answer.carc,
                    "rarc": list(answer.rarc),
                    "remedy": str(answer.remedy) if answer.remedy else None,
                },
            }
        )
    if args.format == "json":
        out.write(json.dumps(listed, indent=2) + "\n")
        return 0
    printer = _Printer(out)
    for rule in RULES.values():
        said = ""
        if rule.answer is not None:
            remarks = "/".join(rule.answer.rarc)
            said = f"; payer: {rule.answer.carc}{' ' + remarks if remarks else ''}"
        mandatory = ", mandatory" if rule.code in MANDATORY else ""
        printer.line(
            f"{rule.code} ({rule.severity}{mandatory}): {rule.title}{said}", str(rule.severity)
        )
    return 0


def _demo(prices: Sequence[str], out: TextIO, err: TextIO) -> int:
    example = encounter.from_dict(examples.OFFICE_IV)
    try:
        claim = build_claim(example, prices=_prices(prices) or None)
    except ValidationError as error:
        _say(err, f"{error}")
        return 2
    width, colour = _terminal(out)
    out.write(render(claim, width=width, colour=colour))
    return 0


def _claim(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path, form = args.file, args.format
    limit = encounter.MAX_JSON_BYTES + 1  # a larger input is refused, not read whole
    try:
        if path == "-":
            text: str | bytes = sys.stdin.buffer.read(limit)
        else:
            with open(path, "rb") as handle:
                text = handle.read(limit)
    except OSError as error:
        _say(err, f"{path}: cannot read the file ({type(error).__name__})")
        return 2
    try:
        drugs, policies = _loaded(args)
        known = policy.registry(policies)
        loaded = encounter.from_json(text, known, drug_module.registry(drugs))
        claim = build_claim(
            loaded,
            prices=_prices(args.price) or None,
            reference=_reference(args),
            rules=_rules(args.rule),
        )
        if args.primary_remittance:
            claim, loaded = _secondary(claim, loaded, args.primary_remittance, known)
        if claim.errors:
            if form == "json":
                out.write(json.dumps(claim.to_dict(), indent=2) + "\n")
            elif form == "text":
                width, colour = _terminal(out)
                out.write(render(claim, width=width, colour=colour, links=args.links))
            for finding in claim.errors:
                _say(err, str(finding), "error")
                if args.links is not None:  # a link is never wrapped: it would break
                    err.write(f"  see {_link(finding.code, args.links)}\n")
            return 2
        out.write(_export(claim, loaded, form, args))
    except InvalidInput as error:
        return _refused(err, error)
    except ValidationError as error:
        _say(err, f"{error}")
        return 2
    return 0


def _secondary(
    claim: Claim, loaded: encounter.Encounter, path: str, known: Mapping[str, PayerPolicy]
) -> tuple[Claim, encounter.Encounter]:
    """The claim to the encounter's secondary payer, from the primary's 835."""
    from benlysta_coding import remit

    secondary = loaded.secondary_insurance
    if secondary is None:
        raise ValidationError("--primary-remittance: the encounter has no secondary_insurance")
    chosen = known.get(secondary.policy)
    if chosen is None:
        raise ValidationError(f"secondary_insurance.policy: expected one of {', '.join(known)}")
    if chosen.medicare and not secondary.insurance_type:
        raise ValidationError(
            "secondary_insurance.insurance_type: Medicare as secondary payer needs the MSP type "
            "(SBR05, such as 12 working aged)"
        )
    answers = []
    try:  # the whole 835 is read and checked before any of it is used
        for remittance, payment in remit.read_835(pathlib.Path(path)):
            if payment.claim_id == claim.claim_id:
                answers.append((remittance, payment))
    except OSError as error:
        raise ValidationError(f"{path}: cannot read the file ({type(error).__name__})") from None
    except ValidationError as error:
        raise ValidationError(f"{path}: {error}") from None
    if not answers:
        raise ValidationError(f"{path}: no payment in the 835 answers this claim (CLP01)")
    if len(answers) > 1:
        raise ValidationError(
            f"{path}: {len(answers)} payments answer this claim (segments "
            f"{', '.join(str(p.segment) for _, p in answers)}); pass an 835 with the one to use"
        )
    (remittance, payment), *_ = answers
    try:
        return remit.secondary_claim(claim, payment, remittance, chosen), loaded
    except ValidationError as error:
        raise ValidationError(f"{path}: {error}") from None


def _export(claim: Claim, loaded: encounter.Encounter, form: str, args: argparse.Namespace) -> str:
    if form == "text":
        width, colour = _terminal(sys.stdout)
        return render(claim, width=width, colour=colour, links=args.links)
    if form == "json":
        return json.dumps(claim.to_dict(), indent=2) + "\n"
    from benlysta_coding import parties
    from benlysta_coding.export import fhir, forms, x12

    def who() -> parties.Parties:
        if claim.other_payer is not None:
            return parties.for_secondary(loaded)
        return parties.from_encounter(loaded)

    if form in ("837p", "837i"):
        wanted = "837p" if claim.kind == ClaimKind.PROFESSIONAL else "837i"
        if form != wanted:
            raise ValidationError(
                f"--format {form}: this is {article(claim.kind)} claim; use {wanted}"
            )
        return x12.render_837(claim, who(), _envelope(args))
    if form == "cms1500":
        return json.dumps(forms.cms1500(claim), indent=2) + "\n"
    if form == "ub04":
        return json.dumps(forms.ub04(claim), indent=2) + "\n"
    created = args.created.date() if args.created else None
    resource = fhir.claim_resource(claim, who(), created=created)
    return fhir.dumps(resource, indent=2) + "\n"


def _ndc(values: Sequence[str], out: TextIO, err: TextIO) -> int:
    from benlysta_coding.errors import AmbiguousNDC

    status = 0
    width = _terminal(out)[0]
    out.write(f"{'input':<16}{'11-digit (claims)':<18}{'10-digit (label)':<17}product\n")
    for position, value in enumerate(values, start=1):
        try:
            eleven = ndc.format(value, products.CATALOGUE)
            ten = ndc.to_10(value, catalogue=products.CATALOGUE)
            product = products.CODES.get(ndc.validate(value, products.CATALOGUE))
            shown = value.strip() if len(value.strip()) <= 15 else value.strip()[:12] + "..."
            name = product.description if product else "-"
            room = max(width - 51, 10)
            name = name if len(name) <= room else name[: room - 3] + "..."
            out.write(f"{shown:<16}{eleven:<18}{ten:<17}{name}\n")
        except AmbiguousNDC as error:
            candidates = ", ".join(error.candidates) or "none"
            _Printer(err).line(
                f"argument {position}: 10 digits without hyphens fit more than one layout and "
                "name no product this library knows; write the NDC with its hyphens as printed "
                f"on the package (candidates: {candidates})",
                "error",
            )
            status = 2
        except ValidationError as error:
            _Printer(err).line(f"argument {position}: {error}", "error")
            status = 2
    return status


def _dose(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        if (args.weight_kg is None) == (args.weight_lb is None):
            raise ValidationError("give exactly one of --weight-kg and --weight-lb")
        weight = (
            dosing.check_weight(args.weight_kg)
            if args.weight_kg is not None
            else dosing.check_weight(dosing.pounds_to_kg(args.weight_lb))
        )
        age = 18 if args.age is None else args.age
        regimen = dosing.regimen_for(args.route, args.indication, age, weight)
        vials = (
            products.IV_VIALS
            if regimen.route == products.Route.IV
            else (products.SC_AUTOINJECTOR_1,)
        )
        dose = regimen.loading_dose_mg or regimen.dose_mg
        plan = units.plan_vials(dose, args.vial_policy, vials)
    except ValidationError as error:
        _say(err, f"{error}")
        return 2
    result = {
        "route": str(regimen.route),
        "indication": str(regimen.indication),
        "regimen": regimen.description,
        "weight_kg": str(weight),
        "dose_mg": str(plan.dose_mg),
        "hcpcs": hcpcs.J0490.code,
        "administered_units": plan.administered_units,
        "vials": [
            {
                "ndc": ndc.format(use.product.ndc11),
                "strength_mg": str(use.product.strength_mg),
                "count": use.count,
            }
            for use in plan.vials
        ],
        "vial_policy": str(plan.policy),
        "total_mg": str(plan.total_mg),
        "wasted_mg": str(plan.wasted_mg),
        "wasted_units": plan.wasted_units,
    }
    if args.json:
        out.write(json.dumps(result, indent=2) + "\n")
        return 0
    printer = _Printer(out)
    printer.line(regimen.description)
    printer.line(f"Dose: {_tenth(plan.dose_mg):.1f} mg for {_tenth(weight):.1f} kg")
    printer.line(f"J0490 administered units: {plan.administered_units}")
    for use in plan.vials:
        printer.line(
            f"Vials: {use.count} x {plain(use.product.strength_mg)} mg "
            f"(NDC {ndc.format(use.product.ndc11)})"
        )
    printer.line(
        f"Wasted: {_tenth(plan.wasted_mg):.1f} mg, {plan.wasted_units} unit(s) "
        f"({'JW line' if plan.wasted_units else 'none billed: JZ where required'})",
        "warning" if plan.wasted_units else "",
    )
    return 0


MAX_LINE_BYTES: Final = 1_000_000
"""The longest batch line (one encounter) read; a longer line is reported, not read."""


class _ReadFailed(Exception):
    """The batch input could not be read any further (an ``OSError`` while reading it, as opposed
    to one while writing the output)."""


class _WorkerDied(Exception):
    """A worker process of ``--jobs`` ended without finishing its chunk (killed, out of memory)."""


def _readline(source: BinaryIO) -> bytes:
    try:
        return source.readline(MAX_LINE_BYTES + 1)
    except OSError as error:
        raise _ReadFailed(_reason(error)) from error


def _lines(source: BinaryIO) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None, problem) for each line of a JSON Lines file, bounded in size,
    decoded as UTF-8; a line that cannot be read is reported and the next one read."""
    for number, raw in enumerate(iter(lambda: _readline(source), b""), start=1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the overlong line
                raw = _readline(source)
            yield number, None, f"longer than {MAX_LINE_BYTES} bytes"
            continue
        try:
            yield number, raw.decode("utf-8"), ""
        except UnicodeDecodeError:
            yield number, None, "not UTF-8 text"


CHUNK_LINES: Final = 256
"""Lines handled at a time, in stages (all read, then all built, then all written): by the one
process, or by each worker process under ``--jobs``."""


_Line = tuple[int, "str | _pipeline.Decoded | None", str]
"""A record of the input: its number, its text (or decoded data), or None and why not."""


def _work(task: tuple[list[_Line], _pipeline.Options]) -> list[Any]:
    """A chunk's (line number, result or why the line could not be read), in order."""
    lines, options = task
    done = iter(_pipeline.process_many([text for _, text, _ in lines if text is not None], options))
    return [(number, problem if text is None else next(done)) for number, text, problem in lines]


def _csv_lines(
    source: BinaryIO, shape: _intake.Layout, delimiter: str
) -> Iterator[tuple[int, _pipeline.Decoded | None, str]]:
    """(record number, the record as encounter JSON or None, problem) for each data record of a
    CSV file whose header was read; streamed."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    rows = _intake.rows(text, delimiter, first=1)
    number = 0
    try:
        for number, row in rows:
            data, problems = _intake.record(row, shape)
            if problems:
                yield number, None, "; ".join(str(problem) for problem in problems)
            else:
                yield number, _pipeline.Decoded(data), ""
    except _intake.BadRecord as error:
        raise _ReadFailed(f"record {error.number}: {error.reason}") from None
    except UnicodeDecodeError:
        raise _ReadFailed(f"after record {number}: not UTF-8 text") from None
    except OSError as error:
        raise _ReadFailed(_reason(error)) from error
    finally:
        text.detach()  # the caller closes the file


def _csv_header(source: BinaryIO, args: argparse.Namespace) -> _intake.Layout:
    """The layout of a CSV input's header line (its problems raise)."""
    mapping = _intake.column_map(args.columns)
    line = source.readline(MAX_LINE_BYTES + 1)
    try:
        first = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput([Problem("header", "invalid-csv", "not UTF-8 text")]) from None
    header = next(csv.reader([first], delimiter=args.delimiter), [])
    return _intake.layout(header, mapping)


def _results(
    source: Iterator[_Line], options: _pipeline.Options, jobs: int
) -> Iterator[tuple[int, Any]]:
    """(line number, result or problem text) for each line, in order; in ``jobs`` processes. The
    input is streamed: at most a few chunks of lines are held at a time."""
    parts = chunks(source, CHUNK_LINES)
    if jobs == 1:
        for chunk in parts:
            yield from _work((chunk, options))
        return
    import concurrent.futures
    import concurrent.futures.process
    import multiprocessing

    _steady_heap()
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_quiet_worker
    )
    try:
        pending: collections.deque[concurrent.futures.Future[list[Any]]] = collections.deque()
        failure: _ReadFailed | None = None
        while True:
            while failure is None and len(pending) < 2 * jobs:  # a bounded window of chunks
                try:
                    chunk = next(parts, [])
                except _ReadFailed as error:  # the lines read before it are handled first
                    failure = error
                    break
                if not chunk:
                    break
                try:
                    pending.append(pool.submit(_work, (chunk, options)))
                except concurrent.futures.process.BrokenProcessPool:  # it broke meanwhile
                    raise _WorkerDied from None
            if not pending:
                if failure is not None:
                    raise failure
                return
            try:
                done = pending.popleft().result()
            except concurrent.futures.process.BrokenProcessPool:
                raise _WorkerDied from None
            yield from done
    finally:  # stopped or not, no worker outlives the batch
        pool.shutdown(wait=True, cancel_futures=True)


M_MMAP_THRESHOLD: Final = -3
"""glibc's ``mallopt`` parameter for the size from which a block gets its own mapping."""


def _steady_heap() -> None:
    """Fix glibc's mmap threshold at 64 KiB in this process (Linux only).

    Each chunk of ``--jobs`` crosses a pipe as one pickled block of about 100 KiB, each way.
    glibc raises its threshold to the size of each mapped block freed, so the next such blocks come
    from the heap, where they interleave with small long-lived blocks and the heap keeps growing:
    the main process went from 30 MB at 10,000 records to 42 MB at 300,000 (53 MB at 1,000,000).
    With the threshold fixed below the blocks' size, each is mapped and unmapped whole, and the
    process stays at 30 MB. It is what ``MALLOC_MMAP_THRESHOLD_=65536`` does; a block of 64 KiB or
    more costs a mapping, a few per chunk of 256 records."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - a libc without mallopt
        return
    mallopt(M_MMAP_THRESHOLD, 64 * 1024)


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and reports once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from benlysta_coding.export import x12

    try:
        prices = _prices(args.price) or None
        source = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except (OSError, ValidationError) as error:
        _say(err, f"{args.file}: {_reason(error)}")
        return 2
    try:
        reference = _reference(args)
        rules = _rules(args.rule)
        drugs, policies = _loaded(args)
        kind = args.input or ("csv" if args.file.lower().endswith(".csv") else "jsonl")
        paths: dict[str, str] = {}
        lines: Iterator[_Line]
        if kind == "csv":
            shape = _csv_header(source, args)
            paths = shape.paths()
            lines = _csv_lines(source, shape, args.delimiter)
        elif args.columns:
            raise ValidationError("--columns: only for a CSV input")
        else:
            lines = _lines(source)
    except InvalidInput as error:
        return _refused(err, error)
    except ValidationError as error:
        _say(err, f"{error}")
        return 2
    options = _pipeline.Options(
        form=args.format,
        prices=prices,
        reference=reference,
        non_ascii=args.non_ascii,
        rules=rules,
        drugs=drugs,
        policies=policies,
        paths=paths,
    )
    writer = x12.Interchange(out, _envelope(args)) if args.format != "json" else None
    bad = written = 0
    report = _Printer(err)  # one for the run: a line per bad record
    stop = _CtrlC()
    try:
        for number, result in stop.watching(_results(lines, options, args.jobs)):
            if isinstance(result, str):  # a line that could not be read
                message = result
            elif result.kind == "skip":
                continue
            elif result.kind == "problem":
                message = result.value
            elif writer is None:
                out.write(result.value + "\n")
                written += 1
                continue
            else:
                try:
                    writer.add_rendered(result.value)
                    written += 1
                    continue
                except ValidationError as error:
                    message = str(error)
            bad += 1
            report.line(f"{'row' if kind == 'csv' else 'line'} {number}: {message}")
        stop.check()
        if writer is not None:
            try:
                written = writer.finish().claims
            except ValidationError as error:
                _say(err, f"{error}")
                bad += 1
    except _ReadFailed as error:  # what was read is written; an 837 is left unfinished
        _say(
            err,
            f"{args.file}: {error} after {written} claim(s); the output is incomplete "
            f"({'an unfinished interchange' if writer is not None else 'lines up to there'})",
        )
        return 2
    except BrokenPipeError:
        raise  # the reader went away: main ends quietly
    except KeyboardInterrupt:
        return _stopped(err, written, "interrupted", 130)
    except _WorkerDied:
        return _stopped(err, written, "a worker process died", 2)
    except OSError as error:  # writing the output failed: a full disk, say
        if out is sys.stdout:
            quiet_stdout()
        return _stopped(err, written, f"cannot write the output: {_os_reason(error)}", 2)
    finally:
        stop.restore()
        if source is not sys.stdin.buffer:
            source.close()
    _say(
        err,
        f"{written} claim(s) written, {bad} {'row' if kind == 'csv' else 'line'}(s) with problems",
    )
    return 2 if bad else 0


class _CtrlC:
    """Ctrl-C during a batch stops it between two records, never inside a write, so the count of
    claims written is exact. Only the main thread can catch the signal; elsewhere Ctrl-C stays
    Python's ``KeyboardInterrupt``."""

    def __init__(self) -> None:
        import signal
        import threading

        self.pressed = False
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._press)

    def _press(self, *_: object) -> None:
        self.pressed = True

    def check(self) -> None:
        if self.pressed:
            raise KeyboardInterrupt

    def watching(self, results: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        for item in results:
            self.check()
            yield item

    def restore(self) -> None:
        if self.previous is not None:
            import signal

            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


def _stopped(err: TextIO, written: int, reason: str, status: int) -> int:
    """The one last line of a batch that could not finish: what was written, and why not."""
    _say(err, f"batch: stopped after {written} claim(s) ({reason}); the output is incomplete")
    return status


def _os_reason(error: OSError) -> str:
    return os.strerror(error.errno) if error.errno else type(error).__name__


def _reference(args: argparse.Namespace) -> Any:
    """The CMS files named by --asp, --crosswalk and --mue, or None. ``FILE@START..END`` gives a
    file its period (``FILE@DATE`` an MUE file its effective date) when its titles or name do not."""
    if not (args.asp or args.crosswalk or args.mue):
        return None
    from benlysta_coding import refdata

    def periods(option: str, values: Sequence[str]) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for value in values:
            path, spec = _file_and_spec(value)
            if spec is None:
                found.append((path, None))
                continue
            start, dots, end = spec.partition("..")
            if not dots or not start or not end:
                raise ValidationError(
                    f"{option} {path}@{spec}: expected FILE@START..END (dates YYYY-MM-DD)"
                )
            found.append((path, (start, end)))
        return found

    mue = []
    for value in args.mue:
        path, day = _file_and_spec(value)
        mue.append(refdata.load_mue(path, effective=day))
    return refdata.Reference(
        asp=tuple(refdata.load_asp(p, period=g) for p, g in periods("--asp", args.asp)),
        crosswalk=tuple(
            refdata.load_crosswalk(p, period=g) for p, g in periods("--crosswalk", args.crosswalk)
        ),
        mue=tuple(mue),
    )


def _file_and_spec(value: str) -> tuple[str, str | None]:
    """``FILE`` or ``FILE@SPEC`` (a file whose own name holds ``@`` is taken whole)."""
    if "@" not in value or pathlib.Path(value).exists():
        return value, None
    path, _, spec = value.rpartition("@")
    return path, spec


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return f"cannot read the file ({type(error).__name__})"
    return str(error)


def _envelope(args: argparse.Namespace) -> Any:
    from benlysta_coding.export import x12

    return x12.Envelope(
        control_number=args.control_number,
        usage="T" if args.test else "P",
        created=args.created,
        non_ascii=getattr(args, "non_ascii", "reject"),
    )


def _remit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from benlysta_coding import remit

    def adjustments(items: Sequence[Any], remarks: Sequence[str]) -> list[dict[str, str]]:
        found = []
        for item in items:
            why = remit.explain(item.reason, "CARC")
            found.append(
                {
                    "group": item.group,
                    "reason": item.reason,
                    "amount": plain(item.amount),
                    "meaning": why.meaning,
                    "next_step": why.next_step,
                }
            )
        for remark in remarks:
            why = remit.explain(remark, "RARC")
            found.append({"remark": remark, "meaning": why.meaning, "next_step": why.next_step})
        return found

    transactions: list[dict[str, Any]] = []
    reader = remit.Reader(pathlib.Path(args.file))
    claims: list[dict[str, Any]] = []
    payments: list[Any] = []
    try:  # the whole file is read and checked before anything is printed
        for _, payment in reader:
            payments.append(payment)
            claims.append(
                {
                    "claim_id": payment.claim_id,
                    "status": payment.status,
                    "status_text": payment.status_text,
                    "charge": plain(payment.charge),
                    "paid": plain(payment.paid),
                    "patient_responsibility": (
                        None
                        if payment.patient_responsibility is None
                        else plain(payment.patient_responsibility)
                    ),
                    "payer_claim_number": payment.payer_claim_number,
                    "adjustments": adjustments(payment.adjustments, payment.remarks),
                    "lines": [
                        {
                            "code": ":".join((line.code, *line.modifiers)),
                            "units": plain(line.units),
                            "charge": plain(line.charge),
                            "paid": plain(line.paid),
                            "control_number": line.control_number,
                            "adjustments": adjustments(line.adjustments, line.remarks),
                        }
                        for line in payment.lines
                    ],
                }
            )
            for ended in reader.transactions[len(transactions) :]:  # its claims are known
                transactions.append(_transaction(ended, claims[: ended.claims]))
                del claims[: ended.claims]
    except OSError as error:
        _say(err, f"{args.file}: cannot read the file ({type(error).__name__})")
        return 2
    except ValidationError as error:
        _say(err, f"{args.file}: {error}; nothing in it was used")
        return 2
    for ended in reader.transactions[len(transactions) :]:  # sets that ended after their claims
        transactions.append(_transaction(ended, claims[: ended.claims]))
        del claims[: ended.claims]
    if args.format == "json":
        out.write(json.dumps({"transactions": transactions}, indent=2) + "\n")
        return 0
    if args.format == "csv":
        _write_csv(out, remit.records(payments))
        return 0
    for transaction in transactions:
        _remit_text(transaction, out)
    return 0


def _write_csv(out: TextIO, rows: Sequence[dict[str, Any]]) -> None:
    """Rows as CSV with a header; money as exact text."""
    import csv

    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: plain(v) if isinstance(v, Decimal) else v for k, v in row.items()})


def _ack(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Read a 999 or a 277CA (told apart by its GS01), say what to fix; exit 1 when anything was
    rejected or a claim of --claims was not mentioned, 2 on a malformed file."""
    from benlysta_coding import ack

    try:
        kind = _ack_kind(args.file)
        reader: Any = ack.Reader999(pathlib.Path(args.file)) if kind == "FA" else (
            ack.Reader277(pathlib.Path(args.file))
        )  # fmt: skip
        items = list(reader)  # the whole file is read and checked before anything is printed
        matched = ack.match(items, args.claims) if args.claims else None
    except OSError as error:
        _say(err, f"{args.file}: cannot read the file ({type(error).__name__})")
        return 2
    except ValidationError as error:
        _say(err, f"{args.file}: {error}; nothing in it was used")
        return 2
    groups = getattr(reader, "groups", [])
    rejected = any(i.rejected for i in items) or any(g.rejected for g in groups)
    if matched is not None:
        rejected = rejected or any(m.rejected for m in matched)
    rows = ack.records(matched if matched is not None else items)
    if args.format == "json":
        out.write(json.dumps(rows, indent=2) + "\n")
    elif args.format == "csv":
        _write_csv(out, rows)
    else:
        _ack_text(kind, items, groups, matched, out)
    return 1 if rejected else 0


def _ack_kind(path: str) -> str:
    """``FA`` (a 999) or ``HN`` (a 277CA), from the file's GS01."""
    with open(path, "rb") as handle:
        head = handle.read(512).decode("ascii", errors="replace")
    if len(head) < 106 or not head.startswith("ISA"):
        raise ValidationError("segment 1: an X12 file starts with a 106-character ISA segment")
    element, terminator = head[3], head[105]
    after = head[106:].lstrip("\r\n")
    gs = after.split(terminator, 1)[0].split(element)
    if gs[0] != "GS" or len(gs) < 2 or gs[1] not in ("FA", "HN"):
        raise ValidationError("segment 2: expected a 999 (GS*FA) or a 277CA (GS*HN) acknowledgment")
    return gs[1]


def _ack_text(
    kind: str, items: Sequence[Any], groups: Sequence[Any], matched: Sequence[Any] | None,
    out: TextIO,
) -> None:  # fmt: skip
    printer = _Printer(out)
    if matched is not None:
        for found in matched:
            where = found.claim_id or "file"
            if found.line is not None:
                where += f", line {found.line}"
            mark = "rejected" if found.rejected else "ok"
            printer.line(f"[{mark}] {where}: {found.what}", "error" if found.rejected else "")
            if found.next_step:
                printer.line(f"next: {found.next_step}", "", "    ")
        return
    if kind == "FA":
        for group in groups:
            printer.line(
                f"Group {group.group_control_number} ({group.functional_id}): "
                f"{group.status_text}; {group.accepted_count} of {group.received} transaction "
                "set(s) accepted",
                "" if group.accepted else "error",
            )
        for response in items:
            printer.line(
                f"Transaction set {response.control_number} ({response.transaction_set}): "
                f"{response.status_text}",
                "" if response.accepted else "error",
            )
            for error in response.errors:
                printer.line(
                    f"{error.segment_id} at position {error.position} (loop "
                    f"{error.loop or '-'}): {error.meaning}",
                    "error",
                    "  ",
                )
                for element in error.elements:
                    bad = f" (sent '{element.bad_value}')" if element.bad_value else ""
                    printer.line(
                        f"element {element.position:02d}: {element.meaning}{bad}; next: "
                        f"{element.next_step}",
                        "",
                        "    ",
                    )
        return
    for status in items:
        who = status.claim_id if status.level == "claim" else f"the {status.level}"
        for each in status.statuses:
            printer.line(
                f"{who}: {each.category} {each.meaning}; next: {each.next_step}",
                "error" if each.rejected else "",
            )
        for line in status.lines:
            for each in line.statuses:
                printer.line(
                    f"{who}, line {line.control_number or line.code}: {each.category} "
                    f"{each.meaning}; next: {each.next_step}",
                    "error" if each.rejected else "",
                )


def _transaction(transaction: Any, claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON of one checked 835 transaction set: who paid whom, the claims, and the
    provider-level adjustments apart from them."""
    head = transaction.remittance
    return {
        "control_number": head.control_number,
        "payer": {"name": head.payer_name, "id": head.payer_id},
        "payee": {"name": head.payee_name, "id": head.payee_id},
        "trace_number": head.trace_number,
        "payment_date": head.payment_date and head.payment_date.isoformat(),
        "total_paid": plain(head.total_paid),
        "claims": claims,
        "provider_adjustments": [
            {
                "provider": item.provider,
                "reason": item.reason,
                "reference": item.reference,
                "amount": plain(item.amount),
            }
            for item in transaction.provider_adjustments
        ],
    }


def _money(text: str) -> str:
    """An amount for reading: two decimals (``862.50``, ``0.00``), more only when it has them."""
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if isinstance(exponent, int) and exponent >= -2 else text


def _remit_text(transaction: dict[str, Any], out: TextIO) -> None:
    """A transaction set for reading: a denied claim or line in the error colour, adjustments in
    the warning colour, remarks in the info colour."""
    printer = _Printer(out)
    payer, payee = transaction["payer"], transaction["payee"]
    printer.line(
        f"Remittance {transaction['trace_number']} from {payer['name'] or '-'} "
        f"({payer['id'] or '-'}) to {payee['name'] or '-'} ({payee['id'] or '-'}): paid "
        f"{_money(transaction['total_paid'])}"
    )
    for claim in transaction["claims"]:
        share = claim["patient_responsibility"]
        denied = claim["status"] == "4" or Decimal(claim["paid"]) == 0
        printer.line(
            f"Claim {claim['claim_id']}: {claim['status_text']}; charged "
            f"{_money(claim['charge'])}, paid {_money(claim['paid'])}, patient owes "
            f"{'-' if share is None else _money(share)} "
            f"(payer claim {claim['payer_claim_number'] or '-'})",
            "error" if denied else "",
        )
        for item in claim["adjustments"]:
            printer.line(_adjustment_text(item), _adjustment_severity(item), "  ")
        for line in claim["lines"]:
            printer.line(
                f"{line['code']:<14} x{line['units']:<4} charged {_money(line['charge']):>10} "
                f"paid {_money(line['paid']):>10}  {line['control_number']}",
                "error" if Decimal(line["paid"]) == 0 and Decimal(line["charge"]) else "",
                "  ",
            )
            for item in line["adjustments"]:
                printer.line(_adjustment_text(item), _adjustment_severity(item), "      ")
    for item in transaction["provider_adjustments"]:
        printer.line(
            f"Provider adjustment {item['reason']} {_money(item['amount'])} "
            f"({item['reference'] or '-'}), not a claim payment"
        )


def _adjustment_severity(item: dict[str, str]) -> str:
    return "info" if "remark" in item else "warning"


def _adjustment_text(item: dict[str, str]) -> str:
    if "remark" in item:
        return f"remark {item['remark']}: {item['meaning']}; next: {item['next_step']}"
    return (
        f"{item['group']}-{item['reason']} {_money(item['amount'])}: {item['meaning']}; "
        f"next: {item['next_step']}"
    )


def _tenth(value: Decimal) -> Decimal:
    """A number for reading, to 0.1 (weights in kg, doses in mg); the JSON output stays exact."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _price_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--price",
        action="append",
        default=[],
        metavar="CODE=PRICE",
        help="a price per unit, e.g. J0490=12.50 (repeat; no price is built in)",
    )


def _control_number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text[:10]) <= 999_999_999):
        raise argparse.ArgumentTypeError("expected a whole number from 1 to 999999999")
    return int(text)


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text[:4]) <= 64):
        raise argparse.ArgumentTypeError("expected a whole number of processes from 1 to 64")
    return int(text)


def _created(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "expected an ISO date and time such as 2025-03-04T09:30"
        ) from None
    if value.tzinfo is not None or not 1900 <= value.year <= 9999:
        raise argparse.ArgumentTypeError("expected a local date and time without a time zone")
    return value


def _reference_options(parser: argparse.ArgumentParser) -> None:
    for option, metavar, what in (
        (
            "--asp",
            "FILE[@START..END]",
            "a CMS quarterly ASP pricing file (CSV): expected Medicare allowed amounts; "
            "@START..END gives its period when its title rows do not",
        ),
        (
            "--crosswalk",
            "FILE[@START..END]",
            "a CMS ASP NDC-HCPCS crosswalk file (CSV); a file without title rows needs its "
            "period, e.g. crosswalk.csv@2026-01-01..2026-03-31",
        ),
        (
            "--mue",
            "FILE[@DATE]",
            "a CMS practitioner or outpatient hospital MUE file (CSV); its effective date from "
            "the name (..._Eff_MM-DD-YYYY) or @YYYY-MM-DD",
        ),
    ):
        parser.add_argument(option, action="append", default=[], metavar=metavar, help=what)


def _x12_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--control-number",
        type=_control_number,
        help="X12 interchange control number, 1 to 999999999 (default: random; pass your own "
        "sequence so that files never share one)",
    )
    parser.add_argument("--test", action="store_true", help="mark the X12 file as a test (ISA15 T)")
    parser.add_argument(
        "--created",
        type=_created,
        help="creation time written in ISA, GS, BHT and FHIR 'created' (default: now), such as "
        "2025-03-04T09:30: with --control-number, the output is byte-identical across runs",
    )
    parser.add_argument(
        "--non-ascii",
        choices=["reject", "transliterate"],
        default="reject",
        help="X12 only: refuse non-ASCII text (default) or drop its accents (JOSÉ -> JOSE); a "
        "value too long once transliterated is refused, never cut",
    )


EXAMPLES: Final = {
    "": ("claim examples/encounter-office-iv.json", "rules --format json"),
    "demo": ("demo", "demo --price J0490=12.50 --price 96365=150"),
    "claim": (
        "claim examples/encounter-office-iv.json",
        "claim visit.json --format 837p --price J0490=12.5",
    ),
    "batch": (
        "batch visits.jsonl --format 837p > claims.837",
        "batch log.csv --columns site.toml > claims.jsonl",
    ),
    "remit": (
        "remit examples/remittance-office-iv.835",
        "remit payer.835 --format csv > payments.csv",
    ),
    "rules": ("rules", "rules --format json"),
    "policy": ("policy list", "policy show medicare_part_b > my-payer.toml"),
    "schema": ("schema encounter", "schema encounter > encounter.schema.json"),
    "ack": (
        "ack examples/ack-office-iv.277",
        "ack examples/ack-office-iv.999 --claims office.837",
    ),
    "ndc": ("ndc 49401-101-01", "ndc 49401010201 0049401-0088-02"),
    "dose": ("dose --weight-kg 63.4", "dose --weight-lb 150 --age 12 --json"),
}
"""Two examples of each command, shown at the end of its help."""


def _program() -> str:
    """The program's name as it was invoked: ``benlysta-coding`` for the installed command,
    ``python -m benlysta_coding`` otherwise."""
    called = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if not called or called in ("__main__.py", "-c", "-m") or called.endswith(".py"):
        return "python -m benlysta_coding"
    return called


def _epilog(prog: str, command: str) -> str:
    first, second = EXAMPLES[command]
    return f"examples:\n  {prog} {first}\n  {prog} {second}"


def _format_option(parser: argparse.ArgumentParser, choices: list[str], what: str) -> None:
    """``--format``, in any case, the first choice the default."""
    parser.add_argument("--format", default=choices[0], type=str.lower, choices=choices, help=what)


def _command(commands: Any, prog: str, name: str, what: str) -> argparse.ArgumentParser:
    """A subcommand whose help ends with its two examples."""
    made: argparse.ArgumentParser = commands.add_parser(
        name,
        help=what,
        epilog=_epilog(prog, name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return made


def _parser() -> argparse.ArgumentParser:
    prog = _program()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Benlysta (belimumab) billing tools.",
        epilog=_epilog(prog, ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from benlysta_coding import __version__

    parser.add_argument("--version", action="version", version=f"benlysta_coding {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = _command(
        commands,
        prog,
        "demo",
        "print the example claim (the default)",
    )
    _price_option(demo)
    claim = _command(
        commands,
        prog,
        "claim",
        "build the claim of an encounter JSON file",
    )
    claim.add_argument("file", help="encounter JSON file, or - for standard input")
    claim.add_argument(
        "--format",
        default="text",
        type=str.lower,
        choices=["text", "json", "837p", "837i", "cms1500", "ub04", "fhir"],
        metavar="FORMAT",
        help="what to print: text (default), json, 837p, 837i, cms1500, ub04 or fhir; the X12 "
        "formats need --price for every code",
    )
    _price_option(claim)
    _rule_option(claim)
    _file_options(claim)
    _x12_options(claim)
    _reference_options(claim)
    claim.add_argument(
        "--links",
        metavar="DOCS",
        help="follow each finding with the link to its entry in the docs built at DOCS (a URL, "
        "or the folder of a local build such as docs/_build/html)",
    )
    claim.add_argument(
        "--primary-remittance",
        metavar="FILE.835",
        help="the primary payer's 835: write the claim to the encounter's secondary_insurance",
    )
    batch = _command(
        commands,
        prog,
        "batch",
        "stream a JSON Lines file of encounters",
    )
    batch.add_argument(
        "file", help="JSON Lines file (one encounter per line), a .csv infusion log, or - for stdin"
    )
    batch.add_argument(
        "--input",
        choices=["jsonl", "csv"],
        type=str.lower,
        help="the input's format (default: csv for a .csv file, else jsonl)",
    )
    batch.add_argument(
        "--columns",
        metavar="MAP.toml",
        help="CSV: a column mapping file ([columns], [constants], ignore)",
    )
    batch.add_argument(
        "--delimiter",
        default=",",
        choices=[",", ";"],
        help="CSV: the field separator, ',' (default) or ';'",
    )
    _format_option(
        batch, ["json", "837p", "837i"], "JSON Lines of claims (default), or one X12 interchange"
    )
    batch.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        help="worker processes (default 1); the output and the report are the same for any N",
    )
    _price_option(batch)
    _rule_option(batch)
    _file_options(batch)
    _x12_options(batch)
    _reference_options(batch)
    remit_parser = _command(
        commands,
        prog,
        "remit",
        "read an 835 remittance: payments, adjustments explained, next steps",
    )
    remit_parser.add_argument("file", help="the 835 file")
    _format_option(
        remit_parser,
        ["text", "json", "csv"],
        "text (default), JSON, or CSV rows (one per adjustment)",
    )
    rules_parser = _command(
        commands,
        prog,
        "rules",
        "list every claim edit: code, default severity, what it checks, payer answer",
    )
    _format_option(rules_parser, ["text", "json"], "text (default) or JSON")
    schema_parser = _command(
        commands,
        prog,
        "schema",
        "print the JSON Schema of the encounter format (draft 2020-12)",
    )
    schema_parser.add_argument("name", choices=["encounter"], help="encounter")
    _file_options(schema_parser)
    policy_parser = _command(
        commands,
        prog,
        "policy",
        "list the payer policies, or print one as a policy file",
    )
    policy_parser.add_argument("action", choices=["list", "show"], help="list, or show NAME")
    policy_parser.add_argument("name", nargs="?", default="", help="the policy to show")
    _file_options(policy_parser, drugs=False)
    ack_parser = _command(
        commands,
        prog,
        "ack",
        "read a 999 or 277CA acknowledgment: what was rejected and what to fix",
    )
    ack_parser.add_argument("file", help="the 999 or 277CA file (told apart by its GS01)")
    ack_parser.add_argument(
        "--claims", metavar="FILE.837", help="the 837 it answers: point each error at its claim"
    )
    _format_option(ack_parser, ["text", "json", "csv"], "text (default), JSON or CSV rows")
    ndc_parser = _command(
        commands,
        prog,
        "ndc",
        "normalise NDCs to the 11-digit form",
    )
    ndc_parser.add_argument("values", nargs="+", metavar="NDC", help="NDCs in any layout")
    dose = _command(
        commands,
        prog,
        "dose",
        "dose, J0490 units, vials and waste",
    )
    dose.add_argument("--weight-kg", help="body weight in kg, for example 63.4")
    dose.add_argument("--weight-lb", help="body weight in pounds (converted exactly)")
    dose.add_argument("--route", default="iv", choices=["iv", "sc"], help="iv (default) or sc")
    dose.add_argument(
        "--indication",
        default="sle",
        choices=["sle", "lupus_nephritis"],
        help="sle (default) or lupus_nephritis",
    )
    dose.add_argument("--age", type=int, help="age in years (default: adult)")
    dose.add_argument(
        "--vial-policy",
        default="least_waste",
        choices=["least_waste", "fewest_vials"],
        help="how vials are chosen (default least_waste)",
    )
    dose.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


@exact
def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        return _run(_parser().parse_args(argv), out, err)
    except KeyboardInterrupt:  # Ctrl-C outside a batch (which reports its own): no traceback
        _say(err, "interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (``... | head``): end quietly, as done
        quiet_stdout()
        return 0


def quiet_stdout() -> None:
    """After the reader of standard output went away (or a write to it failed), send what is left
    to nowhere, so that the interpreter's last flush adds no "Exception ignored" line."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "ndc":
        return _ndc(args.values, out, err)
    if args.command == "dose":
        return _dose(args, out, err)
    if args.command == "claim":
        return _claim(args, out, err)
    if args.command == "batch":
        return _batch(args, out, err)
    if args.command == "remit":
        return _remit(args, out, err)
    if args.command == "ack":
        return _ack(args, out, err)
    if args.command == "rules":
        return _list_rules(args, out)
    if args.command == "policy":
        return _policies(args, out, err)
    if args.command == "schema":
        return _schema(args, out, err)
    return _demo(getattr(args, "price", []), out, err)
