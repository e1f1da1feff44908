"""Run the command line: ``python -m benlysta_coding``."""

from __future__ import annotations

import sys

from benlysta_coding.cli import main, quiet_stdout

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess in the tests
    status = main()
    try:
        sys.stdout.flush()  # a reader that closed before the first write is met here
    except BrokenPipeError:
        quiet_stdout()
    sys.exit(status)
