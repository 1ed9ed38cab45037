"""Cash in every currency: the YAML format, the edited cash table, base currency."""

from __future__ import annotations

import pandas as pd
import pytest

from exposure.errors import DataFileError, PortfolioError
from exposure.holdings.portfolio import (
    CashBalance,
    cash_from_frame,
    parse_portfolio_yaml,
    portfolio_to_yaml,
)

BOOK = """
name: Euro book
base_currency: eur
cash:
  - {currency: EUR, amount: 5000, account: Depot}
  - {currency: usd, amount: 1200.5}
holdings:
  - {symbol: ASML.AS, quantity: 10, currency: EUR, statement_price: 612.4, statement_date: 2026-11-28}
"""


def test_cash_lines_keep_their_currency_and_round_trip() -> None:
    book = parse_portfolio_yaml(BOOK, "euro.yaml")
    assert book.base_currency == "EUR"
    assert book.cash == [CashBalance("EUR", 5000.0, "Depot"), CashBalance("USD", 1200.5)]
    assert book.cash_by_currency() == {"EUR": 5000.0, "USD": 1200.5}
    row = book.holdings.iloc[0]
    assert (row["currency"], row["statement_price"], row["statement_date"]) == \
        ("EUR", 612.4, "2026-11-28")
    again = parse_portfolio_yaml(portfolio_to_yaml(book), "again.yaml")
    assert again.cash == book.cash and again.base_currency == "EUR"
    pd.testing.assert_frame_equal(again.holdings, book.holdings)


def test_a_single_number_is_cash_in_cash_currency() -> None:
    book = parse_portfolio_yaml("cash: 300\ncash_currency: GBP\nholdings: []\n", "gbp.yaml")
    assert book.cash == [CashBalance("GBP", 300.0)]


def test_a_bad_currency_code_names_the_field() -> None:
    with pytest.raises(DataFileError, match="currency"):
        parse_portfolio_yaml("cash: [{currency: EURO, amount: 1}]\n", "bad.yaml")


def test_edited_cash_table_is_validated_row_by_row() -> None:
    table = pd.DataFrame({"currency": ["HKD", "", "chf"], "amount": [100.0, None, 5.0],
                          "account": ["A", None, None]})
    assert cash_from_frame(table) == [CashBalance("HKD", 100.0, "A"), CashBalance("CHF", 5.0)]
    table.loc[0, "currency"] = "HK$"
    with pytest.raises(PortfolioError, match="row 1, column 'currency'"):
        cash_from_frame(table)
