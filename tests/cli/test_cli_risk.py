"""``exposure risk`` in a subprocess on tests/fixtures/mini_data: JSON shape and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_DATA, ROOT

PORTFOLIO = str(MINI_DATA / "portfolio.yaml")


def exposure(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_DATA": str(MINI_DATA), "EXPOSURE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "exposure.cli", "risk", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_json_has_the_documented_keys_with_losses_positive(home: Path) -> None:
    proc = exposure(home, "--portfolio", PORTFOLIO, "--draws", "4000", "--seed", "5",
                    "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for key in ("var_95", "es_95", "var_99", "es_99", "percentiles", "tornado",
                "contributions", "draws", "seed"):
        assert key in out
    assert (out["draws"], out["seed"]) == (4000, 5)
    assert out["es_95"] >= out["var_95"] > 0  # the ban loses money: a positive loss
    assert out["es_99"] >= out["var_99"]
    assert set(out["percentiles"]) == {"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
                                       "p99"}
    assert set(out["tornado"][0]) == {"channel", "scenario", "low_usd", "base_usd", "high_usd",
                                      "swing_usd"}
    assert sum(c["es_95_usd"] for c in out["contributions"]) == pytest.approx(out["es_95"])
    assert {c["symbol"] for c in out["contributions"]} == {"AAA", "BBB", "labco", "ZZZ"}


def test_same_seed_same_json_and_scenario_filter(home: Path) -> None:
    args = ("--portfolio", PORTFOLIO, "--draws", "2000", "--scenario", "boom", "--format", "json")
    first, second = exposure(home, *args), exposure(home, *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    out = json.loads(first.stdout)
    assert set(out["scenario_counts"]) == {"boom", "no change"}


def test_table_format_names_var_and_es(home: Path) -> None:
    proc = exposure(home, "--portfolio", PORTFOLIO, "--draws", "1000")
    assert proc.returncode == 0, proc.stderr
    assert "VaR" in proc.stdout and "expected shortfall" in proc.stdout
    assert "tornado" in proc.stdout and "labco" in proc.stdout


@pytest.mark.parametrize("draws", ["0", "-3", "2000001"], ids=["zero", "negative", "too-many"])
def test_bad_draw_count_exits_2_with_one_line(home: Path, draws: str) -> None:
    proc = exposure(home, "--portfolio", PORTFOLIO, "--draws", draws)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "draws must be between 1 and 2,000,000" in lines[0]


def test_unknown_scenario_exits_2(home: Path) -> None:
    proc = exposure(home, "--portfolio", PORTFOLIO, "--scenario", "nope")
    assert proc.returncode == 2
    assert "nope" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
