"""Which prices the pages value holdings with, and the one-line status the sidebar shows.

Prices come from the chain cache -> Yahoo -> stale cache -> reference (``exposure.market``);
offline (``EXPOSURE_OFFLINE=1`` or no network) that is the bundled reference closes. The
latest closes are cached for a few minutes per ticker set; "Refresh prices" clears that.
"""

from __future__ import annotations

import streamlit as st

from exposure.holdings.market_value import PriceQuote
from exposure.holdings.portfolio import Portfolio
from exposure.market.result import quotes_from_result, status_line
from exposure.market.yahoo import is_offline, price_chain
from exposure.model.catalog import Catalog
from exposure.workspace import home_dir

PAGE_DEADLINE_S = 6.0
"""A page never waits longer than this for Yahoo; then the cache or reference answers."""


@st.cache_data(ttl=300, show_spinner="Fetching prices…", max_entries=16)
def _latest(tickers: tuple[str, ...], home: str, offline: bool,
            _catalog: Catalog) -> tuple[dict[str, PriceQuote], str]:
    chain = price_chain(home, catalog=_catalog, offline=offline, deadline=PAGE_DEADLINE_S)
    result = chain.latest(list(tickers))
    return quotes_from_result(result), status_line(result)


def current_quotes(catalog: Catalog, portfolio: Portfolio) -> tuple[dict[str, PriceQuote], str]:
    """Quotes for the portfolio's listed holdings and a status line for the banner."""
    h = portfolio.holdings
    tickers = tuple(sorted({str(s).upper() for s, k in zip(h["symbol"], h["kind"], strict=True)
                            if k != "private"}))
    if not tickers:
        return {}, "prices: no listed holdings"
    offline = is_offline()
    quotes, status = _latest(tickers, str(home_dir()), offline, catalog)
    status = status.replace(" unpriced", " without a price")
    if offline and not status.startswith("offline"):
        status = f"offline: {status}"
    return quotes, status


def refresh_prices() -> None:
    """Forget cached latest closes so the next run asks the chain again."""
    _latest.clear()
