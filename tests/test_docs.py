"""The example notebook runs, top to bottom, in a fresh kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("folder", [DOCS, DOCS.parent], ids=["from docs", "from the root"])
def test_the_notebook_executes(folder: Path) -> None:
    notebook = nbformat.read(DOCS / "notebook.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert any("<table><caption>Claim BEN-2025-0001" in page for page in html)
    assert any("69 units administered, 3 wasted" in page for page in html)
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # units, waste per claim
    assert "claims built" in text
    assert "records refused" in text
    assert "dx-not-billable" in text  # the findings by code
    assert "waste charged ($)" in text
    assert "JZ lines" in text
    assert "197" in text  # the denials of the sample 835, with dollars
    assert "1050.00" in text
    assert "Decimal(" in text
    assert "np.float64" not in text


def test_the_notebook_is_stored_with_the_outputs_of_every_code_cell() -> None:
    notebook = nbformat.read(DOCS / "notebook.ipynb", as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 8
    assert all(cell.outputs for cell in code)
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]


def test_a_missing_sample_file_is_named() -> None:
    from benlysta_coding import encounter
    from benlysta_coding.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"cannot read the file 'examples/none\.json'"):
        encounter.load("examples/none.json")


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
        elif line.startswith(("python -m benlysta_coding", "x12valid ")):
            if line.endswith("\\"):
                pending = line.rstrip("\\").strip()
            else:
                commands.append(line)
    return commands


def test_the_commands_the_docs_show_on_the_sample_files_run(tmp_path: Path) -> None:
    """Every ``python -m benlysta_coding`` command of every page, in the order of the pages, on the
    shipped sample files, from a copy of the repository root (a command writing a file, such as
    ``> office.837``, makes it for the commands after it)."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "examples", tmp_path / "examples")  # the root's layout, in a copy
    ran = skipped = 0
    for page in sorted((root / "docs").glob("*.rst")):
        for command in _shell_commands(page.read_text()):
            if "--asp" in command:  # the CMS files a reader downloads; not shipped
                skipped += 1
                continue
            shell = command.replace("python -m", f"{sys.executable} -m", 1)
            if command.startswith("x12valid"):  # pyx12's validator, beside this Python
                here = str(Path(sys.executable).parent)
                found = shutil.which("x12valid", path=here) or shutil.which("x12valid")
                assert found is not None, "pyx12 (the test extra) installs x12valid"
                shell = command.replace("x12valid", found, 1)
            done = subprocess.run(shell, shell=True, cwd=tmp_path, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            ran += 1
            if command.startswith("x12valid"):  # it exits 1 even when the file is valid
                last = (done.stdout + done.stderr).strip().splitlines()[-1]
                assert last.endswith(": OK"), (page.name, command, done.stderr)
                continue
            assert 0 == done.returncode, (page.name, command, done.stderr)
            assert done.stdout or ">" in command, (page.name, command)
    assert ran >= 16
    assert skipped == 1


def _extension(name: str) -> Any:
    """A Sphinx extension of ``docs/_ext``, imported from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, DOCS / "_ext" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _api_pages() -> Any:
    return _extension("api_pages")


def test_every_public_module_has_its_own_api_page() -> None:
    import pkgutil

    import benlysta_coding

    modules = {
        m.name.removeprefix("benlysta_coding.")
        for m in pkgutil.walk_packages(benlysta_coding.__path__, "benlysta_coding.")
        if not m.name.rsplit(".", 1)[-1].startswith("_")
    }
    pages = {p.stem for p in (DOCS / "api").glob("*.rst")}
    assert modules - pages == set()
    assert pages - modules == set()
    index = (DOCS / "api.rst").read_text()
    assert all(f"   api/{page}\n" in index for page in pages)


def test_an_attrs_class_signature_shows_its_defaults_and_its_fields_once() -> None:
    from types import SimpleNamespace

    from benlysta_coding.claim import Claim
    from benlysta_coding.edits import Context

    api = _api_pages()
    annotations = {"benlysta_coding.claim.Claim": {"claim_id": "str"}}
    app = SimpleNamespace(
        env=SimpleNamespace(current_document=SimpleNamespace(autodoc_annotations=annotations))
    )
    made = api.attrs_signature(app, "class", "benlysta_coding.claim.Claim", Claim, {}, "()", None)
    assert made[0].startswith("(*, claim_id, kind,")
    assert made[0].endswith(
        "frequency=Frequency.ORIGINAL, payer_claim_number=None, other_payer=None, drug=BELIMUMAB)"
    )
    assert annotations == {}  # no list of parameters repeats the fields
    context = api.attrs_signature(app, "class", "x.Context", Context, {}, "()", None)[0]
    assert "prices=<factory>" in context
    assert "attr_dict" not in context
    assert api.attrs_signature(app, "function", "x.f", len, {}, "()", None) is None


def test_the_summary_line_is_the_first_sentence() -> None:
    api = _api_pages()
    assert api.first_sentence("Read a file.\n\nMore here.") == "Read a file."
    assert api.first_sentence("One line\nwrapped here. Then more.") == "One line wrapped here."
    lines = ["Alias for field number 2"]
    api.drop_alias_text(None, "attribute", "x", None, {}, lines)
    assert lines == []
    kept = ["The claim's id."]
    api.drop_alias_text(None, "attribute", "x", None, {}, kept)
    assert kept == ["The claim's id."]


def test_a_number_in_a_search_query_is_looked_up() -> None:
    """Sphinx's search page drops an all-digit query word; the splitter of
    ``docs/_ext/search_numbers.py`` keeps 835 and 1500 (run in Node.js with Sphinx's own
    ``searchtools.js``)."""
    import json
    import shutil
    import subprocess

    import sphinx

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    searchtools = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "searchtools.js"
    script = f"""
const vm = require("vm");
const context = {{
  console, document: {{ addEventListener() {{}} }}, localStorage: {{ setItem() {{}} }},
  SPHINX_HIGHLIGHT_ENABLED: false, _: (s) => s, _ready: () => {{}},
  stopwords: new Set(["the"]), Stemmer: class {{ stemWord(word) {{ return word; }} }},
}};
vm.createContext(context);
vm.runInContext({json.dumps(searchtools.read_text())}, context);
vm.runInContext({json.dumps(_search_numbers().SPLITTER)}, context);
const parsed = vm.runInContext("Search._parseQuery(process_query)", Object.assign(context, {{
  process_query: "the 835 and CMS-1500 of 2025 on 12",
}}));
console.log(JSON.stringify([...parsed[1]]));
"""
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert {"835", "1500", "2025"} <= set(found)
    assert "12" not in found  # two digits: dropped, as Sphinx does
    assert "the" not in found  # a stop word


def _search_numbers() -> Any:
    return _extension("search_numbers")


def test_the_search_index_keeps_numbers_of_three_digits_or_more() -> None:
    english = _search_numbers().SearchEnglishWithNumbers({})
    assert english.word_filter("835")
    assert english.word_filter("1500")
    assert not english.word_filter("12")  # list numbers and days stay out
    assert english.word_filter("remittance")


def _code_lines(text: str) -> list[tuple[int, str]]:
    """The lines of a page's literal and code blocks, without their indent, with line numbers."""
    found, indent = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if indent is not None and stripped and len(line) - len(line.lstrip()) < indent:
            indent = None
        if indent is not None and stripped:
            found.append((number, line[indent:]))
        opens = line.rstrip().endswith("::") and not stripped.startswith(".. ")
        if opens or stripped.startswith((".. code-block::", ".. code::")):
            indent = len(line) - len(line.lstrip()) + 3
    return found


def test_the_code_of_the_pages_and_the_notebook_fits_88_columns() -> None:
    too_wide = []
    for page in sorted(DOCS.glob("*.rst")):
        for number, line in _code_lines(page.read_text()):
            if len(line) > 88 and not line.startswith("claim_id,patient_first_name"):
                too_wide.append(f"{page.name}:{number}: {len(line)}")
    source = DOCS.parent / "src" / "benlysta_coding"
    for module in sorted(source.rglob("*.py")):  # the examples of the API pages
        for number, line in enumerate(module.read_text().splitlines(), start=1):
            code = line.strip()
            if code.startswith((">>> ", "... ")) and len(code) > 88:
                too_wide.append(f"{module.relative_to(source)}:{number}: {len(code)}")
    notebook = nbformat.read(DOCS / "notebook.ipynb", as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            too_wide += [f"cell {index}: {len(x)}" for x in cell.source.splitlines() if len(x) > 88]
    assert too_wide == []  # the CSV header line of the how-to is one line, as files have it


def test_every_text_of_the_flow_diagram_fits_inside_a_box() -> None:
    """Each text of ``flow.svg`` lies inside a box (its width estimated generously at 0.62 of the
    font size a character, bold 0.68); the drawing is at most 360 units wide (12 px text on a
    390 px phone) and uses no colour that vanishes on a dark page (no black strokes)."""
    from xml.etree import ElementTree

    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ElementTree.parse(DOCS / "_static" / "flow.svg").getroot()
    assert float(root.get("width", "0")) <= 360
    size = float(root.get("font-size", "0"))
    assert size >= 12
    boxes = [
        tuple(float(r.get(k, "0")) for k in ("x", "y", "width", "height"))
        for r in root.iterfind(".//svg:rect", ns)
    ]
    outside = []
    for text in root.iterfind(".//svg:text", ns):
        per_char = 0.68 if text.get("font-weight") == "bold" else 0.62
        half = len(text.text or "") * size * per_char / 2
        x, y = float(text.get("x", "0")), float(text.get("y", "0"))
        if not any(
            bx + 4 <= x - half and x + half <= bx + bw - 4 and by + size <= y <= by + bh - 3
            for bx, by, bw, bh in boxes
        ):
            outside.append(text.text)
    assert outside == []
    strokes = {e.get("stroke") for e in root.iter() if e.get("stroke")}
    assert not strokes & {"#000", "#000000", "#111", "#111111", "#222", "#333", "#444"}
