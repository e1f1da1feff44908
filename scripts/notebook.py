"""Run ``docs/notebook.ipynb`` in a fresh kernel and store it with the outputs of every cell.

    python scripts/notebook.py

The docs show the notebook as it is stored (the build does not execute it), and
``tests/test_docs.py`` executes it again from ``docs/`` and from the repository root; run this
after editing a cell so that the stored outputs are the cells' own. Needs the ``test`` extra
(``nbclient``, ``ipykernel``, ``pandas``, ``matplotlib``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

nbclient: Any = importlib.import_module("nbclient")
nbformat: Any = importlib.import_module("nbformat")  # untyped: read and write return plain dicts

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebook.ipynb"


def main() -> int:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    failed = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    if failed:
        print(
            f"{NOTEBOOK.name}: a cell failed: {failed[0].ename}: {failed[0].evalue}",
            file=sys.stderr,
        )
        return 1
    nbformat.write(notebook, NOTEBOOK)
    print(f"{NOTEBOOK.name}: executed and stored with its outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
