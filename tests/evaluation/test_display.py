"""One display factor: a book's amounts shown in its base currency at the dated rate its
valuation used; USD is the identity; a currency without a rate stays USD and says so."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from exposure.display import USD, DisplayMoney, display_money, rated_currencies
from exposure.evaluation.book import evaluate_book, reference_quotes
from exposure.formatting import money_tick
from exposure.holdings.load import load_portfolio
from exposure.holdings.market_value import FxRate, fx_rates
from exposure.model.catalog import load_catalog
from exposure.workspace import SAMPLE_PORTFOLIO

EUR_RATE = FxRate("EUR", 1.1172, date(2026, 10, 30), "reference")


def test_usd_is_the_identity() -> None:
    values = np.array([-1.5, 0.0, 2.0])
    assert USD.amount(values) is values
    assert USD.money(-1_234_567) == "-$1.23M"
    assert USD.note == "USD" and not USD.fell_back
    assert USD.hover("x") == "%{x:$,.0f}"


def test_a_rated_currency_converts_at_the_inverse_of_usd_per_unit() -> None:
    eur = display_money("eur", {"EUR": EUR_RATE})
    assert eur.currency == "EUR" and eur.per_usd == pytest.approx(1 / 1.1172)
    assert eur.amount(1_117_200.0) == pytest.approx(1_000_000.0)
    assert eur.money(-1_117_200) == "-€1.00M"
    assert eur.note == "EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)"
    assert eur.hover("y") == "%{y:,.0f} EUR"
    assert eur.whole(-1_117_200.4) == "-€1,000,000" and eur.whole(float("nan")) == ""
    assert USD.whole(-12_345.4) == "-$12,345"
    assert eur.label("portfolio impact") == "portfolio impact (EUR)"


def test_a_currency_without_a_rate_falls_back_to_usd_and_says_so() -> None:
    twd = display_money("TWD", {"EUR": EUR_RATE})
    assert twd.currency == "USD" and twd.per_usd == 1.0 and twd.fell_back
    assert twd.money(1000) == "$1.0k"
    assert "no TWD rate here, so USD" in twd.note


@pytest.mark.parametrize(("value", "currency", "text"), [
    (-100_000, "EUR", "-€100k"), (1_500_000, "GBP", "£1.5M"), (0, "JPY", "¥0"),
    (2e9, "CHF", "CHF 2B"), (-250, "USD", "-$250"),
])
def test_money_ticks_in_any_currency_put_the_sign_first(value: float, currency: str,
                                                        text: str) -> None:
    assert money_tick(value, currency) == text


def test_rated_currencies_list_usd_first_then_the_dated_rates() -> None:
    catalog = load_catalog()
    reference = fx_rates(reference_quotes(catalog))
    codes = rated_currencies(reference, also=["TWD"])
    assert codes[0] == "USD" and {"EUR", "GBP", "JPY", "CHF", "TWD"} <= set(codes)
    assert "GBp" not in codes and codes.count("USD") == 1


def test_a_book_displays_in_its_base_currency_at_its_valuation_rate() -> None:
    catalog = load_catalog()
    book = load_portfolio(SAMPLE_PORTFOLIO)
    book.base_currency = "EUR"
    evaluated = evaluate_book(book, catalog)
    shown = evaluated.display
    assert isinstance(shown, DisplayMoney) and shown.currency == "EUR"
    assert shown.per_usd == pytest.approx(evaluated.usd_to_base)
    assert shown.as_of == evaluated.rates["EUR"].as_of
