"""Nothing lost, nothing invented: every data row of every fixture ends as a holding row, a
cash row or a skipped row with its reason, and the counts add up to the file's records.

The expected counts are counted by hand from each fixture file (the comment says how); the
number of non-empty records is counted here with the csv module, independently of the
importer, so a row the importer silently dropped fails the test.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from exposure.holdings.importers import ImportResult, import_file
from tests.conftest import FIXTURES

BROKERS = FIXTURES / "brokers"
HOSTILE = BROKERS / "hostile"

# fixture -> (holding rows, cash rows, skipped rows), counted by hand
DATA_ROWS: dict[str, tuple[int, int, int]] = {
    # 10 rows: 2 money-market cash, option + pending activity skipped
    "fidelity_positions.csv": (6, 2, 2),
    # 8 rows: option + Positions Total skipped; SWVXX and Cash & Cash Investments are cash
    "schwab_positions.csv": (4, 2, 2),
    # two accounts: bond + 2 Account Total skipped
    "schwab_all_accounts.csv": (3, 2, 3),
    # bond without symbol skipped; 3 rows of the transactions table skipped
    "vanguard_ofxdownload.csv": (4, 1, 4),
    # 7 summary rows; option + 3 totals + 2 forex balances already in the Cash Report + forex
    # total skipped; Ending Cash EUR and USD
    "ibkr_activity_statement.csv": (7, 2, 7),
    # Forex Balances are the only cash: EUR, JPY, USD; 2 position totals + forex total
    "ibkr_activity_forex.csv": (2, 3, 3),
    "ibkr_flex_positions.csv": (5, 0, 1),
    "ibkr_flex_envelope.csv": (2, 0, 0),
    # 11 transactions: NVDA x3 and AAPL x2 make holdings; 2 option, CDIV, ACH, INTC x2 skipped
    "robinhood_activity.csv": (5, 0, 6),
    # 13 transactions: 7 share movements of held instruments; deposit, dividend, interest,
    # withdrawal and the closed MU position (2 rows) skipped
    "trading212_history.csv": (7, 0, 6),
    # option, CD and TOTAL skipped; CASH
    "etrade_portfoliodownload.csv": (4, 1, 3),
    "generic_holdings.csv": (6, 1, 1),
    "generic_currencies.csv": (8, 0, 0),
    "degiro_like_semicolon.csv": (3, 0, 1),
    "degiro_portfolio_en.csv": (5, 2, 0),
    "degiro_portfolio_nl.csv": (3, 1, 0),
    "degiro_portfolio_chf_old.csv": (2, 1, 0),
    "depot_de_ing.csv": (4, 0, 1),
    "depot_de_consors.csv": (3, 0, 0),
    "portfolio.yaml": (2, 1, 0),
    # hostile variants
    "hostile/t212_api_tickers.csv": (1, 0, 4),
    "hostile/nan_and_placeholders.csv": (2, 0, 3),
    "hostile/ragged_rows.csv": (3, 0, 1),
    "hostile/ambiguous_dollar.csv": (2, 0, 2),
    "hostile/conflicting_currency.csv": (1, 0, 1),
    "hostile/isin_typo.csv": (1, 0, 1),
    "hostile/degiro_unquoted_comma.csv": (1, 1, 1),
}
REFUSED = {
    "hostile/fidelity_history.csv": "Fidelity account history",
    "hostile/generic_trades.csv": "transaction list",
    "custom_bank.csv": "format not recognised",
}


def test_every_fixture_file_is_listed() -> None:
    files = {str(p.relative_to(BROKERS)) for p in BROKERS.rglob("*")
             if p.is_file() and p.suffix in (".csv", ".yaml") }
    assert files == set(DATA_ROWS) | set(REFUSED)


def non_empty_records(path: Path) -> int:
    """Records with any non-blank cell, counted with the csv module (any delimiter)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    delimiter = ";" if text.splitlines()[2].count(";") > text.splitlines()[2].count(",") \
        else ","
    return sum(1 for row in csv.reader(io.StringIO(text), delimiter=delimiter)
               if any(c.strip() for c in row))


@pytest.mark.parametrize("fixture", sorted(DATA_ROWS), ids=lambda f: f.rsplit(".", 1)[0])
def test_every_row_is_a_holding_cash_or_skipped_with_a_reason(fixture: str) -> None:
    result = import_file(BROKERS / fixture)
    acct = result.accounting
    assert (acct["holding_rows"], acct["cash_rows"], acct["skipped_rows"]) == DATA_ROWS[fixture]
    assert acct["records"] == sum(acct["layout"].values()) + result.data_rows
    assert len(result.skipped) == acct["skipped_rows"]
    assert len(result.cash) == acct["cash_rows"]
    assert all(s["reason"].strip() for s in result.skipped)
    assert len({s["row"] for s in result.skipped}) == len(result.skipped)
    if fixture.endswith(".csv"):
        assert acct["records"] == non_empty_records(BROKERS / fixture)


@pytest.mark.parametrize("fixture", sorted(REFUSED), ids=lambda f: f.rsplit(".", 1)[0])
def test_transaction_histories_and_unknown_layouts_are_refused(fixture: str) -> None:
    from exposure.errors import ImportFormatError

    with pytest.raises(ImportFormatError, match=REFUSED[fixture]):
        import_file(BROKERS / fixture)


def _imported_value(result: ImportResult) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for row in result.holdings.itertuples():
        if row.market_value == row.market_value:  # not NaN
            out[row.currency] = out.get(row.currency, Decimal(0)) \
                + Decimal(str(row.market_value))
    for line in result.cash:
        out[line["currency"]] = out.get(line["currency"], Decimal(0)) \
            + Decimal(str(line["amount"]))
    for code, amount in result.skipped_value.items():
        out[code] = out.get(code, Decimal(0)) + Decimal(str(amount))
    return out


@pytest.mark.parametrize("fixture", sorted(f for f in DATA_ROWS if f.endswith(".csv")),
                         ids=lambda f: f.rsplit(".", 1)[0])
def test_imported_plus_skipped_value_equals_the_files_own_total(fixture: str) -> None:
    result = import_file(BROKERS / fixture)
    tolerance = Decimal("0.01") * max(1, result.data_rows)
    totals = _imported_value(result)
    assert set(result.file_total) <= set(totals) | {c for c, v in result.file_total.items()
                                                    if v == 0}
    for code, amount in result.file_total.items():
        assert abs(totals.get(code, Decimal(0)) - Decimal(str(amount))) <= tolerance, code
    assert not any("says" in w and "add up" in w for w in result.warnings)


def test_stated_totals_are_checked_against_the_rows() -> None:
    text = ("symbol,quantity,market_value,currency\nNVDA,4,525.52,USD\nAMD,3,304.86,USD\n"
            "Total,,900.00,USD\n")
    from exposure.holdings.importers import import_bytes

    result = import_bytes(text.encode(), "sheet.csv")
    assert result.file_total == {"USD": 900.0}
    assert any("says 900.00 USD but its rows add up to 830.38 USD" in w
               for w in result.warnings)
