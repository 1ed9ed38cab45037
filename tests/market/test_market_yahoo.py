"""YahooSource through yfinance's real code, against a fake Yahoo (no network)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from exposure.market.yahoo import CircuitBreaker, YahooSource, _yfinance, closes_from_download
from tests.fake_yahoo import FakeYahooSession, synthetic_close, yahoo_session_restored

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning:yfinance")

JAN = pd.bdate_range("2024-01-02", "2024-01-31")


@pytest.fixture
def fake() -> Iterator[FakeYahooSession]:
    session = FakeYahooSession()
    with yahoo_session_restored():
        yield session
    session.release.set()


def source(home: Path, session: Any = None, **kwargs: Any) -> YahooSource:
    kwargs.setdefault("circuit", CircuitBreaker())
    kwargs.setdefault("deadline", 10.0)
    return YahooSource(home, session=session, **kwargs)


def test_batch_is_one_download_call_with_every_ticker(home: Path, fake: FakeYahooSession) -> None:
    yahoo = source(home, fake)
    result = yahoo.history(["AAA", "bbb"], "2024-01-02", "2024-02-01")
    assert yahoo.calls == 1
    assert result.failures == {}
    assert result.sources == {"AAA": "live", "BBB": "live"}
    assert list(result.frame.columns) == ["AAA", "BBB"]
    assert list(result.frame.index) == list(JAN)
    np.testing.assert_allclose(result.frame["AAA"].to_numpy(), synthetic_close("AAA", JAN))
    assert result.as_of == {"AAA": date(2024, 1, 31), "BBB": date(2024, 1, 31)}
    charts = fake.chart_requests()
    assert any(u.endswith("/AAA") for u in charts) and any(u.endswith("/BBB") for u in charts)


def test_latest_is_the_last_close_with_currency(home: Path, fake: FakeYahooSession) -> None:
    result = source(home, fake).latest(["AAA", "0700.HK"])
    assert result.kind == "latest"
    assert set(result.frame.index) == {"AAA", "0700.HK"}
    row = result.frame.loc["AAA"]
    day = pd.Timestamp(row["as_of"])
    assert row["close"] == pytest.approx(synthetic_close("AAA", pd.DatetimeIndex([day]))[0])
    assert row["currency"] == "USD"
    assert result.frame.loc["0700.HK", "currency"] == "HKD"


def test_empty_ticker_in_a_batch_is_reported_not_raised(home: Path) -> None:
    fake = FakeYahooSession(empty={"BBB"})
    with yahoo_session_restored():
        result = source(home, fake).history(["AAA", "BBB"], "2024-01-02", "2024-02-01")
    assert list(result.sources) == ["AAA"]
    assert "BBB" in result.failures and "no data" in result.failures["BBB"]
    assert "BBB" not in result.frame.columns  # unavailable, never a column of NaN or zeros
    assert result.frame["AAA"].notna().all()


def test_rate_limit_backs_off_with_jitter_then_opens_the_circuit(home: Path) -> None:
    fake = FakeYahooSession(rate_limit=True)
    circuit = CircuitBreaker()
    slept: list[float] = []
    with yahoo_session_restored():
        yahoo = source(home, fake, circuit=circuit, retries=2, backoff=1.0, backoff_cap=1.5,
                       sleep=slept.append)
        result = yahoo.history(["AAA", "BBB"], "2024-01-02", "2024-02-01")
        assert yahoo.calls == 3  # first try + 2 retries
        assert 0.5 <= slept[0] <= 1.0 and 0.75 <= slept[1] <= 1.5  # 1 s, then 2 s capped at 1.5
        assert all("rate limited" in why for why in result.failures.values())
        assert circuit.blocked() is not None and "paused until" in circuit.blocked()
        assert any("rate limited" in n for n in result.notes)
        before = len(fake.requests)
        again = yahoo.history(["AAA"], "2024-01-02", "2024-02-01")
    assert yahoo.calls == 3 and len(fake.requests) == before  # circuit open: nothing sent
    assert "paused until" in again.failures["AAA"]


def test_rate_limit_that_clears_is_retried_successfully(home: Path) -> None:
    fake = FakeYahooSession(rate_limit=True)

    def sleep(_: float) -> None:
        fake.rate_limit = False

    with yahoo_session_restored():
        yahoo = source(home, fake, sleep=sleep)
        result = yahoo.history(["AAA", "BBB"], "2024-01-02", "2024-02-01")
    assert yahoo.calls == 2
    assert result.failures == {} and set(result.sources) == {"AAA", "BBB"}
    assert yahoo.circuit.blocked() is None


def test_a_hung_upstream_returns_within_the_deadline(home: Path) -> None:
    fake = FakeYahooSession(slow=True)
    with yahoo_session_restored():
        try:
            yahoo = source(home, fake, deadline=0.3)
            began = time.monotonic()
            result = yahoo.history(["AAA", "BBB"], "2024-01-02", "2024-02-01")
            elapsed = time.monotonic() - began
        finally:
            fake.release.set()  # let the abandoned worker finish before the session is restored
    assert elapsed < 2.0
    assert result.sources == {}
    assert all("did not answer within 0.3 s" in why for why in result.failures.values())
    assert yahoo.circuit.blocked() is not None  # the next rerun does not hang again


@pytest.mark.parametrize("error", [OSError("curl: (6) Could not resolve host: query2"),
                                   ConnectionError("connection refused")])
def test_network_errors_mean_unavailable_and_offline(home: Path, error: Exception) -> None:
    def download(tickers: list[str], **_: Any) -> pd.DataFrame:
        raise error

    result = source(home, download=download).latest(["AAA", "BBB"])
    assert result.sources == {} and result.offline
    assert all("unreachable" in why for why in result.failures.values())


def test_yfinance_exceptions_mean_unavailable(home: Path) -> None:
    from yfinance.exceptions import YFException

    def download(tickers: list[str], **_: Any) -> pd.DataFrame:
        raise YFException("something odd")

    result = source(home, download=download).history(["AAA"], "2024-01-02", "2024-02-01")
    assert result.sources == {} and "something odd" in result.failures["AAA"]


def test_invalid_tickers_never_reach_yahoo(home: Path, fake: FakeYahooSession) -> None:
    result = source(home, fake).history(["AAA", "../etc/passwd", "A B", ""], "2024-01-02",
                                        "2024-02-01")
    assert set(result.sources) == {"AAA"}
    assert {"../etc/passwd", "A B", ""} <= set(result.failures)
    assert all(u.endswith("/AAA") for u in fake.chart_requests())


def test_yfinance_cache_lives_in_the_workspace(home: Path, fake: FakeYahooSession) -> None:
    import yfinance as yf

    source(home, fake).history(["AAA"], "2024-01-02", "2024-02-01")
    assert (home / "yfinance-cache").is_dir()
    assert yf.cache._TzDBManager.get_location() == str(home / "yfinance-cache")


def test_zero_and_all_nan_columns_are_unavailable(home: Path) -> None:
    days = pd.DatetimeIndex(JAN[:3])

    def download(tickers: list[str], **_: Any) -> pd.DataFrame:
        cols = pd.MultiIndex.from_product([["Close", "Open"], tickers], names=["Price", "Ticker"])
        frame = pd.DataFrame(1.0, index=days, columns=cols)
        frame[("Close", "BBB")] = 0.0
        frame[("Close", "CCC")] = np.nan
        return frame

    result = source(home, download=download).history(["AAA", "BBB", "CCC"], "2024-01-02",
                                                     "2024-01-05")
    assert list(result.sources) == ["AAA"]
    assert set(result.failures) == {"BBB", "CCC"}


def test_shapes_from_yfinance_normalise_identically(home: Path, fake: FakeYahooSession) -> None:
    yf = _yfinance(home)
    common = dict(start="2024-01-02", end="2024-02-01", progress=False, threads=False,
                  session=fake)
    by_column = yf.download(["AAA", "BBB"], group_by="column", auto_adjust=False, **common)
    by_ticker = yf.download(["AAA", "BBB"], group_by="ticker", auto_adjust=False, **common)
    adjusted = yf.download(["AAA", "BBB"], group_by="column", auto_adjust=True, **common)
    flat = yf.download(["AAA"], multi_level_index=False, auto_adjust=False, **common)
    assert isinstance(by_column.columns, pd.MultiIndex) and "Adj Close" in by_column.columns
    assert "Adj Close" not in adjusted.columns.get_level_values(0)
    assert not isinstance(flat.columns, pd.MultiIndex)
    expected = closes_from_download(by_column, ["AAA", "BBB"])
    assert list(expected.index) == list(JAN)
    pd.testing.assert_frame_equal(closes_from_download(by_ticker, ["AAA", "BBB"]), expected)
    pd.testing.assert_frame_equal(closes_from_download(adjusted, ["AAA", "BBB"]), expected)
    pd.testing.assert_frame_equal(closes_from_download(flat, ["AAA"]), expected[["AAA"]])


def test_tz_aware_and_flat_frames_normalise(home: Path) -> None:
    idx = pd.DatetimeIndex(["2024-01-02 09:30", "2024-01-03 09:30"]).tz_localize("America/New_York")
    flat = pd.DataFrame({"Open": [1.0, 2.0], "Close": [10.0, 11.0]}, index=idx)
    out = closes_from_download(flat, ["aaa"])
    assert list(out.columns) == ["AAA"]
    assert list(out.index) == list(pd.DatetimeIndex(["2024-01-02", "2024-01-03"]))
    assert out.index.tz is None
    assert closes_from_download(pd.DataFrame(), ["AAA"]).empty


def test_unwritable_workspace_moves_the_yfinance_cache_to_temp(tmp_path: Path,
                                                               fake: FakeYahooSession) -> None:
    import yfinance as yf

    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    result = source(home, fake).history(["AAA"], "2024-01-02", "2024-02-01")
    assert result.sources == {"AAA": "live"}
    location = yf.cache._TzDBManager.get_location()
    assert "exposure-yfinance-cache" in location and not location.startswith(str(home))
