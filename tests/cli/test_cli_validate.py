"""``exposure validate-data``: fails on untiered numbers (one line each), reports the weighted
provenance of a book with ``--portfolio``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_DATA, ROOT

SAMPLE = str(ROOT / "data" / "portfolios" / "sample.yaml")
TIERS = {"primary", "press", "secondary", "judgement", "estimated", "stated"}


def validate(home: Path, *args: str, data: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_HOME": str(home)}
    env.pop("EXPOSURE_DATA", None)
    if data is not None:
        env["EXPOSURE_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "exposure.cli", "validate-data", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    proc = validate(tmp_path_factory.mktemp("home"), "--portfolio", SAMPLE, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_bundled_data_validates_with_no_untiered_number(sample_json: dict) -> None:
    assert sample_json["ok"] is True
    assert sample_json["untiered"] == 0 and sample_json["problems"] == []
    assert sample_json["newest_event"] >= "2026-07-10"


def test_weighted_maps_cover_every_input_kind_and_sum_to_one(sample_json: dict) -> None:
    weighted = sample_json["weighted"]
    assert set(weighted) == {"all", "exposure", "elasticity", "shock", "probability", "price",
                             "stake", "contract", "fund_weight"}
    for kind, shares in weighted.items():
        assert set(shares) == TIERS, kind
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-5), kind
    # the sample book holds private marks and stated values: they show as "stated" prices
    assert 0 < weighted["price"]["stated"] < 1
    assert weighted["shock"]["judgement"] == pytest.approx(1.0)
    assert sample_json["headline"].split("%")[0].isdigit()


def test_stale_lists_old_numbers_the_book_still_uses(sample_json: dict) -> None:
    stale = sample_json["stale"]
    assert stale, "the sample book uses some numbers older than 15 months"
    for item in stale:
        assert {"subject", "field", "as_of", "tier", "kind", "share"} <= set(item)
        assert item["as_of"] < "2025-09-02" and item["share"] > 0


def test_text_output_prints_the_weighted_table(home: Path) -> None:
    proc = validate(home, "--portfolio", SAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert "weighted by share of the book's gross scenario impact" in proc.stdout
    for label in ("All inputs", "Exposures", "Elasticities", "Shocks", "Fund weights"):
        assert f"\n  {label}" in proc.stdout
    assert "of this book's result rests on" in proc.stdout


def test_an_untiered_user_scenario_fails_with_one_line_per_number(home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    text = (MINI_DATA / "scenarios" / "boom.yaml").read_text().replace("id: boom", "id: mine")
    (home / "scenarios" / "mine.yaml").write_text(text)
    proc = validate(home, "--format", "json")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    path = "team scenario 'mine' (v1)"  # the old scenario file was moved into the store
    assert lines == [
        f"exposure: error: {path}: entry 'mine', field 'probability': number without tier and "
        "as_of (every number the engine uses needs both)",
        f"exposure: error: {path}: entry 'mine', field 'shocks.tier2_ai_sales': number without "
        "tier and as_of (every number the engine uses needs both)"]
    out = json.loads(proc.stdout)
    assert (out["ok"], out["untiered"]) == (False, 2)


def test_an_untiered_test_catalog_fails_and_a_tiered_copy_passes(tmp_path: Path, home: Path) -> None:
    proc = validate(home, data=MINI_DATA)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 5
    data = tmp_path / "data"
    shutil.copytree(MINI_DATA, data)
    for path in (data / "scenarios").glob("*.yaml"):
        path.write_text(path.read_text()
                        .replace("test}", "test, tier: judgement, as_of: 2026-12-01}")
                        .replace("rationale: test,", "rationale: test, basis: set here,"))
    ok = validate(home, "--portfolio", str(MINI_DATA / "portfolio.yaml"), "--format", "json",
                  data=data)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["weighted"]["shock"]["judgement"] == pytest.approx(1.0)


def test_a_company_number_without_tier_is_refused(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "companies.yaml").write_text(
        "- id: NVDA\n  name: NVIDIA (mine)\n  ticker: NVDA\n  segment: chips\n  exposures:\n"
        "    china_ai_sales: {value: 0.2, source: https://example.org/x, as_of: 2026-01-01}\n")
    proc = validate(home)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "companies.yaml: entry 'NVDA', field 'exposures.china_ai_sales.tier'" in proc.stderr


def test_a_bad_portfolio_is_one_line(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("holdings: [{symbol: 12}]\n")
    proc = validate(home, "--portfolio", str(bad))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
