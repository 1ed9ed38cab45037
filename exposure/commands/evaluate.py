"""``exposure evaluate``: per-holding impacts for every scenario."""

from __future__ import annotations

import argparse
import sys

from exposure.commands.common import (
    add_home_option,
    add_portfolio_option,
    money,
    print_json,
    print_table,
)
from exposure.exports import to_safe_csv
from exposure.holdings.load import load_portfolio
from exposure.model.analysis import analyse
from exposure.model.catalog import load_catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="impact of every scenario on each holding",
                       description="Evaluate a portfolio under the scenario library.")
    add_portfolio_option(p)
    p.add_argument("--scenario", action="append", metavar="ID",
                   help="scenario id (repeatable; default: all)")
    p.add_argument("--case", choices=["low", "base", "high"], default="base",
                   help="which end of each shock range to use (default: base)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--look-through", action="store_true",
                   help="resolve funds into constituents and add stakes/contracts; adds "
                        "lookthrough_usd to each row")
    add_home_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(home=args.home)
    portfolio = load_portfolio(args.portfolio)
    if args.look_through:
        from exposure.lookthrough.analysis import analyse_lookthrough

        lookthrough = analyse_lookthrough(portfolio, catalog, args.scenario, case=args.case)
        result, ev, rows = lookthrough.analysis, lookthrough.evaluation, lookthrough.holding_frame()
    else:
        result = analyse(portfolio, catalog, args.scenario, case=args.case)
        ev = result.evaluation
        rows = ev.holding_frame()
    totals = ev.portfolio_frame()
    if args.format == "json":
        print_json({
            "portfolio_name": portfolio.name,
            "total_value_usd": ev.total_value_usd,
            "case": args.case,
            "rows": rows[["symbol", "scenario", "revenue_change", "value_change", "impact_usd",
                          "profile_source", *(["lookthrough_usd"] if args.look_through else [])]]
            .to_dict("records"),
            "portfolio": totals[["scenario", "impact_usd", "impact_pct", "probability"]]
            .to_dict("records"),
            "expected_impact_usd": ev.expected_impact_usd,
            "probabilities_normalised": ev.probabilities_normalised,
            "unvalued": result.unvalued,
        })
        return 0
    if args.format == "csv":
        sys.stdout.write(to_safe_csv(rows))
        return 0
    print(f"{portfolio.name}: total value {money(ev.total_value_usd)} ({args.case} case)")
    wide = ev.impact_table().reset_index()
    print_table(wide, {c: ",.0f" for c in wide.columns if c != "symbol"})
    print()
    print_table(totals.assign(impact_pct=totals["impact_pct"] * 100),
                {"impact_usd": ",.0f", "impact_pct": ".2f", "probability": ".2f"})
    print(f"\nprobability-weighted expected impact: {money(ev.expected_impact_usd)}")
    if ev.probabilities_normalised:
        print("note: scenario probabilities summed above 1 and were normalised")
    if result.defaulted:
        print(f"segment default / no profile: {', '.join(result.defaulted)}")
    if result.unvalued:
        print(f"unvalued (no price and no stated value): {', '.join(result.unvalued)}")
    return 0
