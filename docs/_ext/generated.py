"""Sphinx extension: tables computed by the library at build time, never typed in.

* ``_generated/weights.rst``: weight -> dose, vials, units administered and wasted, for common
  weights (least-waste plan, 10 mg/kg);
* ``_generated/jwjz.rst``: the JW / JZ decision by date of service and payer policy, from
  ``lines.waste_decision``;
* ``_generated/csv.rst``: the columns of a CSV infusion log.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from sphinx.application import Sphinx


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return "\n".join(lines) + "\n"


def weights() -> str:
    from benlysta_coding import units

    rows = []
    for record in units.plan_table([str(w) for w in range(40, 125, 5)] + ["63.4", "68.3"]):
        rows.append(
            [
                f"{record['weight_kg']} kg",
                f"{record['dose_mg']} mg",
                str(record["vials"]),
                str(record["administered_units"]),
                str(record["wasted_units"]) + (" (JW line)" if record["wasted_units"] else " (JZ)"),
            ]
        )
    rows.sort(key=lambda row: Decimal(row[0].split()[0]))
    return _table(["Weight", "Dose", "Vials", "Units administered", "Units wasted"], rows)


def jwjz() -> str:
    from benlysta_coding import lines, policy, units

    wasted, whole = units.plan_vials(550), units.plan_vials(640)
    rows = []
    for day in (datetime.date(2016, 6, 1), datetime.date(2023, 3, 1), datetime.date(2023, 7, 1)):
        for chosen in (policy.MEDICARE_PART_B, policy.COMMERCIAL):
            for plan, what in ((wasted, "550 mg: 5 wasted units"), (whole, "640 mg: nothing")):
                decision = lines.waste_decision(plan, day, chosen)
                answer = (
                    f"JW line, {decision.jw_units} units"
                    if decision.jw_units
                    else ("JZ on the drug lines" if decision.jz else "neither")
                )
                rows.append([day.isoformat(), chosen.name, what, answer])
    return _table(["Date of service", "Payer policy", "Discarded", "Billed"], rows)


def csv_columns() -> str:
    from benlysta_coding import _intake

    rows = [
        [f"``{c.name}``", c.help, f"``{c.example}``" if c.example else ""] for c in _intake.COLUMNS
    ]
    return _table(["Column", "Holds", "Example"], rows)


def write(app: Sphinx) -> None:
    folder = Path(app.srcdir) / "_generated"
    folder.mkdir(exist_ok=True)
    for name, make in (("weights.rst", weights), ("jwjz.rst", jwjz), ("csv.rst", csv_columns)):
        text = make()
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", write)
    return {"parallel_read_safe": True}
