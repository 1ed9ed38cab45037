"""``exposure db upgrade`` migrates an old workspace in place: saved books (with their
``.prev`` versions), user scenarios, import presets and the old SQLite review store with its
schema versions; nothing is lost, the old files stay untouched, and running it again imports
nothing twice. On SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from exposure.cli import main
from exposure.holdings.importers import import_file, load_presets
from exposure.holdings.portfolio import usd_cash
from exposure.holdings.store import book_versions, list_portfolios, load_saved
from exposure.model.catalog import Catalog, load_catalog
from exposure.review.store import list_snapshots, load_snapshot
from exposure.storage import audit
from exposure.storage.access import open_store
from tests import legacy_review_store_v1 as old_review
from tests.conftest import FIXTURES, ROOT
from tests.review_util import WEEK1, WEEK2, analysis, clock

ROWS = [{"symbol": "AAA", "quantity": 10}, {"symbol": "BBB", "quantity": 5},
        {"symbol": "labco", "kind": "private", "market_value": 500, "mark_basis": "SPV"}]
PRICES = {"AAA": 100.0, "BBB": 20.0}
BOOK_V1 = "name: Core book\ncash: 100\nholdings:\n  - {symbol: NVDA, quantity: 1}\n"
BOOK_V2 = "name: Core book\ncash: 200\nholdings:\n  - {symbol: NVDA, quantity: 2}\n"


def old_workspace(home: Path, catalog: Catalog) -> dict[str, str]:
    """A workspace as the previous release left it; returns file -> sha256."""
    (home / "portfolios").mkdir(parents=True)
    (home / "portfolios" / "Core-book.yaml").write_text(BOOK_V2)
    (home / "portfolios" / "Core-book.yaml.prev").write_text(BOOK_V1)
    (home / "scenarios").mkdir()
    text = (ROOT / "data" / "scenarios" / "s2_full_china_ban.yaml").read_text()
    (home / "scenarios" / "my_ban.yaml").write_text(
        text.replace("id: s2_full_china_ban", "id: my_ban", 1))
    (home / "import_presets").mkdir()
    (home / "import_presets" / "bank.yaml").write_text(
        "name: bank\nmapping: {symbol: Wertpapier, quantity: Anzahl}\n"
        "header: [Wertpapier, WKN, Anzahl, Wert in EUR, Konto]\n")
    a = analysis(catalog, ROWS, PRICES, cash=50)
    old_review.take_snapshot(a, catalog, note="week one", author="Ann", home=home,
                             now=clock(WEEK1), price_status="reference")
    old_review.take_snapshot(a, catalog, note="week two", home=home, now=clock(WEEK2))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in home.rglob("*") if p.is_file()}


def test_db_upgrade_migrates_an_old_workspace_once_and_loses_nothing(
        database: str, home: Path, mini_catalog: Catalog,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = old_workspace(home, mini_catalog)
    old = [old_review.load_snapshot(i, home) for i in (1, 2)]

    assert main(["db", "upgrade", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["revision_before"] is None and report["revision"] == "0001"
    sources = sorted(i["source"] for i in report["imported"])
    assert sources == ["import_presets/bank.yaml", "portfolios/Core-book.yaml",
                       "portfolios/Core-book.yaml.prev", "review.sqlite#1", "review.sqlite#2",
                       "scenarios/my_ban.yaml"]

    # books: both versions, oldest first
    assert [s.name for s in list_portfolios()] == ["Core-book"]
    assert load_saved("Core-book").cash == usd_cash(200)
    assert [v.body for v in book_versions("Core-book")] == [BOOK_V1, BOOK_V2]
    # the user scenario is in the catalog, presets still drive auto-detect
    assert load_catalog(home=home).is_user("scenario", "my_ban")
    assert [p.name for p in load_presets()] == ["bank"]
    assert import_file(FIXTURES / "brokers" / "custom_bank.csv").format == "preset:bank"
    # snapshots keep their ids and every number
    assert [i.id for i in list_snapshots(home)] == [1, 2]
    for snap in old:
        new = load_snapshot(snap.id, home)
        assert new.info == snap.info
        pd.testing.assert_frame_equal(new.holdings, snap.holdings)
        pd.testing.assert_frame_equal(new.results, snap.results, check_dtype=False)
        pd.testing.assert_frame_equal(new.portfolio, snap.portfolio)
        assert new.scenarios == snap.scenarios

    # idempotent: nothing new the second time; the old files are untouched
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "already current" in out and "nothing new to import" in out
    assert len(list_snapshots(home)) == 2
    assert len(book_versions("Core-book")) == 2
    after = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in home.rglob("*")
             if p.is_file() and not p.name.startswith("exposure.sqlite")
             and not p.name.endswith(("-wal", "-shm"))}  # SQLite's own reader files
    assert after == before
    assert {e.action for e in audit.entries(open_store(home))} >= {
        "book.import", "scenario.import", "preset.import", "snapshot.import"}


def test_a_file_changed_after_the_upgrade_comes_in_as_a_new_version(home: Path,
                                                                    mini_catalog: Catalog) -> None:
    old_workspace(home, mini_catalog)
    assert main(["db", "upgrade"]) == 0
    (home / "portfolios" / "Core-book.yaml").write_text(BOOK_V2.replace("cash: 200", "cash: 300"))
    assert main(["db", "upgrade"]) == 0
    assert load_saved("Core-book").cash == usd_cash(300)
    assert len(book_versions("Core-book")) == 3
    # a snapshot taken with the old app after the upgrade is picked up too, with a fresh id
    old_review.take_snapshot(analysis(mini_catalog, ROWS, PRICES), mini_catalog, home=home,
                             note="late", now=clock(WEEK2))
    assert [i.note for i in list_snapshots(home)] == ["week one", "week two", "late"]


def test_the_app_opens_an_old_workspace_without_an_explicit_upgrade(home: Path,
                                                                    mini_catalog: Catalog) -> None:
    old_workspace(home, mini_catalog)
    assert [i.note for i in list_snapshots(home)] == ["week one", "week two"]
    assert [s.name for s in list_portfolios()] == ["Core-book"]


def test_a_newer_old_review_store_is_refused_not_misread(home: Path, mini_catalog: Catalog,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    a = analysis(mini_catalog, ROWS, PRICES)
    old_review.take_snapshot(a, mini_catalog, home=home, now=clock(WEEK1))
    v2 = (*old_review.MIGRATIONS, old_review.Migration(
        2, "tag", lambda c: c.execute("ALTER TABLE snapshots ADD COLUMN tag TEXT")))
    with old_review.connect(home, migrations=v2):
        pass
    assert main(["db", "upgrade"]) == 2
    assert "schema v2 is newer" in capsys.readouterr().err
