"""``exposure review ...`` in subprocesses with a test-controlled clock (``EXPOSURE_NOW``).

Two snapshots a "week" apart on copies of tests/fixtures/mini_data whose reference prices
move between the weeks and which gain a policy event in between: the diff from the CLI, the
HTML report and the CSVs must all tell the same story.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exposure.workspace import DATA_DIR
from tests.conftest import MINI_DATA, ROOT

WEEK1 = "2026-11-11T09:00:00"
WEEK2 = "2026-11-18T09:00:00"
PORTFOLIO1 = """name: Weekly book
cash: 100
holdings:
  - {symbol: AAA, quantity: 10}
  - {symbol: BBB, quantity: 5}
  - {symbol: labco, kind: private, market_value: 500}
"""
PORTFOLIO2 = """name: Weekly book
cash: 100
holdings:
  - {symbol: AAA, quantity: 12}
  - {symbol: labco, kind: private, market_value: 500}
  - {symbol: ZZZ, market_value: 100, segment: cloud}
"""
NEW_EVENT = """
- id: ev_week
  date: 2026-11-15
  title: Mid-week licence rule
  summary: A test event between the two snapshots.
  type: us_rule
  jurisdiction: US
  layers: [chips]
  confidence: high
  sources: [{url: https://example.org/week, tier: primary}]
"""


def _data(tmp: Path, name: str, aaa: float, bbb: float, extra_event: str = "") -> Path:
    """A copy of the mini data with reference prices (and optionally one more event)."""
    root = tmp / name
    shutil.copytree(MINI_DATA, root)
    (root / "reference_prices.yaml").write_text(
        f"- {{ticker: AAA, close: {aaa}, as_of: 2026-11-10, source: https://example.org/p, tier: primary}}\n"
        f"- {{ticker: BBB, close: {bbb}, as_of: 2026-11-10, source: https://example.org/p, tier: primary}}\n")
    if extra_event:
        with (root / "events.yaml").open("a") as fh:
            fh.write(extra_event)
    return root


def exposure(home: Path, *args: str, data: Path = MINI_DATA, now: str | None = None,
             cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_DATA": str(data), "EXPOSURE_HOME": str(home),
           "EXPOSURE_OFFLINE": "1"}
    env.pop("EXPOSURE_NOW", None)
    if now is not None:
        env["EXPOSURE_NOW"] = now
    return subprocess.run([sys.executable, "-m", "exposure.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture
def two_weeks(tmp_path: Path, home: Path) -> dict[str, Path]:
    p1, p2 = tmp_path / "week1.yaml", tmp_path / "week2.yaml"
    p1.write_text(PORTFOLIO1)
    p2.write_text(PORTFOLIO2)
    d1 = _data(tmp_path, "data1", 100, 20)
    d2 = _data(tmp_path, "data2", 110, 25, NEW_EVENT)
    first = exposure(home, "review", "snapshot", "--portfolio", str(p1), "--note", "week one",
                     "--author", "Ann", data=d1, now=WEEK1)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("snapshot #1 taken 2026-11-11T09:00:00+00:00 (2026-W46)")
    second = exposure(home, "review", "snapshot", "--portfolio", str(p2),
                      "--note", "=HYPERLINK(\"http://x\")", data=d2, now=WEEK2)
    assert second.returncode == 0, second.stderr
    return {"data": d2, "tmp": tmp_path}


def test_two_snapshots_a_week_apart_give_the_right_diff(home: Path, two_weeks) -> None:
    proc = exposure(home, "review", "diff", "--format", "json", data=two_weeks["data"])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["old"]["id"], out["new"]["id"]) == (1, 2)
    assert out["old"]["taken_at"] == "2026-11-11T09:00:00+00:00"
    assert out["new"]["week"] == "2026-W47"
    s = out["summary"]
    assert s["days"] == 7.0
    # AAA 10 @ 100 -> 12 @ 110: price 100, position 220; BBB (100) removed; ZZZ (100) added
    assert s["price_effect_usd"] == pytest.approx(100)
    assert s["position_effect_usd"] == pytest.approx(220)
    assert (s["added_usd"], s["removed_usd"]) == (pytest.approx(100), pytest.approx(-100))
    assert s["value_change_usd"] == pytest.approx(320)
    status = {h["symbol"]: h["status"] for h in out["holdings"]}
    assert status == {"AAA": "resized", "BBB": "removed", "ZZZ": "added", "labco": "unchanged"}
    assert [e["id"] for e in out["events"]] == ["ev_week"]
    assert out["scenarios"] == []

    table = exposure(home, "review", "diff", "1", "2", data=two_weeks["data"])
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("#1 (2026-W46) -> #2 (2026-W47), 7.0 days")
    assert "price moves $100, position changes $220" in table.stdout
    assert "ev_week" in table.stdout


def test_the_report_and_csvs_show_the_same_diff(home: Path, two_weeks) -> None:
    out = two_weeks["tmp"] / "report.html"
    csv_dir = two_weeks["tmp"] / "csv"
    proc = exposure(home, "review", "report", "--out", str(out), "--csv-dir", str(csv_dir),
                    data=two_weeks["data"], now="2026-11-18T10:30:00")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"report for snapshot #2 against #1: {out}"
    document = out.read_text()
    assert "Changes since the previous review" in document
    assert "#1 · 2026-W46 · 2026-11-11 09:00 UTC" in document
    assert "#2 · 2026-W47 · 2026-11-18 09:00 UTC" in document
    assert "7.0 days" in document
    assert "price moves $100, position changes $220" in document
    assert "Mid-week licence rule" in document
    assert "Generated 2026-11-18 10:30 UTC" in document
    rows = list(csv.DictReader(io.StringIO((csv_dir / "diff_holdings.csv").read_text(), newline="")))
    by_symbol = {r["symbol"]: r for r in rows}
    assert by_symbol["AAA"]["status"] == "resized"
    assert float(by_symbol["AAA"]["price_effect_usd"]) == pytest.approx(100)
    assert float(by_symbol["BBB"]["value_change_usd"]) == pytest.approx(-100)


def test_report_alias_and_an_explicit_pair(home: Path, two_weeks) -> None:
    out = two_weeks["tmp"] / "first.html"
    proc = exposure(home, "report", "--snapshot", "1", "--out", str(out), data=two_weeks["data"])
    assert proc.returncode == 0, proc.stderr
    assert "(no previous snapshot)" in proc.stdout
    assert "Changes since the previous review" not in out.read_text()
    back = exposure(home, "review", "report", "--snapshot", "1", "--against", "2",
                    "--out", str(out), data=two_weeks["data"])
    assert back.returncode == 0, back.stderr
    assert "against #2" in back.stdout


def test_list_shows_the_history(home: Path, two_weeks) -> None:
    proc = exposure(home, "review", "list", "--format", "json", data=two_weeks["data"])
    assert proc.returncode == 0, proc.stderr
    snaps = json.loads(proc.stdout)["snapshots"]
    assert [(s["id"], s["week"], s["note"], s["author"]) for s in snaps] == [
        (1, "2026-W46", "week one", "Ann"), (2, "2026-W47", '=HYPERLINK("http://x")', "")]
    table = exposure(home, "review", "list", data=two_weeks["data"])
    assert "week one" in table.stdout and "2026-W47" in table.stdout


def _one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("exposure: error: ")
    assert fragment in lines[0]


def test_errors_are_one_line_with_exit_code_2(home: Path, tmp_path: Path) -> None:
    _one_line_error(exposure(home, "review", "report", "--out", str(tmp_path / "r.html")),
                    "no snapshots yet")
    _one_line_error(exposure(home, "review", "diff"), "no snapshots yet")
    p = tmp_path / "p.yaml"
    p.write_text(PORTFOLIO1)
    assert exposure(home, "review", "snapshot", "--portfolio", str(p)).returncode == 0
    _one_line_error(exposure(home, "review", "diff"), "only one snapshot")
    _one_line_error(exposure(home, "review", "diff", "1", "9"), "no snapshot #9")
    _one_line_error(exposure(home, "review", "report", "--against", "7", "--out",
                             str(tmp_path / "r.html")), "no snapshot #7")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    _one_line_error(exposure(home, "review", "report", "--out", str(blocker / "r.html")),
                    "cannot write")
    _one_line_error(exposure(home, "review", "report", "--out", str(tmp_path)), "is a folder")
    _one_line_error(exposure(home, "review", "snapshot", "--portfolio", str(p), now="next week"),
                    "EXPOSURE_NOW")
    _one_line_error(exposure(home, "review", "snapshot", "--portfolio", str(tmp_path / "nope.yaml")),
                    "file not found")
    assert not (tmp_path / "r.html").exists()


def test_market_prices_offline_fall_back_to_the_reference(home: Path, tmp_path: Path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(PORTFOLIO1)
    data = _data(tmp_path, "data", 100, 20)
    proc = exposure(home, "review", "snapshot", "--portfolio", str(p), "--prices", "market",
                    data=data, now=WEEK1)
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(exposure(home, "review", "list", "--format", "json", data=data).stdout)
    snap = listing["snapshots"][0]
    assert snap["total_value_usd"] == pytest.approx(1000 + 100 + 500 + 100)
    assert "reference" in snap["price_status"]


def test_a_book_with_one_ticker_in_two_accounts_snapshots_and_reports(tmp_path: Path,
                                                                        home: Path) -> None:
    book = tmp_path / "two.yaml"
    book.write_text("name: Two accounts\nholdings:\n"
                    "  - {symbol: NVDA, quantity: 10, account: Taxable}\n"
                    "  - {symbol: NVDA, quantity: 5, account: IRA}\n"
                    "  - {symbol: SMH, kind: fund, segment: fund, quantity: 3}\n")
    for now in ("2026-11-23T08:00:00+00:00", "2026-11-30T08:00:00+00:00"):
        snap = exposure(home, "review", "snapshot", "--portfolio", str(book), data=DATA_DIR,
                        now=now)
        assert snap.returncode == 0, snap.stderr
    out = tmp_path / "report.html"
    report = exposure(home, "report", "--out", str(out), data=DATA_DIR)
    assert report.returncode == 0, report.stderr
    assert "NVDA" in out.read_text()
