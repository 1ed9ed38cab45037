"""``exposure evaluate``: per-holding impacts for every scenario.

Amounts are computed in USD; ``--currency CODE`` (default: the book's ``base_currency``) shows
them in another currency at a dated rate from the same price chain. JSON keeps every
``*_usd`` field and adds the same amounts as ``*_ccy`` in the currency its ``currency`` block
names (``code``, ``per_usd``, ``source``, ``as_of``; USD when the currency has no rate). CSV
stays in USD.
"""

from __future__ import annotations

import argparse
import sys

from exposure.commands.common import (
    add_book_options,
    add_currency_option,
    add_home_option,
    book_from_args,
    currency_block,
    print_json,
    print_table,
)
from exposure.exports import to_safe_csv


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="impact of every scenario on each holding",
                       description="Evaluate a portfolio under the scenario library.")
    add_book_options(p)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_currency_option(p, "the book's base_currency")
    add_home_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    book, _, status = book_from_args(args)
    ev = book.evaluation
    shown = book.display
    rows = book.holding_frame()
    totals = ev.portfolio_frame()
    if args.format == "json":
        lt = ["lookthrough_usd"] if book.lookthrough_on else []
        rows_out = rows[["symbol", "account", "scenario", "revenue_change", "value_change",
                         "impact_usd", "profile_source", *lt]]
        rows_out = rows_out.assign(**{c.replace("_usd", "_ccy"): shown.amount(rows_out[c])
                                      for c in ["impact_usd", *lt]})
        print_json({
            "portfolio_name": book.portfolio.name,
            "total_value_usd": ev.total_value_usd,
            "case": ev.case,
            "look_through": book.lookthrough_on,
            "price_date": book.price_date,
            "rows": rows_out.to_dict("records"),
            "portfolio": totals[["scenario", "impact_usd", "impact_pct", "probability"]]
            .assign(impact_ccy=shown.amount(totals["impact_usd"])).to_dict("records"),
            "expected_impact_usd": ev.expected_impact_usd,
            "probabilities_normalised": ev.probabilities_normalised,
            "unvalued": book.unvalued,
            "currency": currency_block(shown),
            "total_value_ccy": shown.amount(ev.total_value_usd),
            "expected_impact_ccy": shown.amount(ev.expected_impact_usd),
        })
        return 0
    if args.format == "csv":
        sys.stdout.write(to_safe_csv(rows))
        return 0
    print(f"{book.portfolio.name}: total value {shown.money(ev.total_value_usd)} ({ev.case} case"
          f"{', look-through' if book.lookthrough_on else ''}); {status}")
    print(f"amounts in {shown.note}")
    wide = shown.amount(ev.impact_table()).reset_index()
    print_table(wide, {c: ",.0f" for c in wide.columns if c != "symbol"})
    print()
    impact = f"impact_{shown.currency.lower()}"  # impact_usd, or impact_eur in euros
    shown_totals = totals.drop(columns=["title"]).assign(
        impact_usd=shown.amount(totals["impact_usd"]), impact_pct=totals["impact_pct"] * 100)
    print_table(shown_totals.rename(columns={"impact_usd": impact}),
                {impact: ",.0f", "impact_pct": ".2f", "probability": ".2f"})
    print(f"\nprobability-weighted expected impact: {shown.money(ev.expected_impact_usd)}")
    if ev.probabilities_normalised:
        print("note: scenario probabilities summed above 1 and were normalised")
    if book.defaulted:
        print(f"segment default / no profile: {', '.join(book.defaulted)}")
    if book.unvalued:
        print(f"unvalued (no price and no stated value): {', '.join(book.unvalued)}")
    return 0
