"""Turn holdings into USD market values, saying where every value came from.

Rules: a holding with a quantity and a price quote is valued at ``quantity * price``; a
holding with a stated market value (private marks, broker values) keeps it; anything else
is listed as unvalued (never silently zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from exposure.holdings.portfolio import normalise_holdings


@dataclass(frozen=True)
class PriceQuote:
    """A price for one ticker, with where it came from."""

    price: float
    currency: str = "USD"
    as_of: date | None = None
    source: str = "reference"
    """``live`` / ``cache`` / ``cache (stale)`` / ``reference`` / ``broker file``."""
    url: str | None = None


def value_holdings(
    holdings: pd.DataFrame,
    quotes: Mapping[str, PriceQuote] | None = None,
    fx_usd: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Add valuation columns to a holdings frame.

    Added columns: ``price`` (NaN if none), ``price_source`` (``live``, ``reference``,
    ``stated in portfolio``, ``unvalued``...), ``price_as_of`` (date or None),
    ``market_value_usd`` (NaN when unvalued), ``valued`` (bool).
    """
    quotes = quotes or {}
    fx = {"USD": 1.0, **(fx_usd or {})}
    out = normalise_holdings(holdings)
    n = len(out)
    price = np.full(n, math.nan)
    source = np.array(["unvalued"] * n, dtype=object)
    as_of: list[date | None] = [None] * n
    value = np.full(n, math.nan)
    for i, row in enumerate(out.itertuples(index=False)):
        quote = quotes.get(row.symbol.upper()) if row.kind != "private" else None
        if quote is not None and not math.isnan(row.quantity):
            rate = fx.get(quote.currency.upper())
            if rate is not None:
                price[i] = quote.price
                value[i] = row.quantity * quote.price * rate
                source[i] = quote.source
                as_of[i] = quote.as_of
                continue
        if not math.isnan(row.market_value):
            rate = fx.get(row.currency.upper())
            if rate is not None:
                value[i] = row.market_value * rate
                source[i] = "private mark" if row.kind == "private" else "stated in portfolio"
                if not math.isnan(row.quantity) and row.quantity:
                    price[i] = row.market_value / row.quantity
            else:
                source[i] = f"unvalued (no {row.currency} rate)"
    out["price"] = price
    out["price_source"] = source
    out["price_as_of"] = as_of
    out["market_value_usd"] = value
    out["valued"] = ~np.isnan(value)
    return out
