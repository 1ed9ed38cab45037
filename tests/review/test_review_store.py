"""The review store on the team store: round-trip, append-only in the database, concurrency;
on SQLite and PostgreSQL (the old SQLite review store is imported: tests/storage/test_legacy.py)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from exposure.auth.identity import Identity
from exposure.model.catalog import Catalog, load_catalog
from exposure.review.snapshot import build_snapshot
from exposure.review.store import (
    NoSnapshotsError,
    ReviewStoreError,
    UnknownSnapshotError,
    impact_trend,
    latest_pair,
    list_snapshots,
    load_snapshot,
    save_snapshot,
    take_snapshot,
)
from exposure.storage import audit
from exposure.storage.access import open_store
from tests.conftest import MINI_DATA
from tests.review_util import WEEK1, WEEK2, analysis, clock

ROWS = [
    {"symbol": "AAA", "quantity": 10, "account": "IRA"},
    {"symbol": "BBB", "quantity": 5},
    {"symbol": "labco", "kind": "private", "market_value": 500, "mark_basis": "SPV round"},
    {"symbol": "ZZZ", "market_value": 100, "segment": "cloud"},
]
PRICES = {"AAA": 100.0, "BBB": 20.0}


def test_snapshot_round_trip_keeps_holdings_prices_scenarios_and_results(mini_catalog: Catalog, home: Path,
                                                                        database: str) -> None:
    a = analysis(mini_catalog, ROWS, PRICES, cash=400)
    info = take_snapshot(a, mini_catalog, note="first review\nline two", author="Ann",
                         home=home, now=clock(WEEK1), price_status="test prices")
    expected = build_snapshot(a, mini_catalog, taken_at=WEEK1, note="first review\nline two",
                              author="Ann", price_status="test prices")
    got = load_snapshot(info.id, home)

    assert got.info == info
    assert info.id == 1
    assert info.taken_at == datetime(2025, 1, 8, 9, 0, tzinfo=UTC)
    assert info.week == "2025-W02"
    assert (info.note, info.author, info.case, info.price_status) == (
        "first review\nline two", "Ann", "central", "test prices")
    assert info.total_value_usd == pytest.approx(1000 + 100 + 500 + 100 + 400)
    assert info.cash_usd == pytest.approx(400)
    assert info.scenario_ids == ("ban", "boom")
    pd.testing.assert_frame_equal(got.holdings, expected.holdings)
    pd.testing.assert_frame_equal(got.results, expected.results, check_dtype=False)
    pd.testing.assert_frame_equal(got.portfolio, expected.portfolio)
    assert got.scenarios == {sid: mini_catalog.scenarios[sid].model_dump(mode="json")
                             for sid in ("ban", "boom")}
    aaa = got.holdings.set_index("symbol").loc["AAA"]
    assert (aaa["price"], aaa["price_source"], aaa["market_value_usd"]) == (100.0, "reference", 1000.0)
    assert got.holdings.set_index("symbol").loc["labco", "price_source"] == "private mark"
    assert got.info.expected_impact_usd == pytest.approx(a.evaluation.expected_impact_usd)


def test_clock_times_are_stored_in_utc(mini_catalog: Catalog, home: Path) -> None:
    a = analysis(mini_catalog, ROWS, PRICES)
    paris = timezone(timedelta(hours=1))
    info = take_snapshot(a, mini_catalog, home=home,
                         now=clock(datetime(2026, 11, 18, 10, 0, tzinfo=paris)))
    assert info.taken_at == datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    assert list_snapshots(home)[0].taken_at == info.taken_at
    assert info.week == "2026-W47"


def test_history_is_oldest_first_by_time_taken(mini_catalog: Catalog, home: Path) -> None:
    a = analysis(mini_catalog, ROWS, PRICES)
    late = take_snapshot(a, mini_catalog, home=home, now=clock(WEEK2))
    early = take_snapshot(a, mini_catalog, home=home, now=clock(WEEK1))
    assert [i.id for i in list_snapshots(home)] == [early.id, late.id]
    latest, previous = latest_pair(home)
    assert (latest.id, previous.id if previous else None) == (late.id, early.id)
    trend = impact_trend(home)
    assert list(trend["snapshot_id"]) == [early.id, early.id, late.id, late.id]
    assert list(trend["scenario"]) == ["ban", "boom", "ban", "boom"]


def test_a_missing_store_is_empty_and_not_created(home: Path) -> None:
    assert list_snapshots(home) == []
    assert impact_trend(home).empty
    assert not (home / "exposure.sqlite").exists()
    with pytest.raises(NoSnapshotsError, match="no snapshots yet"):
        latest_pair(home)
    with pytest.raises(NoSnapshotsError):
        load_snapshot(1, home)


def test_unknown_snapshot_id_is_a_clear_error(mini_catalog: Catalog, home: Path) -> None:
    take_snapshot(analysis(mini_catalog, ROWS, PRICES), mini_catalog, home=home)
    with pytest.raises(UnknownSnapshotError, match="no snapshot #42"):
        load_snapshot(42, home)


@pytest.mark.parametrize("statement", ["UPDATE snapshots SET note = 'rewritten'",
                                       "DELETE FROM snapshots",
                                       "UPDATE holding_results SET impact_usd = 0",
                                       "DELETE FROM portfolio_results"])
def test_snapshots_are_append_only_in_the_database(mini_catalog: Catalog, home: Path,
                                                   database: str, statement: str) -> None:
    take_snapshot(analysis(mini_catalog, ROWS, PRICES), mini_catalog, home=home)
    with pytest.raises(DBAPIError, match="append-only"), open_store(home).engine.begin() as conn:
        conn.execute(text(statement))
    assert load_snapshot(1, home).info.note == ""
    assert len(load_snapshot(1, home).results) == 8


def test_a_failed_snapshot_leaves_nothing_behind(mini_catalog: Catalog, home: Path,
                                                 database: str) -> None:
    good = build_snapshot(analysis(mini_catalog, ROWS, PRICES), mini_catalog, taken_at=WEEK1)
    save_snapshot(good, home)
    doubled = pd.concat([good.results, good.results.tail(1)], ignore_index=True)  # duplicate key
    broken = type(good)(good.info, good.holdings, good.scenarios, doubled, good.portfolio)
    with pytest.raises(ReviewStoreError):
        save_snapshot(broken, home)
    assert [i.id for i in list_snapshots(home)] == [1]
    with open_store(home).read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM holding_results")).scalar() == len(good.results)
        assert conn.execute(text("SELECT COUNT(*) FROM portfolio_results")).scalar() == 2
    assert [e.action for e in audit.entries(open_store(home))] == ["snapshot.take"]


def test_who_took_a_snapshot_is_audited(mini_catalog: Catalog, home: Path, database: str) -> None:
    ann = Identity("ann@example.com", "Ann", "analyst", "oidc")
    info = take_snapshot(analysis(mini_catalog, ROWS, PRICES), mini_catalog, home=home, user=ann)
    assert info.author == "Ann"
    entry = audit.entries(open_store(home))[0]
    assert (entry.actor, entry.action, entry.target) == (ann.id, "snapshot.take", "snapshot #1")


def test_a_damaged_store_is_a_one_line_error(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "exposure.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ReviewStoreError) as err:
        list_snapshots(home)
    assert "not a database" in str(err.value)
    assert "\n" not in str(err.value)


def test_threads_taking_snapshots_at_once_lose_nothing(mini_catalog: Catalog, home: Path,
                                                       database: str) -> None:
    a = analysis(mini_catalog, ROWS, PRICES)
    take_snapshot(a, mini_catalog, home=home)  # create the store first, as the app would
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def writer(n: int) -> None:
        try:
            start.wait()
            for k in range(5):
                take_snapshot(a, mini_catalog, note=f"thread {n} #{k}", home=home)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    notes = {i.note for i in list_snapshots(home)}
    assert {f"thread {n} #{k}" for n in range(6) for k in range(5)} <= notes
    assert len(list_snapshots(home)) == 31
    assert len(load_snapshot(31, home).results) == 8


def _process_writer(home: str, tag: str, count: int, start_at: float) -> None:
    """Runs in a separate process: wait for the common start, then write ``count`` snapshots."""
    catalog = load_catalog(MINI_DATA, include_home=False)
    a = analysis(catalog, ROWS, PRICES)
    while time.time() < start_at:
        time.sleep(0.005)
    for k in range(count):
        take_snapshot(a, catalog, note=f"{tag} #{k}", home=home)


def test_two_processes_taking_snapshots_at_once_lose_nothing(home: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 4.0  # both interpreters are up by then
    procs = [ctx.Process(target=_process_writer, args=(str(home), tag, 15, start_at))
             for tag in ("first", "second")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    infos = list_snapshots(home)
    assert sorted(i.note for i in infos) == sorted(
        f"{tag} #{k}" for tag in ("first", "second") for k in range(15))
    with open_store(home).read() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("SELECT COUNT(*) FROM holding_results")).scalar() == 30 * 8
