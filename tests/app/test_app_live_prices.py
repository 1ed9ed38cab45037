"""With a working upstream (a fake Yahoo behind yfinance's real code) the app values the
portfolio live and says so; with a total outage it falls back to the reference prices."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit as st

from exposure.market import yahoo as market
from exposure.ui import prices as ui_prices
from tests.apptest_util import errors, metric_values, page
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _use_fake_yahoo(monkeypatch: pytest.MonkeyPatch, fake: FakeYahooSession) -> None:
    real_chain = market.price_chain

    def chain(home: Any = None, **kwargs: Any) -> market.PriceChain:
        kwargs["offline"] = False
        kwargs["yahoo"] = market.YahooSource(home, session=fake, circuit=market.CircuitBreaker())
        return real_chain(home, **kwargs)

    monkeypatch.setattr(ui_prices, "price_chain", chain)
    monkeypatch.delenv("EXPOSURE_OFFLINE", raising=False)


def test_live_upstream_values_the_portfolio_and_the_sidebar_says_live(monkeypatch) -> None:
    offline_value = metric_values(page().run())["Portfolio value"]
    st.cache_data.clear()
    st.cache_resource.clear()
    ui_prices.refresh_prices()
    fake = FakeYahooSession(empty={"BIDU"})
    with yahoo_session_restored():
        _use_fake_yahoo(monkeypatch, fake)
        at = page().run()
        # the first paint never waits for Yahoo: it shows what is on this machine
        first = " ".join(c.value for c in at.sidebar.caption)
        assert "fetching live prices" in first or "live (Yahoo)" in first
        assert ui_prices.wait_for_live(30)
        at.run()
    assert errors(at) == []
    status = " ".join(c.value for c in at.sidebar.caption)
    assert "live (Yahoo)" in status
    assert metric_values(at)["Portfolio value"] != offline_value
    assert len(fake.chart_requests()) >= 20  # one batched refresh of the listed holdings


def test_total_outage_falls_back_to_reference_prices(monkeypatch) -> None:
    ui_prices.refresh_prices()
    fake = FakeYahooSession(rate_limit=True)
    with yahoo_session_restored():
        _use_fake_yahoo(monkeypatch, fake)
        at = page().run()
        assert ui_prices.wait_for_live(30)
        at.run()
    assert errors(at) == []
    status = " ".join(c.value for c in at.sidebar.caption)
    assert "reference prices" in status and "live" not in status
