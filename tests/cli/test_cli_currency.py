"""``--currency``: ``exposure evaluate`` and ``exposure report`` show amounts in another
currency at the bundled, dated ECB reference rate; USD fields stay as they were; a currency
without a rate stays USD and says so."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exposure.model.catalog import load_catalog
from tests.conftest import ROOT

SAMPLE = str(ROOT / "data" / "portfolios" / "sample.yaml")


@pytest.fixture(scope="module")
def eur_per_usd() -> float:
    """EUR per USD from data/reference_fx.yaml (the ECB table of 2026-10-30)."""
    return 1.0 / load_catalog().reference_prices["EURUSD=X"].close


def exposure(home: Path, *args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_OFFLINE": "1", "EXPOSURE_HOME": str(home)}
    env.pop("EXPOSURE_DATA", None)  # the bundled library and FX table
    if now:
        env["EXPOSURE_NOW"] = now
    return subprocess.run([sys.executable, "-m", "exposure.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=180)


def evaluate_json(home: Path, *args: str, portfolio: str = SAMPLE) -> dict:
    proc = exposure(home, "evaluate", "--portfolio", portfolio, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_evaluate_in_euros_is_usd_times_the_ecb_rate(home: Path, eur_per_usd: float) -> None:
    usd = evaluate_json(home)
    eur = evaluate_json(home, "--currency", "EUR")
    block = eur["currency"]
    assert block["code"] == "EUR" and block["as_of"] == "2026-10-30"
    assert block["source"] == "reference"
    assert block["per_usd"] == pytest.approx(eur_per_usd)
    assert "0.8951 EUR per USD" in block["note"]
    # the USD fields are unchanged by the currency
    assert eur["total_value_usd"] == pytest.approx(usd["total_value_usd"])
    assert [r["impact_usd"] for r in eur["rows"]] == pytest.approx(
        [r["impact_usd"] for r in usd["rows"]])
    # and every amount in the currency is the USD amount times the rate
    assert eur["total_value_ccy"] == pytest.approx(usd["total_value_usd"] * eur_per_usd)
    assert eur["expected_impact_ccy"] == pytest.approx(usd["expected_impact_usd"] * eur_per_usd)
    assert [r["impact_ccy"] for r in eur["rows"]] == pytest.approx(
        [r["impact_usd"] * eur_per_usd for r in usd["rows"]])
    assert [p["impact_ccy"] for p in eur["portfolio"]] == pytest.approx(
        [p["impact_usd"] * eur_per_usd for p in usd["portfolio"]])
    # a USD book without --currency: the identity
    assert usd["currency"]["code"] == "USD" and usd["currency"]["per_usd"] == 1.0
    assert usd["total_value_ccy"] == usd["total_value_usd"]


def test_evaluate_defaults_to_the_books_base_currency(home: Path, tmp_path: Path) -> None:
    book = tmp_path / "eur.yaml"
    book.write_text("name: Euro book\nbase_currency: EUR\nholdings:\n"
                    "  - {symbol: NVDA, quantity: 10}\n")
    out = evaluate_json(home, portfolio=str(book))
    assert out["currency"]["code"] == "EUR"
    table = exposure(home, "evaluate", "--portfolio", str(book))
    assert table.returncode == 0, table.stderr
    assert "total value €" in table.stdout
    assert "amounts in EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)" in table.stdout
    assert "impact_eur" in table.stdout


def test_a_currency_without_a_rate_stays_usd_and_says_so(home: Path) -> None:
    out = evaluate_json(home, "--currency", "twd")
    assert out["currency"]["code"] == "USD" and out["currency"]["asked"] == "TWD"
    assert "no TWD rate here, so USD" in out["currency"]["note"]
    assert out["total_value_ccy"] == out["total_value_usd"]


def test_a_bad_code_is_one_line_and_exit_code_2(home: Path) -> None:
    proc = exposure(home, "evaluate", "--portfolio", SAMPLE, "--currency", "EURO")
    assert proc.returncode == 2
    assert "three-letter currency code" in proc.stderr and len(proc.stderr.splitlines()) == 1


def _kpi(document: str, label: str) -> str:
    found = re.search(rf'<div class="label">{label}</div><div class="value">([^<]+)</div>',
                      document)
    assert found, label
    return found.group(1)


def _amount(text: str) -> float:
    negative = text.startswith("-")
    body = text.lstrip("-").lstrip("$€")
    value = float(body.rstrip("kMB").replace(",", "")) * {"k": 1e3, "M": 1e6, "B": 1e9}.get(
        body[-1], 1.0)
    return -value if negative else value


def test_report_in_euros_states_the_rate_once_and_converts(home: Path, tmp_path: Path,
                                                          eur_per_usd: float) -> None:
    snap = exposure(home, "review", "snapshot", "--portfolio", SAMPLE,
                    now="2026-11-18T09:00:00")
    assert snap.returncode == 0, snap.stderr
    usd_out, eur_out = tmp_path / "usd.html", tmp_path / "eur.html"
    assert exposure(home, "report", "--out", str(usd_out)).returncode == 0
    proc = exposure(home, "report", "--out", str(eur_out), "--currency", "EUR")
    assert proc.returncode == 0, proc.stderr
    assert "amounts in EUR at 0.8951 EUR per USD" in proc.stdout
    usd, eur = usd_out.read_text(), eur_out.read_text()
    statement = "Amounts in EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)."
    assert eur.count(statement) == 1
    assert eur.index(statement) < eur.index("Portfolio value")  # near the top
    assert "Amounts in USD." in usd
    for label in ("Portfolio value", "Probability-weighted impact", "Worst scenario"):
        in_usd, in_eur = _kpi(usd, label), _kpi(eur, label)
        assert in_usd.lstrip("-").startswith("$") and in_eur.lstrip("-").startswith("€")
        assert _amount(in_eur) == pytest.approx(_amount(in_usd) * eur_per_usd, rel=0.01)
    assert "portfolio impact (EUR)" in eur and "portfolio impact (EUR)" not in usd
