"""Sphinx extension: the API reference as a reader wants it.

* ``.. module-summary:: benlysta_coding.ndc`` writes a table of a module's public names (its
  ``__all__``): each name linked to its entry, its kind, and the first sentence of its docstring
  (for a constant, of the text under it), so a page can be scanned before it is read;
* an attrs class lists its fields once, and its signature shows their real defaults (``drug=BELIMUMAB``,
  ``frequency=Frequency.ORIGINAL``, ``prices=<factory>``) instead of the generated
  ``attr_dict['...'].default``;
* a NamedTuple field without a text of its own shows nothing rather than "Alias for field number N".
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
from typing import Any

import attrs
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

_SENTENCE = re.compile(r"(.+?[.:;])(\s|$)", re.DOTALL)


def first_sentence(text: str) -> str:
    """The first sentence of a docstring's first paragraph, on one line."""
    paragraph = inspect.cleandoc(text).split("\n\n", 1)[0].replace("\n", " ").strip()
    found = _SENTENCE.match(paragraph)
    sentence = found.group(1) if found else paragraph
    return sentence.rstrip(":;")


def _kind(value: object) -> str:
    if inspect.isclass(value):
        if issubclass(value, BaseException):
            return "exception"
        if issubclass(value, enum.Enum):
            return "enumeration"
        return "class"
    if inspect.isroutine(value):
        return "function"
    if inspect.ismodule(value):
        return "module"
    return "constant"


class ModuleSummary(SphinxDirective):
    """``.. module-summary:: dotted.module``: a table of the module's public names."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        module = importlib.import_module(name)
        attribute_docs = ModuleAnalyzer.for_module(name).find_attr_docs()
        rows = []
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            kind = _kind(value)
            if kind == "constant":
                doc = "\n".join(attribute_docs.get(("", public), []))
                role, target = "data", f"{name}.{public}"
            else:
                doc = inspect.getdoc(value) or ""
                role = {"function": "func", "module": "mod"}.get(kind, "class")
                home = getattr(value, "__module__", name)
                target = value.__name__ if role == "mod" else f"{home}.{public}"
            rows.append((f":py:{role}:`~{target}`", kind, first_sentence(doc) or "-"))
        if not rows:  # a package whose names live in its modules (their pages list them)
            return []
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 14 56", ""]
        for cells in [("Name", "Kind", "What it is"), *rows]:
            lines.append(f"   * - {cells[0]}")
            lines.extend(f"     - {cell}" for cell in cells[1:])
        container = nodes.container(classes=["module-summary"])
        context = self.env.ref_context
        before = context.get("py:module")
        context["py:module"] = name  # the docstrings' short references are to their module
        try:
            self.state.nested_parse(StringList(lines, source=name), self.content_offset, container)
        finally:
            if before is None:
                context.pop("py:module", None)
            else:
                context["py:module"] = before
        return [container]


def _default_text(value: object, owner: type) -> str:
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return "<factory>"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    module = sys.modules.get(owner.__module__)
    for name, bound in vars(module).items() if module else ():
        if bound is value and not name.startswith("_") and not isinstance(value, (int, str)):
            return name  # a named constant of the class's module, such as BELIMUMAB
    return repr(value)


def attrs_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """The signature of an attrs class from its fields, with their defaults as written; its
    fields' types are left to the fields' own entries (listed once, with their text), not repeated
    as a list of parameters."""
    if what != "class" or not attrs.has(obj):
        return None
    app.env.current_document.autodoc_annotations.pop(name, None)
    parts, keyword_only = [], False
    for field in attrs.fields(obj):
        if not field.init:
            continue
        if field.kw_only and not keyword_only:
            parts.append("*")
            keyword_only = True
        written = field.alias or field.name
        if field.default is not attrs.NOTHING:
            written += f"={_default_text(field.default, obj)}"
        parts.append(written)
    return f"({', '.join(parts)})", return_annotation


_ALIAS = re.compile(r"Alias for field number \d+")


def drop_alias_text(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """A NamedTuple field documented only by Python's generated text: no text."""
    if len(lines) <= 2 and lines and _ALIAS.fullmatch(lines[0].strip()):
        lines.clear()


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("module-summary", ModuleSummary)
    app.connect("autodoc-process-signature", attrs_signature, priority=600)  # after autodoc's
    app.connect("autodoc-process-docstring", drop_alias_text)
    return {"parallel_read_safe": True}
