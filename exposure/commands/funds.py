"""``exposure funds import``: add or refresh a fund's constituents from an issuer file."""

from __future__ import annotations

import argparse

from exposure.commands.common import add_home_option, print_json
from exposure.lookthrough.fund_import import read_holdings_file
from exposure.lookthrough.fund_store import install_fund


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("funds", help="fund constituents for look-through",
                       description="Manage fund constituent weights used by look-through.")
    fsub = p.add_subparsers(dest="funds_command", metavar="ACTION")
    fsub.required = True
    imp = fsub.add_parser("import", help="import an issuer holdings CSV (iShares, VanEck, "
                                         "Invesco, SPDR, Global X)")
    imp.add_argument("file", metavar="FILE", help="the issuer's holdings file (CSV)")
    imp.add_argument("--fund", required=True, metavar="TICKER", help="fund ticker, e.g. SMH")
    imp.add_argument("--source", metavar="URL", help="holdings page the file came from "
                                                     "(default: the issuer's site)")
    imp.add_argument("--name", help="fund name")
    imp.add_argument("--format", choices=["text", "json"], default="text")
    add_home_option(imp)
    imp.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    fund = read_holdings_file(args.file)
    target, doc = install_fund(fund, args.fund, file_name=str(args.file).rsplit("/", 1)[-1],
                               source=args.source, name=args.name, home=args.home)
    summary = {"fund": doc["id"], "layout": fund.layout, "as_of": doc["as_of"],
               "fund_in_file": fund.fund_ticker or fund.fund_name,
               "constituents": len(fund.constituents), "weight_covered": fund.total_weight,
               "file_weight": fund.file_weight, "skipped": fund.skipped,
               "notes": fund.notes, "warnings": fund.warnings, "path": str(target)}
    if args.format == "json":
        print_json(summary)
        return 0
    print(f"{doc['id']}: {len(fund.constituents)} constituents ({fund.layout} layout, as of "
          f"{doc['as_of']}), {fund.total_weight:.1%} of the fund -> {target}")
    if fund.skipped:
        print(f"skipped (cash, derivatives, zero weight): {', '.join(fund.skipped[:10])}")
    for note in fund.notes:
        print(f"note: {note}")
    for warning in fund.warnings:
        print(f"WARNING: {warning}")
    return 0
