"""The command line: ``python -m benlysta_coding COMMAND``.

Commands:

* ``demo`` (the default): print the example claim and the code-set facts it rests on.
* ``ndc VALUE ...``: normalise NDCs; one line each, exit 2 if any is invalid.
* ``dose --weight-kg 70 [--route iv] [--json]``: the dose, J0490 units, vials and waste.

Exit status: 0 on success, 2 for invalid input (problems on standard error, one per line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from benlysta_coding import cpt, dosing, hcpcs, icd10, ndc, products, units
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


def _dose(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        if (args.weight_kg is None) == (args.weight_lb is None):
            raise ValidationError("give exactly one of --weight-kg and --weight-lb")
        weight = (
            dosing.check_weight(args.weight_kg)
            if args.weight_kg is not None
            else dosing.check_weight(dosing.pounds_to_kg(args.weight_lb))
        )
        age = 18 if args.age is None else args.age
        regimen = dosing.regimen_for(args.route, args.indication, age, weight)
        vials = (
            products.IV_VIALS
            if regimen.route is products.Route.IV
            else (products.SC_AUTOINJECTOR_1,)
        )
        dose = regimen.loading_dose_mg or regimen.dose_mg
        plan = units.plan_vials(dose, args.vial_policy, vials)
    except ValidationError as error:
        err.write(f"{error}\n")
        return 2
    result = {
        "route": str(regimen.route),
        "indication": str(regimen.indication),
        "regimen": regimen.description,
        "weight_kg": str(weight),
        "dose_mg": str(plan.dose_mg),
        "hcpcs": hcpcs.J0490.code,
        "administered_units": plan.administered_units,
        "vials": [
            {
                "ndc": ndc.format(use.product.ndc11),
                "strength_mg": str(use.product.strength_mg),
                "count": use.count,
            }
            for use in plan.vials
        ],
        "vial_policy": str(plan.policy),
        "total_mg": str(plan.total_mg),
        "wasted_mg": str(plan.wasted_mg),
        "wasted_units": plan.wasted_units,
    }
    if args.json:
        out.write(json.dumps(result, indent=2) + "\n")
        return 0
    out.write(f"{regimen.description}\n")
    out.write(f"Dose: {plan.dose_mg} mg for {weight} kg\n")
    out.write(f"J0490 administered units: {plan.administered_units}\n")
    for use in plan.vials:
        out.write(
            f"Vials: {use.count} x {use.product.strength_mg} mg "
            f"(NDC {ndc.format(use.product.ndc11)})\n"
        )
    out.write(
        f"Wasted: {plan.wasted_mg} mg, {plan.wasted_units} unit(s) "
        f"({'JW line' if plan.wasted_units else 'none billed: JZ where required'})\n"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benlysta_coding", description="Benlysta (belimumab) billing tools."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="print the example claim (the default)")
    ndc_parser = commands.add_parser("ndc", help="normalise NDCs to the 11-digit form")
    ndc_parser.add_argument("values", nargs="+", metavar="NDC")
    dose = commands.add_parser("dose", help="dose, J0490 units, vials and waste")
    dose.add_argument("--weight-kg", help="body weight in kg, for example 63.4")
    dose.add_argument("--weight-lb", help="body weight in pounds (converted exactly)")
    dose.add_argument("--route", default="iv", choices=["iv", "sc"])
    dose.add_argument("--indication", default="sle", choices=["sle", "lupus_nephritis"])
    dose.add_argument("--age", type=int, help="age in years (default: adult)")
    dose.add_argument(
        "--vial-policy", default="least_waste", choices=["least_waste", "fewest_vials"]
    )
    dose.add_argument("--json", action="store_true", help="print a JSON object")
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
    if args.command == "dose":
        return _dose(args, out, err)
    return _demo(out)
