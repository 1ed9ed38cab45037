"""Cached loaders shared by every session of the process: the catalog once per process (until
a data or workspace file changes), and book evaluations keyed by content hashes.

Both use ``st.cache_resource``: the objects are immutable (frozen dataclasses whose arrays are
read-only), so every session reads the same one instead of a copy. Keys are content hashes of
the book, the catalog's files and the prices, never a user-chosen name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.result import BookEvaluation
from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import PriceQuote
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import Catalog, load_catalog
from exposure.scenarios.store import visible_scenarios
from exposure.storage.documents import Document
from exposure.ui.auth import current_user
from exposure.workspace import SAMPLE_PORTFOLIO, data_dir, home_dir, start_portfolio


def files_signature(*places: Path) -> str:
    """A cheap fingerprint (names, sizes, mtimes) of data files: each place is a file or a
    folder searched recursively (YAML and CSV)."""
    h = hashlib.sha1()
    for place in places:
        if not place.exists():
            continue
        paths = [place] if place.is_file() else sorted(
            p for p in place.rglob("*") if p.suffix in (".yaml", ".csv"))
        for path in paths:
            try:
                st_ = path.stat()
            except OSError:
                continue
            h.update(f"{path}:{st_.st_size}:{st_.st_mtime_ns};".encode())
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)
def _catalog(data: str, home: str, signature: str, _scenarios: tuple[Document, ...]) -> Catalog:
    catalog = load_catalog(data, home, strict_home=False, user_scenarios=_scenarios)
    object.__setattr__(catalog, "cache_key", signature)
    return catalog


def catalog_key(catalog: Catalog) -> str:
    """A stable cache key for a catalog (its files' signature)."""
    return str(getattr(catalog, "cache_key", id(catalog)))


def catalog_signature() -> str:
    """The signature of every workspace and data file the catalog reads."""
    data, home = data_dir(), home_dir()
    return files_signature(data, home / "companies.yaml", home / "funds", home / "events")


def get_catalog() -> Catalog:
    """The validated catalog (bundled data + workspace + the scenarios this user sees in the
    team store), one per process and set of visible scenarios until a file changes."""
    home = home_dir()
    stored = visible_scenarios(home, user=current_user())
    seen = ";".join(f"{d.space}/{d.key}@{d.version}" for d in stored)
    return _catalog(str(data_dir()), str(home), catalog_signature() + seen, stored)


@st.cache_resource(show_spinner=False, max_entries=4)
def _start(path: str, signature: str) -> Portfolio:
    return load_portfolio(path)


def get_start_portfolio() -> Portfolio:
    """The book a new session starts on: ``EXPOSURE_PORTFOLIO`` or the bundled sample."""
    path = start_portfolio()
    return _start(str(path), files_signature(path))


def get_sample_portfolio() -> Portfolio:
    """The bundled illustrative sample portfolio."""
    return _start(str(SAMPLE_PORTFOLIO), files_signature(SAMPLE_PORTFOLIO))


def portfolio_key(portfolio: Portfolio) -> str:
    """Content hash of a portfolio (holdings, cash, base currency, name)."""
    h = hashlib.sha1()
    h.update(pd.util.hash_pandas_object(portfolio.holdings, index=False).values.tobytes())
    h.update(f"{portfolio.cash}:{portfolio.base_currency}:{portfolio.name}".encode())
    return h.hexdigest()


def quotes_key(quotes: Mapping[str, PriceQuote] | None) -> str:
    """Content hash of a set of quotes (None: the bundled reference prices)."""
    if quotes is None:
        return "reference"
    h = hashlib.sha1()
    for ticker in sorted(quotes):
        q = quotes[ticker]
        h.update(f"{ticker}:{q.price!r}:{q.currency}:{q.as_of}:{q.source};".encode())
    return h.hexdigest()


def _freeze(book: BookEvaluation) -> BookEvaluation:
    """Make the shared arrays read-only: a page that tried to change one would fail loudly
    instead of changing every session's numbers."""
    ev, prof = book.evaluation, book.profiles
    for arr in (ev.market_value, ev.revenue_change, ev.value_change, ev.impact_usd,
                ev.portfolio_usd, ev.probabilities, ev.shocks, prof.exposures, prof.elasticity,
                book.fund_lookthrough_usd, *((ev.lookthrough,) if ev.lookthrough is not None
                                             else ())):
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return book


@st.cache_resource(show_spinner=False, max_entries=64)
def _book(pkey: str, ckey: str, scenario_ids: tuple[str, ...], case: str, qkey: str,
          lookthrough: bool, _portfolio: Portfolio, _catalog: Catalog,
          _quotes: dict[str, PriceQuote] | None) -> BookEvaluation:
    book = _freeze(evaluate_book(_portfolio, _catalog, list(scenario_ids) or None, case=case,
                                 lookthrough=lookthrough, quotes=_quotes))
    key = "|".join([pkey, ckey, ",".join(scenario_ids), case, qkey, str(lookthrough)])
    object.__setattr__(book, "cache_key", hashlib.sha1(key.encode()).hexdigest())
    return book


def book_key(book: BookEvaluation) -> str:
    """A content key of an evaluation's inputs (for caches of things computed from it)."""
    return str(getattr(book, "cache_key", id(book)))


def get_book(portfolio: Portfolio, catalog: Catalog, scenario_ids: Sequence[str],
             case: str = "central", quotes: dict[str, PriceQuote] | None = None,
             lookthrough: bool = False) -> BookEvaluation:
    """The one evaluation of ``portfolio`` for these inputs, shared by every session."""
    return _book(portfolio_key(portfolio), catalog_key(catalog), tuple(scenario_ids), case,
                 quotes_key(quotes), lookthrough, portfolio, catalog, quotes)


@st.cache_resource(show_spinner=False, max_entries=512)
def _figure(key: str, name: str, params: tuple[Hashable, ...],
            _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def book_figure(book: BookEvaluation, name: str, *params: Hashable,
                build: Callable[[], go.Figure]) -> go.Figure:
    """The chart ``name`` of this evaluation, built once per process and shared by every
    session: ``build()`` runs only the first time for (evaluation, ``name``, ``params``).

    ``params`` must name everything the figure depends on besides the evaluation (the
    scenario shown, labels, phone layout, ...). The display currency needs no parameter:
    it is the book's base currency at its rate, both in the evaluation's key
    (:func:`portfolio_key`, :func:`quotes_key`). The figure is shared, so nothing may change it
    after it is built; ``st.plotly_chart`` only reads it.
    """
    key = getattr(book, "cache_key", None)
    if key is None:  # not a shared evaluation (tests, the CLI): keep it with the evaluation
        return book.memo(("figure", name, params), build)
    return _figure(str(key), name, params, build)


def frame_key(*frames: pd.DataFrame | pd.Series) -> str | None:
    """A content hash of frames (values, index, columns, dtypes); None when a column holds
    values pandas cannot hash (lists, dicts)."""
    h = hashlib.sha1()
    try:
        for frame in frames:
            h.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
            names = frame.columns if isinstance(frame, pd.DataFrame) else [frame.name]
            h.update(repr([(str(c), str(frame[c].dtype) if isinstance(frame, pd.DataFrame)
                            else str(frame.dtype)) for c in names]).encode())
    except TypeError:
        return None
    return h.hexdigest()


def frame_figure(name: str, frames: Sequence[pd.DataFrame | pd.Series], *params: Hashable,
                 build: Callable[[], go.Figure]) -> go.Figure:
    """As :func:`book_figure` for a chart drawn from ``frames`` (and ``params``): keyed by
    the frames' content, so the same data gives the same shared figure whoever asks."""
    key = frame_key(*frames)
    return build() if key is None else _figure(key, name, params, build)


def catalog_figure(catalog: Catalog, name: str, *params: Hashable,
                   build: Callable[[], go.Figure]) -> go.Figure:
    """As :func:`book_figure` for a chart that depends on the catalog (and ``params``) only."""
    key = getattr(catalog, "cache_key", None)
    return build() if key is None else _figure(str(key), name, params, build)
