"""The command line: ``python -m benlysta_coding COMMAND``.

Commands:

* ``demo`` (the default): print the example claim and the code-set facts it rests on.
* ``ndc VALUE ...``: normalise NDCs; one line each, exit 2 if any is invalid.

Exit status: 0 on success, 2 for invalid input (problems on standard error, one per line).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from benlysta_coding import cpt, hcpcs, icd10, ndc, products
from benlysta_coding.errors import ValidationError

__all__ = ["main"]


def _demo(out: TextIO) -> int:
    out.write("Benlysta (belimumab) billing facts\n")
    out.write(
        f"  HCPCS {hcpcs.J0490.code}: {hcpcs.J0490.summary} "
        f"(1 unit = {hcpcs.J0490.billing_unit_mg} mg)\n"
    )
    for product in products.PRODUCTS.values():
        out.write(
            f"  NDC {product.ndc10} -> {ndc.format(product.ndc11)} "
            f"({product.description}; facts: {product.certainty})\n"
        )
    for code in ("96365", "96366", "96413", "96415"):
        out.write(f"  CPT {code}: {cpt.lookup(code).summary}\n")
    nephritis = icd10.lookup("M32.14")
    out.write(f"  Lupus nephritis: {nephritis.code} {nephritis.title}\n")
    return 0


def _ndc(values: Sequence[str], out: TextIO, err: TextIO) -> int:
    status = 0
    for position, value in enumerate(values, start=1):
        try:
            out.write(f"{ndc.format(value)}\t{ndc.to_10(value)}\n")
        except ValidationError as error:
            err.write(f"argument {position}: {error}\n")
            status = 2
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benlysta_coding", description="Benlysta (belimumab) billing tools."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="print the example claim (the default)")
    ndc_parser = commands.add_parser("ndc", help="normalise NDCs to the 11-digit form")
    ndc_parser.add_argument("values", nargs="+", metavar="NDC")
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    args = _parser().parse_args(argv)
    if args.command == "ndc":
        return _ndc(args.values, out, err)
    return _demo(out)
