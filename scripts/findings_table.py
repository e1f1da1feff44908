"""Write docs/findings.rst from benlysta_coding.findings.RULES; ``--check`` fails if it is stale."""

from __future__ import annotations

import sys
from pathlib import Path

from benlysta_coding.findings import RULES

PAGE = Path(__file__).resolve().parent.parent / "docs" / "findings.rst"


def render() -> str:
    lines = [
        "Finding codes",
        "=============",
        "",
        "Every finding a claim can carry, with its stable code. Errors block the claim (the command",
        "line exits 2); warnings advise; info explains a decision. The same table is",
        ":data:`benlysta_coding.findings.RULES`; this page is written by",
        "``scripts/findings_table.py``.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 20 8 35 37",
        "",
        "   * - Code",
        "     - Severity",
        "     - What it means",
        "     - Fix",
    ]
    for rule in RULES.values():
        lines += [
            f"   * - ``{rule.code}``",
            f"     - {rule.severity}",
            f"     - {rule.title}",
            f"     - {rule.fix}",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is stale: run python scripts/findings_table.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
