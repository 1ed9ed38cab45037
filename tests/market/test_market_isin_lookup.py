"""Online ISIN lookup: yfinance's real search code behind a fake Yahoo, cached in the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from exposure.holdings.importers import import_file
from exposure.holdings.importers.pipeline import ImportOptions
from exposure.market.isin_lookup import CACHE_FILE, IsinLookup
from tests.conftest import FIXTURES
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored

SAP = [{"symbol": "SAP.DE", "quoteType": "EQUITY", "exchange": "GER", "longname": "SAP SE"},
       {"symbol": "SAP", "quoteType": "EQUITY", "exchange": "NYQ"}]
NEWS_ONLY = [{"symbol": "SAP 250620C00150000", "quoteType": "OPTION"}]


@pytest.fixture
def fake() -> Iterator[FakeYahooSession]:
    session = FakeYahooSession(search={"DE0007164600": SAP, "IE00B4L5Y983": NEWS_ONLY})
    with yahoo_session_restored():
        yield session


def test_lookup_through_yfinance_search_is_cached(tmp_path: Path,
                                                  fake: FakeYahooSession) -> None:
    lookup = IsinLookup(tmp_path, session=fake, offline=False, today=date(2026, 12, 2))
    result = import_file(FIXTURES / "brokers" / "depot_de_ing.csv",
                         options=ImportOptions(isin_resolver=lookup))
    assert "SAP.DE" in set(result.holdings["symbol"])
    assert result.unresolved_isins == ["IE00B4L5Y983"]  # only an option came back
    assert sum("/v1/finance/search" in u for u in fake.requests) == 2
    cached = (tmp_path / CACHE_FILE).read_text()
    assert "SAP.DE" in cached and "IE00B4L5Y983" in cached
    again = IsinLookup(tmp_path, session=fake, offline=False, today=date(2026, 12, 3))
    assert again("DE0007164600") == "SAP.DE" and again("IE00B4L5Y983") is None
    assert again.asked == []  # both answered from the cache


def test_not_found_is_asked_again_after_a_month(tmp_path: Path,
                                                fake: FakeYahooSession) -> None:
    IsinLookup(tmp_path, session=fake, offline=False, today=date(2026, 1, 1))("IE00B4L5Y983")
    later = IsinLookup(tmp_path, session=fake, offline=False, today=date(2026, 3, 1))
    later("IE00B4L5Y983")
    assert later.asked == ["IE00B4L5Y983"]


def test_offline_asks_nothing_and_a_failure_stops_the_lookup(tmp_path: Path) -> None:
    calls: list[str] = []

    def down(isin: str) -> list[dict[str, object]]:
        calls.append(isin)
        raise OSError("DNS failure")

    assert IsinLookup(tmp_path, search=down, offline=True)("DE0007164600") is None
    assert calls == []
    online = IsinLookup(tmp_path, search=down, offline=False)
    assert online("DE0007164600") is None and online("IE00B4L5Y983") is None
    assert calls == ["DE0007164600"]  # stopped after the first failure
    assert not (tmp_path / CACHE_FILE).exists()  # failures are never cached
