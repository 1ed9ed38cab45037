"""Every view shows the same figure for the same inputs: for every library scenario, with
look-through off and on, the Overview KPI, the scenario bars, Compare, the editor preview at
zero edits, the Holding waterfall, the Risk page at zero-width ranges, the snapshot and the
HTML report agree with the one evaluation (read from what the pages render)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
import yaml

from exposure.evaluation.book import evaluate_book
from exposure.formatting import money
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.review.report import report_html
from exposure.review.snapshot import build_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import (
    errors,
    markdown_tables,
    metric_values,
    page,
    plotly_array,
    plotly_specs,
)

CASES = [pytest.param(False, id="look-through off"), pytest.param(True, id="look-through on")]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def expected(lookthrough: bool):
    catalog = load_catalog()
    return catalog, evaluate_book(load_portfolio(SAMPLE_PORTFOLIO), catalog, lookthrough=lookthrough)


def started(path: str, lookthrough: bool):
    at = page(path, timeout=60)
    if lookthrough:
        at.query_params["lt"] = "1"
    return at.run()


@pytest.mark.parametrize("lookthrough", CASES)
def test_overview_kpi_and_bars_show_the_evaluation(lookthrough: bool) -> None:
    catalog, book = expected(lookthrough)
    ev = book.evaluation
    at = started("app.py", lookthrough)
    bars = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith(
        "Portfolio impact per scenario"))["data"][0]
    x = plotly_array(bars["x"])
    shown = {row[1]: v for row, v in zip(plotly_array(bars["customdata"]), x, strict=True)}
    for j, sid in enumerate(ev.scenarios.ids):
        assert shown[catalog.scenarios[sid].title] == pytest.approx(ev.portfolio_usd[j], abs=0.01)
        at.sidebar.selectbox(key="scenario").select(sid).run()
        assert errors(at) == []
        kpi = metric_values(at)[f"Impact: {catalog.scenarios[sid].label}"]
        assert kpi == money(float(ev.portfolio_usd[j])), sid


@pytest.mark.parametrize("lookthrough", CASES)
def test_compare_and_the_editor_at_zero_edits_show_the_evaluation(lookthrough: bool) -> None:
    catalog, book = expected(lookthrough)
    ev = book.evaluation
    impact = dict(zip(ev.scenarios.ids, ev.portfolio_usd, strict=True))
    at = started("pages/2_Scenarios.py?sc_tab=Compare", lookthrough)  # tabs run when shown
    ids = list(ev.scenarios.ids)
    for start in range(0, len(ids), 4):
        chunk = ids[start:start + 4] if len(ids[start:start + 4]) >= 2 else ids[-2:]
        at.multiselect(key="compare").set_value(chunk).run()
        assert errors(at) == []
        shown = metric_values(at)
        for sid in chunk:
            assert shown[catalog.scenarios[sid].label] == money(float(impact[sid])), sid
    at = started("pages/2_Scenarios.py?sc_tab=Editor", lookthrough)
    for sid in ids:
        at.selectbox(key="ed_base").select(sid).run()
        preview = metric_values(at)["Edited scenario: portfolio impact"]
        assert preview == money(float(impact[sid])), sid


@pytest.mark.parametrize("lookthrough", CASES)
def test_holding_waterfall_totals_are_the_holdings_impacts(lookthrough: bool) -> None:
    catalog, book = expected(lookthrough)
    ev = book.evaluation
    by_symbol = book.symbol_frame().set_index(["symbol", "scenario"])["impact_usd"]
    at = started("pages/3_Holding.py", lookthrough)
    symbol = at.selectbox(key="holding").value
    for sid in ev.scenarios.ids:
        at.sidebar.selectbox(key="scenario").select(sid).run()
        wf = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "waterfall")["data"][0]
        assert plotly_array(wf["y"])[-1] == pytest.approx(by_symbol[(symbol, sid)], abs=0.01), sid
    # and over every holding the waterfalls add up to the portfolio's impact
    for j, sid in enumerate(ev.scenarios.ids):
        total = sum(book.waterfall(s, sid)["usd"].sum() for s in dict.fromkeys(ev.profiles.symbols))
        assert total == pytest.approx(ev.portfolio_usd[j], abs=0.01)


def zero_width_library(home: Path) -> None:
    """Every library scenario again in the workspace, with low = base = high."""
    catalog = load_catalog()
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    for scn in catalog.scenarios.values():
        doc = scn.model_dump(mode="json", exclude_none=True)
        for shock in doc["shocks"].values():
            shock["low"] = shock["high"] = shock["base"]
        (folder / f"{scn.id}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize("lookthrough", CASES)
def test_risk_at_zero_width_ranges_gives_each_scenarios_impact(lookthrough: bool,
                                                               home: Path) -> None:
    zero_width_library(home)
    catalog, book = expected(lookthrough)
    ev = book.evaluation
    at = started("pages/5_Risk.py", lookthrough)
    assert errors(at) == []
    table = next(t for t in markdown_tables(at) if "Mean change when it happens" in t.columns)
    shown = dict(zip(table["Scenario"], table["Mean change when it happens"], strict=True))
    for j, sid in enumerate(ev.scenarios.ids):
        label = catalog.scenarios[sid].label  # written in whole dollars: within half a dollar
        dollars = float(shown[label].replace("$", "").replace(",", ""))
        assert dollars == pytest.approx(float(ev.portfolio_usd[j]), abs=0.51), sid


@pytest.mark.parametrize("lookthrough", CASES)
def test_snapshot_and_report_carry_the_same_figures(lookthrough: bool) -> None:
    catalog, book = expected(lookthrough)
    ev = book.evaluation
    snap = build_snapshot(book, catalog, taken_at=datetime(2026, 12, 1, tzinfo=UTC))
    recorded = dict(zip(snap.portfolio["scenario"], snap.portfolio["impact_usd"], strict=True))
    html = report_html(snap, catalog, generated_at=datetime(2026, 12, 2, tzinfo=UTC))
    for j, sid in enumerate(ev.scenarios.ids):
        assert recorded[sid] == pytest.approx(ev.portfolio_usd[j], abs=1e-6)
        assert f'<td class="num">{money(float(ev.portfolio_usd[j]))}</td>' in html, sid
