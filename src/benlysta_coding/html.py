"""Notebook displays: a claim as an HTML table.

>>> import datetime
>>> from benlysta_coding import build_claim, encounter, _examples
>>> claim = build_claim(encounter.from_dict(_examples.HOSPITAL_IV), today=datetime.date(2026, 1, 1))
>>> table = claim_table(claim)
>>> table.count("<tr>"), "0636" in table
(5, True)

In Jupyter: ``IPython.display.HTML(claim_table(claim))``.
"""

from __future__ import annotations

from html import escape

from benlysta_coding._util import money, plain
from benlysta_coding.claim import Claim

__all__ = ["claim_table"]

_COLUMNS = ("#", "Code", "Modifiers", "Units", "Revenue", "NDC", "NDC quantity", "Charge", "Why")


def claim_table(claim: Claim) -> str:
    """Return the service lines of a claim, and its findings, as an HTML fragment."""
    if not isinstance(claim, Claim):
        raise TypeError("claim: expected a benlysta_coding.claim.Claim")
    rows = ["<tr>" + "".join(f"<th>{escape(c)}</th>" for c in _COLUMNS) + "</tr>"]
    for line in claim.lines:
        drug = line.claim_ndc
        quantity = f"{drug.unit} {plain(drug.quantity)}" if drug is not None else ""
        cells = (
            str(line.number),
            line.code,
            " ".join(line.modifiers),
            str(line.units),
            line.revenue_code or "",
            line.ndc or "",
            quantity,
            money(line.charge) if line.charge is not None else "",
            line.explanation,
        )
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    findings = "".join(f"<li>{escape(str(f))}</li>" for f in claim.findings)
    caption = escape(
        f"Claim {claim.claim_id or '(no id)'}: {claim.kind}, {claim.payer}, "
        f"{claim.service_date.isoformat()}"
    )
    return f"<table><caption>{caption}</caption>{''.join(rows)}</table>" + (
        f"<ul>{findings}</ul>" if findings else ""
    )
