"""``exposure prices refresh|status`` (Yahoo faked or switched off; never the network)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exposure.cli import main
from exposure.market import yahoo as market
from tests.conftest import MINI_DATA, ROOT
from tests.fake_yahoo import FakeYahooSession, yahoo_session_restored

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning:yfinance")

PORTFOLIO = str(MINI_DATA / "portfolio.yaml")  # AAA, BBB, ZZZ listed; labco private


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini catalog plus a reference close for AAA."""
    root = tmp_path / "data"
    shutil.copytree(MINI_DATA, root)
    (root / "reference_prices.yaml").write_text(
        "- {ticker: AAA, close: 12.5, currency: USD, as_of: 2026-05-29, "
        "source: 'https://example.org/aaa', tier: secondary}\n")
    monkeypatch.setenv("EXPOSURE_DATA", str(root))
    return root


@pytest.fixture
def fake_yahoo(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeYahooSession]:
    """Every YahooSource the CLI builds talks to a fake Yahoo."""
    fake = FakeYahooSession(empty={"ZZZ"})
    real = market.YahooSource

    def build(home: Any = None, **kwargs: Any) -> market.YahooSource:
        return real(home, session=fake, circuit=market.CircuitBreaker(), **kwargs)

    monkeypatch.setattr(market, "YahooSource", build)
    monkeypatch.delenv("EXPOSURE_OFFLINE", raising=False)  # online, against the fake
    with yahoo_session_restored():
        yield fake


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_refresh_offline_falls_back_to_reference(data: Path, home: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "refresh", "--offline", "--portfolio", PORTFOLIO)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("offline: 1 of 3 reference prices as of 2026-05-29; 2 of 3 unpriced")
    assert "[1 of 3 priced; tickers from" in lines[0]
    assert any(line.startswith("  BBB: offline") for line in lines)
    assert not any("LABCO" in line for line in lines)  # private holdings are not priced


def test_refresh_live_fills_the_cache_and_status_shows_it(
        data: Path, home: Path, fake_yahoo: FakeYahooSession,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "refresh", "--portfolio", PORTFOLIO)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("2 of 3 live (Yahoo) as of ")
    assert "  ZZZ: no data from Yahoo" in out
    assert len({u for u in fake_yahoo.chart_requests()}) == 3

    code, out, _ = run(capsys, "prices", "status")
    assert code == 0
    assert "2 tickers, 2 fresh, 0 stale" in out
    assert "AAA" in out and "BBB" in out and "fresh" in out

    code, out, _ = run(capsys, "prices", "status", "--format", "json")
    doc = json.loads(out)
    assert doc["available"] is True
    assert [t["ticker"] for t in doc["tickers"]] == ["AAA", "BBB"]
    assert all(t["fresh"] for t in doc["tickers"])

    before = len(fake_yahoo.chart_requests())
    code, out, _ = run(capsys, "prices", "refresh", "--portfolio", PORTFOLIO)
    assert out.splitlines()[0].startswith("2 of 3 cached (Yahoo)")
    again = fake_yahoo.chart_requests()[before:]
    assert not any(u.endswith(("/AAA", "/BBB")) for u in again)  # fresh: not asked again


def test_refresh_with_history_adds_benchmarks(data: Path, home: Path,
                                              fake_yahoo: FakeYahooSession,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "refresh", "--portfolio", PORTFOLIO,
                       "--history-days", "400")
    assert code == 0
    assert "history 400 days: 4 of 5 live (Yahoo)" in out
    code, out, _ = run(capsys, "prices", "status", "--format", "json")
    assert {t["ticker"] for t in json.loads(out)["tickers"]} == {"AAA", "BBB", "SPY", "SOXX"}


def test_default_tickers_come_from_the_catalog_without_a_sample(
        data: Path, home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import exposure.commands.prices as prices

    monkeypatch.setattr(prices, "SAMPLE_PORTFOLIO", Path("/nonexistent/sample.yaml"))
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    code, out, _ = run(capsys, "prices", "refresh")
    assert code == 0
    assert "tickers from catalog (listed companies)" in out
    assert "1 of 2 reference prices" in out


def test_status_of_an_empty_workspace(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "status")
    assert code == 0 and "is empty" in out
    assert not (home / "prices.sqlite").exists()


def test_missing_portfolio_is_a_one_line_error(data: Path, home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "prices", "refresh", "--offline", "--portfolio", "nope.yaml")
    assert code == 2 and err.startswith("exposure: error:") and len(err.splitlines()) == 1


def test_offline_cli_process_is_quick(data: Path, home: Path) -> None:
    env = {**os.environ, "EXPOSURE_OFFLINE": "1", "EXPOSURE_HOME": str(home),
           "EXPOSURE_DATA": str(data)}
    proc = subprocess.run(
        [sys.executable, "-m", "exposure.cli", "prices", "refresh", "--portfolio", PORTFOLIO],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("offline: 1 of 3 reference prices")
    assert "yfinance" not in proc.stderr
