"""Which prices the pages value holdings with, without ever making the first paint wait.

A page renders at once with what is on this machine (the on-disk price cache, then the
bundled reference closes and FX table). When online, a background thread asks Yahoo through
the same chain (cache -> Yahoo -> stale cache -> reference); when it finishes, a small
sidebar fragment reruns the app and the status line says the live prices arrived. One fetch
per ticker set and process, shared by every session; "Refresh prices" starts a new one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from exposure.holdings.market_value import PriceQuote, tickers_to_quote
from exposure.holdings.portfolio import Portfolio
from exposure.market.result import quotes_from_result, status_line
from exposure.market.yahoo import is_offline, price_chain
from exposure.model.catalog import Catalog
from exposure.workspace import home_dir

PAGE_DEADLINE_S = 6.0
"""A background refresh never waits longer than this for Yahoo."""

LIVE_TTL_S = 300.0
"""Live quotes are reused for this long before the next page run asks again."""


@dataclass
class LiveFetch:
    """One background refresh of a ticker set (process-wide)."""

    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    quotes: dict[str, PriceQuote] = field(default_factory=dict)
    status: str = ""
    finished_at: float = 0.0


_LOCK = threading.Lock()
_FETCHES: dict[tuple[tuple[str, ...], str], LiveFetch] = {}


def _run(fetch: LiveFetch, tickers: tuple[str, ...], home: str, catalog: Catalog) -> None:
    try:
        chain = price_chain(home, catalog=catalog, offline=False, deadline=PAGE_DEADLINE_S)
        result = chain.latest(list(tickers))
        fetch.quotes, fetch.status = quotes_from_result(result), status_line(result)
    except Exception as exc:  # noqa: BLE001 - a failed refresh must never reach the page
        fetch.status = f"live prices unavailable ({type(exc).__name__})"
    finally:
        fetch.finished_at = time.monotonic()
        fetch.done.set()


def _local(tickers: tuple[str, ...], home: str, catalog: Catalog) -> tuple[dict[str, PriceQuote], str]:
    """Quotes from this machine only: the price cache, then the reference data."""
    result = price_chain(home, catalog=catalog, offline=True).latest(list(tickers))
    return quotes_from_result(result), status_line(result)


def current_quotes(catalog: Catalog, portfolio: Portfolio
                   ) -> tuple[dict[str, PriceQuote], str, bool]:
    """``(quotes, status, pending)`` for the book's listed holdings and currencies;
    ``pending`` is true while live prices are still being fetched in the background."""
    tickers = tuple(tickers_to_quote(portfolio))
    if not tickers:
        return {}, "prices: no listed holdings", False
    home = str(home_dir())
    if is_offline():
        quotes, status = _local(tickers, home, catalog)
        return quotes, status if status.startswith("offline") else f"offline: {status}", False
    key = (tickers, home)
    with _LOCK:
        fetch = _FETCHES.get(key)
        expired = fetch is not None and fetch.done.is_set() and \
            time.monotonic() - fetch.finished_at > LIVE_TTL_S
        if fetch is None or expired:
            fetch = _FETCHES[key] = LiveFetch()
            threading.Thread(target=_run, args=(fetch, tickers, home, catalog), daemon=True,
                             name="exposure-live-prices").start()
    if fetch.done.is_set() and fetch.quotes:
        return fetch.quotes, fetch.status, False
    quotes, status = _local(tickers, home, catalog)
    if fetch.done.is_set():
        return quotes, f"{status} · {fetch.status}" if fetch.status else status, False
    return quotes, f"{status} · fetching live prices…", True


def wait_for_live(timeout: float = 30.0) -> bool:
    """Block until every running background refresh has finished (tests, the CLI)."""
    deadline = time.monotonic() + timeout
    with _LOCK:
        fetches = list(_FETCHES.values())
    return all(f.done.wait(max(0.0, deadline - time.monotonic())) for f in fetches)


def refresh_prices() -> None:
    """Forget live quotes so the next run asks Yahoo again."""
    with _LOCK:
        _FETCHES.clear()


@st.fragment(run_every=1.0)
def live_price_watcher() -> None:
    """Rerun the whole app once the background refresh has finished (shown while pending)."""
    with _LOCK:
        pending = [f for f in _FETCHES.values() if not f.done.is_set()]
    if not pending:
        st.rerun(scope="app")
