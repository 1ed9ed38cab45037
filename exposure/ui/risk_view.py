"""Cached Monte Carlo runs for the Risk page (one per portfolio, scenario set, draws, seed)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from exposure.analysis import Analysis
from exposure.catalog import Catalog
from exposure.portfolio import Portfolio
from exposure.ui.loaders import portfolio_key
from exposure.uncertainty import RiskResult, simulate


@st.cache_resource(show_spinner="Simulating…", max_entries=16)
def _risk(pkey: str, ckey: int, scenario_ids: tuple[str, ...], draws: int, seed: int,
          _analysis: Analysis) -> RiskResult:
    ev = _analysis.evaluation
    return simulate(_analysis.profiles, ev.market_value, ev.scenarios, draws=draws, seed=seed)


def cached_risk(portfolio: Portfolio, catalog: Catalog, analysis: Analysis,
                scenario_ids: Sequence[str], draws: int, seed: int) -> RiskResult:
    """The simulation for these inputs; results are immutable, so sharing them is safe."""
    return _risk(portfolio_key(portfolio), id(catalog), tuple(scenario_ids), draws, seed, analysis)
