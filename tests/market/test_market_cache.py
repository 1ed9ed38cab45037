"""CachedSource: read-through SQLite store of daily closes (upstream faked at our boundary)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from exposure.market.cache import SCHEMA_VERSION, CachedSource, Coverage, merge_coverage
from exposure.market.result import LIVE, PriceResult, split_tickers, to_date
from tests.fake_yahoo import synthetic_close

NOW = datetime(2026, 7, 8, 15, 0, tzinfo=UTC)  # a Wednesday


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeUpstream:
    """Synthetic business-day closes; records every call; can be switched off."""

    def __init__(self, missing: Iterable[str] = ()) -> None:
        self.calls: list[tuple[tuple[str, ...], date, date]] = []
        self.down = False
        self.missing = set(missing)

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        good, _ = split_tickers(tickers)
        s, e = to_date(start), to_date(end)
        self.calls.append((tuple(good), s, e))
        if self.down:
            return PriceResult("history", pd.DataFrame(), {}, {}, {},
                               {t: "rate limited by Yahoo" for t in good}, tuple(good))
        days = pd.bdate_range(s, e - timedelta(days=1))
        ok = [t for t in good if t not in self.missing]
        frame = pd.DataFrame({t: synthetic_close(t, days) for t in ok}, index=days)
        return PriceResult("history", frame, {t: LIVE for t in ok},
                           {t: days[-1].date() for t in ok}, {t: NOW for t in ok},
                           {t: "no data" for t in self.missing if t in good}, tuple(good))

    def latest(self, tickers: Iterable[str]) -> PriceResult:  # not used by the cache
        raise NotImplementedError


def make(home: Path, upstream: FakeUpstream | None, clock: Clock) -> CachedSource:
    return CachedSource(upstream, home / "prices.sqlite", clock=clock)


def test_second_history_load_within_freshness_makes_no_upstream_call(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    first = cache.history(["AAA", "BBB"], "2023-07-01", "2026-07-09")
    assert len(up.calls) == 1 and first.sources == {"AAA": "live", "BBB": "live"}
    clock.now += timedelta(minutes=10)
    second = cache.history(["AAA", "BBB"], "2023-07-01", "2026-07-09")
    assert len(up.calls) == 1
    assert second.sources == {"AAA": "cache", "BBB": "cache"}
    pd.testing.assert_frame_equal(first.frame, second.frame, check_freq=False)


def test_second_latest_load_within_freshness_makes_no_upstream_call(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    first = cache.latest(["AAA"])
    assert first.sources == {"AAA": "live"} and first.as_of == {"AAA": date(2026, 7, 8)}
    second = cache.latest(["AAA"])
    assert len(up.calls) == 1 and second.sources == {"AAA": "cache"}
    assert second.frame.loc["AAA", "close"] == first.frame.loc["AAA", "close"]


def test_settled_past_ranges_never_need_refetching(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    cache.history(["AAA"], "2024-01-01", "2025-01-01")
    clock.now += timedelta(days=30)
    again = cache.history(["AAA"], "2024-03-01", "2024-06-01")
    assert len(up.calls) == 1 and again.sources == {"AAA": "cache"}


def test_stale_tail_is_refreshed_in_one_call_for_the_missing_part_only(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    cache.history(["AAA", "BBB"], "2023-07-01", "2026-07-09")
    clock.now += timedelta(days=2)
    result = cache.latest(["AAA", "BBB"])
    assert len(up.calls) == 2
    tickers, start, end = up.calls[1]
    assert set(tickers) == {"AAA", "BBB"}
    assert start >= date(2026, 6, 1) and end == date(2026, 7, 11)  # the tail, not 3 years
    assert result.sources == {"AAA": "live", "BBB": "live"}
    assert result.as_of["AAA"] == date(2026, 7, 10)


def test_only_tickers_that_need_data_are_asked_for(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    cache.latest(["AAA"])
    result = cache.latest(["AAA", "CCC"])
    assert up.calls[1][0] == ("CCC",)
    assert result.sources == {"AAA": "cache", "CCC": "live"}


def test_data_survives_a_restart(home: Path) -> None:
    clock = Clock()
    make(home, FakeUpstream(), clock).history(["AAA"], "2025-01-01", "2026-07-09")
    reopened = make(home, None, clock)  # a new process, offline
    fresh = reopened.history(["AAA"], "2025-01-01", "2026-07-09")
    assert fresh.sources == {"AAA": "cache"} and len(fresh.frame) > 300
    clock.now += timedelta(hours=5)
    stale = reopened.latest(["AAA"])
    assert stale.sources == {"AAA": "cache (stale)"} and stale.offline
    assert stale.fetched_at["AAA"] == NOW


def test_upstream_failure_serves_stale_data_and_reports_the_rest(home: Path) -> None:
    up, clock = FakeUpstream(), Clock()
    cache = make(home, up, clock)
    cache.latest(["AAA"])
    up.down = True
    clock.now += timedelta(days=1)
    result = cache.latest(["AAA", "NEW"])
    assert result.sources == {"AAA": "cache (stale)"}
    assert result.as_of["AAA"] == date(2026, 7, 8)
    assert result.failures == {"NEW": "rate limited by Yahoo"}


def test_missing_ticker_is_a_failure_not_a_zero(home: Path) -> None:
    cache = make(home, FakeUpstream(missing={"GONE"}), Clock())
    result = cache.latest(["AAA", "GONE"])
    assert "GONE" not in result.frame.index and result.failures["GONE"] == "no data"


def test_two_threads_writing_at_once_lose_nothing(home: Path) -> None:
    path = home / "prices.sqlite"
    clock = Clock()
    writers = [CachedSource(None, path, clock=clock) for _ in range(2)]
    days = pd.bdate_range("2024-01-01", periods=250)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(cache: CachedSource, names: list[str]) -> None:
        try:
            barrier.wait()
            for name in names:
                frame = pd.DataFrame({name: synthetic_close(name, days), "SHARED": 1.0},
                                     index=days)
                cache.store(frame, [name, "SHARED"], days[0].date(), days[-1].date(), clock())
        except BaseException as exc:  # reported below
            errors.append(exc)

    names = [[f"A{i}" for i in range(20)], [f"B{i}" for i in range(20)]]
    threads = [threading.Thread(target=write, args=(w, n)) for w, n in zip(writers, names, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT COUNT(*) FROM closes").fetchone()[0]
        tickers = conn.execute("SELECT COUNT(*) FROM coverage").fetchone()[0]
    assert count == 41 * 250 and tickers == 41


def test_store_uses_wal_and_a_schema_version(home: Path) -> None:
    cache = make(home, None, Clock())
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_another_schema_version_is_rebuilt(home: Path) -> None:
    clock = Clock()
    make(home, FakeUpstream(), clock).latest(["AAA"])
    with sqlite3.connect(home / "prices.sqlite") as conn:
        conn.execute("UPDATE schema_version SET version = 999")
    reopened = make(home, None, clock)
    assert reopened.status().empty
    assert reopened.latest(["AAA"]).failures["AAA"].startswith("offline")


def test_unwritable_workspace_passes_through(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    up = FakeUpstream()
    cache = CachedSource(up, blocker / "prices.sqlite", clock=Clock())
    assert cache.unavailable
    result = cache.latest(["AAA"])
    assert result.sources == {"AAA": "live"}
    assert any("price cache unavailable" in n for n in result.notes)


def test_status_lists_what_the_store_holds(home: Path) -> None:
    clock = Clock()
    cache = make(home, FakeUpstream(), clock)
    cache.latest(["AAA", "BBB"])
    clock.now += timedelta(hours=1)
    status = cache.status()
    assert list(status["ticker"]) == ["AAA", "BBB"]
    assert list(status["last_day"]) == [date(2026, 7, 8)] * 2
    assert not status["fresh"].any()
    assert status["fetched_at"].iloc[0] == NOW


@pytest.mark.parametrize(("old", "new", "expected"), [
    (None, (10, 20, 1), (10, 20, 1)),
    ((10, 20, 1), (18, 30, 2), (10, 30, 2)),   # tail refresh: newer fetch time
    ((10, 20, 1), (5, 10, 2), (5, 20, 1)),     # back-fill: tail no fresher
    ((10, 20, 1), (25, 30, 2), (25, 30, 2)),   # gap, later: the newer range wins
    ((10, 20, 2), (1, 5, 3), (10, 20, 2)),     # gap, earlier: keep
], ids=["first", "tail", "backfill", "gap-later", "gap-earlier"])
def test_coverage_merging(old: tuple[int, int, int] | None, new: tuple[int, int, int],
                          expected: tuple[int, int, int]) -> None:
    def cov(t: tuple[int, int, int]) -> Coverage:
        base = date(2025, 1, 1)
        return Coverage(base + timedelta(days=t[0]), base + timedelta(days=t[1]),
                        NOW + timedelta(hours=t[2]))

    assert merge_coverage(cov(old) if old else None, cov(new)) == cov(expected)
