""""Report in" on the Portfolio page: picking EUR shows every amount in euros at the dated
reference rate, on the Overview (KPIs, charts, table), the Risk page and the Holding page; the
choice is the book's base currency, so a save keeps it. A currency without a rate stays USD
and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.holdings.store import load_saved
from exposure.model.catalog import load_catalog
from exposure.review.store import list_snapshots, take_snapshot
from exposure.ui.sidebar import PORTFOLIO_KEY
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import errors, markdown_tables, page, plotly_array, plotly_specs
from tests.review_util import WEEK1, WEEK2, clock


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def eur_per_usd() -> float:
    """Units of EUR per USD from the bundled ECB reference table (30 Oct 2026)."""
    rate = load_catalog().reference_prices["EURUSD=X"]
    assert str(rate.as_of) == "2026-10-30"
    return 1.0 / rate.close


def amount(text: str) -> float:
    """``-€1.23M`` -> -1230000.0 (any sign: $, €)."""
    negative = text.startswith("-")
    body = text.lstrip("-").lstrip("$€")
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(body[-1], 1.0)
    value = float(body.rstrip("kMB").replace(",", "")) * scale
    return -value if negative else value


def metric(at: AppTest, label: str) -> tuple[str, str]:
    """(value, tooltip) of the page's first metric called ``label`` (not the sidebar's)."""
    found = next(m for m in at.main.metric if m.label == label)
    return found.value, found.proto.help


def spec(at: AppTest, title: str) -> dict:
    return next(s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith(title))


def report_in(at: AppTest, code: str) -> AppTest:
    at.switch_page("pages/1_Portfolio.py").run()
    at.selectbox(key="pf_report_in").select(code).run()
    assert errors(at) == []
    return at


def test_report_in_offers_usd_and_the_dated_rates_defaulting_to_the_book() -> None:
    at = page("pages/1_Portfolio.py", timeout=60).run()
    picker = at.selectbox(key="pf_report_in")
    assert picker.value == "USD" and picker.options[0] == "USD"
    assert {"EUR", "GBP", "JPY", "CHF"} <= set(picker.options)
    assert "TWD" not in picker.options  # no dated TWD rate anywhere


def test_euros_on_every_page_after_choosing_eur(eur_per_usd: float) -> None:
    at = page("app.py", timeout=90)
    at.session_state["top_exposures"] = True  # the sortable grid below the light table
    at.run()
    usd_value, _ = metric(at, "Portfolio value")
    usd_light = markdown_tables(at)[0]
    usd_bars = spec(at, "Portfolio impact per scenario")["data"][0]
    usd_table = next(d.value for d in at.dataframe if "Impact" in d.value.columns)

    report_in(at, "EUR")
    assert at.session_state[PORTFOLIO_KEY].base_currency == "EUR"
    assert any("EUR at 0.8951 EUR per USD" in c.value for c in at.main.caption)

    at.switch_page("app.py").run()
    assert errors(at) == []
    value, help_text = metric(at, "Portfolio value")
    assert value.startswith("€")
    assert amount(value) == pytest.approx(amount(usd_value) * eur_per_usd, rel=0.005)
    assert "EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)" in help_text
    assert "charts and tables are in USD" not in help_text
    assert metric(at, "Probability-weighted impact")[0].startswith("-€")
    # the sidebar says so in one line
    assert any("amounts in EUR" in c.value for c in at.sidebar.caption)

    bars = spec(at, "Portfolio impact per scenario")
    assert bars["layout"]["xaxis"]["title"]["text"] == "portfolio impact (EUR)"
    assert all(t.lstrip("-").startswith("€") for t in bars["layout"]["xaxis"]["ticktext"])
    assert plotly_array(bars["data"][0]["x"]) == pytest.approx(
        [v * eur_per_usd for v in plotly_array(usd_bars["x"])])
    assert all(t.lstrip("-").startswith("€") for t in bars["data"][0]["text"])
    at.query_params["ov_view"] = "Holding × scenario"  # the heatmap's view
    at.run()
    heat = spec(at, "Value change by holding and scenario")["data"][0]
    assert any("€" in cell for row in heat["customdata"] for cell in row)
    at.query_params["ov_view"] = "Per scenario"
    at.run()

    shown = next(d for d in at.dataframe if "Impact" in d.value.columns)
    assert shown.value["Impact"].tolist() == pytest.approx(
        (usd_table["Impact"] * eur_per_usd).tolist())
    impact = json.loads(shown.proto.columns)["Impact"]  # the column config as shown
    assert impact["type_config"]["format"] == "euro" and impact["type_config"]["step"] == 1
    assert "EUR at 0.8951 EUR per USD" in impact["help"]
    light = markdown_tables(at)[0]  # the first screen's table, as written
    assert list(light["Holding"]) == list(usd_light["Holding"])
    assert all(v.lstrip("-").startswith("€") for v in light["Impact"])
    assert amount(light["Impact"][0]) == pytest.approx(
        amount(usd_light["Impact"][0]) * eur_per_usd, abs=1.0)

    at.switch_page("pages/5_Risk.py").run()
    assert errors(at) == []
    var, var_help = metric(at, "VaR 95%")
    assert var.startswith("-€") and "EUR per USD" in var_help
    hist = spec(at, "Distribution of portfolio change")
    assert hist["layout"]["xaxis"]["title"]["text"] == "portfolio value change (EUR)"
    assert "EUR" in hist["data"][0]["hovertemplate"] and "$" not in hist["data"][0]["hovertemplate"]
    assert all(": -€" in tr["name"] or ": €" in tr["name"] for tr in hist["data"][1:])

    at.switch_page("pages/3_Holding.py").run()
    assert errors(at) == []
    assert metric(at, "Market value")[0].startswith("€")
    assert next(m for m in at.main.metric if m.label.startswith("Impact:")).value.lstrip(
        "-+").startswith("€")
    waterfall = spec(at, "Impact by channel")
    assert waterfall["layout"]["yaxis"]["title"]["text"] == "EUR"

    report_in(at, "USD")
    at.switch_page("app.py").run()
    assert metric(at, "Portfolio value")[0] == usd_value


def test_the_chosen_currency_is_saved_with_the_book(home: Path) -> None:
    at = report_in(page("pages/1_Portfolio.py", timeout=60).run(), "GBP")
    at.button(key="pf_save").click().run()
    assert errors(at) == []
    name = at.session_state[PORTFOLIO_KEY].name
    assert load_saved(name).base_currency == "GBP"


BOOK = ("name: Taiwan book\nbase_currency: TWD\nholdings:\n"
        "  - {symbol: NVDA, quantity: 100}\n  - {symbol: TSM, quantity: 50}\n")


def test_a_currency_without_a_rate_falls_back_to_usd_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "twd.yaml"
    path.write_text(BOOK)
    monkeypatch.setenv("EXPOSURE_PORTFOLIO", str(path))
    at = page("pages/1_Portfolio.py", timeout=60).run()
    assert errors(at) == []
    picker = at.selectbox(key="pf_report_in")
    assert picker.value == "TWD"
    assert any("no TWD rate here, so USD" in c.value for c in at.main.caption)
    assert any("no TWD rate here" in c.value for c in at.sidebar.caption)
    at.switch_page("app.py").run()
    value, help_text = metric(at, "Portfolio value")
    assert value.startswith("$") and "no TWD rate here, so USD" in help_text
    bars = spec(at, "Portfolio impact per scenario")
    assert bars["layout"]["xaxis"]["title"]["text"] == "portfolio impact (USD)"


def test_the_weekly_review_shows_usd_snapshots_in_euros(home: Path, eur_per_usd: float) -> None:
    catalog = load_catalog()
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    take_snapshot(evaluate_book(sample, catalog), catalog, home=home, now=clock(WEEK1))
    smaller = sample.copy()
    smaller.holdings = smaller.holdings[smaller.holdings["symbol"] != "INTC"].reset_index(drop=True)
    take_snapshot(evaluate_book(smaller, catalog), catalog, home=home, now=clock(WEEK2))
    stored = list_snapshots(home)

    at = report_in(page("pages/1_Portfolio.py", timeout=60).run(), "EUR")
    at.switch_page("pages/6_Weekly_review.py").run()
    assert errors(at) == []
    assert any("Snapshots are kept in USD; amounts here are in EUR at 0.8951" in c.value
               for c in at.main.caption)
    change, _ = metric(at, "Value change")
    assert change.startswith("-€")
    assert amount(change) == pytest.approx(
        (stored[1].total_value_usd - stored[0].total_value_usd) * eur_per_usd, rel=0.01)
    history = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert history["Value"].tolist() == pytest.approx(
        [i.total_value_usd * eur_per_usd for i in reversed(stored)])
    bridge = spec(at, "Value bridge")
    assert bridge["layout"]["yaxis"]["title"]["text"] == "portfolio value (EUR)"


def test_the_scenario_chart_shared_by_two_pages_is_in_the_book_currency_whichever_opens_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "eur.yaml"
    book.write_text(SAMPLE_PORTFOLIO.read_text() + "\nbase_currency: EUR\n")
    monkeypatch.setenv("EXPOSURE_PORTFOLIO", str(book))
    at = page("pages/2_Scenarios.py", timeout=90).run()  # builds the shared figure
    assert errors(at) == []
    title = "portfolio impact (EUR)"
    assert spec(at, "Portfolio impact per scenario")["layout"]["xaxis"]["title"]["text"] == title
    at.switch_page("app.py").run()
    assert spec(at, "Portfolio impact per scenario")["layout"]["xaxis"]["title"]["text"] == title
