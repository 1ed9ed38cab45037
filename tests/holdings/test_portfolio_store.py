"""Saved portfolios: round trip, previous version kept, T-15 path traversal, T-20 atomic save."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from exposure.errors import ExposureError, PortfolioError, WorkspaceError
from exposure.holdings.load import load_portfolio
from exposure.holdings.portfolio import Portfolio, normalise_holdings, usd_cash
from exposure.holdings.store import (
    list_portfolios,
    load_saved,
    portfolio_path,
    save_portfolio,
)
from exposure.workspace import SAMPLE_PORTFOLIO


def small(name: str = "My book", quantity: float = 10.0) -> Portfolio:
    holdings = normalise_holdings(pd.DataFrame([
        {"symbol": "NVDA", "quantity": quantity, "market_value": 1300.0, "account": "Taxable"},
        {"symbol": "XYZQ", "market_value": 500.0, "segment": "chips", "name": "Unknown Co"},
        {"symbol": "openai", "kind": "private", "market_value": 2500.0,
         "mark_basis": "last round"},
    ]))
    return Portfolio(name=name, holdings=holdings, cash=usd_cash(1234.5))


def test_save_and_load_round_trip(home: Path) -> None:
    path = save_portfolio(small(), "My book")
    assert path == (home / "portfolios" / "My-book.yaml").resolve()
    loaded = load_saved("My book")
    assert loaded.name == "My book"
    assert loaded.cash == usd_cash(1234.5)
    expected = small().holdings
    pd.testing.assert_frame_equal(loaded.holdings, expected)
    assert load_saved("My-book").name == "My book"  # by slug too


def test_sample_portfolio_round_trips(home: Path) -> None:
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    save_portfolio(sample, "sample copy")
    again = load_saved("sample copy")
    pd.testing.assert_frame_equal(again.holdings, sample.holdings)
    assert again.illustrative and again.cash == sample.cash


def test_previous_version_is_kept(home: Path) -> None:
    path = save_portfolio(small(quantity=10), "book")
    first = path.read_bytes()
    save_portfolio(small(quantity=20), "book")
    prev = path.with_name(path.name + ".prev")
    assert prev.read_bytes() == first
    assert load_saved("book").holdings.loc[0, "quantity"] == 20
    assert [s.slug for s in list_portfolios()] == ["book"]  # .prev is not listed
    assert not list(path.parent.glob("*.tmp"))


def test_listing_reports_broken_files_without_failing(home: Path) -> None:
    save_portfolio(small(), "good")
    folder = home / "portfolios"
    (folder / "broken.yaml").write_text("holdings: [{symbol: NVDA, quantity: [1, 2]}]\n")
    (folder / "binary.yaml").write_bytes(b"\x00\x01\x02")
    listing = {s.slug: s for s in list_portfolios()}
    assert listing["good"].ok and listing["good"].holdings == 3
    assert listing["good"].name == "good"
    for slug in ("broken", "binary"):
        assert not listing[slug].ok and listing[slug].holdings is None
        assert f"{slug}.yaml" in listing[slug].error
    with pytest.raises(ExposureError, match="broken.yaml"):
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
    assert not (home / "portfolios" / "bad.yaml").exists()


TRAVERSAL_NAMES = [
    "../../x", "../x", "..", ".", "/etc/passwd", "/tmp/evil", "C:\\Windows\\evil",
    "..\\..\\x", "a/../../b", "nul\x00byte", "\x00", "CON", "con.txt", "LPT1", "aux",
    ".streamlit/secrets.toml", "~/evil", "%2e%2e%2fx", "x" * 300, "   ", "",
    "\u202eevil", "ＡＢＣ", "../../portfolios/../x",
]


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_hostile_names_never_write_outside_the_workspace(name: str, tmp_path: Path,
                                                         home: Path) -> None:
    before = _files(tmp_path)
    try:
        path = save_portfolio(small(), name)
    except WorkspaceError:
        assert _files(tmp_path) == before
        return
    folder = (home / "portfolios").resolve()
    assert path.parent == folder
    assert path.suffix == ".yaml"
    created = _files(tmp_path) - before
    assert created and all(Path(p).resolve().parent == folder for p in created)
    assert load_saved(name).holdings.shape[0] == 3


def test_reserved_device_names_are_refused(home: Path) -> None:
    for name in ("CON", "con.txt", "NUL", "com1", "LPT9"):
        with pytest.raises(WorkspaceError, match="reserved"):
            portfolio_path(name)


def test_failed_atomic_replace_keeps_the_old_file(home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_portfolio(small(quantity=10), "book")
    old = path.read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", boom)
        with pytest.raises(WorkspaceError, match="cannot write"):
            save_portfolio(small(quantity=99), "book")
    assert path.read_bytes() == old
    assert load_saved("book").holdings.loc[0, "quantity"] == 10
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_symlinked_saved_file_is_not_followed(home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\nholdings: [{symbol: NVDA, quantity: 1}]\n")
    folder = home / "portfolios"
    folder.mkdir(parents=True)
    (folder / "link.yaml").symlink_to(secret)
    assert [s.slug for s in list_portfolios()] == []
    with pytest.raises(WorkspaceError):
        load_saved("link")
    with pytest.raises(WorkspaceError):
        save_portfolio(small(), "link")
    assert "secret" in secret.read_text()


def _files(root: Path) -> set[str]:
    return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}


def test_cli_lists_and_shows_saved_portfolios(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from exposure.cli import main

    assert main(["portfolios", "list"]) == 0
    assert "no saved portfolios" in capsys.readouterr().out
    save_portfolio(small(), "My book")
    (home / "portfolios" / "broken.yaml").write_text("holdings: {nope\n")
    assert main(["portfolios", "list", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "My-book" in out and "3 holdings" in out and "BROKEN" in out
    assert main(["portfolios", "list", "--format", "json"]) == 0
    listing = {d["slug"]: d for d in json.loads(capsys.readouterr().out)}
    assert listing["My-book"]["holdings"] == 3 and listing["My-book"]["error"] is None
    assert listing["broken"]["error"]
    assert main(["portfolios", "show", "My book", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["name"] == "My book" and doc["cash"][0]["amount"] == 1234.5 and doc["cash"][0]["currency"] == "USD"
    assert [h["symbol"] for h in doc["holdings"]] == ["NVDA", "XYZQ", "openai"]
    assert doc["holdings"][0]["market_value"] == 1300.0
    assert main(["portfolios", "show", "My-book"]) == 0
    assert "NVDA" in capsys.readouterr().out
    assert main(["portfolios", "show", "nope"]) == 2
    assert "no saved portfolio named 'nope'" in capsys.readouterr().err
    assert main(["portfolios", "show", "../../etc/passwd"]) == 2
