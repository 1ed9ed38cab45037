"""Every page opens without an error on the books real users start with: one stock and no
links, the same ticker in two accounts, an empty book, cash only, private marks only, funds
only, unknown symbols in foreign currencies; ``EXPOSURE_PORTFOLIO`` opens the app on one."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from tests.apptest_util import (
    OVERVIEW_BY_LAYER,
    OVERVIEW_HEATMAP,
    errors,
    markdown_tables,
    metric_values,
    page,
    plotly_specs,
)

BOOKS = {
    "one_stock": "name: One stock\nholdings:\n  - {symbol: INTC, quantity: 100}\n",
    "two_accounts": ("name: Two accounts\nholdings:\n"
                     "  - {symbol: NVDA, quantity: 10, account: Taxable}\n"
                     "  - {symbol: NVDA, quantity: 5, account: IRA}\n"
                     "  - {symbol: ASML, quantity: 2, account: IRA}\n"),
    "empty": "name: Empty\nholdings: []\n",
    "cash_only": ("name: Cash only\ncash:\n  - {currency: EUR, amount: 1000}\n"
                  "  - {currency: USD, amount: 500}\nholdings: []\n"),
    "private_only": ("name: Private\nholdings:\n"
                     "  - {symbol: anthropic, kind: private, market_value: 200000}\n"
                     "  - {symbol: openai, kind: private, market_value: 100000}\n"),
    "funds_only": ("name: Funds\nholdings:\n"
                   "  - {symbol: SMH, kind: fund, segment: fund, quantity: 10}\n"
                   "  - {symbol: QQQ, kind: fund, segment: fund, market_value: 5000}\n"),
    "unknown_foreign": ("name: Foreign\nbase_currency: EUR\nholdings:\n"
                        "  - {symbol: SAP.DE, quantity: 10, market_value: 2300, currency: EUR, "
                        "statement_date: 2026-11-28}\n"
                        "  - {symbol: 2330.TW, quantity: 1000, market_value: 1045000, "
                        "currency: TWD, statement_date: 2026-11-28}\n"
                        "  - {symbol: ZZZZ, quantity: 3}\n"),
}
PAGES = ["app.py", OVERVIEW_BY_LAYER, OVERVIEW_HEATMAP,
         "pages/1_Portfolio.py", "pages/2_Scenarios.py", "pages/3_Holding.py",
         "pages/4_Evidence.py", "pages/4_Evidence.py?ev_tab=Event+study",
         "pages/4_Evidence.py?ev_tab=Model+vs+market", "pages/5_Risk.py", "pages/6_Weekly_review.py",
         "pages/7_Methodology.py", "pages/7_Methodology.py?meth_tab=Look-through",
         "pages/7_Methodology.py?meth_tab=Provenance"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def start_on(book: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{book}.yaml"
    path.write_text(BOOKS[book])
    monkeypatch.setenv("EXPOSURE_PORTFOLIO", str(path))


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("book", list(BOOKS))
def test_every_page_opens_on_every_kind_of_book(book: str, path: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    start_on(book, tmp_path, monkeypatch)
    at = page(path, timeout=60)
    at.query_params["lt"] = "1"
    at.run()
    assert errors(at) == [], (book, path)


@pytest.mark.parametrize("lookthrough", ["0", "1"])
def test_overview_of_a_one_stock_book_shows_its_figures_and_charts(
        lookthrough: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start_on("one_stock", tmp_path, monkeypatch)
    at = page()
    at.query_params["lt"] = lookthrough
    at.run()
    assert errors(at) == []
    assert metric_values(at)["Most exposed holding"] in ("INTC", "none")
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert "Portfolio impact per scenario" in titles
    assert any(t.startswith("Effective exposure") for t in titles)
    for view, title in (("By layer", "Holdings by layer"),
                        ("Holding × scenario", "Value change by holding")):
        at.query_params["ov_view"] = view  # every view of the Overview's chart panel
        at.run()
        assert errors(at) == [], view
        assert any(s["layout"]["title"]["text"].startswith(title) for s in plotly_specs(at))


def test_overview_of_a_book_holding_one_ticker_in_two_accounts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start_on("two_accounts", tmp_path, monkeypatch)
    at = page(OVERVIEW_HEATMAP).run()
    assert errors(at) == []
    heat = next(s for s in plotly_specs(at)
                if s["layout"]["title"]["text"].startswith("Value change by holding"))
    assert sorted(heat["data"][0]["y"]) == ["ASML", "NVDA"]  # one row a symbol
    table = next(t for t in markdown_tables(at) if "Holding" in t.columns)
    assert sum(h.endswith("(NVDA)") for h in table["Holding"]) == 2  # kept per account
