"""European brokers: DEGIRO (EN, NL, older single-cell layout), Trading 212 history (replayed),
German depot exports (cp1252, ``;``, decimal commas, ISIN/WKN), and the ISIN map."""

from __future__ import annotations

import math

import pytest

from exposure.errors import DataFileError, ImportFormatError
from exposure.holdings.importers import import_bytes, import_file
from exposure.holdings.importers.pipeline import ImportOptions
from exposure.holdings.isin import (
    IsinMap,
    bundled_isin_map,
    isin_check_digit_ok,
    load_isin_map,
)
from exposure.workspace import DATA_DIR
from tests.conftest import FIXTURES

BROKERS = FIXTURES / "brokers"


def rows(result):  # noqa: ANN001, ANN201 - test helper
    return [(r.symbol, None if math.isnan(r.quantity) else r.quantity,
             None if math.isnan(r.market_value) else round(r.market_value, 2), r.currency,
             None if math.isnan(r.statement_price) else r.statement_price)
            for r in result.holdings.itertuples()]


def test_degiro_english_export() -> None:
    result = import_file(BROKERS / "degiro_portfolio_en.csv")
    assert result.format == "degiro"
    assert rows(result) == [
        ("ASML.AS", 3.0, 2016.9, "EUR", 672.3),
        ("NVDA", 15.0, 1970.7, "USD", 131.38),
        ("TSM", 10.0, 1791.4, "USD", 179.14),
        ("US6536561086", 13.0, 1184.95, "USD", 91.15),  # not in the map: kept as its ISIN
        ("0700.HK", 100.0, 40260.0, "HKD", 402.6),
    ]
    assert [(c["currency"], c["amount"]) for c in result.cash] == [("EUR", 1079.92),
                                                                   ("USD", 2.24)]
    assert "US6536561086" in result.unresolved_isins
    assert any("12,328.95 EUR" in w for w in result.warnings)  # DEGIRO's own EUR total


def test_degiro_dutch_headers_read_the_same_rows() -> None:
    en = rows(import_file(BROKERS / "degiro_portfolio_en.csv"))
    nl = import_file(BROKERS / "degiro_portfolio_nl.csv")
    assert nl.format == "degiro"
    assert rows(nl) == [r for r in en if r[0] in ("ASML.AS", "NVDA", "0700.HK")]


def test_degiro_older_single_cell_values() -> None:
    result = import_file(BROKERS / "degiro_portfolio_chf_old.csv")
    assert rows(result) == [("IE00B14X4Q57", 10.0, 1440.1, "EUR", 144.01),
                            ("ABBN.SW", 20.0, 996.0, "CHF", 49.8)]
    assert result.cash[0]["currency"] == "CHF" and result.cash[0]["amount"] == 143.2


def test_degiro_unquoted_decimal_comma_is_a_reported_ragged_row() -> None:
    result = import_file(BROKERS / "hostile" / "degiro_unquoted_comma.csv")
    assert "ragged row" in result.skipped[0]["reason"] and result.skipped[0]["row"] == 4


def test_trading212_history_is_replayed_not_read_as_positions() -> None:
    result = import_file(BROKERS / "trading212_history.csv")
    assert result.format == "trading212"
    assert rows(result) == [("NVDA", 40.0, None, "USD", None),   # 4 shares, 10:1 split
                            ("ASML.AS", 1.0, None, "EUR", None),  # EUR buy: Amsterdam
                            ("AMD", 2.0, None, "USD", None),      # 3.5 - 1.5
                            ("DE0007164600", 2.0, None, "EUR", None)]  # SAP: ISIN kept
    reasons = [s["reason"] for s in result.skipped]
    assert "Dividend (Dividend): cash movement, not a position" in reasons
    assert sum("MU: position closed" in r for r in reasons) == 2
    assert any("partial history" in w for w in result.warnings)
    assert result.holdings.loc[3, "raw_symbol"] == "SAP"


def test_trading212_api_tickers_and_oversold_positions() -> None:
    result = import_file(BROKERS / "hostile" / "t212_api_tickers.csv")
    assert rows(result) == [("ASML.AS", 2.0, None, "EUR", None)]
    reasons = [s["reason"] for s in result.skipped]
    assert sum("replay gives -2 shares" in r for r in reasons) == 2
    assert any("without a readable time" in r for r in reasons)


def test_trading212_history_never_reaches_the_generic_reader() -> None:
    """Issue 11: sells were added as shares and a dividend counted as shares."""
    text = (BROKERS / "trading212_history.csv").read_text()
    reordered = text.replace("Action,Time,", "Action,Time (UTC),", 1)
    result = import_bytes(reordered.encode(), "export.csv")
    assert result.format == "trading212"
    assert result.holdings.set_index("symbol").loc["AMD", "quantity"] == 2.0


def test_german_depot_ing_cp1252_with_a_currency_after_each_amount() -> None:
    result = import_file(BROKERS / "depot_de_ing.csv")
    assert result.format == "depot-de" and result.encoding == "cp1252"
    assert rows(result) == [("NVDA", 15.0, 1809.3, "EUR", 120.62),
                            ("ASML.AS", 3.0, 2016.9, "EUR", 672.3),
                            ("DE0007164600", 20.0, 4803.0, "EUR", 240.15),
                            ("IE00B4L5Y983", 40.0, 3940.0, "EUR", 98.5)]
    assert result.statement_date == "2025-03-14"
    assert result.file_total == {"EUR": 12569.2}
    assert result.holdings.loc[0, "raw_symbol"] == "US67066G1040"


def test_german_depot_consorsbank_wkn_or_isin_column() -> None:
    result = import_file(BROKERS / "depot_de_consors.csv")
    assert [r[0] for r in rows(result)] == ["NVDA", "ASML.AS", "DE0007164600"]
    assert list(result.holdings["raw_symbol"]) == ["918422", "A1J4U4", "DE0007164600"]


def test_isin_with_a_wrong_check_digit_is_skipped() -> None:
    result = import_file(BROKERS / "hostile" / "isin_typo.csv")
    assert list(result.holdings["symbol"]) == ["AMD"]
    assert "fails its check digit" in result.skipped[0]["reason"]


def test_unresolved_isin_resolves_through_the_given_resolver() -> None:
    seen: list[str] = []

    def resolver(isin: str) -> str | None:
        seen.append(isin)
        return {"DE0007164600": "SAP.DE"}.get(isin)

    result = import_file(BROKERS / "depot_de_ing.csv",
                         options=ImportOptions(isin_resolver=resolver))
    assert "SAP.DE" in set(result.holdings["symbol"])
    assert seen == ["DE0007164600", "IE00B4L5Y983"]  # map hits never reach the resolver
    assert result.unresolved_isins == ["IE00B4L5Y983"]


def test_other_brokers_histories_are_refused_with_one_line() -> None:
    with pytest.raises(ImportFormatError, match="Fidelity account history") as err:
        import_file(BROKERS / "hostile" / "fidelity_history.csv")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("code", "ok"), [
    ("US67066G1040", True), ("NL0010273215", True), ("KYG875721634", True),
    ("US67066G1041", False), ("US67066G104", False), ("XX", False), ("us67066g1040", True),
])
def test_isin_check_digit(code: str, ok: bool) -> None:
    assert isin_check_digit_ok(code) is ok


def test_bundled_isin_map_loads_and_every_row_is_sourced() -> None:
    isin_map = bundled_isin_map()
    assert len(isin_map) == 42
    assert isin_map.lookup("NL0010273215").symbol == "ASML.AS"
    assert isin_map.lookup(wkn="918422").symbol == "NVDA"
    for entry in isin_map.by_isin.values():
        assert entry.source.startswith("http") and entry.tier and entry.as_of


def test_isin_map_refuses_a_bad_check_digit_and_duplicates(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "isin.yaml"
    row = ('- {isin: %s, symbol: NVDA, name: N, currency: USD, source: "https://x.example", '
           'tier: secondary, as_of: 2026-01-01}\n')
    bad.write_text(row % "US67066G1041")
    with pytest.raises(DataFileError, match="check digit"):
        load_isin_map(bad)
    bad.write_text(row % "US67066G1040" + row % "US67066G1040")
    with pytest.raises(DataFileError, match="ISIN listed twice"):
        load_isin_map(bad)
    assert isinstance(load_isin_map(DATA_DIR / "isin.yaml"), IsinMap)
