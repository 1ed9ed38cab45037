"""Helpers shared by CLI subcommands: formatting and common options."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import pandas as pd

from exposure.display import DisplayMoney
from exposure.errors import ExposureError
from exposure.evaluation.book import evaluate_book
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import tickers_to_quote
from exposure.holdings.portfolio import check_currency
from exposure.market.result import quotes_from_result, status_line
from exposure.market.yahoo import price_chain
from exposure.model.catalog import Catalog, load_catalog
from exposure.model.engine import normalise_case


def add_home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", metavar="DIR",
                        help="workspace folder (default: $EXPOSURE_HOME or ~/.local/share/exposure)")


def add_portfolio_option(parser: argparse.ArgumentParser) -> None:
    """The required ``--portfolio FILE`` every portfolio command takes."""
    parser.add_argument("--portfolio", required=True, metavar="FILE",
                        help="portfolio YAML or broker export (CSV)")


def clean(value: Any) -> Any:
    """JSON-safe plain value: NaN -> None, numpy scalars -> Python, dates -> ISO."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def print_json(obj: Any) -> None:
    json.dump(clean(obj), sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_table(frame: pd.DataFrame, floatfmt: dict[str, str] | None = None) -> None:
    """Plain aligned text table (no extra dependency)."""
    floatfmt = floatfmt or {}
    shown = frame.copy()
    for col, fmt in floatfmt.items():
        if col in shown:
            shown[col] = shown[col].map(lambda v, f=fmt: "" if pd.isna(v) else format(v, f))
    sys.stdout.write(shown.to_string(index=False) + "\n")


CASE_CHOICES = ["adverse", "central", "favourable", "low", "base", "high"]


def add_book_options(parser: argparse.ArgumentParser, *, lookthrough: bool = True,
                     case: bool = True) -> None:
    """The options every command that evaluates a book shares."""
    add_portfolio_option(parser)
    parser.add_argument("--scenario", action="append", metavar="ID",
                        help="scenario id (repeatable; default: all)")
    if case:
        parser.add_argument("--case", choices=CASE_CHOICES, default="central",
                            help="adverse (the worse end of every shock's range for a holder), "
                                 "central (default) or favourable; low/base/high are deprecated "
                                 "aliases of adverse/central/favourable")
    if lookthrough:
        parser.add_argument("--look-through", action="store_true",
                            help="resolve funds into constituents and add stakes and contracts")
    parser.add_argument("--prices", choices=["reference", "market"], default="reference",
                        help="reference: the bundled, sourced closes and statement values "
                             "(default, offline); market: the price chain (cache, Yahoo, "
                             "reference)")


def add_currency_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--currency CODE``: the currency amounts are shown in (``default`` says which)."""
    parser.add_argument("--currency", metavar="CODE",
                        help=f"show amounts in this currency (EUR, GBP, JPY ...; default: "
                             f"{default}), converted from USD at a dated rate; a currency "
                             "without a rate stays in USD and says so")


def currency_code(args: argparse.Namespace) -> str | None:
    """The ``--currency`` given (upper case), None when not given; a bad code is an error."""
    raw = getattr(args, "currency", None)
    if not raw:
        return None
    try:
        return check_currency(raw)
    except ValueError as exc:
        raise ExposureError(f"--currency: {exc}") from None


def currency_block(display: DisplayMoney) -> dict[str, Any]:
    """The JSON ``currency`` block: what ``*_ccy`` amounts are in (``per_usd`` units per USD,
    the rate's source and date; ``asked`` differs from ``code`` when it had no rate)."""
    return {"code": display.currency, "per_usd": display.per_usd, "source": display.source,
            "as_of": display.as_of, "asked": display.wanted, "note": display.note}


def book_from_args(args: argparse.Namespace, *, second_order: bool = False
                   ) -> tuple[BookEvaluation, Catalog, str]:
    """Load the catalog and the book, price it and evaluate it as the options say.

    Returns ``(book, catalog, price status)``; a deprecated case name prints a note on stderr.
    ``--currency`` (where a command has it) sets the book's base currency, so its rate comes
    from the same price chain as the valuation (``book.display``).
    """
    case, note = normalise_case(getattr(args, "case", "central"))
    if note:
        print(f"note: {note}", file=sys.stderr)
    catalog = load_catalog(home=args.home)
    portfolio = load_portfolio(args.portfolio)
    code = currency_code(args)
    if code is not None:
        portfolio.base_currency = code
    quotes, status = None, "reference prices (bundled, sourced closes) and statement values"
    if getattr(args, "prices", "reference") == "market":
        result = price_chain(args.home, catalog=catalog).latest(tickers_to_quote(portfolio))
        quotes, status = quotes_from_result(result), status_line(result)
    book = evaluate_book(portfolio, catalog, args.scenario, case=case, quotes=quotes,
                         lookthrough=bool(getattr(args, "look_through", False)),
                         second_order=second_order)
    return book, catalog, status
