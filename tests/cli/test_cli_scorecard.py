"""``exposure scorecard``: the JSON shape, determinism, the table, --write-calibration and
clean errors (offline, from the shipped closes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposure.cli import main
from exposure.workspace import DATA_DIR

KEYS = ["events_scored", "pairs", "spearman_pooled", "ci95", "sign_accuracy", "slope",
        "per_event", "price_source"]
EVENT_KEYS = ["event", "date", "n", "spearman", "p", "sign_accuracy", "slope"]


def test_json_has_the_documented_shape_and_is_deterministic(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "calibration.yaml"
    assert main(["scorecard", "--format", "json", "--write-calibration", "--output", str(out)]) == 0
    first = capsys.readouterr()
    assert "wrote" in first.err and str(out) in first.err
    assert out.read_text() == (DATA_DIR / "calibration.yaml").read_text()
    assert main(["scorecard", "--format", "json"]) == 0
    second = capsys.readouterr().out
    assert first.out == second  # fixed seeds: byte-identical output
    doc = json.loads(second)
    assert list(doc) == KEYS
    assert doc["price_source"] == ("shipped closes to 2026-07-31 "
                                   "(sources: data/prices/sources.yaml)")
    assert doc["events_scored"] >= 12 and doc["events_scored"] == len(doc["per_event"])
    assert doc["pairs"] == sum(e["n"] for e in doc["per_event"])
    lo, hi = doc["ci95"]
    assert lo <= doc["spearman_pooled"] <= hi
    assert 0 <= doc["sign_accuracy"] <= 1
    for event in doc["per_event"]:
        assert list(event) == EVENT_KEYS
        assert event["n"] >= 8
        assert -1 <= event["spearman"] <= 1 and 0 < event["p"] <= 1


def test_table_gives_the_headline_unscored_events_misses_and_method(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scorecard"]) == 0
    text = capsys.readouterr().out
    assert "out of sample the model ranked " in text and " policy days right (Spearman " in text
    assert "Not scored:" in text and "gulf_2025_05_deals: its [0,+1] window shares" in text
    assert "Largest misses" in text and " -> " in text
    assert "measure: market-model CAR [0,+1] vs SPY" in text


def test_live_prices_while_offline_is_one_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scorecard", "--live"]) == 2  # EXPOSURE_OFFLINE=1 in tests
    err = capsys.readouterr().err.strip()
    assert err == "exposure: error: live prices asked for, but EXPOSURE_OFFLINE is set"


def test_calibration_is_written_from_the_shipped_closes_only(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scorecard", "--live", "--write-calibration"]) == 2
    assert "--write-calibration uses the shipped closes only" in capsys.readouterr().err


def test_a_broken_links_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    links = data / "event_links.yaml"
    links.write_text(links.read_text().replace("scenario: s3_sme_escalation", "scenario: s9_nope", 1))
    assert main(["scorecard", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "event_links.yaml: entry 'bis_2022_10_ac_sme', field 'scenario': unknown scenario" in err
