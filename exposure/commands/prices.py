"""``exposure prices refresh|status``: fill the price cache through the chain; show what it holds."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from exposure.commands.common import add_home_option, print_json, print_table
from exposure.errors import ExposureError, PortfolioError
from exposure.workspace import SAMPLE_PORTFOLIO, home_dir

BENCHMARKS = ("SPY", "SOXX")
"""Also fetched by ``refresh --history-days``: the event study needs them."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prices", help="refresh the price cache or show what it holds",
                       description="Market prices: Yahoo -> cache -> bundled reference.")
    actions = p.add_subparsers(dest="prices_command", metavar="ACTION")
    actions.required = True

    r = actions.add_parser("refresh", help="fetch latest closes for a portfolio into the cache",
                           description="Fetch the latest closes of the portfolio's listed "
                                       "tickers (one batched request) into the cache.")
    r.add_argument("--portfolio", metavar="FILE",
                   help="portfolio YAML or broker export (default: the sample portfolio, "
                        "else every listed company in the catalog)")
    r.add_argument("--offline", action="store_true",
                   help="do not contact Yahoo (also: EXPOSURE_OFFLINE=1)")
    r.add_argument("--history-days", type=int, default=0, metavar="N",
                   help="also cache N calendar days of daily closes, plus SPY and SOXX")
    add_home_option(r)
    r.set_defaults(func=run_refresh)

    s = actions.add_parser("status", help="what the price cache holds",
                           description="Tickers in the price cache, last close, fetched-at.")
    s.add_argument("--format", choices=["text", "json"], default="text")
    add_home_option(s)
    s.set_defaults(func=run_status)


def _load_catalog(home: str | None) -> tuple[Any, str | None]:
    from exposure.model.catalog import load_catalog

    try:
        return load_catalog(home=home), None
    except ExposureError as exc:
        return None, str(exc)


def _tickers(portfolio_path: str | None, catalog: Any) -> tuple[list[str], str]:
    """Listed tickers to refresh and a description of where they came from."""
    from exposure.holdings.load import load_portfolio

    path = Path(portfolio_path) if portfolio_path else (
        SAMPLE_PORTFOLIO if SAMPLE_PORTFOLIO.is_file() else None)
    if path is not None:
        holdings = load_portfolio(path).holdings
        listed = holdings[holdings["kind"].isin(["listed", "fund"])]
        return list(dict.fromkeys(listed["symbol"].str.strip().str.upper())), str(path)
    if catalog is None:
        raise PortfolioError("no portfolio given, no sample portfolio and no catalog to take "
                             "tickers from")
    tickers = [c.ticker.upper() for c in catalog.companies.values() if c.listed and c.ticker]
    return list(dict.fromkeys(tickers)), "catalog (listed companies)"


def run_refresh(args: argparse.Namespace) -> int:
    from exposure.market.yahoo import price_chain, status_line

    catalog, catalog_problem = _load_catalog(args.home)
    tickers, origin = _tickers(args.portfolio, catalog)
    if args.history_days < 0:
        raise ExposureError("--history-days must be 0 or more")
    chain = price_chain(args.home, catalog=catalog, offline=True if args.offline else None)
    result = chain.latest(tickers)
    print(f"{status_line(result)} [{len(result.priced)} of {len(tickers)} priced; "
          f"tickers from {origin}]")
    for ticker, why in result.failures.items():
        print(f"  {ticker}: {why}")
    if args.history_days:
        from exposure.market.cache import utcnow

        end = utcnow().date() + timedelta(days=1)
        wanted = list(dict.fromkeys([*tickers, *BENCHMARKS]))
        history = chain.history(wanted, end - timedelta(days=args.history_days), end)
        print(f"history {args.history_days} days: {status_line(history)}")
        for ticker, why in history.failures.items():
            print(f"  {ticker}: {why}")
    if catalog_problem:
        print(f"note: no reference prices (catalog not loaded: {catalog_problem})",
              file=sys.stderr)
    return 0


def run_status(args: argparse.Namespace) -> int:
    from exposure.market.cache import CachedSource

    path = home_dir(args.home) / "prices.sqlite"
    cache = CachedSource(None, path) if path.exists() else None
    frame = cache.status() if cache is not None else None
    if args.format == "json":
        print_json({
            "path": str(path),
            "available": cache is not None and cache.unavailable is None,
            "problem": cache.unavailable if cache is not None else None,
            "tickers": [] if frame is None else frame.to_dict("records"),
        })
        return 0
    if cache is not None and cache.unavailable:
        print(f"{path}: {cache.unavailable}")
        return 0
    if frame is None or frame.empty:
        print(f"price cache {path} is empty; run `exposure prices refresh`")
        return 0
    fresh = int(frame["fresh"].sum())
    print(f"price cache {path}: {len(frame)} tickers, {fresh} fresh, {len(frame) - fresh} stale")
    shown = frame.assign(
        fetched_at=frame["fetched_at"].map(lambda d: f"{d:%Y-%m-%d %H:%M} UTC"),
        state=frame["fresh"].map({True: "fresh", False: "stale"}),
    )[["ticker", "last_day", "last_close", "closes", "fetched_at", "state"]]
    print_table(shown, {"last_close": ",.2f"})
    return 0
