"""Saved books in the team store: round trip, every version kept, optimistic locking, T-15 names
that look like paths, broken books listed, the CLI; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exposure.auth.identity import Identity
from exposure.auth.permissions import PermissionDenied
from exposure.errors import ExposureError, PortfolioError, WorkspaceError
from exposure.holdings.load import load_portfolio
from exposure.holdings.portfolio import Portfolio, normalise_holdings, usd_cash
from exposure.holdings.store import (
    book_versions,
    list_portfolios,
    load_saved,
    save_portfolio,
)
from exposure.storage import documents
from exposure.storage.access import open_store
from exposure.storage.database import ConflictError
from exposure.storage.tables import TEAM
from exposure.workspace import SAMPLE_PORTFOLIO


def small(name: str = "My book", quantity: float = 10.0) -> Portfolio:
    holdings = normalise_holdings(pd.DataFrame([
        {"symbol": "NVDA", "quantity": quantity, "market_value": 1300.0, "account": "Taxable"},
        {"symbol": "XYZQ", "market_value": 500.0, "segment": "chips", "name": "Unknown Co"},
        {"symbol": "openai", "kind": "private", "market_value": 2500.0,
         "mark_basis": "last round"},
    ]))
    return Portfolio(name=name, holdings=holdings, cash=usd_cash(1234.5))


ANN = Identity("ann@example.com", "Ann", "analyst", "oidc")
BOB = Identity("bob@example.com", "Bob", "analyst", "oidc")
VIC = Identity("vic@example.com", "Vic", "viewer", "oidc")


def test_save_and_load_round_trip(database: str, home: Path) -> None:
    saved = save_portfolio(small(), "My book")
    assert (saved.name, saved.version, saved.shared, saved.holdings) == ("My book", 1, True, 3)
    loaded = load_saved("My book")
    assert loaded.name == "My book"
    assert loaded.cash == usd_cash(1234.5)
    pd.testing.assert_frame_equal(loaded.holdings, small().holdings)
    assert load_saved("my   BOOK").name == "My book"  # the key ignores case and spacing


def test_sample_portfolio_round_trips(home: Path) -> None:
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    save_portfolio(sample, "sample copy")
    again = load_saved("sample copy")
    pd.testing.assert_frame_equal(again.holdings, sample.holdings)
    assert again.illustrative and again.cash == sample.cash


def test_every_version_is_kept_and_a_loaded_book_saves_back_on_its_version(
        database: str, home: Path) -> None:
    first = small(quantity=10)
    save_portfolio(first, "book")
    assert save_portfolio(first, "book").version == 2  # the same object knows its version
    loaded = load_saved("book")
    loaded.holdings.loc[0, "quantity"] = 30
    assert save_portfolio(loaded, "book").version == 3
    assert load_saved("book").holdings.loc[0, "quantity"] == 30
    assert [v.version for v in book_versions("book")] == [1, 2, 3]
    assert [s.name for s in list_portfolios()] == ["book"]


def test_a_stale_save_is_refused_with_who_and_when_and_nothing_is_lost(
        database: str, home: Path) -> None:
    save_portfolio(small(quantity=1), "team book", user=ANN, shared=True)
    anns = load_saved("team book", user=ANN)
    bobs = load_saved("team book", user=BOB)
    bobs.holdings.loc[0, "quantity"] = 2
    save_portfolio(bobs, "team book", user=BOB, shared=True)
    anns.holdings.loc[0, "quantity"] = 3
    with pytest.raises(ConflictError, match=r"changed by Bob at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        save_portfolio(anns, "team book", user=ANN, shared=True)
    with pytest.raises(ConflictError, match="changed by Bob"):  # a new draft, same name
        save_portfolio(small(quantity=4), "Team Book", user=ANN, shared=True)
    assert load_saved("team book", user=ANN).holdings.loc[0, "quantity"] == 2
    assert [v.saved_by for v in book_versions("team book", user=ANN)] == [ANN.id, BOB.id]


def test_books_belong_to_a_person_or_the_team(database: str, home: Path) -> None:
    save_portfolio(small(), "ann private", user=ANN)
    save_portfolio(small(), "for everyone", user=ANN, shared=True)
    assert [(s.name, s.shared) for s in list_portfolios(user=ANN)] == [
        ("for everyone", True), ("ann private", False)]
    assert [s.name for s in list_portfolios(user=BOB)] == ["for everyone"]
    assert [s.name for s in list_portfolios(user=VIC)] == ["for everyone"]
    with pytest.raises(PortfolioError, match="no saved portfolio"):
        load_saved("ann private", user=BOB)
    save_portfolio(small(quantity=7), "ann private", user=BOB)  # Bob's own book, same name
    assert load_saved("ann private", user=ANN).holdings.loc[0, "quantity"] == 10


def test_viewers_cannot_save_books(database: str, home: Path) -> None:
    with pytest.raises(PermissionDenied, match="Vic is a viewer and cannot save books"):
        save_portfolio(small(), "mine", user=VIC, shared=True)
    assert list_portfolios(user=VIC) == []


def test_listing_reports_broken_books_without_failing(home: Path) -> None:
    save_portfolio(small(), "good")
    store = open_store(home)
    for name, body in (("broken", "holdings: [{symbol: NVDA, quantity: [1, 2]}]\n"),
                       ("binary", "\x00\x01\x02")):
        documents.save(store, "book", TEAM, name, body, ANN.actor, expected_version=None)
    listing = {s.slug: s for s in list_portfolios()}
    assert listing["good"].ok and listing["good"].holdings == 3
    for slug in ("broken", "binary"):
        assert not listing[slug].ok and listing[slug].holdings is None
        assert slug in listing[slug].error
    with pytest.raises(ExposureError, match="broken"):
        load_saved("broken")


def test_missing_portfolio_is_a_clear_error(home: Path) -> None:
    assert list_portfolios() == []
    with pytest.raises(PortfolioError, match="no saved portfolio named 'nope'"):
        load_saved("nope")


def test_invalid_holdings_are_not_saved(home: Path) -> None:
    bad = small()
    bad.holdings.loc[1, "segment"] = "bananas"
    with pytest.raises(PortfolioError, match="row 2, column 'segment'"):
        save_portfolio(bad, "bad")
    assert list_portfolios() == []


TRAVERSAL_NAMES = [
    "../../x", "../x", "..", ".", "/etc/passwd", "/tmp/evil", "C:\\Windows\\evil",
    "..\\..\\x", "a/../../b", "nul\x00byte", "\x00", ".streamlit/secrets.toml", "~/evil",
    "%2e%2e%2fx", "x" * 300, "   ", "", "\u202eevil", "../../portfolios/../x",
]


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_path_like_names_are_refused_and_never_collide_with_plain_ones(
        name: str, tmp_path: Path, home: Path) -> None:
    save_portfolio(small(quantity=1), "x")
    before = _files(tmp_path)
    with pytest.raises(WorkspaceError) as err:
        save_portfolio(small(quantity=99), name)
    assert "\n" not in str(err.value)
    assert _files(tmp_path) == before
    assert load_saved("x").holdings.loc[0, "quantity"] == 1
    assert [s.name for s in list_portfolios()] == ["x"]


@pytest.mark.parametrize("name", ["CON", "ＡＢＣ", "con.txt", "Book (2026) & co"])
def test_names_are_labels_not_files(name: str, home: Path) -> None:
    saved = save_portfolio(small(), name)
    assert load_saved(name).name == saved.name
    assert not (home / "portfolios").exists()


def _files(root: Path) -> set[str]:
    import os

    return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files
            if not f.startswith("exposure.sqlite")}


def test_cli_lists_shows_and_dates_saved_portfolios(home: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from exposure.cli import main

    assert main(["portfolios", "list"]) == 0
    assert "no saved portfolios" in capsys.readouterr().out
    book = small()
    save_portfolio(book, "My book")
    save_portfolio(book, "My book")
    documents.save(open_store(home), "book", TEAM, "broken", "holdings: {nope\n", ANN.actor,
                   expected_version=None)
    assert main(["portfolios", "list", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "My book" in out and "v2" in out and "3 holdings" in out and "BROKEN" in out
    assert main(["portfolios", "list", "--format", "json"]) == 0
    listing = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert listing["My book"]["holdings"] == 3 and listing["My book"]["error"] is None
    assert listing["My book"]["version"] == 2 and listing["My book"]["space"] == "@team"
    assert listing["broken"]["error"]
    assert main(["portfolios", "show", "My book", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["name"] == "My book" and doc["cash"][0]["amount"] == 1234.5 and doc["cash"][0]["currency"] == "USD"
    assert [h["symbol"] for h in doc["holdings"]] == ["NVDA", "XYZQ", "openai"]
    assert doc["holdings"][0]["market_value"] == 1300.0
    assert main(["portfolios", "history", "my book"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["v1", "v2"]
    assert main(["portfolios", "show", "nope"]) == 2
    assert "no saved portfolio named 'nope'" in capsys.readouterr().err
    assert main(["portfolios", "show", "../../etc/passwd"]) == 2
    assert "not a usable name" in capsys.readouterr().err
