"""Layers enforced: every module's imports, at top level and inside functions (TYPE_CHECKING blocks
aside), go only to its own layer or the layers before it (tests/layers.toml), and form no cycle."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "benlysta_coding"
TABLE = Path(__file__).resolve().parent / "layers.toml"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "benlysta_coding"
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The library modules ``path`` imports, anywhere but inside ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def named(dotted: str) -> str | None:
        if dotted == "benlysta_coding":
            return "benlysta_coding"
        short = dotted.removeprefix("benlysta_coding.")
        return short if short in modules else None

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            for alias in node.names:
                if alias.name.startswith("benlysta_coding"):
                    name = named(alias.name)
                    if name:
                        found.add(name)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            assert node.level == 0, f"{path}: relative import"
            module = node.module or ""
            if not module.startswith("benlysta_coding"):
                return
            for alias in node.names:
                name = named(f"{module}.{alias.name}") or named(module)
                if name:
                    found.add(name)

    Visitor().visit(ast.parse(path.read_text()))
    return found


def _graph() -> tuple[dict[str, set[str]], dict[str, int]]:
    modules = _modules()
    table = tomllib.loads(TABLE.read_text())["layers"]
    layer = {name: int(number) for number, names in table.items() for name in names}
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    return graph, layer


def test_every_module_has_a_layer() -> None:
    graph, layer = _graph()
    assert [] == sorted(set(graph) - set(layer)), "give each new module its layer in layers.toml"
    assert [] == sorted(set(layer) - set(graph)), "layers.toml names a module that is gone"


def test_no_import_goes_against_the_layers() -> None:
    graph, layer = _graph()
    against = sorted(
        f"{module} (layer {layer[module]}) imports {target} (layer {layer[target]})"
        for module, targets in graph.items()
        for target in targets
        if layer[target] > layer[module]
    )
    assert [] == against


def test_no_import_cycle() -> None:
    graph, _ = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert [] == cycles


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from benlysta_coding import claim\n", {"claim"}),
        ("def f():\n    from benlysta_coding.export import x12\n", {"export.x12"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from benlysta_coding import claim\n",
         set()),
        ("import benlysta_coding.remit\n", {"remit"}),
    ],
)  # fmt: skip
def test_the_import_reader_sees_what_it_must(
    source: str, expected: set[str], tmp_path: Path
) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    assert expected == _imports(path, _modules())


MAX_CACHES = 8
"""Caches ``src/`` may hold (issue "One home per rule"); CHANGELOG shows what each one buys
(``benchmarks/bench_caches.py``)."""


def _cached_functions() -> list[str]:
    """``module.function`` of every function decorated with ``functools.lru_cache`` or
    ``functools.cache``, read from the source."""
    found = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target).split(".")[-1] in {"lru_cache", "cache", "cached_property"}:
                    found.append(f"{name}.{node.name}")
    return sorted(found)


def test_few_caches_and_no_bypass() -> None:
    cached = _cached_functions()
    assert 1 <= len(cached) <= MAX_CACHES, cached
    from tests.helpers import clear_caches

    assert len(cached) == clear_caches()  # every cache seen at run time is one the source declares
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        assert "__wrapped__" not in text, path.name  # no path around a cache
        assert not re.search(r"(?<![\w.])id\(", text), path.name  # nothing keyed on identity


def test_most_modules_have_a_test_file_named_after_them() -> None:
    """``tests/test_<module>.py`` (``test_export_x12.py`` for ``export.x12``; property tests in
    ``tests/property/`` count too) for at least 80% of the modules."""
    tests = {
        path.stem.removeprefix("test_") for path in SOURCE.parents[1].glob("tests/**/test_*.py")
    }
    named = [name.replace(".", "_").lstrip("_") for name in _modules() if name != "benlysta_coding"]
    missing = [name for name in named if name not in tests]
    assert len(missing) <= len(named) // 5, missing
