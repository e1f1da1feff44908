"""Sphinx extension: fail the build when a page has an element whose id shadows a global name.

A browser exposes every element id as a global (``window.exports`` for ``id="exports"``). A
script that looks for such a global finds the element instead: ``clipboard.min.js`` (the copy
buttons) is a UMD bundle that checks ``typeof exports`` and ``typeof module``, and attached itself to
the element of the heading "Exports", so the copy buttons did not work on that page. After the
build, every page's ids are checked against the names the UMD pattern and the page's own scripts
(``var``/``let``/``const``/``function`` at the top of a line, ``window.NAME =``) use; a clash is a
warning, so ``-W`` fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
UMD = frozenset({"exports", "module", "define", "require", "global", "self", "window", "document"})
_ID = re.compile(r'\bid="([A-Za-z_$][\w$]*)"')
_SCRIPT = re.compile(r'<script[^>]+src="([^"]+)"')
_DECLARED = re.compile(
    r"^(?:var|let|const|function)\s+([A-Za-z_$][\w$]*)|window\.([A-Za-z_$][\w$]*)\s*=", re.M
)


def _globals(script: Path) -> set[str]:
    try:
        text = script.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {a or b for a, b in _DECLARED.findall(text)}


def check(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    known: dict[Path, set[str]] = {}
    for page in sorted(out.rglob("*.html")):
        html = page.read_text(encoding="utf-8", errors="replace")
        names = set(UMD)
        for source in _SCRIPT.findall(html):
            script = (page.parent / source.split("?")[0]).resolve()
            if script not in known:
                known[script] = _globals(script)
            names |= known[script]
        for clash in sorted(set(_ID.findall(html)) & names):
            LOG.warning(
                "%s: the element id %r shadows a global the page's scripts use (rename the "
                "heading or give it a label)",
                page.relative_to(out),
                clash,
            )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", check)
    return {"parallel_read_safe": True}
