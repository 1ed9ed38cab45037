"""Builders for review tests: small portfolios, fixed prices and clocks, snapshots."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.market_value import PriceQuote
from exposure.holdings.portfolio import Portfolio, normalise_holdings, usd_cash
from exposure.model.catalog import Catalog
from exposure.review.snapshot import Snapshot, build_snapshot

WEEK1 = datetime(2025, 1, 8, 9, 0)
WEEK2 = datetime(2025, 1, 15, 9, 0)


def portfolio(rows: Sequence[Mapping[str, Any]], cash: float = 0.0, name: str = "Test book") -> Portfolio:
    return Portfolio(name, normalise_holdings(pd.DataFrame(list(rows))), cash=usd_cash(cash))


def quotes(prices: Mapping[str, float]) -> dict[str, PriceQuote]:
    return {symbol: PriceQuote(price=float(p)) for symbol, p in prices.items()}


def analysis(catalog: Catalog, rows: Sequence[Mapping[str, Any]], prices: Mapping[str, float],
             *, cash: float = 0.0, scenario_ids: Sequence[str] | None = None) -> BookEvaluation:
    return evaluate_book(portfolio(rows, cash), catalog, scenario_ids, quotes=quotes(prices))


def snapshot(catalog: Catalog, rows: Sequence[Mapping[str, Any]], prices: Mapping[str, float],
             taken_at: datetime, *, cash: float = 0.0,
             scenario_ids: Sequence[str] | None = None, note: str = "") -> Snapshot:
    a = analysis(catalog, rows, prices, cash=cash, scenario_ids=scenario_ids)
    return build_snapshot(a, catalog, taken_at=taken_at, note=note)


def clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment
