"""No crash on any book: generated books (empty, cash only, private only, funds only,
duplicates across accounts, unknown symbols, foreign currencies) go through the evaluation,
look-through, risk, the snapshot and the report, and the figures stay consistent."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure.evaluation.book import evaluate_book
from exposure.evaluation.summary import headline
from exposure.holdings.portfolio import CashBalance, Portfolio, normalise_holdings
from exposure.model.catalog import load_catalog
from exposure.model.uncertainty import simulate
from exposure.review.report import report_html
from exposure.review.snapshot import build_snapshot

CATALOG = load_catalog(include_home=False)
KNOWN = ["NVDA", "INTC", "AMD", "MSFT", "ASML", "TSM", "SMH", "SOXX", "CRWV", "BABA"]
PRIVATE = ["anthropic", "openai", "xai", "databricks"]
ODD = ["ZZZZ", "0700.HK", "ASML.AS", "SAP.DE", "BRK-B"]

holding = st.one_of(
    st.builds(lambda s, q, a: {"symbol": s, "quantity": q, "account": a},
              st.sampled_from(KNOWN + ODD), st.floats(0, 5000), st.sampled_from(["", "IRA", "Tax"])),
    st.builds(lambda s, v: {"symbol": s, "kind": "private", "market_value": v},
              st.sampled_from(PRIVATE), st.floats(0, 1e7)),
    st.builds(lambda s, v, c, d: {"symbol": s, "market_value": v, "currency": c,
                                  "statement_date": d},
              st.sampled_from(KNOWN + ODD), st.floats(0, 1e6),
              st.sampled_from(["USD", "EUR", "HKD", "TWD", "JPY"]),
              st.sampled_from(["", "2026-11-28"])),
    st.builds(lambda s, q: {"symbol": s, "kind": "fund", "segment": "fund", "quantity": q},
              st.sampled_from(["SMH", "SOXX", "QQQ", "XLK"]), st.floats(0, 500)),
)
books = st.builds(
    lambda rows, cash: Portfolio("Generated", normalise_holdings(pd.DataFrame(rows)),
                                 cash=[CashBalance(c, a) for c, a in cash]),
    st.lists(holding, max_size=12),
    st.lists(st.tuples(st.sampled_from(["USD", "EUR", "TWD", "CHF"]), st.floats(0, 1e5)),
             max_size=3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books, st.booleans(), st.sampled_from(["adverse", "central", "favourable"]))
def test_every_book_evaluates_and_its_figures_hold_together(book, lookthrough, case) -> None:
    result = evaluate_book(book, CATALOG, case=case, lookthrough=lookthrough)
    ev = result.evaluation
    assert ev.impact_usd.shape == (len(book.holdings), len(CATALOG.scenarios))
    assert np.isfinite(ev.impact_usd).all() and np.isfinite(ev.total_value_usd)
    assert (ev.value_change >= -1.0 - 1e-12).all()
    assert ev.portfolio_usd == pytest.approx(ev.impact_usd.sum(axis=0))
    by_symbol = result.symbol_frame()
    assert by_symbol.groupby("scenario", observed=True)["impact_usd"].sum().reindex(
        list(ev.scenarios.ids), fill_value=0.0).to_numpy() == pytest.approx(ev.portfolio_usd, abs=1e-6)
    assert isinstance(headline(result).text, str)
    risk = simulate(result.profiles, ev.market_value, ev.scenarios, draws=100, seed=1,
                    operator=result.operator)
    assert risk.es_95 >= risk.var_95 - 1e-9
    snap = build_snapshot(result, CATALOG, taken_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert report_html(snap, CATALOG).startswith("<!DOCTYPE html>")
