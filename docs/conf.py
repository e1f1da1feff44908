"""Sphinx configuration for benlysta_coding.

The build runs with ``-n -W``: every cross-reference must resolve. Python's and attrs's objects link
to their sites through small inventories kept in ``_inventories/`` (the build is offline, so it cannot
fetch theirs; ``scripts/make_inventories.py`` writes them); what those do not hold is listed in
``nitpick_ignore_regex`` below. ``_ext/public_names.py`` fails the build when a name in a module's
``__all__`` has no entry, ``_ext/api_pages.py`` gives each API page its table of names, and
``_ext/search_numbers.py`` makes 835, 837 and 1500 searchable, and ``_ext/generated.py`` writes the tables that come from the library
itself (never typed in).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE / "_ext"))

from benlysta_coding import __version__  # noqa: E402 - found through the path set above

project = "benlysta_coding"
release = version = __version__
author = "benlysta_coding developers"
copyright = "2026, benlysta_coding developers"  # noqa: A001
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx_copybutton",
    "myst_nb",
    "public_names",
    "generated",
    "shadowed_globals",
    "api_pages",
    "search_numbers",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True  # show `drug=BELIMUMAB`, not the repr of the value
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    "undoc-members": True,
    "no-value": True,  # a constant shows its description, not a page of its repr
}
html_theme = "furo"
html_title = "benlysta_coding"
html_static_path = ["_static"]
html_css_files = ["cards.css", "fit.css"]
exclude_patterns = ["_build", "jupyter_execute", "_generated", "_screenshots"]
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
nb_execution_mode = "off"  # stored with its outputs; tests/test_docs.py executes it
nb_execution_timeout = 120
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", str(HERE / "_inventories" / "python.inv")),
    "attrs": ("https://www.attrs.org/en/stable", str(HERE / "_inventories" / "attrs.inv")),
}
nitpicky = True
nitpick_ignore_regex = [
    # the standard library, attrs, typing and dateutil: not linked in an offline build
    (r"py:.*", r"(decimal|datetime|enum|typing|collections\.abc|pathlib|os|io|re|types)\..*"),
    (r"py:.*", r"(attrs|attr|dateutil)\..*"),
    (
        r"py:class",
        r"(Decimal|Final|Any|Mapping|Sequence|Iterable|Iterator|Callable|TextIO|IO|BinaryIO)",
    ),
    (r"py:class", r"(Path|PathLike|date|datetime|StrEnum|Enum|Pattern|T|NDC11|Converter|type)"),
    (r"py:class", r"(NoneType|NamedTuple|ValueError|Exception|str|int|bool|object|float|bytes)"),
    (r"py:class", r"(attr\..*|_pipeline\..*|benlysta_coding\._.*)"),
    (r"py:.*", r"(pandas|dask|distributed|IPython|hypothesis)\..*"),
    (r"py:class", r"CodeEntry"),  # the private base class of the code-set entries
    (r"py:class", r"benlysta_coding\.edits\._F"),  # the type of a decorated edit
]
