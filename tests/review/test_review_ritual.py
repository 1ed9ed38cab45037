"""The review ritual: comments per holding, per scenario and on the review, sign-off once per
person, open reviews; append-only in the database; in the HTML report and the CLI. On SQLite
and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from exposure.auth.identity import Identity
from exposure.errors import ExposureError
from exposure.model.catalog import Catalog
from exposure.review import ritual
from exposure.review.report import report_html
from exposure.review.store import load_snapshot, take_snapshot
from exposure.storage.access import open_store
from exposure.storage.database import ConflictError, NotFoundError
from tests.conftest import ROOT
from tests.review_util import WEEK1, WEEK2, analysis, clock

ROWS = [{"symbol": "AAA", "quantity": 10}, {"symbol": "BBB", "quantity": 5}]
PRICES = {"AAA": 100.0, "BBB": 20.0}
ANN = Identity("ann@example.com", "Ann", "analyst", "oidc")
BOB = Identity("bob@example.com", "Bob <script>", "admin", "oidc")


def two_snapshots(catalog: Catalog, home: Path) -> tuple[int, int]:
    a = analysis(catalog, ROWS, PRICES)
    first = take_snapshot(a, catalog, home=home, now=clock(WEEK1), user=ANN)
    second = take_snapshot(a, catalog, home=home, now=clock(WEEK2), user=ANN)
    return first.id, second.id


def test_comments_and_sign_off_make_a_review(database: str, home: Path,
                                             mini_catalog: Catalog) -> None:
    first, second = two_snapshots(mini_catalog, home)
    ritual.add_comment(second, "Trim AAA before the rule lands", on="holding", target="AAA",
                       user=ANN)
    ritual.add_comment(second, "Probability looks high", on="scenario", target="ban", user=BOB)
    ritual.add_comment(second, "Good week overall", user=ANN)
    notes = ritual.comments(second)
    assert [(c.target_kind, c.target, c.author_name) for c in notes] == [
        ("holding", "AAA", "Ann"), ("scenario", "ban", "Bob <script>"), ("review", "", "Ann")]
    assert ritual.comments(first) == []

    statuses = {s.info.id: s for s in ritual.review_statuses()}
    assert statuses[second].open and statuses[second].comments == 3
    signed = ritual.sign_off(second, user=BOB, note="ok")
    assert signed.line.startswith("reviewed by Bob <script> at 20")
    with pytest.raises(ConflictError, match="has signed snapshot #2 already"):
        ritual.sign_off(second, user=BOB)
    ritual.sign_off(second, user=ANN)
    statuses = {s.info.id: s for s in ritual.review_statuses()}
    assert not statuses[second].open and statuses[first].open
    assert [s.signed_by for s in statuses[second].signoffs] == [BOB.id, ANN.id]
    assert [s.info.id for s in ritual.review_statuses()] == [second, first]  # newest first


def test_bad_comments_are_refused_with_a_clear_message(database: str, home: Path,
                                                       mini_catalog: Catalog) -> None:
    _, second = two_snapshots(mini_catalog, home)
    for kwargs, message in (({"body": "  "}, "empty"),
                            ({"body": "x", "on": "holding"}, "say which holding"),
                            ({"body": "x", "on": "account"}, "comments go on one of"),
                            ({"body": "x" * 5000}, "longer than")):
        with pytest.raises(ExposureError, match=message):
            ritual.add_comment(second, user=ANN, **kwargs)
    with pytest.raises(NotFoundError, match="no snapshot #99"):
        ritual.add_comment(99, "hello", user=ANN)
    assert ritual.comments(second) == []


@pytest.mark.parametrize("statement", ["UPDATE review_comments SET body = 'rewritten'",
                                       "DELETE FROM review_comments",
                                       "DELETE FROM review_signoffs"])
def test_comments_and_sign_offs_are_append_only(database: str, home: Path,
                                                mini_catalog: Catalog, statement: str) -> None:
    _, second = two_snapshots(mini_catalog, home)
    ritual.add_comment(second, "kept", user=ANN)
    ritual.sign_off(second, user=ANN)
    with pytest.raises(DBAPIError, match="append-only"), open_store(home).engine.begin() as c:
        c.execute(text(statement))
    assert [c.body for c in ritual.comments(second)] == ["kept"]
    assert len(ritual.signoffs(second)) == 1


def test_the_report_shows_sign_off_and_comments_escaped(home: Path,
                                                        mini_catalog: Catalog) -> None:
    _, second = two_snapshots(mini_catalog, home)
    ritual.add_comment(second, "<img src=x onerror=alert(1)> check AAA", on="holding",
                       target="AAA", user=ANN)
    ritual.sign_off(second, user=BOB)
    snap = load_snapshot(second, home)
    page = report_html(snap, mini_catalog, comments=ritual.comments(second),
                       signoffs=ritual.signoffs(second))
    assert "Review: sign-off and comments" in page
    assert "Reviewed by Bob &lt;script&gt; at" in page
    assert "&lt;img src=x onerror=alert(1)&gt; check AAA" in page and "<img src=x" not in page
    assert "Holding AAA" in page
    assert "Not signed off yet." in report_html(snap, mini_catalog)


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "EXPOSURE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "exposure.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_comments_signs_off_and_lists_open_reviews(home: Path, tmp_path: Path,
                                                           mini_catalog: Catalog) -> None:
    _, second = two_snapshots(mini_catalog, home)
    done = cli("review", "comment", str(second), "Watch AAA", "--holding", "AAA", home=home)
    assert done.returncode == 0, done.stderr
    assert "comment #1 on snapshot #2 (holding AAA) by local user at" in done.stdout
    status = cli("review", "status", home=home)
    assert "#2" in status.stdout and "1 comments  open" in status.stdout
    signed = cli("review", "signoff", str(second), home=home)
    assert "snapshot #2: reviewed by local user at" in signed.stdout
    again = cli("review", "signoff", str(second), home=home)
    assert again.returncode == 2 and "already" in again.stderr
    assert "reviewed by local user" in cli("review", "status", home=home).stdout
    out = tmp_path / "r.html"
    assert cli("review", "report", "--out", str(out), home=home).returncode == 0
    assert "Reviewed by local user at" in out.read_text() and "Watch AAA" in out.read_text()
