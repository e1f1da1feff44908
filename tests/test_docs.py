"""The example notebook runs, top to bottom, in a fresh kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_notebook_executes() -> None:
    notebook = nbformat.read(DOCS / "notebook.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(DOCS)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<table><caption>Claim BEN-2025-0001" in text for text in html)
    assert any("69 units administered, 3 wasted" in text for text in html)
    assert any("image/png" in o.get("data", {}) for o in outputs)
