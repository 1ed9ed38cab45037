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
from pathlib import Path

import streamlit as st

from exposure.holdings.market_value import PriceQuote, tickers_to_quote
from exposure.holdings.portfolio import Portfolio
from exposure.market.result import quotes_from_result, status_line
from exposure.market.yahoo import is_offline, price_chain
from exposure.model.catalog import Catalog
from exposure.ui.loaders import catalog_key
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


LOCAL_TTL_S = 60.0
"""Local quotes are reread at least this often (a cached close turns stale with time)."""


@st.cache_resource(show_spinner=False, max_entries=64, ttl=LOCAL_TTL_S)
def _local_cached(tickers: tuple[str, ...], home: str, catalog_key: str, cache_signature: str,
                  _catalog: Catalog) -> tuple[dict[str, PriceQuote], str]:
    result = price_chain(home, catalog=_catalog, offline=True).latest(list(tickers))
    return quotes_from_result(result), status_line(result)


def _cache_signature(home: str) -> str:
    """Sizes and mtimes of the price cache's files: a change to the cache is a new key."""
    parts = []
    for suffix in ("", "-wal", "-journal"):
        try:
            st_ = (Path(home) / f"prices.sqlite{suffix}").stat()
            parts.append(f"{suffix}:{st_.st_size}:{st_.st_mtime_ns}")
        except OSError:
            continue
    return ";".join(parts)


def _local(tickers: tuple[str, ...], home: str, catalog: Catalog) -> tuple[dict[str, PriceQuote], str]:
    """Quotes from this machine only: the price cache, then the reference data. Shared by
    every session until the price cache or the catalog changes (or :data:`LOCAL_TTL_S`)."""
    quotes, status = _local_cached(tickers, home, catalog_key(catalog), _cache_signature(home),
                                   catalog)
    return dict(quotes), status


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
    """Forget live and local quotes so the next run asks the cache and Yahoo again."""
    with _LOCK:
        _FETCHES.clear()
    _local_cached.clear()


@st.fragment(run_every=1.0)
def live_price_watcher() -> None:
    """Rerun the whole app once the background refresh has finished (shown while pending)."""
    with _LOCK:
        pending = [f for f in _FETCHES.values() if not f.done.is_set()]
    if not pending:
        st.rerun(scope="app")
