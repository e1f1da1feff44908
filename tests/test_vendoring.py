"""A copy of src/benlysta_coding/ dropped into another tree behaves like the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import benlysta_coding

PACKAGE = Path(benlysta_coding.__file__).resolve().parent

SCRIPT = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__name__.lower()
                    and "editable" not in getattr(f, "__name__", "").lower()]
sys.path.insert(0, {vendor!r})
for name in [m for m in sys.modules if m.startswith("benlysta_coding")]:
    del sys.modules[name]
import benlysta_coding, benlysta_coding.cli, importlib, pkgutil
assert benlysta_coding.__file__.startswith({vendor!r}), benlysta_coding.__file__
for info in pkgutil.walk_packages(benlysta_coding.__path__, "benlysta_coding."):
    if info.name != "benlysta_coding.strategies":
        importlib.import_module(info.name)
assert "pkg_resources" not in sys.modules
sys.exit(benlysta_coding.cli.main(["demo"]))
"""


def test_vendored_copy_runs_the_demo_like_the_installed_package(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    shutil.copytree(
        PACKAGE, vendor / "benlysta_coding", ignore=shutil.ignore_patterns("__pycache__")
    )
    vendored = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(vendor=str(vendor))],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    installed = subprocess.run(
        [sys.executable, "-m", "benlysta_coding", "demo"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert 0 == vendored.returncode, vendored.stderr
    assert 0 == installed.returncode, installed.stderr
    assert installed.stdout == vendored.stdout
    assert "J0490" in vendored.stdout
