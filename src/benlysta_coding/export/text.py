"""A claim as text for a terminal: what the command line prints.

The lines fit ``width`` columns (60 or more; explanations wrap under an indent); a claim with errors starts with
a banner that says so; severities are coloured when ``colour`` is true (the command line turns colour
on for a terminal and honours ``NO_COLOR``).

>>> import datetime
>>> from benlysta_coding import build_claim, encounter, examples
>>> claim = build_claim(
...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
... )
>>> text = render(claim, width=60)
>>> max(len(line) for line in text.splitlines()) <= 60
True
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Final

from benlysta_coding._util import exact, money, plain
from benlysta_coding.claim import Claim, exportable
from benlysta_coding.errors import InvalidFormat
from benlysta_coding.findings import Finding

__all__ = ["ANSI", "RESET", "finding_link", "render", "wrap"]

ANSI: Final = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
"""The terminal colour of each severity."""
RESET: Final = "\x1b[0m"
"""The terminal code that ends a colour."""


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` wrapped to ``width`` (40 at least), the first line indented ``first`` and the
    others ``rest``; long words are broken, hyphens are not break points.

    >>> wrap("a b", 40, "  ", "    ")
    ['  a b']
    """
    width = max(width, 40)
    fast = _greedy(text, width, first, rest)
    if fast is not None:
        return fast
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _greedy(text: str, width: int, first: str, rest: str) -> list[str] | None:
    """:func:`textwrap.wrap`'s lines for the common text (printable ASCII words, one space
    between, no word longer than a line), made without its general machinery (a batch report
    wraps a line per bad record); ``None`` for any other text. A property test compares the two."""
    if not text or not text.isascii() or not text.isprintable() or "  " in text:
        return None
    if text[0] == " " or text[-1] == " ":
        return None
    words = text.split(" ")
    if max(map(len, words)) > width - max(len(first), len(rest)):
        return None
    lines = []
    prefix, start, end = first, 0, len(text)
    while end - start > width - len(prefix):
        # the last space within the line's room ends it (every word fits in a line, checked above)
        cut = text.rfind(" ", start, start + width - len(prefix) + 1)
        lines.append(prefix + text[start:cut])
        prefix, start = rest, cut + 1
    lines.append(prefix + text[start:])
    return lines


def _finding(finding: Finding, width: int, colour: bool, links: str | None) -> list[str]:
    lines = wrap(str(finding), width, "  ", "      ")
    if colour:
        lines[0] = lines[0].replace(
            str(finding.severity), f"{ANSI[str(finding.severity)]}{finding.severity}{RESET}", 1
        )
    if links is not None:
        lines.append(f"      see {finding_link(finding.code, links)}")
    return lines


_CODE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def finding_link(code: str, docs: str) -> str:
    """Where the docs explain a finding code: ``docs`` is the address of the built docs (a URL,
    or a folder of a local build, given as a ``file:`` URI), each code an anchor of its findings
    page.

    >>> finding_link("dx-not-billable", "https://docs.example.org/benlysta/")
    'https://docs.example.org/benlysta/findings.html#dx-not-billable'
    """
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise InvalidFormat("code: expected a finding code such as dx-not-billable")
    if not isinstance(docs, str) or not docs.strip() or not docs.isprintable():
        raise InvalidFormat("links: expected the address of the built docs (a URL or a folder)")
    if "://" not in docs:
        docs = Path(docs).resolve().as_uri()
    return f"{docs.rstrip('/')}/findings.html#{code}"


@exact
def render(claim: Claim, *, width: int = 80, colour: bool = False, links: str | None = None) -> str:
    """A claim as readable text: a banner when it has errors, the header, diagnoses, lines with
    why, the total, findings and what the record must show. With ``links`` (the address of the
    built docs), each finding is followed by the link to its entry (:func:`finding_link`).

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV), today=datetime.date(2026, 1, 1)
    ... )
    >>> render(claim).splitlines()[2]
    'Route iv, indication sle, dose 683 mg'
    """
    exportable(claim, allow_errors=True)
    if isinstance(width, bool) or not isinstance(width, int):
        raise TypeError("width: expected an int")
    out: list[str] = []
    if claim.errors:
        codes = ", ".join(sorted({f.code for f in claim.errors}))
        banner = f"ERRORS: this claim has {len(claim.errors)} error(s) and cannot be sent: {codes}"
        wrapped = wrap(banner, width, "", "  ")
        out += [f"{ANSI['error']}{line}{RESET}" for line in wrapped] if colour else wrapped
    where = (
        f"place of service {claim.place_of_service}"
        if claim.place_of_service
        else f"type of bill {claim.type_of_bill}"
    )
    dose = f"{plain(claim.dose_mg)} mg" if claim.dose_mg is not None else "unknown"
    out += wrap(
        f"Claim {claim.claim_id or '(no id)'}: {claim.kind} ({where}), payer policy "
        f"{claim.payer}, date of service {claim.service_date.isoformat()}",
        width,
        "",
        "  ",
    )
    out += wrap(f"Route {claim.route}, indication {claim.indication}, dose {dose}", width, "", "  ")
    if claim.prior_authorization:
        out.append(f"Prior authorization: {claim.prior_authorization}")
    out += wrap(
        "Diagnoses: "
        + ", ".join(f"{chr(64 + i)}. {code}" for i, code in enumerate(claim.diagnoses, start=1)),
        width,
        "",
        "  ",
    )
    out.append(
        f"{'#':>2}  {'Code':<6}{'Mod':<6}{'Units':>5}  {'Rev':<5}{'NDC line':<19}{'Charge':>9} Ptr"
    )
    for line in claim.lines:
        ndc_line = str(line.claim_ndc or "")
        charge = money(line.charge) if line.charge is not None else "-"
        out.append(
            f"{line.number:>2}  {line.code:<6}{':'.join(line.modifiers):<6}{line.units:>5}  "
            f"{line.revenue_code or '':<5}{ndc_line:<19}{charge:>9} "
            + "".join(chr(64 + p) for p in line.diagnosis_pointers)
        )
        out += wrap(f"why: {line.explanation}", width, "      ", "           ")
        if line.expected_allowed is not None:
            share = "" if line.coinsurance is None else f", coinsurance {money(line.coinsurance)}"
            out += wrap(
                f"expected Medicare allowed: {money(line.expected_allowed)}{share}",
                width,
                "      ",
                "        ",
            )
        if line.ndc_note:
            out += wrap(f"other NDCs (item 19 / NTE): {line.ndc_note}", width, "      ", "        ")
    total = claim.total_charge
    out.append(f"Total charge: {money(total) if total is not None else '- (no prices given)'}")
    if claim.findings:
        out.append("Findings:")
        for finding in claim.findings:
            out += _finding(finding, width, colour, links)
    out.append("The medical record must show:")
    for need in claim.documentation:
        out += wrap(need, width, "  - ", "    ")
    return "\n".join(out) + "\n"
