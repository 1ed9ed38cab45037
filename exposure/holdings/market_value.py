"""Turn holdings into market values in USD, saying for every holding where its value came
from and as of when.

**Precedence** (one rule, per holding; the first that applies wins)::

    1. live price        a quote fetched from Yahoo in this session          quantity x price
    2. statement         the statement's own price or value, as of its date  (imported files)
    3. cached close      a quote from the on-disk price cache (fresh or stale)
    4. reference price   the bundled, sourced reference close
    5. stated value      a value the user typed (``market_value`` without a statement date),
                         or a private mark
    otherwise            unvalued (never silently zero)

A statement beats cached and reference closes because it is the owner's own record of the
position on a known date; only a live price is newer. Private holdings are never priced from
quotes. Every value converts to USD with an FX quote ``<CCY>USD=X`` from the same chain
(live > cache > bundled reference FX table); a currency without a rate leaves the holding
unvalued with the reason. ``GBp`` (London pence) is GBP / 100.

All values are held in USD internally; the book's base currency is a presentation choice
(:func:`usd_to` gives the rate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from exposure.holdings.portfolio import Portfolio, normalise_holdings


class PriceSourceLabel:
    """``price_source`` values of a valued holding, in precedence order."""

    LIVE = "live"
    STATEMENT = "statement"
    CACHE = "cache"
    CACHE_STALE = "cache (stale)"
    REFERENCE = "reference"
    STATED = "stated in portfolio"
    PRIVATE_MARK = "private mark"
    UNVALUED = "unvalued"


_QUOTE_RANK = {PriceSourceLabel.LIVE: 0, PriceSourceLabel.CACHE: 2,
               PriceSourceLabel.CACHE_STALE: 2, PriceSourceLabel.REFERENCE: 3}
"""Where each quote source stands in the precedence (the statement is 1)."""


@dataclass(frozen=True)
class PriceQuote:
    """A price for one ticker, with where it came from."""

    price: float
    currency: str = "USD"
    as_of: date | None = None
    source: str = PriceSourceLabel.REFERENCE
    """``live`` / ``cache`` / ``cache (stale)`` / ``reference``."""
    url: str | None = None


def fx_ticker(currency: str) -> str:
    """Yahoo's ticker for USD per one unit of ``currency`` (``EUR`` -> ``EURUSD=X``)."""
    return f"{currency.upper()}USD=X"


def currencies_of(portfolio: Portfolio) -> list[str]:
    """Every currency the book holds (holdings, cash) or reports in, USD excluded."""
    codes = set(portfolio.holdings["currency"]) | {c.currency for c in portfolio.cash}
    codes.add(portfolio.base_currency)
    return sorted({c.upper() for c in codes if c} - {"USD"})


def tickers_to_quote(portfolio: Portfolio) -> list[str]:
    """Listed symbols of the book plus the FX tickers its currencies need."""
    h = portfolio.holdings
    listed = sorted({str(s).upper() for s, k in zip(h["symbol"], h["kind"], strict=True)
                     if k != "private"})
    return listed + [fx_ticker(c) for c in currencies_of(portfolio)]


@dataclass(frozen=True)
class FxRate:
    """USD per one unit of a currency, with its source and date."""

    currency: str
    usd_per_unit: float
    as_of: date | None
    source: str


def fx_rates(quotes: Mapping[str, PriceQuote]) -> dict[str, FxRate]:
    """FX rates found among ``quotes`` (``EURUSD=X`` ...), USD = 1, ``GBp`` = GBP / 100."""
    rates = {"USD": FxRate("USD", 1.0, None, "identity")}
    for ticker, quote in quotes.items():
        if ticker.endswith("USD=X") and len(ticker) == 8 and quote.price > 0:
            code = ticker[:3]
            rates[code] = FxRate(code, float(quote.price), quote.as_of, quote.source)
    if "GBP" in rates:
        gbp = rates["GBP"]
        rates["GBp"] = FxRate("GBp", gbp.usd_per_unit / 100.0, gbp.as_of, gbp.source)
    return rates


def usd_to(currency: str, rates: Mapping[str, FxRate]) -> float | None:
    """Units of ``currency`` per USD (for showing USD amounts in a base currency)."""
    rate = rates.get(currency)
    return 1.0 / rate.usd_per_unit if rate is not None and rate.usd_per_unit > 0 else None


VALUED_COLUMNS = ["price", "price_currency", "price_source", "price_as_of", "fx_rate",
                  "market_value_usd", "statement_value_usd", "valued"]
"""Columns :func:`value_holdings` adds to the holdings frame."""


def _statement(row: object) -> tuple[float, float] | None:
    """``(price, value)`` in the row's currency from its statement, or None."""
    if not getattr(row, "statement_date", ""):
        return None
    q, p, v = row.quantity, row.statement_price, row.market_value  # type: ignore[attr-defined]
    if not math.isnan(p) and not math.isnan(q):
        return p, q * p
    if not math.isnan(v):
        return (v / q if not math.isnan(q) and q else math.nan), v
    return None


def value_holdings(
    holdings: pd.DataFrame,
    quotes: Mapping[str, PriceQuote] | None = None,
    rates: Mapping[str, FxRate] | None = None,
) -> pd.DataFrame:
    """Add the valuation columns to a holdings frame (module docstring for the rule).

    ==================== ==================================================================
    column               meaning
    ==================== ==================================================================
    price                price used, in ``price_currency`` (NaN when valued from a value)
    price_currency       currency of ``price`` / of the value used
    price_source         a :class:`PriceSourceLabel` value
    price_as_of          date of the price or value used (None when unknown)
    fx_rate              USD per unit of ``price_currency`` (NaN when none)
    market_value_usd     value in USD (NaN when unvalued)
    statement_value_usd  the statement's own value in USD (NaN when not from a statement)
    valued               bool
    ==================== ==================================================================
    """
    quotes = quotes or {}
    rates = dict(rates) if rates is not None else fx_rates(quotes)
    out = normalise_holdings(holdings)
    n = len(out)
    price = np.full(n, math.nan)
    currency = np.empty(n, dtype=object)
    source = np.full(n, PriceSourceLabel.UNVALUED, dtype=object)
    as_of: list[date | None] = [None] * n
    fx = np.full(n, math.nan)
    value = np.full(n, math.nan)
    statement_usd = np.full(n, math.nan)

    def usd(amount: float, code: str) -> tuple[float, float] | None:
        rate = rates.get(code) or rates.get(code.upper())
        return (amount * rate.usd_per_unit, rate.usd_per_unit) if rate is not None else None

    for i, row in enumerate(out.itertuples(index=False)):
        currency[i] = row.currency
        quote = quotes.get(row.symbol.upper()) if row.kind != "private" else None
        quoted = None
        if quote is not None and not math.isnan(row.quantity):
            quoted = usd(row.quantity * quote.price, quote.currency)
        statement = _statement(row)
        if statement is not None:
            converted = usd(statement[1], row.currency)
            statement_usd[i] = converted[0] if converted else math.nan
        rank = _QUOTE_RANK.get(quote.source, 3) if quoted is not None and quote else 9
        if quoted is not None and quote is not None and (statement is None or rank < 1):
            value[i], fx[i] = quoted
            price[i], currency[i] = quote.price, quote.currency
            source[i], as_of[i] = quote.source, quote.as_of
            continue
        if statement is not None:
            if converted is not None:
                value[i], fx[i] = converted
                price[i], source[i] = statement[0], PriceSourceLabel.STATEMENT
                as_of[i] = date.fromisoformat(row.statement_date)
            else:
                source[i] = f"unvalued (no {row.currency} rate)"
            continue
        if not math.isnan(row.market_value):
            converted = usd(row.market_value, row.currency)
            if converted is None:
                source[i] = f"unvalued (no {row.currency} rate)"
                continue
            value[i], fx[i] = converted
            source[i] = (PriceSourceLabel.PRIVATE_MARK if row.kind == "private"
                         else PriceSourceLabel.STATED)
            if not math.isnan(row.quantity) and row.quantity:
                price[i] = row.market_value / row.quantity
        elif quote is not None and not math.isnan(row.quantity):
            source[i] = f"unvalued (no {quote.currency} rate)"
    out["price"] = price
    out["price_currency"] = currency
    out["price_source"] = source
    out["price_as_of"] = as_of
    out["fx_rate"] = fx
    out["market_value_usd"] = value
    out["statement_value_usd"] = statement_usd
    out["valued"] = ~np.isnan(value)
    return out


def cash_usd(portfolio: Portfolio, rates: Mapping[str, FxRate]) -> tuple[float, list[str]]:
    """The book's cash in USD, and the currencies that had no rate (left out, named)."""
    total, missing = 0.0, []
    for code, amount in portfolio.cash_by_currency().items():
        rate = rates.get(code)
        if rate is None:
            missing.append(code)
            continue
        total += amount * rate.usd_per_unit
    return total, missing


def newest_price_date(valued: pd.DataFrame) -> date | None:
    """The newest price or statement date among the valued holdings."""
    days = [d for d in valued["price_as_of"] if isinstance(d, date)]
    return max(days) if days else None


def oldest_price_date(valued: pd.DataFrame) -> date | None:
    """The oldest price or statement date among the valued holdings."""
    days = [d for d in valued["price_as_of"] if isinstance(d, date)]
    return min(days) if days else None
