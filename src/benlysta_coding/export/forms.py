"""Paper-form rows: CMS-1500 item 24 (professional) and UB-04 form locators 42-47 (institutional).

The rows are plain data (lists of dicts of strings) that a user can print, fill into a PDF or load
into a table. Money is written with 2 decimals, dates as ``MMDDYY``.

* CMS-1500: each service line has a shaded top half, which carries the NDC line
  (``N449401010101 UN6``: ``N4``, the 11 digits, a space, the unit, the quantity), and the unshaded
  item 24A-24J. A form holds 6 lines; ``page`` numbers the forms. Item 21 holds up to 12 diagnoses
  (A-L), item 23 the prior authorization, item 19 the other NDCs of a single-line claim.
* UB-04: FL42 revenue code, FL43 description (for drug lines the NDC as ``N4`` + 11 digits + unit +
  quantity, without spaces, as the UB-04 form-locator guides show it: a secondary source), FL44
  HCPCS with modifiers, FL45 service date, FL46 units, FL47 charges. A page holds 22 lines.

More information:

* S14 NUCC 1500 claim form instructions (item 24), https://www.nucc.org/
* S15 UB-04 form-locator guides (FL 43), https://www.nubc.org/

>>> import datetime
>>> from benlysta_coding import build_claim, encounter, examples
>>> claim = build_claim(
...     encounter.from_dict(examples.OFFICE_IV),
...     prices={"J0490": "12.50", "96365": "150"},
...     today=datetime.date(2026, 1, 1),
... )
>>> form = cms1500(claim)
>>> form["rows"][1]["shaded"], form["rows"][1]["24D"], form["rows"][1]["24F"]
('N449401010101 UN6', 'J0490 JW', '37.50')
"""

from __future__ import annotations

import datetime
from typing import Any

from benlysta_coding import cpt, hcpcs
from benlysta_coding._util import exact, money
from benlysta_coding.claim import Claim, ClaimKind, ServiceLine, exportable
from benlysta_coding.errors import InvalidFormat

__all__ = ["CMS1500_LINES_PER_FORM", "UB04_LINES_PER_PAGE", "cms1500", "ub04"]

CMS1500_LINES_PER_FORM = 6
"""Service lines on one CMS-1500 form."""
UB04_LINES_PER_PAGE = 22
"""Service lines on one UB-04 page."""
_LETTERS = "ABCDEFGHIJKL"


def _mmddyy(day: datetime.date) -> str:
    return day.strftime("%m%d%y")


def _charge(line: ServiceLine) -> str:
    return money(line.charge) if line.charge is not None else ""


def _ndc_line(line: ServiceLine, space: str) -> str:
    text = str(line.claim_ndc or "")
    return text.replace(" ", space)


def _kind(claim: Claim, kind: ClaimKind, form: str, allow_errors: bool) -> None:
    exportable(claim, allow_errors=allow_errors)
    if claim.kind != kind:
        raise InvalidFormat(f"{form} is for {kind} claims; this claim is {claim.kind}")


@exact
def cms1500(claim: Claim, *, allow_errors: bool = False) -> dict[str, Any]:
    """Return the CMS-1500 content of a professional claim: items 19, 21, 22, 23, 24 rows and 28.

    A claim with error findings is refused (:class:`~benlysta_coding.errors.ClaimHasErrors`) unless
    ``allow_errors`` is true, for a draft.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.OFFICE_IV),
    ...     prices={"J0490": "12.50", "96365": "150"},
    ...     today=datetime.date(2026, 1, 1),
    ... )
    >>> cms1500(claim)["item_28"]
    '1050.00'
    """
    _kind(claim, ClaimKind.PROFESSIONAL, "CMS-1500", allow_errors)
    if len(claim.diagnoses) > 12:
        raise InvalidFormat("item 21 holds at most 12 diagnoses (A-L)")
    rows = []
    for index, line in enumerate(claim.lines):
        if len(line.modifiers) > 4:
            raise InvalidFormat(f"line {line.number}: item 24D holds at most 4 modifiers")
        rows.append(
            {
                "page": str(index // CMS1500_LINES_PER_FORM + 1),
                "line": str(index % CMS1500_LINES_PER_FORM + 1),
                "shaded": _ndc_line(line, " "),
                "24A_from": _mmddyy(line.service_date),
                "24A_to": _mmddyy(line.service_date),
                "24B": claim.place_of_service or "",
                "24C": "",
                "24D": " ".join((line.code, *line.modifiers)),
                "24E": "".join(_LETTERS[p - 1] for p in line.diagnosis_pointers),
                "24F": _charge(line),
                "24G": str(line.units),
            }
        )
    notes = [line.ndc_note for line in claim.lines if line.ndc_note]
    total = claim.total_charge
    return {
        "item_19": "; ".join(notes),
        "item_21": {_LETTERS[i]: code for i, code in enumerate(claim.diagnoses)},
        "item_22": {
            "code": "" if claim.payer_claim_number is None else claim.frequency.code,
            "original_ref": claim.payer_claim_number or "",
        },
        "item_23": claim.prior_authorization or "",
        "item_28": money(total) if total is not None else "",
        "rows": rows,
    }


def _description(line: ServiceLine) -> str:
    ndc_text = _ndc_line(line, "")
    if ndc_text:
        return ndc_text
    entry = cpt.CODES.get(line.code) or hcpcs.CODES.get(line.code)
    return (entry.summary if entry else line.code).upper()[:24]


@exact
def ub04(claim: Claim, *, allow_errors: bool = False) -> dict[str, Any]:
    """Return the UB-04 content of an institutional claim: FL4, FL42-47 rows, FL63, FL64, FL67.

    A claim with error findings is refused (:class:`~benlysta_coding.errors.ClaimHasErrors`) unless
    ``allow_errors`` is true, for a draft.

    >>> import datetime
    >>> from benlysta_coding import build_claim, encounter, examples
    >>> claim = build_claim(
    ...     encounter.from_dict(examples.HOSPITAL_IV),
    ...     prices={"J0490": "12.50", "96365": "150", "96366": "40"},
    ...     today=datetime.date(2026, 1, 1),
    ... )
    >>> [(row["FL42"], row["FL44"]) for row in ub04(claim)["rows"]]
    [('0636', 'J0490'), ('0636', 'J0490'), ('0260', '96365'), ('0260', '96366')]
    """
    _kind(claim, ClaimKind.INSTITUTIONAL, "UB-04", allow_errors)
    if not 1 <= len(claim.diagnoses) <= 18:
        raise InvalidFormat("FL67 holds the principal diagnosis and FL67A-Q at most 17 more")
    rows = [
        {
            "page": str(index // UB04_LINES_PER_PAGE + 1),
            "line": str(index % UB04_LINES_PER_PAGE + 1),
            "FL42": line.revenue_code or "",
            "FL43": _description(line),
            "FL44": line.code + "".join(line.modifiers),
            "FL45": _mmddyy(line.service_date),
            "FL46": str(line.units),
            "FL47": _charge(line),
        }
        for index, line in enumerate(claim.lines)
    ]
    total = claim.total_charge
    return {
        "FL4": claim.type_of_bill or "",
        "FL47_total": money(total) if total is not None else "",
        "FL63": claim.prior_authorization or "",
        "FL64": claim.payer_claim_number or "",
        "FL67": claim.diagnoses[0].replace(".", ""),
        "FL67A_Q": [code.replace(".", "") for code in claim.diagnoses[1:]],
        "rows": rows,
    }
