"""Cached loaders: catalog and evaluations, so widget changes never reload files.

The catalog cache key is a signature of every data and workspace file's mtime and size, so an
edit on disk (a saved scenario) is picked up on the next rerun without a restart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import PriceQuote
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.analysis import LookthroughResult, analyse_lookthrough
from exposure.model.analysis import Analysis, analyse
from exposure.model.catalog import Catalog, load_catalog
from exposure.scenarios.store import visible_scenarios
from exposure.storage.documents import Document
from exposure.ui.auth import current_user
from exposure.workspace import SAMPLE_PORTFOLIO, data_dir, home_dir


def files_signature(*places: Path) -> str:
    """A cheap fingerprint (names, sizes, mtimes) of YAML files: each place is a file or a
    folder searched recursively."""
    h = hashlib.sha1()
    for place in places:
        if not place.exists():
            continue
        paths = [place] if place.is_file() else sorted(place.rglob("*.yaml"))
        for path in paths:
            try:
                st_ = path.stat()
            except OSError:
                continue
            h.update(f"{path}:{st_.st_size}:{st_.st_mtime_ns};".encode())
    return h.hexdigest()


@st.cache_data(show_spinner=False, max_entries=8)
def _catalog(data: str, home: str, signature: str, _scenarios: tuple[Document, ...]) -> Catalog:
    catalog = load_catalog(data, home, strict_home=False, user_scenarios=_scenarios)
    object.__setattr__(catalog, "cache_key", signature)  # travels with every cached copy
    return catalog


def catalog_key(catalog: Catalog) -> str:
    """A stable cache key for a catalog (its files' signature), identical across copies."""
    return str(getattr(catalog, "cache_key", id(catalog)))


def get_catalog() -> Catalog:
    """The validated catalog (bundled data + workspace + the scenarios this user sees in the
    team store), cached until a file or a visible scenario changes."""
    data, home = data_dir(), home_dir()
    stored = visible_scenarios(home, user=current_user())
    seen = ";".join(f"{d.space}/{d.key}@{d.version}" for d in stored)
    return _catalog(str(data), str(home), files_signature(data, home / "companies.yaml",
                                                          home / "funds") + seen, stored)


@st.cache_data(show_spinner=False, max_entries=4)
def _sample(path: str, signature: str) -> Portfolio:
    return load_portfolio(path)


def get_sample_portfolio() -> Portfolio:
    """The bundled illustrative sample portfolio."""
    path = SAMPLE_PORTFOLIO
    return _sample(str(path), files_signature(path.parent))


def portfolio_key(portfolio: Portfolio) -> str:
    """Content hash of a portfolio (holdings and cash), used as a cache key."""
    h = hashlib.sha1()
    h.update(pd.util.hash_pandas_object(portfolio.holdings, index=False).values.tobytes())
    h.update(f"{portfolio.cash}:{portfolio.cash_currency}:{portfolio.name}".encode())
    return h.hexdigest()


@st.cache_data(show_spinner=False, max_entries=64)
def _analysis(pkey: str, ckey: str, scenario_ids: tuple[str, ...], case: str,
              quotes_key: str, _portfolio: Portfolio, _catalog: Catalog,
              _quotes: dict[str, PriceQuote] | None) -> Analysis:
    return analyse(_portfolio, _catalog, list(scenario_ids) or None, quotes=_quotes, case=case)  # type: ignore[arg-type]


def get_analysis(portfolio: Portfolio, catalog: Catalog, scenario_ids: Sequence[str],
                 case: str = "base", quotes: dict[str, PriceQuote] | None = None,
                 quotes_key: str = "reference") -> Analysis:
    """Evaluate ``portfolio``; cached per (portfolio content, catalog, scenarios, case, prices).

    ``st.cache_data`` hands every caller its own copy, so a page can never alter the shared
    entry; keys include the portfolio's content hash, never a user-chosen name.
    """
    return _analysis(portfolio_key(portfolio), catalog_key(catalog), tuple(scenario_ids), case,
                     quotes_key, portfolio, catalog, quotes)


@st.cache_data(show_spinner=False, max_entries=32)
def _lookthrough(pkey: str, ckey: str, scenario_ids: tuple[str, ...], case: str,
                 quotes_key: str, second_order: bool, _portfolio: Portfolio, _catalog: Catalog,
                 _quotes: dict[str, PriceQuote] | None) -> LookthroughResult:
    return analyse_lookthrough(_portfolio, _catalog, list(scenario_ids) or None, quotes=_quotes,
                               case=case, second_order=second_order)  # type: ignore[arg-type]


def get_lookthrough(portfolio: Portfolio, catalog: Catalog, scenario_ids: Sequence[str],
                    case: str = "base", quotes: dict[str, PriceQuote] | None = None,
                    quotes_key: str = "reference", second_order: bool = False) -> LookthroughResult:
    """The look-through evaluation, cached like :func:`get_analysis`."""
    return _lookthrough(portfolio_key(portfolio), catalog_key(catalog), tuple(scenario_ids), case,
                        quotes_key, second_order, portfolio, catalog, quotes)
