"""The HTML report of a book kept in euros (as the Weekly review page downloads it): the
currency and its dated rate said once near the top, every amount the USD amount times that
rate, the snapshot itself still in USD."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.formatting import money
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import Catalog, load_catalog
from exposure.review.report import report_html
from exposure.review.snapshot import build_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO

WHEN = datetime(2026, 11, 18, 9, 0)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _report(catalog: Catalog, base: str) -> tuple[str, float, object]:
    book = load_portfolio(SAMPLE_PORTFOLIO)
    book.base_currency = base
    evaluated = evaluate_book(book, catalog)
    snap = build_snapshot(evaluated, catalog, taken_at=WHEN)
    return report_html(snap, catalog, display=evaluated.display, generated_at=WHEN), \
        evaluated.display.per_usd, snap


def _cells(document: str, heading: str) -> list[str]:
    """The cells of the first table after ``heading``."""
    part = document.split(f"<h2>{heading}</h2>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", part)


def test_a_euro_books_report_states_the_rate_and_converts_every_amount(catalog: Catalog
                                                                        ) -> None:
    eur, rate, snap = _report(catalog, "EUR")
    rate_of_table = 1.0 / catalog.reference_prices["EURUSD=X"].close
    assert rate == pytest.approx(rate_of_table)
    statement = "Amounts in EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)."
    assert eur.count(statement) == 1
    assert eur.index(statement) < eur.index('class="kpis"')

    # the snapshot keeps USD; the report shows each of its amounts times the rate
    assert snap.portfolio["impact_usd"].abs().sum() > 0
    expected = [money(v * rate, "EUR") for v in snap.portfolio["impact_usd"]]
    cells = _cells(eur, "Impact per scenario")
    assert all(e in cells for e in expected)
    assert money(snap.info.total_value_usd * rate, "EUR") in eur
    assert "$" not in "".join(_cells(eur, "Top exposures (probability-weighted)"))


def test_a_usd_books_report_is_unchanged_in_dollars(catalog: Catalog) -> None:
    usd, rate, snap = _report(catalog, "USD")
    assert rate == 1.0 and "Amounts in USD." in usd
    assert [money(v) for v in snap.portfolio["impact_usd"]][0] in _cells(
        usd, "Impact per scenario")
    assert "€" not in usd
