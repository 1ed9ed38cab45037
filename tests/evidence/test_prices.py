"""The event-study price sets: the shipped closes (validated against their provenance) and
live history through the real price chain behind a fake Yahoo upstream."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from exposure.errors import DataFileError
from exposure.evidence.prices import (
    LIVE_SOURCE,
    PricesUnavailable,
    load_live_prices,
    load_shipped_prices,
)
from exposure.market.cache import CachedSource
from exposure.market.yahoo import CircuitBreaker, PriceChain, YahooSource
from exposure.workspace import DATA_DIR
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored

SOURCES = """\
series:
  - ticker: {t}
    first: 2024-01-02
    last: 2024-01-05
    adjusted: splits+dividends
    source: https://example.org/{t}.csv
    tier: secondary
    as_of: 2024-01-05
    basis: "test copy"
"""


def tiny_data(tmp_path: Path, csv: str, tickers: tuple[str, ...] = ("SPY", "AAA")) -> Path:
    (tmp_path / "prices").mkdir(parents=True)
    (tmp_path / "prices" / "closes.csv").write_text(csv)
    body = "series:\n" + "".join(SOURCES.format(t=t).split("series:\n", 1)[1] for t in tickers)
    (tmp_path / "prices" / "sources.yaml").write_text(body)
    return tmp_path


GOOD = """date,SPY,AAA
2024-01-02,100,10
2024-01-03,101,10.5
2024-01-04,,10.4
2024-01-05,102,10.6
"""


def test_shipped_closes_load_with_their_provenance_and_say_so() -> None:
    prices = load_shipped_prices(DATA_DIR)
    assert prices.price_source == ("shipped closes to 2026-07-31 "
                                   "(sources: data/prices/sources.yaml)")
    assert prices.last_day == date(2026, 7, 31)
    assert {"NVDA", "SPY", "0981.HK"} <= set(prices.closes.columns)
    assert set(prices.sources) == set(prices.closes.columns)
    assert prices.closes["SPY"].notna().all()  # on the US calendar: HK-only days dropped
    assert prices.closes.index.is_monotonic_increasing


def test_rows_without_a_benchmark_close_are_dropped(tmp_path: Path) -> None:
    prices = load_shipped_prices(tiny_data(tmp_path, GOOD))
    assert list(prices.closes.index.strftime("%m-%d")) == ["01-02", "01-03", "01-05"]
    assert prices.closes["AAA"].tolist() == [10, 10.5, 10.6]


@pytest.mark.parametrize(("csv", "message"), [
    (GOOD.replace("10.5", "ten"), "row 3, field 'AAA': not a positive close: 'ten'"),
    (GOOD.replace("10.5", "-1"), "field 'AAA': not a positive close"),
    (GOOD.replace("2024-01-04", "2024-01-01"), "dates must increase"),
    (GOOD.replace("2024-01-04", "04/01/2024"), "not a YYYY-MM-DD date"),
    (GOOD.replace("date,", "day,"), "the first column must be 'date'"),
], ids=["text", "negative", "order", "date-format", "header"])
def test_a_broken_closes_file_says_where(tmp_path: Path, csv: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message.replace("(", r"\(")):
        load_shipped_prices(tiny_data(tmp_path, csv))


def test_every_column_needs_provenance_and_the_other_way_round(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no provenance for column 'AAA'"):
        load_shipped_prices(tiny_data(tmp_path / "a", GOOD, ("SPY",)))
    with pytest.raises(DataFileError, match="no column for 'BBB'"):
        load_shipped_prices(tiny_data(tmp_path / "b", GOOD, ("SPY", "AAA", "BBB")))


def test_first_and_last_must_match_the_file(tmp_path: Path) -> None:
    data = tiny_data(tmp_path, GOOD)
    sources = data / "prices" / "sources.yaml"
    sources.write_text(sources.read_text().replace("last: 2024-01-05", "last: 2024-01-09", 1))
    with pytest.raises(DataFileError, match=r"entry 'SPY', field 'first'.*2024-01-09"):
        load_shipped_prices(data)


def test_a_copy_of_the_shipped_files_loads_the_same(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR / "prices", tmp_path / "prices")
    a, b = load_shipped_prices(DATA_DIR), load_shipped_prices(tmp_path)
    pd.testing.assert_frame_equal(a.closes, b.closes)


def test_live_prices_refuse_when_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    with pytest.raises(PricesUnavailable, match="EXPOSURE_OFFLINE"):
        load_live_prices(["NVDA"], date(2025, 1, 1), date(2025, 6, 1))


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning:yfinance")
def test_live_prices_come_through_the_real_chain_and_say_so(home: Path) -> None:
    fake = FakeYahooSession(empty={"ZZZ"})
    with yahoo_session_restored():
        yahoo = YahooSource(home, session=fake, circuit=CircuitBreaker(), sleep=lambda _: None)
        chain = PriceChain(CachedSource(yahoo, home=home))
        prices = load_live_prices(["NVDA", "ZZZ"], date(2025, 1, 2), date(2025, 7, 1), chain=chain)
    assert prices.price_source == LIVE_SOURCE == "live (Yahoo via cache)"
    assert {"NVDA", "SPY"} <= set(prices.closes.columns) and "ZZZ" in prices.failures
    assert len(prices.closes) > 100 and prices.closes["SPY"].notna().all()
    assert fake.chart_requests()  # yfinance really asked the (fake) upstream
