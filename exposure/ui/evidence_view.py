"""Data for the evidence page: price history (cached, failures never cached), the model's
predicted value changes for a scenario, and the news-reported moves as a fallback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from exposure.market.yahoo import is_offline, price_chain
from exposure.model.catalog import Catalog
from exposure.model.engine import ProfileSource, evaluate, resolve_profiles, scenario_set
from exposure.workspace import home_dir


@dataclass(frozen=True)
class History:
    """Daily closes (DatetimeIndex x tickers) and a status line; empty frame = none."""

    closes: pd.DataFrame
    status: str
    failures: dict[str, str]


class _NoHistory(Exception):
    """Raised inside the cached loader so that a failed load is never cached."""

    def __init__(self, failures: dict[str, str], notes: tuple[str, ...]) -> None:
        super().__init__("no history")
        self.failures = failures
        self.notes = notes


@st.cache_data(ttl=1800, show_spinner="Loading price history…", max_entries=8)
def _history(tickers: tuple[str, ...], start: date, end: date, home: str, offline: bool,
             _catalog: Catalog) -> tuple[pd.DataFrame, dict[str, str], tuple[str, ...]]:
    chain = price_chain(home, catalog=_catalog, offline=offline, deadline=8.0)
    result = chain.history(list(tickers), start, end)
    closes = result.frame.dropna(axis=1, how="all")
    if closes.empty or len(closes) < 60:
        raise _NoHistory(result.failures, result.notes)
    labels = sorted(set(result.sources.values()))
    return closes, result.failures, tuple(labels)


def load_history(catalog: Catalog, tickers: Sequence[str], start: date, end: date) -> History:
    """Closes for ``tickers`` from the price chain (cache first; Yahoo unless offline)."""
    offline = is_offline()
    try:
        closes, failures, labels = _history(tuple(sorted(set(tickers))), start, end,
                                            str(home_dir()), offline, catalog)
    except _NoHistory as none:
        why = "offline" if offline else "no price source answered"
        if none.notes:
            why += f" ({'; '.join(none.notes)})"
        return History(pd.DataFrame(), f"no price history available: {why}", none.failures)
    first, last = closes.index.min().date(), closes.index.max().date()
    return History(closes, f"price history {first} to {last} from {', '.join(labels)}", failures)


def predicted_value_change(catalog: Catalog, scenario_id: str, tickers: Sequence[str]) -> pd.Series:
    """The engine's value change (fraction) per ticker under one scenario, base case."""
    holdings = pd.DataFrame({"symbol": list(tickers), "segment": [""] * len(tickers)})
    profiles = resolve_profiles(holdings, catalog)
    ev = evaluate(profiles, np.ones(len(tickers)), scenario_set(catalog, [scenario_id]))
    known = profiles.profile_source == ProfileSource.PROFILE
    return pd.Series(ev.value_change[known, 0], index=profiles.symbols[known].astype(str))


def reported_moves(catalog: Catalog) -> pd.DataFrame:
    """News-reported moves: event, event_id, date, ticker, move_pct, basis, source, tier."""
    rows = []
    for em in catalog.event_moves:
        title = catalog.events[em.event_id].title
        for m in em.moves:
            rows.append({"event": title, "event_id": em.event_id, "date": em.date,
                         "ticker": m.ticker, "move_pct": m.move_pct, "basis": m.basis,
                         "source": m.source, "tier": m.tier})
    return pd.DataFrame(rows, columns=["event", "event_id", "date", "ticker", "move_pct",
                                       "basis", "source", "tier"])


def linked_scenarios(catalog: Catalog, event_id: str) -> list[str]:
    """Scenario ids that name this event among the real events they resemble."""
    return [s.id for s in catalog.scenarios.values() if event_id in s.events]
