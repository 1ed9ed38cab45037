"""``exposure evaluate``: per-holding impacts for every scenario."""

from __future__ import annotations

import argparse
import sys

from exposure.commands.common import (
    add_book_options,
    add_home_option,
    book_from_args,
    print_json,
    print_table,
)
from exposure.exports import to_safe_csv
from exposure.formatting import money


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="impact of every scenario on each holding",
                       description="Evaluate a portfolio under the scenario library.")
    add_book_options(p)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_home_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    book, _, status = book_from_args(args)
    ev = book.evaluation
    rows = book.holding_frame()
    totals = ev.portfolio_frame()
    if args.format == "json":
        print_json({
            "portfolio_name": book.portfolio.name,
            "total_value_usd": ev.total_value_usd,
            "case": ev.case,
            "look_through": book.lookthrough_on,
            "price_date": book.price_date,
            "rows": rows[["symbol", "account", "scenario", "revenue_change", "value_change",
                          "impact_usd", "profile_source",
                          *(["lookthrough_usd"] if book.lookthrough_on else [])]]
            .to_dict("records"),
            "portfolio": totals[["scenario", "impact_usd", "impact_pct", "probability"]]
            .to_dict("records"),
            "expected_impact_usd": ev.expected_impact_usd,
            "probabilities_normalised": ev.probabilities_normalised,
            "unvalued": book.unvalued,
        })
        return 0
    if args.format == "csv":
        sys.stdout.write(to_safe_csv(rows))
        return 0
    print(f"{book.portfolio.name}: total value {money(ev.total_value_usd)} ({ev.case} case"
          f"{', look-through' if book.lookthrough_on else ''}); {status}")
    wide = ev.impact_table().reset_index()
    print_table(wide, {c: ",.0f" for c in wide.columns if c != "symbol"})
    print()
    print_table(totals.drop(columns=["title"]).assign(impact_pct=totals["impact_pct"] * 100),
                {"impact_usd": ",.0f", "impact_pct": ".2f", "probability": ".2f"})
    print(f"\nprobability-weighted expected impact: {money(ev.expected_impact_usd)}")
    if ev.probabilities_normalised:
        print("note: scenario probabilities summed above 1 and were normalised")
    if book.defaulted:
        print(f"segment default / no profile: {', '.join(book.defaulted)}")
    if book.unvalued:
        print(f"unvalued (no price and no stated value): {', '.join(book.unvalued)}")
    return 0
