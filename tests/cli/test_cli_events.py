"""``exposure events pull | list | review`` in a subprocess against recorded Federal Register
answers replayed over loopback HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from exposure.evidence.drafts import drafts_path, load_drafts
from tests.conftest import MINI_DATA, ROOT
from tests.fedreg_server import federal_register_replay


def events(home: Path, *args: str, url: str | None = None, data: Path | None = MINI_DATA,
           offline: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_HOME": str(home), "EXPOSURE_OFFLINE": "1" if offline else "0"}
    env.pop("EXPOSURE_DATA", None)
    env.pop("EXPOSURE_FEDREG_URL", None)
    if data is not None:
        env["EXPOSURE_DATA"] = str(data)
    if url is not None:
        env["EXPOSURE_FEDREG_URL"] = url
    return subprocess.run([sys.executable, "-m", "exposure.cli", "events", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_pull_writes_new_documents_as_unreviewed_drafts(home: Path) -> None:
    with federal_register_replay() as replay:
        proc = events(home, "pull", "--since", "2026-01-01", "--format", "json", url=replay.root)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["fetched"], out["already_known"]) == (3, 0)
    assert [d["document_number"] for d in out["new"]] == ["2026-00789", "2026-06851", "2026-14132"]
    assert all(d["status"] == "unreviewed" for d in out["new"])
    saved = load_drafts(home)
    assert [d.citation for d in saved] == ["91 FR 1684", "91 FR 17851", "91 FR 43034"]
    assert saved[0].url.startswith("https://www.federalregister.gov/documents/2026/01/15/2026-00789/")


def test_pulling_twice_adds_nothing(home: Path) -> None:
    with federal_register_replay() as replay:
        assert events(home, "pull", "--since", "2026-01-01", url=replay.root).returncode == 0
        first = drafts_path(home).read_bytes()
        proc = events(home, "pull", "--since", "2026-01-01", url=replay.root)
    assert proc.returncode == 0, proc.stderr
    assert "3 BIS document(s) published since 2026-01-01, 0 new" in proc.stdout
    assert drafts_path(home).read_bytes() == first


def test_pull_against_the_bundled_data_finds_them_known(home: Path) -> None:
    with federal_register_replay() as replay:
        proc = events(home, "pull", "--format", "json", url=replay.root, data=None)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["since"] == "2026-07-10"  # default: the newest bundled event
    assert (out["fetched"], out["new"]) == (3, [])
    assert not drafts_path(home).exists()


def test_empty_result(home: Path) -> None:
    with federal_register_replay() as replay:
        proc = events(home, "pull", "--since", "2026-12-03", url=replay.root)
    assert proc.returncode == 0
    assert "0 BIS document(s) published since 2026-12-03, 0 new" in proc.stdout
    assert not drafts_path(home).exists()


def test_offline_says_so_and_changes_nothing(home: Path) -> None:
    with federal_register_replay() as replay:
        proc = events(home, "pull", url=replay.root, offline=True)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "offline (EXPOSURE_OFFLINE=1): nothing pulled, nothing changed"
    assert replay.requests == [] and not drafts_path(home).exists()


def test_network_failure_says_so_and_changes_nothing(home: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = events(home, "pull", "--since", "2026-01-01", url=f"http://127.0.0.1:{port}/api/v1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1
    assert "not reachable" in proc.stdout and "nothing changed" in proc.stdout
    assert not drafts_path(home).exists()


def test_malformed_answer_is_one_line_and_changes_nothing(home: Path) -> None:
    with federal_register_replay() as replay:
        replay.mode = "malformed"
        proc = events(home, "pull", "--since", "2026-01-01", url=replay.root)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "'results' is not a list" in proc.stderr
    assert "Traceback" not in proc.stderr and not drafts_path(home).exists()


def test_bad_since_is_bad_input(home: Path) -> None:
    proc = events(home, "pull", "--since", "last week", offline=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "exposure: error: --since: 'last week' is not a date (YYYY-MM-DD)"


def test_review_accepts_and_dismisses_and_list_shows_status(home: Path) -> None:
    with federal_register_replay() as replay:
        assert events(home, "pull", "--since", "2026-01-01", url=replay.root).returncode == 0
    ok = events(home, "review", "fr_2026-00789", "--accept", "--scenarios", "ban", offline=True)
    assert ok.returncode == 0, ok.stderr
    assert "fr_2026-00789: accepted (channels: china_ai_sales; scenarios: ban)" in ok.stdout
    assert events(home, "review", "fr_2026-06851", "--dismiss", offline=True).returncode == 0
    bad = events(home, "review", "fr_2026-14132", "--accept", "--channels", "chips", offline=True)
    assert bad.returncode == 2 and "unknown channel 'chips'" in bad.stderr
    listed = json.loads(events(home, "list", "--status", "all", "--format", "json",
                               offline=True).stdout)
    assert {d["id"]: d["status"] for d in listed} == {
        "fr_2026-00789": "accepted", "fr_2026-06851": "dismissed", "fr_2026-14132": "unreviewed"}
    table = events(home, "list", offline=True).stdout
    assert "fr_2026-14132" in table and "fr_2026-00789" not in table
