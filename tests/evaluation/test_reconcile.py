"""Reconciliation of an imported statement: file total vs valued total, split by cause."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exposure.evaluation.book import evaluate_book, reference_quotes
from exposure.evaluation.reconcile import reconcile
from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import PriceQuote, PriceSourceLabel, tickers_to_quote
from exposure.model.catalog import load_catalog
from tests.conftest import FIXTURES, ROOT

BROKERS = FIXTURES / "brokers"
STATEMENTS = sorted(p for p in BROKERS.glob("*.csv") if p.name != "custom_bank.csv"
                    and not p.name.startswith(("robinhood", "trading212")))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_home=False)


@pytest.mark.parametrize("path", STATEMENTS, ids=lambda p: p.stem)
def test_offline_a_statement_is_valued_at_its_own_figures(path: Path, catalog) -> None:
    book = evaluate_book(load_portfolio(path), catalog)
    rec = reconcile(book)
    assert rec is not None
    # the causes add up to the gap, and offline nothing is re-priced from a statement value
    assert rec.valued_total - rec.file_total == pytest.approx(
        sum(d.amount for d in rec.differences), abs=0.01)
    stated = book.valued["statement_value_usd"].notna()
    assert (book.valued.loc[stated, "price_source"] == PriceSourceLabel.STATEMENT).all()
    rows = len(book.valued)
    other = sum(d.amount for d in rec.differences if d.cause == "other")
    assert abs(other) <= 0.01 * max(rows, 1), rec.to_json()


def test_a_live_price_beats_the_statement_and_the_difference_is_repricing(catalog) -> None:
    book = load_portfolio(BROKERS / "fidelity_positions.csv")
    quotes = reference_quotes(catalog, tickers_to_quote(book))
    quotes["NVDA"] = PriceQuote(price=300.0, source="live")
    valued = evaluate_book(book, catalog, quotes=quotes)
    rec = reconcile(valued)
    nvda = valued.valued[valued.valued["symbol"] == "NVDA"]
    assert (nvda["price_source"] == "live").all()
    expected = float((nvda["market_value_usd"] - nvda["statement_value_usd"]).sum())
    repricing = next(d for d in rec.differences if d.cause == "repricing")
    assert repricing.amount == pytest.approx(expected)
    assert "NVDA" in repricing.rows


def test_a_currency_without_a_rate_is_named_not_booked_as_dollars(catalog) -> None:
    rec = reconcile(evaluate_book(load_portfolio(BROKERS / "generic_currencies.csv"), catalog))
    currency = next(d for d in rec.differences if d.cause == "currency")
    assert "2330.TW" in currency.rows and "TWD 1,045,000.00" in currency.note
    # the euro, pound, franc and Hong Kong dollar values are converted, never taken as USD
    assert rec.file_total < 0.5 * sum(rec.file_totals.values())


def test_cli_json_carries_valuation_per_holding_and_the_reconciliation() -> None:
    proc = subprocess.run([sys.executable, "-m", "exposure.cli", "import",
                           str(BROKERS / "degiro_portfolio_en.csv"), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    for holding in doc["holdings"]:
        assert {"currency", "price_source", "price_date", "value_usd"} <= set(holding)
    rec = doc["reconciliation"]
    assert set(rec) >= {"file_total", "valued_total", "base_currency", "differences"}
    assert rec["valued_total"] == pytest.approx(rec["file_total"], abs=0.01)
