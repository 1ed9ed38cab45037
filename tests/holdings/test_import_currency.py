"""Money in every currency: marks are read, never dropped; ambiguous ones are the user's choice."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from exposure.errors import ImportFormatError
from exposure.holdings.importers import import_bytes, import_file
from exposure.holdings.importers.numbers import NumberFormatError, parse_money
from exposure.holdings.importers.pipeline import ImportOptions
from tests.conftest import FIXTURES

BROKERS = FIXTURES / "brokers"

MARKS = [
    ("NT$1,045,000.00", False, Decimal("1045000.00"), ("TWD",)),
    ("HK$402.60", False, Decimal("402.60"), ("HKD",)),
    ("€3.925,80", True, Decimal("3925.80"), ("EUR",)),
    ("1.234,56 €", True, Decimal("1234.56"), ("EUR",)),
    ("£1,762.00", False, Decimal("1762.00"), ("GBP",)),
    ("CHF 996.00", False, Decimal("996.00"), ("CHF",)),
    ("CHF 1'234.50", False, Decimal("1234.50"), ("CHF",)),
    ("USD 1,234", False, Decimal("1234"), ("USD",)),
    ("1440.10 EUR", False, Decimal("1440.10"), ("EUR",)),
    ("EUR-5", False, Decimal("-5"), ("EUR",)),
    ("(€ 5)", False, Decimal("-5"), ("EUR",)),
    ("₩565,000", False, Decimal("565000"), ("KRW",)),
    ("¥3,121,000", False, Decimal("3121000"), ("JPY", "CNY")),
    ("-$0.10", False, Decimal("-0.10"), ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN")),
    ("12 kr", False, Decimal("12"), ("SEK", "NOK", "DKK", "ISK")),
    ("1,234.56", False, Decimal("1234.56"), ()),
]


@pytest.mark.parametrize(("text", "comma", "amount", "currencies"), MARKS,
                         ids=[m[0] for m in MARKS])
def test_money_cells_keep_amount_and_currency(text: str, comma: bool, amount: Decimal,
                                              currencies: tuple[str, ...]) -> None:
    money = parse_money(text, decimal_comma=comma)
    assert money.amount == amount
    assert money.currencies == currencies
    assert money.ambiguous == (len(currencies) > 1)


@pytest.mark.parametrize("text", ["$5 EUR", "ABC 12", "€ 5 £"])
def test_two_currencies_or_unknown_codes_in_one_cell_are_errors(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_money(text)


def test_hand_made_sheet_keeps_each_rows_currency() -> None:
    """Issue 11: a sheet worth about $90k read as USD was $1.24M; now each value keeps its
    currency and the ambiguous ¥ and $ values wait for the user's choice."""
    result = import_file(BROKERS / "generic_currencies.csv")
    rows = {r.symbol: (r.currency, r.market_value) for r in result.holdings.itertuples()}
    assert rows["2330.TW"] == ("TWD", 1045000.0)
    assert rows["0700.HK"] == ("HKD", 40260.0)
    assert rows["ASML.AS"] == ("EUR", 2016.9)
    assert rows["SMT.L"] == ("GBP", 1762.0)
    assert rows["ABBN.SW"] == ("CHF", 996.0)
    assert rows["005930.KS"] == ("KRW", 565000.0)
    assert math.isnan(rows["8035.T"][1]) and math.isnan(rows["NVDA"][1])
    assert [(a["row"], a["text"], a["candidates"][:2]) for a in result.ambiguous] == [
        (8, "¥3,121,000", ["JPY", "CNY"]), (9, "$5,255.20", ["USD", "CAD"])]
    assert "USD" not in result.file_total  # nothing was booked as USD by default
    assert any("ambiguous currency" in w for w in result.warnings)


def test_the_users_choice_settles_each_mark() -> None:
    path = BROKERS / "generic_currencies.csv"
    both = import_file(path, options=ImportOptions(currency="¥=JPY,$=USD"))
    rows = {r.symbol: (r.currency, r.market_value) for r in both.holdings.itertuples()}
    assert rows["8035.T"] == ("JPY", 3121000.0) and rows["NVDA"] == ("USD", 5255.2)
    assert both.ambiguous == []
    assert set(both.currency_choice.split(",")) == {"¥=JPY", "$=USD"}
    one = import_file(path, options=ImportOptions(currency="JPY"))
    assert [a["text"] for a in one.ambiguous] == ["$5,255.20"]  # JPY does not fit '$'


def test_ambiguous_value_without_quantity_is_skipped_with_the_choice_named() -> None:
    result = import_file(BROKERS / "hostile" / "ambiguous_dollar.csv")
    assert list(result.holdings["symbol"]) == ["SHOP.TO", "NVDA"]
    assert result.holdings["market_value"].isna().all()
    assert result.holdings.loc[0, "currency"] == "CAD"  # the Toronto listing's currency
    assert all("choose it (--currency)" in s["reason"] for s in result.skipped)
    chosen = import_file(BROKERS / "hostile" / "ambiguous_dollar.csv",
                         options=ImportOptions(currency="CAD"))
    assert chosen.cash == [{"account": "", "currency": "CAD", "amount": 2500.0,
                            "label": "CASH"}]


def test_us_broker_dollar_is_usd() -> None:
    result = import_file(BROKERS / "fidelity_positions.csv")
    assert set(result.holdings["currency"]) == {"USD"} and result.ambiguous == []


def test_a_value_mark_against_the_currency_column_skips_the_row() -> None:
    result = import_file(BROKERS / "hostile" / "conflicting_currency.csv")
    assert list(result.holdings["symbol"]) == ["SAP.DE"]
    assert "two currencies in one row" in result.skipped[0]["reason"]


def test_header_names_the_currency() -> None:
    text = "Symbol;Stück;Kurswert in EUR\nSAP.DE;20;4.803,00\n"
    result = import_bytes(text.encode(), "x.csv")
    assert (result.holdings.loc[0, "currency"], result.holdings.loc[0, "market_value"]) == \
        ("EUR", 4803.0)


def test_unlabelled_values_are_usd_with_a_warning_or_the_chosen_currency() -> None:
    text = b"symbol,quantity,market_value\nNVDA,4,525.52\n"
    plain = import_bytes(text, "a.csv")
    assert plain.holdings.loc[0, "currency"] == "USD"
    assert any("no currency is stated" in w for w in plain.warnings)
    chosen = import_bytes(text, "a.csv", options=ImportOptions(currency="EUR"))
    assert chosen.holdings.loc[0, "currency"] == "EUR"
    assert not any("no currency is stated" in w for w in chosen.warnings)


@pytest.mark.parametrize("choice", ["EURO", "$", "=USD", "12"])
def test_bad_currency_choice_is_one_clean_error(choice: str) -> None:
    with pytest.raises(ImportFormatError, match="currency"):
        import_bytes(b"symbol,quantity\nNVDA,4\n", "a.csv", options=ImportOptions(currency=choice))


@pytest.mark.parametrize("cell", ["NaN", "#N/A", "--", "N/A", "", "nan", "#VALUE!"])
def test_placeholders_are_missing_and_a_row_with_neither_is_skipped(cell: str) -> None:
    text = f"symbol,quantity,market_value,currency\nNVDA,{cell},{cell},USD\nAMD,3,300,USD\n"
    result = import_bytes(text.encode(), "p.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert result.skipped[0]["reason"] == "NVDA: no quantity and no market value"
