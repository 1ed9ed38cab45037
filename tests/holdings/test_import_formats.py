"""T-01/T-03/T-04: every broker fixture imports to its expected normalised holdings, in every
encoding and line-ending variant, and whatever the column order or header case."""

from __future__ import annotations

import codecs
import math

import pytest

from exposure.holdings.importers import ImportResult, import_bytes, import_file
from exposure.holdings.load import load_portfolio
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import Catalog
from tests.conftest import FIXTURES

BROKERS = FIXTURES / "brokers"

Row = tuple[str, float | None, float | None, str, str]


def table(result: ImportResult) -> list[Row]:
    """(symbol, quantity, market_value, currency, account) per holding, NaN -> None."""
    def num(x: float) -> float | None:
        return None if math.isnan(x) else round(x, 6)

    return [(r.symbol, num(r.quantity), num(r.market_value), r.currency, r.account)
            for r in result.holdings.itertuples()]


def reasons(result: ImportResult) -> list[str]:
    return [s["reason"] for s in result.skipped]


EXPECTED: dict[str, tuple[str, list[Row], list[tuple[str, str, float]]]] = {
    "fidelity_positions.csv": ("fidelity", [
        ("NVDA", 40.0, 5255.20, "USD", "Individual (Z12345678)"),
        ("BRK-B", 10.0, 4762.20, "USD", "Individual (Z12345678)"),
        ("TSM", 25.0, 4478.50, "USD", "Individual (Z12345678)"),
        ("NVDA", 12.5, 1642.25, "USD", "ROTH IRA (X98765432)"),
        ("AMD", 30.0, 3048.60, "USD", "ROTH IRA (X98765432)"),
        ("31617E745", 210.442, 4878.05, "USD", "ACME 401K PLAN (84-12345)"),
    ], [("SPAXX**", "USD", 2841.17), ("FZFXX**", "USD", 310.55)]),
    "schwab_positions.csv": ("schwab", [
        ("NVDA", 1200.0, 157656.0, "USD", "Individual ...123"),
        ("BRK-B", 15.0, 7143.30, "USD", "Individual ...123"),
        ("SMH", 100.0, 24890.0, "USD", "Individual ...123"),
        ("ASML", 20.0, 14102.20, "USD", "Individual ...123"),
    ], [("SWVXX", "USD", 5000.0), ("Cash & Cash Investments", "USD", 48612.77)]),
    "schwab_all_accounts.csv": ("schwab", [
        ("AMD", 50.0, 4107.5, "USD", "Individual ...123"),
        ("MU", 40.0, 2388.0, "USD", "Individual ...123"),
        ("AMD", 10.0, 821.5, "USD", "Roth IRA ...456"),
    ], [("Cash & Cash Investments", "USD", 2611.40),
        ("Cash & Cash Investments", "USD", 244.60)]),
    "vanguard_ofxdownload.csv": ("vanguard", [
        ("NVDA", 25.0, 3284.50, "USD", "12345678"),
        ("VGT", 14.2351, 8723.27, "USD", "12345678"),
        ("VTI", 30.0, 8736.0, "USD", "87654321"),
        ("NVDA", 5.0, 656.90, "USD", "87654321"),
    ], [("VMFXX", "USD", 1520.33)]),
    "ibkr_activity_statement.csv": ("ibkr-statement", [
        ("ASML.AS", 12.0, 8067.60, "EUR", "U1234567"),
        ("SAP.DE", 20.0, 4803.0, "EUR", "U1234567"),
        ("0700.HK", 300.0, 120780.0, "HKD", "U1234567"),
        ("8035.T", 100.0, 3121000.0, "JPY", "U1234567"),
        ("SHOP.TO", 40.0, 6048.0, "CAD", "U1234567"),
        ("BRK-B", 8.0, 3809.76, "USD", "U1234567"),
        ("NVDA", 150.0, 19707.0, "USD", "U1234567"),
    ], [("Ending Cash", "EUR", 1870.5), ("Ending Cash", "USD", 10521.07)]),
    "ibkr_flex_positions.csv": ("ibkr-flex", [
        ("NVDA", 150.0, 19707.0, "USD", "U1234567"),
        ("ASML.AS", 12.0, 8067.6, "EUR", "U1234567"),
        ("9988.HK", 400.0, 52840.0, "HKD", "U1234567"),
        ("NVDA", 20.0, 2627.6, "USD", "U7654321"),
        ("TSM", 30.0, 5374.2, "USD", "U7654321"),
    ], []),
    "ibkr_flex_envelope.csv": ("ibkr-flex", [
        ("AMD", 75.0, 7621.5, "USD", "U1234567"),
        ("IFX.DE", 100.0, 3310.0, "EUR", "U1234567"),
    ], []),
    "robinhood_activity.csv": ("robinhood", [
        ("AAPL", 5.0, None, "USD", "Robinhood"),
        ("NVDA", 45.5, None, "USD", "Robinhood"),
    ], []),
    "etrade_portfoliodownload.csv": ("etrade", [
        ("NVDA", 40.0, 5255.20, "USD", "Individual Brokerage -4821"),
        ("AVGO", 30.0, 5443.80, "USD", "Individual Brokerage -4821"),
        ("MSFT", 25.0, 9711.25, "USD", "Individual Brokerage -4821"),
        ("ARM", 35.0, 4203.85, "USD", "Individual Brokerage -4821"),
    ], [("CASH", "USD", 7096.82)]),
    "generic_holdings.csv": ("generic", [
        ("NVDA", 40.0, 5255.2, "USD", "Brokerage"),
        ("AMD", 30.0, 3048.6, "USD", "Brokerage"),
        ("2330.TW", 1000.0, 1045000.0, "TWD", "Taiwan"),
        ("0700.HK", 100.0, 40260.0, "HKD", "HK"),
        ("BRK-B", 5.0, 2381.1, "USD", "IRA"),
        ("NVDA", 10.0, 1313.8, "USD", "IRA"),
    ], [("CASH", "USD", 1500.0)]),
    "degiro_like_semicolon.csv": ("generic", [
        ("ASML.AS", 12.0, 8067.6, "EUR", "Depot 1"),
        ("SAP.DE", 20.0, 4803.0, "EUR", "Depot 1"),
        ("IFX.DE", 100.0, 3310.0, "EUR", "Depot 1"),
    ], []),
    "portfolio.yaml": ("yaml", [
        ("NVDA", 10.0, None, "USD", ""),
        ("labco", None, 500.0, "USD", ""),
    ], [("cash", "USD", 250.0)]),
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED), ids=lambda f: f.split(".")[0])
def test_fixture_imports_to_expected_holdings(fixture: str) -> None:
    fmt, holdings, cash = EXPECTED[fixture]
    result = import_file(BROKERS / fixture)
    assert result.format == fmt
    assert table(result) == holdings
    assert [(c["label"], c["currency"], c["amount"]) for c in result.cash] == cash


@pytest.mark.parametrize("fixture", sorted(f for f in EXPECTED if f.endswith(".csv")),
                         ids=lambda f: f.split(".")[0])
def test_bom_crlf_and_utf16_variants_give_identical_holdings(fixture: str) -> None:
    data = (BROKERS / fixture).read_bytes()
    base = table(import_bytes(data, fixture))
    crlf = data.replace(b"\n", b"\r\n")
    variants = {
        "bom": codecs.BOM_UTF8 + data,
        "crlf": crlf,
        "bom+crlf": codecs.BOM_UTF8 + crlf,
        "utf16": data.decode("utf-8").encode("utf-16"),
        "cp1252": data.decode("utf-8").encode("cp1252", errors="replace"),
    }
    for label, variant in variants.items():
        assert table(import_bytes(variant, fixture)) == base, label


def test_latin1_file_is_read_and_reported() -> None:
    text = "symbol,name,quantity\nSAP.DE,Société Générale Test,5\nIFX.DE,Infineon Müller,3\n"
    result = import_bytes(text.encode("latin-1"), "depot.csv")
    assert result.encoding == "cp1252"
    assert list(result.holdings["name"]) == ["Société Générale Test", "Infineon Müller"]
    assert any("not UTF-8" in w for w in result.warnings)


def test_semicolon_and_decimal_comma_match_the_comma_file() -> None:
    us = "symbol,quantity,market_value,currency\nASML.AS,12,8067.60,EUR\nSAP.DE,20,4803,EUR\n"
    eu = "symbol;quantity;market_value;currency\nASML.AS;12;8.067,60;EUR\nSAP.DE;20;4.803,00;EUR\n"
    assert table(import_bytes(us.encode(), "a.csv")) == table(import_bytes(eu.encode(), "b.csv"))


def test_degiro_style_quoted_decimal_commas_with_comma_delimiter() -> None:
    text = ('Symbol,Product,Quantity,Closing,Value\n'
            'NICE,ADR ON NICE LTD,13,"91,15","1184,95"\n'
            'ASML.AS,ASML HOLDING,2,"672,30","1344,60"\n')
    result = import_bytes(text.encode(), "degiro.csv")
    assert table(result)[0][:3] == ("NICE", 13.0, 1184.95)


def _shuffle_columns(text: str, order: list[int], rename: dict[str, str]) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, row in enumerate(rows):
        if len(row) < len(order):
            writer.writerow(row)
            continue
        new = [row[j] for j in order] + row[len(order):] + (["extra"] if i else ["Broker Note"])
        if i == 0:
            new = [rename.get(c, c) for c in new]
        writer.writerow(new)
    return out.getvalue()


def test_fidelity_header_drift_gives_same_holdings() -> None:
    data = (BROKERS / "fidelity_positions.csv").read_text()
    header_only, rest = data.split("\n", 1)
    original = import_bytes(data.encode(), "f.csv")
    drifted = _shuffle_columns(header_only + "\n" + rest, [3, 2, 0, 1, 7, 4, 5, 6] +
                               list(range(8, 16)),
                               {"Account Number": "Account number", "Last Price": "Last price",
                                "Current Value": "current value", "Symbol": " SYMBOL "})
    result = import_bytes(drifted.encode(), "f.csv")
    assert result.format == "fidelity"
    assert table(result) == table(original)


def test_generic_header_drift_gives_same_holdings() -> None:
    base = "symbol,quantity,market_value,currency,account\nNVDA,4,525.5,USD,A\nAMD,3,300,USD,B\n"
    drift = ("Broker note,ACCOUNT,Market Value,  Ticker ,Currency,Shares\n"
             "x,A,525.5,NVDA,USD,4\ny,B,300,AMD,USD,3\n")
    assert table(import_bytes(base.encode(), "a.csv")) == table(import_bytes(drift.encode(),
                                                                               "b.csv"))


def test_schwab_2024_skips_option_and_total_with_reasons() -> None:
    result = import_file(BROKERS / "schwab_positions.csv")
    assert "option contract: options are not imported" in reasons(result)
    assert "total row" in reasons(result)


def test_fidelity_pending_activity_and_option_are_reported_not_imported() -> None:
    result = import_file(BROKERS / "fidelity_positions.csv")
    assert "pending activity (not a position)" in reasons(result)
    assert "option contract: options are not imported" in reasons(result)
    assert "NVDA" in result.in_several_accounts and result.merged == []
    assert not (result.holdings["symbol"] == "PENDING").any()


def test_ibkr_lot_rows_are_not_double_counted() -> None:
    result = import_file(BROKERS / "ibkr_activity_statement.csv")
    asml = result.holdings.set_index("symbol").loc["ASML.AS"]
    assert asml["quantity"] == 12.0
    assert any("lot" in w for w in result.warnings)


def test_catalog_match_reports_unknown_symbols(mini_catalog: Catalog) -> None:
    text = "symbol,quantity\nAAA,10\nZZZ,5\n"
    result = import_bytes(text.encode(), "h.csv", catalog=mini_catalog)
    assert result.unknown == ["ZZZ"]
    assert list(result.holdings["symbol"]) == ["AAA", "ZZZ"]
    assert result.holdings.loc[0, "name"] == mini_catalog.company_for_symbol("AAA").name


def test_load_portfolio_reads_a_fidelity_export() -> None:
    portfolio = load_portfolio(BROKERS / "fidelity_positions.csv")
    assert isinstance(portfolio, Portfolio)
    assert portfolio.name == "fidelity_positions"
    assert portfolio.cash_by_currency()["USD"] == pytest.approx(2841.17 + 310.55)
    assert "NVDA" in set(portfolio.holdings["symbol"])


def test_to_portfolio_keeps_cash_in_every_currency() -> None:
    result = import_file(BROKERS / "ibkr_activity_statement.csv")
    portfolio = result.to_portfolio("ib")
    by_currency = portfolio.cash_by_currency()
    assert by_currency["USD"] == pytest.approx(10521.07)
    assert by_currency["EUR"] == pytest.approx(result.cash_by_currency()["EUR"])
    assert by_currency["EUR"] != 0


def test_to_json_has_the_documented_shape() -> None:
    doc = import_file(BROKERS / "robinhood_activity.csv").to_json()
    assert {"holdings", "cash", "skipped", "unknown", "format", "warnings"} <= set(doc)
    assert {"symbol", "quantity", "market_value", "currency", "statement_price",
            "statement_date", "account", "raw_symbol"} <= set(doc["holdings"][0])
    assert {"file_total", "skipped_value", "ambiguous", "rows", "statement_date"} <= set(doc)
    assert doc["holdings"][0]["market_value"] is None
    assert set(doc["skipped"][0]) == {"row", "reason"}


def test_fidelity_2025_lowercase_headers_with_asset_group_column() -> None:
    text = ("Account number,Account name,Investment type,Symbol,Description,Quantity,"
            "Last price,Last price change,Current value,Type\n"
            "Z12345678,Individual,Stocks,NVDA,NVIDIA CORPORATION COM,40,$131.38,+$2.10,"
            "$5255.20,Cash,\n"
            "Z12345678,Individual,Cash,SPAXX**,HELD IN MONEY MARKET,,,,$100.00,Cash,\n"
            "Z12345678,Individual,,Pending activity,,,,,-$12.00,,\n"
            "\n\"Date downloaded 09/27/2026 10:00 AM ET\"\n")
    result = import_bytes(text.encode(), "Portfolio_Positions_Sep-27-2026.csv")
    assert result.format == "fidelity"
    assert table(result) == [("NVDA", 40.0, 5255.20, "USD", "Individual (Z12345678)")]
    assert result.cash[0]["amount"] == 100.0
    assert "pending activity (not a position)" in reasons(result)


def test_utf16_tab_delimited_excel_unicode_text() -> None:
    text = "Symbol\tQuantity\tMarket Value\r\nNVDA\t4\t525.52\r\nAMD\t3\t304.86\r\n"
    result = import_bytes(text.encode("utf-16"), "unicode.txt")
    assert result.encoding == "utf-16"
    assert table(result) == [("NVDA", 4.0, 525.52, "USD", ""), ("AMD", 3.0, 304.86, "USD", "")]


def test_ibkr_forex_balances_are_cash_and_never_counted_twice() -> None:
    forex = import_file(BROKERS / "ibkr_activity_forex.csv")
    assert forex.cash_by_currency() == {"EUR": 2890.5, "JPY": 320000.0, "USD": -112.4}
    assert forex.statement_date == "2026-11-30"
    both = import_file(BROKERS / "ibkr_activity_statement.csv")
    assert both.cash_by_currency() == {"EUR": 1870.5, "USD": 10521.07}  # Cash Report only
    assert sum("already counted as cash" in s["reason"] for s in both.skipped) == 2


def test_same_symbol_in_two_accounts_stays_two_rows_and_lots_merge() -> None:
    text = ("symbol,quantity,market_value,currency,account\nNVDA,10,1300,USD,Taxable\n"
            "NVDA,5,650,USD,IRA\nNVDA,2,260,USD,Taxable\n")
    result = import_bytes(text.encode(), "a.csv")
    assert table(result) == [("NVDA", 12.0, 1560.0, "USD", "Taxable"),
                             ("NVDA", 5.0, 650.0, "USD", "IRA")]
    assert result.merged == ["NVDA"] and result.in_several_accounts == ["NVDA"]
