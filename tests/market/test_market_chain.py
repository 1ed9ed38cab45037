"""PriceChain: cache -> Yahoo -> stale cache -> reference; labels, banner, valuation quotes."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

from exposure.holdings.market_value import value_holdings
from exposure.market.cache import CachedSource
from exposure.market.result import PriceResult
from exposure.market.yahoo import (
    CircuitBreaker,
    PriceChain,
    ReferenceSource,
    YahooSource,
    price_chain,
    quotes_from_result,
    status_line,
)
from exposure.model.schema import ReferencePrice
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning:yfinance")

REF_DAY = date(2026, 5, 29)


def reference(*tickers: str) -> ReferenceSource:
    return ReferenceSource({
        t: ReferencePrice(ticker=t, close=100.0 + i, as_of=REF_DAY,
                          source=f"https://example.org/{t}", tier="secondary")
        for i, t in enumerate(tickers)
    })


class CountingYahoo:
    """A PriceSource that must never be asked (offline tests)."""

    calls = 0

    def latest(self, tickers: Any) -> PriceResult:
        raise AssertionError("Yahoo asked while offline")

    def history(self, tickers: Any, start: Any, end: Any) -> PriceResult:
        raise AssertionError("Yahoo asked while offline")


def test_offline_switch_skips_yahoo_and_says_reference(home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    chain = price_chain(home, yahoo=CountingYahoo())
    chain.reference = reference("AAA", "BBB")
    began = time.monotonic()
    result = chain.latest(["AAA", "BBB"])
    assert time.monotonic() - began < 1.0
    assert result.sources == {"AAA": "reference", "BBB": "reference"}
    assert status_line(result) == "offline: reference prices as of 2026-05-29"


def test_offline_argument_wins_over_the_environment(home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "0")
    chain = price_chain(home, offline=True, yahoo=CountingYahoo())
    assert chain.offline and chain.cache.upstream is None


def test_no_dns_answers_fast_from_reference(home: Path) -> None:
    class NoDNS(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:
            raise requests.exceptions.ConnectionError(
                "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com")

    with yahoo_session_restored():
        yahoo = YahooSource(home, session=NoDNS(), circuit=CircuitBreaker())
        chain = PriceChain(CachedSource(yahoo, home=home), reference("AAA"))
        began = time.monotonic()
        result = chain.latest(["AAA", "BBB"])
        elapsed = time.monotonic() - began
    assert elapsed < 5.0
    assert result.offline and result.sources == {"AAA": "reference"}
    assert "unreachable" in result.failures["BBB"]
    assert status_line(result) == ("offline: 1 of 2 reference prices as of 2026-05-29; "
                                   "1 of 2 unpriced")


def test_live_then_cached_then_outage_falls_back_to_stale_then_reference(home: Path) -> None:
    now = [datetime.now(UTC)]
    fake = FakeYahooSession(empty={"CCC"})
    circuit = CircuitBreaker()
    with yahoo_session_restored():
        yahoo = YahooSource(home, session=fake, circuit=circuit, sleep=lambda _: None)
        cache = CachedSource(yahoo, home=home, clock=lambda: now[0])
        chain = PriceChain(cache, reference("BBB", "CCC"))

        live = chain.latest(["AAA", "CCC"])
        assert live.sources == {"AAA": "live", "CCC": "reference"}
        assert status_line(live).startswith("1 of 2 live (Yahoo) as of ")

        cached = chain.latest(["AAA"])
        assert cached.sources == {"AAA": "cache"} and yahoo.calls == 1

        fake.rate_limit = True  # total outage from here on
        now[0] += timedelta(hours=2)
        out = chain.latest(["AAA", "BBB", "DDD"])
    assert out.sources == {"AAA": "cache (stale)", "BBB": "reference"}
    assert "rate limited" in out.failures["DDD"] and "no bundled reference" in out.failures["DDD"]
    assert circuit.blocked() is not None
    line = status_line(out)
    assert "1 of 3 stale (cache from " in line
    assert "1 of 3 reference prices as of 2026-05-29" in line and "1 of 3 unpriced" in line


def test_quotes_carry_their_source_into_valuation(home: Path) -> None:
    chain = price_chain(home, offline=True)
    chain.reference = reference("AAA")
    quotes = quotes_from_result(chain.latest(["AAA"]))
    assert quotes["AAA"].price == 100.0 and quotes["AAA"].source == "reference"
    assert quotes["AAA"].url == "https://example.org/AAA" and quotes["AAA"].as_of == REF_DAY
    holdings = pd.DataFrame([{"symbol": "AAA", "quantity": 3.0}, {"symbol": "ZZZ", "quantity": 1.0}])
    valued = value_holdings(holdings, quotes)
    assert list(valued["price_source"]) == ["reference", "unvalued"]
    assert valued["market_value_usd"].iloc[0] == 300.0


def test_history_has_no_reference_fallback_and_says_so(home: Path) -> None:
    chain = price_chain(home, offline=True)
    chain.reference = reference("AAA")
    result = chain.history(["AAA"], "2024-01-01", "2024-06-01")
    assert result.sources == {} and result.frame.empty
    assert result.failures["AAA"].startswith("offline")
    assert status_line(result) == "offline: no prices (offline: not in the price cache)"


def _result(sources: dict[str, str], **kwargs: Any) -> PriceResult:
    return PriceResult("latest", pd.DataFrame(), sources, requested=tuple(sources) + tuple(
        kwargs.get("failures", {})), **kwargs)


@pytest.mark.parametrize(("result", "line"), [
    (_result({"A": "live", "B": "live"}, as_of={"A": date(2026, 6, 1), "B": date(2026, 5, 29)}),
     "live (Yahoo) as of 2026-06-01"),
    (_result({"A": "cache"}, as_of={"A": date(2026, 6, 1)}), "cached (Yahoo) as of 2026-06-01"),
    (_result({"A": "live", "B": "cache (stale)", "C": "cache (stale)"},
             as_of={"A": date(2026, 6, 1), "B": date(2026, 5, 28), "C": date(2026, 5, 28)},
             fetched_at={"B": datetime(2026, 5, 28, 22, tzinfo=UTC),
                         "C": datetime(2026, 5, 29, 9, tzinfo=UTC)}),
     "1 of 3 live (Yahoo) as of 2026-06-01; 2 of 3 stale (cache from 2026-05-28)"),
    (_result({}), "no listed tickers to price"),
    (_result({}, failures={"A": "rate limited by Yahoo"}), "no prices (rate limited by Yahoo)"),
], ids=["live", "cache", "stale", "nothing", "all-failed"])
def test_status_line(result: PriceResult, line: str) -> None:
    assert status_line(result) == line


def test_quotes_need_a_latest_result() -> None:
    with pytest.raises(ValueError):
        quotes_from_result(PriceResult("history", pd.DataFrame()))
