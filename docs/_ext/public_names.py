"""Sphinx extension: fail the build when a public name has no entry in the docs.

After the build, every name in the ``__all__`` of every ``benlysta_coding`` module that the API
reference documents must be in the Python domain's inventory (as ``module.name``, or documented
where it is defined). A missing one is a warning, so ``-W`` fails the build.
"""

from __future__ import annotations

import importlib
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)


def check(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    domain: Any = app.env.get_domain("py")
    documented = {name for name, *_ in domain.get_objects()}
    modules = sorted(name for name in documented if name.startswith("benlysta_coding"))
    for module_name in modules:
        if (
            domain.objects.get(module_name) is None
            or domain.objects[module_name].objtype != "module"
        ):
            continue
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name, None)
            home = getattr(value, "__module__", None)
            candidates = {f"{module_name}.{name}"}
            if isinstance(home, str):
                candidates.add(f"{home}.{name}")
            if name not in ("__version__",) and not candidates & documented:
                if hasattr(value, "__spec__") and getattr(value, "__name__", "") in documented:
                    continue  # a submodule, documented on its own
                LOG.warning(f"public name {module_name}.{name} has no entry in the docs")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("build-finished", check)
    return {"parallel_read_safe": True}
