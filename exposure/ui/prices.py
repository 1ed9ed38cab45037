"""Which prices the pages value holdings with, and the one-line status the sidebar shows."""

from __future__ import annotations

import streamlit as st

from exposure.analysis import reference_quotes
from exposure.catalog import Catalog
from exposure.portfolio import Portfolio
from exposure.valuation import PriceQuote


def current_quotes(catalog: Catalog, portfolio: Portfolio) -> tuple[dict[str, PriceQuote], str]:
    """Quotes for valuation and a status line such as 'offline: reference prices as of ...'."""
    quotes = reference_quotes(catalog)
    dates = sorted({q.as_of for q in quotes.values() if q.as_of})
    if not dates:
        return quotes, "prices: stated values from the portfolio file"
    span = dates[-1].isoformat() if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    status = f"offline: reference prices as of {span}"
    st.session_state["price_status"] = status
    return quotes, status
