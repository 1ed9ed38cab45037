"""AppTest of the policy timeline & evidence page: offline fallback and a real event study
on synthetic price history served through the price chain's interface."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from exposure.market.result import PriceResult
from exposure.ui import evidence_view
from exposure.ui.light_table import TOP_ROWS
from exposure.ui.widgets import ABOUT_KEY
from tests.apptest_util import errors, markdown_tables, metric_values, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()


def test_timeline_lists_every_event_and_filters_by_jurisdiction() -> None:
    at = page("pages/4_Evidence.py").run()
    assert errors(at) == []
    timeline = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "Policy timeline")
    assert sum(len(t["x"]) for t in timeline["data"]) == 48
    assert len(at.dataframe) == 0  # the newest events as Markdown, the grid on demand
    newest = next(t for t in markdown_tables(at) if "Event" in t.columns)
    assert len(newest) == TOP_ROWS
    dates = [datetime.strptime(d, "%d %b %Y") for d in newest["Date"]]
    assert dates == sorted(dates, reverse=True)
    assert newest["Source"].str.fullmatch(r"\[[a-z0-9.-]+\]\(https://\S+\)").all()
    at.multiselect(key="ev_jur").set_value(["CN"]).run()
    assert set(next(t for t in markdown_tables(at) if "Event" in t.columns)["Where"]) == {"CN"}
    at.session_state["events_table"] = True  # "All N events: sort, search, download"
    table = at.run().dataframe[0].value
    assert len(table) > 0 and set(table["Where"]) == {"CN"}
    assert table["Source"].str.startswith("http").all()


STUDY = "pages/4_Evidence.py?ev_tab=Event+study"  # each tab runs only when shown
VALIDATION = "pages/4_Evidence.py?ev_tab=Model+vs+market"


def test_offline_shows_reported_moves_instead_of_empty_charts() -> None:
    at = page(STUDY).run()
    assert any("No price history" in i.value for i in at.info)
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert "Moves reported in the news around policy events" in titles
    moves = next(d.value for d in at.dataframe if "Move" in d.value.columns)
    assert moves["Source"].str.startswith("http").all()
    at.query_params["ev_tab"] = "Model vs market"
    at.run()
    assert errors(at) == []
    assert "Spearman rank correlation" in metric_values(at)


def test_a_new_session_runs_only_the_tab_it_shows() -> None:
    at = page("pages/4_Evidence.py").run()
    assert errors(at) == []
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert titles == ["Policy timeline"]  # not the event study's or the validation's charts
    assert "Spearman rank correlation" not in metric_values(at)
    assert [t.label for t in at.tabs] == ["Timeline", "Event study", "Model vs market",
                                          "Out-of-sample scorecard"]


class _FakeChain:
    """Serves synthetic closes: NVDA drops 8% abnormally on the H20 licence event's day 0."""

    def history(self, tickers, start, end) -> PriceResult:  # type: ignore[no-untyped-def]
        days = pd.bdate_range("2024-01-02", "2025-12-31")
        rng = np.random.default_rng(7)
        market = rng.normal(0.0004, 0.01, len(days))
        frame = {}
        for i, t in enumerate(sorted(set(tickers))):
            r = 0.0002 + (1.2 if t != "SPY" else 1.0) * market + rng.normal(0, 0.004 + i * 1e-4, len(days))
            if t == "NVDA":
                r[days.get_loc(pd.Timestamp("2025-04-16"))] -= 0.08  # after-close 15 Apr -> 16 Apr
            frame[t] = 100 * np.exp(np.cumsum(r))
        closes = pd.DataFrame(frame, index=days)
        return PriceResult("history", closes, {t: "cache" for t in closes},
                           {t: date(2025, 12, 31) for t in closes}, {}, {}, tuple(tickers))


def test_event_study_recovers_the_injected_abnormal_return(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_view, "price_chain", lambda *a, **k: _FakeChain())
    at = page(STUDY).run()
    assert errors(at) == []
    at.selectbox(key="ev_study_event").select("us_2025_04_h20_mi308_license").run()
    car = next(d.value for d in at.dataframe if "t-statistic" in d.value.columns)
    nvda = car.set_index("Ticker").loc["NVDA"]
    assert nvda["CAR"] == pytest.approx(-0.08, abs=0.02)
    assert nvda["t-statistic"] < -2
    assert any(s["layout"]["title"]["text"].startswith("CAR") for s in plotly_specs(at))
    at.selectbox(key="ev_bench").select("SOXX").run()
    at.query_params["ev_tab"] = "Model vs market"  # the event study's benchmark carries over
    at.run()
    at.selectbox(key="ev_val_event").set_value("us_2025_04_h20_mi308_license").run()
    assert errors(at) == []
    assert any("Realised: CAR [0,+1] vs SOXX." in c.value for c in at.caption)
    at.query_params["ev_tab"] = "Event study"  # and the study's choices are kept
    at.run()
    assert at.selectbox(key="ev_bench").value == "SOXX"
    assert at.selectbox(key="ev_study_event").value == "us_2025_04_h20_mi308_license"


def test_holding_page_charts_prices_with_policy_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_view, "price_chain", lambda *a, **k: _FakeChain())
    at = page("pages/3_Holding.py").run()
    at.selectbox(key="holding").select("NVDA").run()
    assert errors(at) == []
    chart = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "NVDA price with policy events")
    markers = next(t for t in chart["data"] if t.get("name") == "policy event")
    assert len(markers["x"]) > 10  # events within 2024-2025 are marked


def test_holding_page_offline_says_why_there_is_no_price_chart() -> None:
    at = page("pages/3_Holding.py")
    at.session_state[ABOUT_KEY] = True  # "About the data" runs only while open
    at.run()
    at.selectbox(key="holding").select("NVDA").run()
    assert any("no price chart" in c.value for c in at.caption)
    about = next(e for e in at.expander if e.label == "About the data")
    assert any("no price history available" in c.value for c in about.caption)
