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


def test_every_public_function_has_an_example() -> None:
    import importlib
    import inspect
    import pkgutil

    import benlysta_coding

    names = [m.name for m in pkgutil.walk_packages(benlysta_coding.__path__, "benlysta_coding.")]
    missing = []
    for name in names:
        if name.rsplit(".", 1)[-1].startswith("_") or name.endswith(
            (".cli", ".__main__", ".strategies")
        ):
            continue
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            if (
                inspect.isfunction(value)
                and value.__module__ == name
                and ">>>" not in (value.__doc__ or "")
            ):
                missing.append(f"{name}.{public}")
    assert [] == missing
