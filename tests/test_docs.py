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


def _shell_commands(text: str) -> list[str]:
    """The ``python -m benlysta_coding`` commands of a page's literal blocks, continuations
    joined."""
    commands, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if pending:
            pending += " " + line.rstrip("\\").strip()
            if not line.endswith("\\"):
                commands.append(pending)
                pending = ""
        elif line.startswith("python -m benlysta_coding"):
            if line.endswith("\\"):
                pending = line.rstrip("\\").strip()
            else:
                commands.append(line)
    return commands


def test_the_commands_the_docs_show_on_the_sample_files_run(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "examples", tmp_path / "examples")
    ran = 0
    for page in sorted((root / "docs").glob("*.rst")):
        for command in _shell_commands(page.read_text()):
            if not any(
                s in command for s in ("examples/ack-", "examples/remittance-", "office.837")
            ):
                continue
            shell = command.replace("python -m", f"{sys.executable} -m", 1)
            done = subprocess.run(shell, shell=True, cwd=tmp_path, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            assert 0 == done.returncode, (page.name, command, done.stderr)
            assert done.stdout or ">" in command, (page.name, command)
            ran += 1
    assert ran >= 7
