"""Run the command line: ``python -m benlysta_coding``."""

from __future__ import annotations

import sys

from benlysta_coding.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess in the tests
    sys.exit(main())
