"""Cached Monte Carlo runs for the Risk page (one per portfolio, scenario set, draws, seed)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from exposure.holdings.portfolio import Portfolio
from exposure.model.analysis import Analysis
from exposure.model.catalog import Catalog
from exposure.model.uncertainty import RiskResult, simulate
from exposure.ui.loaders import catalog_key, portfolio_key


@st.cache_data(show_spinner="Simulating…", max_entries=16)
def _risk(pkey: str, ckey: str, scenario_ids: tuple[str, ...], draws: int, seed: int,
          lookthrough: bool, _analysis: Analysis) -> RiskResult:
    ev = _analysis.evaluation
    return simulate(_analysis.profiles, ev.market_value, ev.scenarios, draws=draws, seed=seed)


def cached_risk(portfolio: Portfolio, catalog: Catalog, analysis: Analysis,
                scenario_ids: Sequence[str], draws: int, seed: int,
                lookthrough: bool = False) -> RiskResult:
    """The simulation for these inputs (cached; each caller gets its own copy)."""
    return _risk(portfolio_key(portfolio), catalog_key(catalog), tuple(scenario_ids), draws, seed,
                 lookthrough, analysis)
