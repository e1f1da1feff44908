"""Screenshots of the built docs at 1,280 px and 390 px (light and dark), for review.

    python -m sphinx -b html docs build/docs && python scripts/screenshots.py build/docs

Needs Chromium (Debian: ``apt-get install chromium``) and Pillow. Writes
``docs/_screenshots/<page>-<width>[-dark].png``, each reduced to a 256-colour palette to stay
small; the Sphinx build leaves that folder out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "docs" / "_screenshots"
SHOTS = (
    # (page, width, height, dark)
    ("index.html", 1280, 1000, False),
    ("index.html", 390, 1500, False),
    ("explanation.html", 390, 1100, True),
    ("api/claim.html", 1280, 900, False),
    ("encounter-reference.html", 390, 1400, False),
    ("findings.html", 390, 1300, False),
    ("notebook.html", 1280, 3000, False),
    ("tutorial.html", 390, 2400, False),
)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    built = Path(argv[0]).resolve()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for page, width, height, dark in SHOTS:
            raw = Path(scratch) / "shot.png"
            command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                       "--hide-scrollbars", f"--screenshot={raw}",
                       f"--window-size={width},{height}", (built / page).as_uri()]  # fmt: skip
            if dark:
                command.insert(1, "--force-dark-mode")
            subprocess.run(command, check=True, capture_output=True, timeout=120)
            name = (
                f"{page.removesuffix('.html').replace('/', '-')}-{width}{'-dark' if dark else ''}"
            )
            Image.open(raw).convert("RGB").quantize(256).save(OUT / f"{name}.png", optimize=True)
            print(OUT.relative_to(OUT.parent.parent) / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
