"""AppTest of the Weekly review page: take snapshots, compare, charts, no unsafe user text."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import load_catalog
from exposure.review.store import list_snapshots, take_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import errors, metric_values, page, plotly_specs
from tests.review_util import WEEK1, WEEK2, clock

PAGE = "pages/6_Weekly_review.py"
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _sample() -> Portfolio:
    return load_portfolio(SAMPLE_PORTFOLIO)


def _next_week(portfolio: Portfolio) -> Portfolio:
    """The sample with more NVDA and without INTC."""
    changed = portfolio.copy()
    h = changed.holdings
    h.loc[h["symbol"] == "NVDA", "quantity"] = 4000
    changed.holdings = h[h["symbol"] != "INTC"].reset_index(drop=True)
    return changed


def _titles(at: AppTest) -> list[str]:
    return [s["layout"]["title"]["text"] for s in plotly_specs(at)]


def test_without_snapshots_the_page_invites_to_take_one(home: Path) -> None:
    at = page(PAGE).run()
    assert errors(at) == []
    assert any("No snapshots yet" in i.value for i in at.info)
    assert at.button(key="review_take")


def test_two_snapshots_taken_on_the_page_show_the_diff(home: Path) -> None:
    at = page(PAGE).run()
    at.text_area(key="review_note").input(XSS)
    at.text_input(key="review_author").input("Ann")
    at.button(key="review_take").click().run()
    assert errors(at) == []
    assert any("Snapshot #1 taken" in s.value for s in at.success)
    assert any("Only one snapshot" in i.value for i in at.info)

    at.session_state["portfolio"] = _next_week(_sample())
    at.button(key="review_take").click().run()
    assert errors(at) == []
    infos = list_snapshots(home)
    assert [(i.note, i.author) for i in infos] == [(XSS, "Ann"), ("", "")]
    assert infos[0].holdings_count == infos[1].holdings_count + 1

    kpis = metric_values(at)
    assert kpis["Price moves"] == "$0"  # same reference prices: all of it is position
    assert kpis["Value change"] == kpis["Position changes"]
    changes = next(d.value for d in at.dataframe if "Price effect" in d.value.columns)
    assert dict(zip(changes["Holding"], changes["Status"], strict=True)) == {
        "NVIDIA (NVDA)": "Resized", "Intel (INTC)": "Removed"}
    titles = _titles(at)
    assert "Value bridge: price moves vs position changes" in titles
    assert any(t.startswith("Change in impact per holding") for t in titles)
    assert "Portfolio impact per scenario over all snapshots" in titles
    # user text never reaches markdown (it is shown in tables and plain text only)
    assert not any(XSS in m.value for m in at.markdown)
    assert not any(XSS in c.value for c in at.caption)


def test_snapshots_a_week_apart_compare_latest_with_previous(home: Path) -> None:
    catalog = load_catalog()
    first = evaluate_book(_sample(), catalog)
    second = evaluate_book(_next_week(_sample()), catalog)
    take_snapshot(first, catalog, note="week one", home=home, now=clock(WEEK1))
    take_snapshot(second, catalog, note="week two", home=home, now=clock(WEEK2))
    take_snapshot(first, catalog, note="an older one", home=home,
                  now=clock(WEEK1.replace(day=1)))

    at = page(PAGE).run()
    assert errors(at) == []
    assert at.selectbox(key="review_new").value == 2  # latest by time taken
    assert at.selectbox(key="review_old").value == 1  # the one before it
    assert any("(7.0 days)" in c.value for c in at.caption)
    history = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert list(history["Note"]) == ["week two", "week one", "an older one"]
    trend = next(s for s in plotly_specs(at)
                 if s["layout"]["title"]["text"].startswith("Portfolio impact per scenario over"))
    assert len(trend["data"]) == len(catalog.scenarios) + 1
    assert all(len(t["x"]) == 3 for t in trend["data"])

    at.selectbox(key="review_old").select(3).run()
    assert errors(at) == []
    assert any("(14.0 days)" in c.value for c in at.caption)


def test_comment_on_a_holding_and_sign_off_on_the_page(home: Path) -> None:
    from exposure.review import ritual

    at = page(PAGE).run()
    at.button(key="review_take").click().run()
    assert errors(at) == []
    assert at.get("dataframe")  # the reviews table lists the new, open review
    assert any("1 open" in c.value for c in at.caption)
    at.selectbox(key="review_on_1").select("holding").run()
    at.selectbox(key="review_on_holding_1").select("NVDA")
    at.text_area(key="review_comment_1").input("Trim before the vote")
    at.button(key="review_comment_add_1").click().run()
    assert errors(at) == []
    assert [(c.target_kind, c.target, c.body) for c in ritual.comments(1)] == [
        ("holding", "NVDA", "Trim before the vote")]
    at.button(key="review_signoff_1").click().run()
    assert errors(at) == []
    assert any(s.value.startswith("Reviewed by local user at") for s in at.success)
    assert at.button(key="review_signoff_1").disabled  # once per person
    assert ritual.review_statuses()[0].signed_line.startswith("reviewed by local user")
