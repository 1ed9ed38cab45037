"""AppTest of the Risk & uncertainty page, and its chart builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from exposure.charts import risk as charts_risk
from exposure.holdings.load import load_portfolio
from exposure.ui.light_table import TOP_ROWS
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import errors, markdown_tables, metric_values, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _money(text: str) -> float:
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}
    text = text.replace("$", "").replace(",", "")
    return float(text[:-1]) * scale[text[-1]] if text[-1] in scale else float(text)


def test_risk_page_shows_var_es_histogram_and_tornado() -> None:
    at = page("pages/5_Risk.py").run()
    assert errors(at) == []
    kpis = metric_values(at)
    # losses are negative everywhere: the shortfall is at least as deep as the VaR
    assert _money(kpis["Expected shortfall 95%"]) <= _money(kpis["VaR 95%"]) < 0
    assert _money(kpis["Expected shortfall 99%"]) <= _money(kpis["VaR 99%"])
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert titles[0].startswith("Distribution of portfolio change")
    assert titles[1].startswith("What drives the spread")
    holdings = len(load_portfolio(SAMPLE_PORTFOLIO).holdings)
    top = next(t for t in markdown_tables(at) if "ES contribution" in t.columns)
    assert list(top.columns) == ["ES contribution", "Holding", "Share of ES"]  # key column first
    assert len(top) == min(TOP_ROWS, holdings)
    losses = [_money(v) for v in top["ES contribution"]]
    assert losses == sorted(losses)  # the largest loss in the tail first
    assert all(v.endswith("%") for v in top["Share of ES"])
    at.session_state["es_contribution"] = True  # "All N holdings: sort, search, download"
    contrib = next(d.value for d in at.run().dataframe if "ES contribution" in d.value.columns)
    assert len(contrib) == holdings
    assert contrib["ES contribution"].round().tolist()[:len(top)] == losses


def test_a_new_session_draws_no_grid_on_risk() -> None:
    """The first screen is metrics, charts and Markdown tables: a grid would make a new
    browser session load the grid's code before the histogram (bench/bench_browser.py)."""
    at = page("pages/5_Risk.py").run()
    assert errors(at) == []
    assert len(at.dataframe) == 0
    tables = {t.columns[0]: t for t in markdown_tables(at)}
    assert {"ES contribution", "Percentile", "Scenario"} <= set(tables)
    assert tables["Percentile"]["Percentile"].tolist()[0].endswith(("st", "nd", "rd", "th"))
    assert sum(int(v.replace(",", "")) for v in tables["Scenario"]["Draws"]) == 20_000


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    at = page("pages/5_Risk.py").run()
    first = metric_values(at)["VaR 95%"]
    at.number_input(key="risk_seed").set_value(7).run()
    other = metric_values(at)["VaR 95%"]
    at.number_input(key="risk_seed").set_value(42).run()
    assert metric_values(at)["VaR 95%"] == first
    assert other != first


def test_histogram_marks_var_and_es_as_losses_left_of_zero() -> None:
    pnl = np.array([-100.0, -50.0, 0.0, 0.0, 20.0])
    fig = charts_risk.pnl_histogram(pnl, var_95=50.0, es_95=100.0, var_99=100.0, es_99=100.0, bins=5)
    xs = sorted(t.x[0] for t in fig.data[1:])  # one named line per VaR / ES
    assert xs == [-100.0, -100.0, -100.0, -50.0]
    assert sum(fig.data[0].y) == pytest.approx(100.0)


def test_tornado_bars_bracket_the_base_and_drop_zero_swings() -> None:
    frame = pd.DataFrame({"channel": ["a", "b", "c"], "low_usd": [-30.0, -12.0, -10.0],
                          "base_usd": [-10.0] * 3, "high_usd": [0.0, -9.0, -10.0],
                          "swing_usd": [30.0, 3.0, 0.0]})
    fig = charts_risk.tornado_chart(frame, {"a": "A", "b": "B"})
    low, high = fig.data
    assert list(low.y) == ["B", "A"]  # largest swing on top, zero swing dropped
    assert low.base == -10.0 and high.base == -10.0
    assert list(low.x) == pytest.approx([-2.0, -20.0])
    assert list(high.x) == pytest.approx([1.0, 10.0])
