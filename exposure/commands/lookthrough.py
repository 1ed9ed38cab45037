"""``exposure lookthrough``: what a portfolio holds through funds, stakes and contracts."""

from __future__ import annotations

import argparse
from typing import Any

from exposure.commands.common import (
    add_book_options,
    add_home_option,
    book_from_args,
    print_json,
    print_table,
)
from exposure.formatting import money


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lookthrough", help="effective exposure to labs, startups and fund holdings",
                       description="Show what a portfolio holds through its funds' constituents "
                                   "and through the stakes and compute contracts of its holdings.")
    add_book_options(p, lookthrough=False, case=False)
    p.add_argument("--second-order", action="store_true",
                   help="also follow a second hop (e.g. NVDA -> OpenAI -> AMD); cycles count once")
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_home_option(p)
    p.set_defaults(func=run)


def _path(p: dict[str, Any]) -> dict[str, Any]:
    return {"holder": p["holder"], "kind": p["kind"], "share": p["share"], "usd": p["usd"],
            "via": p["via"], "as_of": p["as_of"]}


def run(args: argparse.Namespace) -> int:
    args.look_through = True
    result, catalog, _ = book_from_args(args, second_order=args.second_order)
    portfolio = result.portfolio
    ents = result.entities
    listed = {f: catalog.funds[f.upper()].listed_weight for f in result.funds.coverage
              if f.upper() in catalog.funds}
    if args.format == "json":
        print_json({
            "portfolio_name": portfolio.name,
            "total_value_usd": result.evaluation.total_value_usd,
            "second_order": args.second_order,
            "coverage": result.coverage_lookthrough,
            "coverage_without_lookthrough": result.coverage_direct,
            "fund_coverage": result.funds.coverage,
            "fund_listed_weight": listed,
            "entities": [
                {"entity": r.entity, "name": r.name, "direct_usd": r.direct_usd,
                 "indirect_usd": r.indirect_usd, "fund_usd": r.fund_usd,
                 "equity_usd": r.equity_usd, "contract_usd": r.contract_usd,
                 "share_of_portfolio": r.share_of_portfolio, "stale": r.stale,
                 "paths": [_path(p) for p in r.paths]}
                for r in ents.itertuples(index=False)
            ],
        })
        return 0
    print(f"{portfolio.name}: total value {money(result.evaluation.total_value_usd)}"
          f"{' (second order)' if args.second_order else ''}")
    shown = ents[["entity", "name", "direct_usd", "indirect_usd", "fund_usd", "equity_usd",
                  "contract_usd", "share_of_portfolio", "stale"]].copy()
    shown["share_of_portfolio"] = shown["share_of_portfolio"] * 100
    print_table(shown, {c: ",.0f" for c in ("direct_usd", "indirect_usd", "fund_usd",
                                            "equity_usd", "contract_usd")}
                | {"share_of_portfolio": ".2f"})
    print("\nindirect = owned through funds and stakes; contract_usd = holding value riding on "
          "compute contracts (not owned)")
    print(f"coverage: {result.coverage_lookthrough:.1%} of portfolio value has exposure from "
          f"profiles (direct or looked through); {result.coverage_direct:.1%} without "
          "look-through")
    for fund, cov in result.funds.coverage.items():
        files = f"its constituents file lists {listed[fund]:.1%} of the fund; " \
            if fund in listed else ""
        print(f"  {fund}: {files}{cov:.1%} of the fund looked through to company profiles, "
              "the rest at the segment default")
    if result.links.scaled:
        print(f"contract shares scaled to 100% of revenue for: {', '.join(result.links.scaled)}")
    return 0
