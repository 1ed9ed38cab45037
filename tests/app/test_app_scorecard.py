"""AppTest: the Evidence page shows the out-of-sample scorecard offline (from the shipped
closes), and the Methodology page the elasticities before and after calibration."""

from __future__ import annotations

import pytest
import streamlit as st

from exposure.evidence.scorecard import compute_scorecard, scorecard_headline
from exposure.ui.widgets import ABOUT_KEY
from exposure.workspace import DATA_DIR
from tests.apptest_util import errors, metric_values, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_scorecard_runs_only_when_its_tab_is_open() -> None:
    at = page("pages/4_Evidence.py").run()
    assert errors(at) == [] and "Policy days scored" not in metric_values(at)


def test_evidence_page_shows_the_scorecard_offline() -> None:
    expected = compute_scorecard(DATA_DIR)
    at = page("pages/4_Evidence.py", timeout=120)
    at.query_params["ev_tab"] = "Out-of-sample scorecard"  # the shareable deep link
    at.session_state[ABOUT_KEY] = True  # "About the data" (it runs only while open)
    at.run()
    assert errors(at) == []
    metrics = metric_values(at)
    assert metrics["Policy days scored"] == str(expected.events_scored)
    assert metrics["Pooled Spearman"] == f"{expected.spearman_pooled:+.2f}"
    headline = scorecard_headline(expected)
    assert any(headline[1:] in m.value for m in at.markdown)
    assert any("shipped closes to 2026-07-31" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "Scenario it resembles" in d.value.columns)
    assert len(table) == expected.events_scored >= 12
    assert (table["Tickers"] >= 8).all()
    assert {"Spearman", "p-value (one-sided)", "Sign accuracy"} <= set(table.columns)
    scatter = next(s for s in plotly_specs(at)
                   if s["layout"]["title"]["text"] == "Predicted vs realised, out of sample")
    diagonal = next(t for t in scatter["data"] if t.get("name") == "perfect prediction")
    assert diagonal["x"] == diagonal["y"] and diagonal["x"][0] < 0 < diagonal["x"][1]
    assert sum(len(t["customdata"]) for t in scatter["data"] if t.get("mode") == "markers") \
        == expected.pairs
    misses = next(d.value for d in at.dataframe if "Likely cause" in d.value.columns)
    assert len(misses) == len(expected.misses) and misses["Likely cause"].str.len().gt(0).all()
    assert "Reported in the news (cross-check)" in misses.columns
    unscored = next(d.value for d in at.dataframe if "Why not" in d.value.columns)
    assert "gulf_2025_05_deals" in set(unscored["Event"])


def test_methodology_page_shows_prior_estimate_interval_and_the_k_used() -> None:
    at = page("pages/7_Methodology.py?meth_tab=Calibration+%26+scorecard").run()
    assert errors(at) == []
    table = next(d.value for d in at.dataframe if "Prior (judgement)" in d.value.columns)
    chips = table.set_index("Segment or holding").loc[
        "Chips (AI accelerators, CPUs, networking, foundry)"]
    assert chips["Prior (judgement)"] == 1.3
    assert chips["95% interval"] and chips["Events"] >= 12
    assert chips["Source of k used"] in {"prior (segment)", "estimate (segment)"}
    assert any("Does the model rank real policy days?" in m.value for m in at.markdown)
