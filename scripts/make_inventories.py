"""Write the small intersphinx inventories the docs link Python's and attrs's objects with.

The docs build offline, so it cannot fetch ``objects.inv`` from docs.python.org or attrs.org. This
script writes, from the table below, inventories in Sphinx's format (version 2) that point at the
real pages of those sites; ``docs/conf.py`` uses them. Run it when the docs name a new standard
library or attrs object: ``python scripts/make_inventories.py``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "_inventories"

PYTHON = {
    "py:class": [
        ("decimal.Decimal", "library/decimal.html#$"),
        ("decimal.Context", "library/decimal.html#$"),
        ("datetime.date", "library/datetime.html#$"),
        ("datetime.datetime", "library/datetime.html#$"),
        ("enum.Enum", "library/enum.html#$"),
        ("enum.StrEnum", "library/enum.html#$"),
        ("collections.abc.Mapping", "library/collections.abc.html#$"),
        ("collections.abc.Sequence", "library/collections.abc.html#$"),
        ("collections.abc.Iterable", "library/collections.abc.html#$"),
        ("collections.abc.Iterator", "library/collections.abc.html#$"),
        ("collections.abc.Callable", "library/collections.abc.html#$"),
        ("pathlib.Path", "library/pathlib.html#$"),
        ("os.PathLike", "library/os.html#$"),
        ("typing.Any", "library/typing.html#$"),
        ("typing.Final", "library/typing.html#$"),
        ("typing.IO", "library/typing.html#$"),
        ("typing.TextIO", "library/typing.html#$"),
        ("typing.BinaryIO", "library/typing.html#$"),
        ("typing.NamedTuple", "library/typing.html#$"),
        ("re.Pattern", "library/re.html#$"),
        ("str", "library/stdtypes.html#$"),
        ("int", "library/functions.html#$"),
        ("float", "library/functions.html#$"),
        ("bool", "library/functions.html#$"),
        ("bytes", "library/stdtypes.html#$"),
        ("object", "library/functions.html#$"),
        ("tuple", "library/stdtypes.html#$"),
        ("list", "library/stdtypes.html#$"),
        ("dict", "library/stdtypes.html#$"),
        ("frozenset", "library/stdtypes.html#$"),
        ("type", "library/functions.html#$"),
    ],
    "py:exception": [
        ("ValueError", "library/exceptions.html#$"),
        ("TypeError", "library/exceptions.html#$"),
        ("AttributeError", "library/exceptions.html#$"),
        ("Exception", "library/exceptions.html#$"),
        ("decimal.InvalidOperation", "library/decimal.html#$"),
    ],
    "py:function": [
        ("json.loads", "library/json.html#$"),
        ("repr", "library/functions.html#$"),
    ],
    "py:data": [("None", "library/constants.html#$")],
}
ATTRS = {
    "py:function": [
        ("attrs.evolve", "api.html#$"),
        ("attrs.frozen", "api.html#$"),
        ("attrs.field", "api.html#$"),
        ("attrs.asdict", "api.html#$"),
    ],
    "py:class": [("attrs.Attribute", "api.html#$"), ("attrs.Factory", "api.html#$")],
}


def write(path: Path, project: str, version: str, table: dict[str, list[tuple[str, str]]]) -> None:
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(
        f"{name} {role} 1 {uri} -\n" for role, entries in table.items() for name, uri in entries
    )
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    write(FOLDER / "python.inv", "Python", "3.11", PYTHON)
    write(FOLDER / "attrs.inv", "attrs", "24", ATTRS)


if __name__ == "__main__":
    main()
