"""Cached Monte Carlo runs for the Risk page, shared by every session (one per evaluation,
draws and seed)."""

from __future__ import annotations

import streamlit as st

from exposure.evaluation.result import BookEvaluation
from exposure.model.uncertainty import RiskResult, simulate
from exposure.ui.loaders import book_key


@st.cache_resource(show_spinner="Simulating…", max_entries=16)
def _risk(key: str, draws: int, seed: int, _book: BookEvaluation) -> RiskResult:
    ev = _book.evaluation
    return simulate(_book.profiles, ev.market_value, ev.scenarios, draws=draws, seed=seed,
                    operator=_book.operator)


def cached_risk(book: BookEvaluation, draws: int, seed: int) -> RiskResult:
    """The simulation of this evaluation (look-through included when it is on)."""
    return _risk(book_key(book), draws, seed, book)
