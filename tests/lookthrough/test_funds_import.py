"""Issuer holdings files: one realistic fixture per layout, and the CLI import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exposure.cli import main
from exposure.errors import ImportFormatError
from exposure.lookthrough.fund_import import normalise_ticker, parse_holdings, read_holdings_file
from exposure.model.catalog import load_catalog
from tests.conftest import FIXTURES

FUNDS = FIXTURES / "funds"


@pytest.mark.parametrize("name, layout, as_of, first, n", [
    ("ishares_soxx.csv", "ishares", date(2026, 5, 12), ("AMD", 0.0803), 5),
    ("vaneck_smh.csv", "vaneck", date(2026, 5, 12), ("NVDA", 0.201), 4),
    ("invesco_qqq.csv", "invesco", date(2026, 5, 12), ("NVDA", 0.14), 5),
    ("spdr_xlk.csv", "spdr", date(2026, 5, 12), ("NVDA", 0.14895412), 4),
], ids=["ishares", "vaneck", "invesco", "spdr"])
def test_each_issuer_layout_parses(name: str, layout: str, as_of: date, first: tuple, n: int) -> None:
    fund = read_holdings_file(FUNDS / name)
    assert fund.layout == layout and fund.as_of == as_of
    assert len(fund.constituents) == n
    assert (fund.constituents[0]["symbol"], fund.constituents[0]["weight"]) == (
        first[0], pytest.approx(first[1]))
    assert 0 < fund.total_weight <= 1
    assert fund.skipped, "cash / money-market rows are skipped"


def test_share_class_and_exchange_suffixes_become_yahoo_tickers() -> None:
    assert normalise_ticker("NVDA US") == "NVDA"
    assert normalise_ticker("BRK.B") == "BRK-B"
    assert {c["symbol"] for c in read_holdings_file(FUNDS / "ishares_soxx.csv").constituents} >= {
        "BRK-B"}


def test_file_without_a_holdings_table_is_a_clear_error() -> None:
    with pytest.raises(ImportFormatError) as err:
        parse_holdings("just,some\ntext,here\n", "x.csv")
    assert "x.csv" in str(err.value) and "holdings table" in str(err.value)


def test_bad_weight_names_row_and_column() -> None:
    text = (FUNDS / "spdr_xlk.csv").read_text().replace("8.411029", "lots")
    with pytest.raises(ImportFormatError) as err:
        parse_holdings(text, "xlk.csv")
    assert err.value.row == 8 and err.value.column == "Weight"


def test_cli_import_writes_the_workspace_override(home: Path, capsys) -> None:
    assert main(["funds", "import", str(FUNDS / "ishares_soxx.csv"), "--fund", "soxx",
                 "--home", str(home)]) == 0
    path = home / "funds" / "SOXX.yaml"
    assert path.is_file()
    cat = load_catalog(home=home)
    assert cat.origin["fund:SOXX"] == "user"
    fund = cat.funds["SOXX"]
    assert fund.as_of == date(2026, 5, 12) and fund.tier == "primary"
    assert fund.constituents[0].symbol == "AMD"
    assert "SOXX" in capsys.readouterr().out


def test_cli_import_of_a_broken_file_exits_2_and_writes_nothing(home: Path, tmp_path: Path,
                                                                capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n")
    assert main(["funds", "import", str(bad), "--fund", "SMH", "--home", str(home)]) == 2
    assert "holdings table" in capsys.readouterr().err
    assert not (home / "funds" / "SMH.yaml").exists()


# ---- issue 11: the file is the fund named, tickers checked, weights read right ----------

def test_file_naming_another_fund_is_refused_with_both_named(home: Path, capsys) -> None:
    code = main(["funds", "import", str(FUNDS / "spdr_xlk.csv"), "--fund", "SMH",
                 "--home", str(home)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "XLK" in err and "SMH" in err
    assert not (home / "funds" / "SMH.yaml").exists()


def test_fund_name_on_the_first_line_is_checked_too(home: Path, capsys) -> None:
    assert main(["funds", "import", str(FUNDS / "vaneck_smh.csv"), "--fund", "SOXX",
                 "--home", str(home)]) == 2
    assert "'VanEck Semiconductor ETF' (SMH), not SOXX" in capsys.readouterr().err
    assert main(["funds", "import", str(FUNDS / "vaneck_smh.csv"), "--fund", "SMH",
                 "--home", str(home)]) == 0


@pytest.mark.parametrize(("name", "ticker", "fund_name"), [
    ("spdr_xlk.csv", "XLK", "The Technology Select Sector SPDR® Fund"),
    ("invesco_qqq.csv", "QQQ", None),
    ("ishares_soxx.csv", None, "iShares Semiconductor ETF"),
    ("globalx_botz.csv", None, "Global X Robotics & Artificial Intelligence ETF"),
])
def test_fund_identity_read_from_the_file(name: str, ticker: str | None,
                                          fund_name: str | None) -> None:
    fund = read_holdings_file(FUNDS / name)
    assert fund.fund_ticker == ticker and fund.fund_name == fund_name


def test_global_x_layout_with_bloomberg_exchange_codes() -> None:
    fund = read_holdings_file(FUNDS / "globalx_botz.csv")
    assert fund.layout == "globalx" and fund.as_of == date(2026, 11, 21)
    assert [c["symbol"] for c in fund.constituents] == ["NVDA", "ISRG", "ABBN.SW", "6954.T",
                                                        "6861.T"]
    assert fund.file_weight == pytest.approx(1.0)
    assert any("OTHER EQUITY" in s for s in fund.skipped)


def test_fraction_weights_are_detected_and_class_shares_normalised() -> None:
    fund = read_holdings_file(FUNDS / "spdr_fractions_classes.csv")
    weights = {c["symbol"]: c["weight"] for c in fund.constituents}
    assert weights == {"BRK-B": pytest.approx(0.1236), "BF-B": pytest.approx(0.0021),
                       "JPM": pytest.approx(0.1032), "V": pytest.approx(0.0785)}
    assert any("fractions" in n for n in fund.notes)
    assert fund.warnings == []  # the file sums to 100%


@pytest.mark.parametrize(("raw", "yahoo"), [
    ("BRKB", "BRK-B"), ("BFB", "BF-B"), ("BRK.B", "BRK-B"), ("BRK/B", "BRK-B"),
    ("BRK B", "BRK-B"), ("NVDA US", "NVDA"), ("700 HK", "0700.HK"), ("ASML NA", "ASML.AS"),
    ("8035 JT", "8035.T"),
])
def test_issuer_spellings_become_yahoo_tickers(raw: str, yahoo: str) -> None:
    assert normalise_ticker(raw) == yahoo


@pytest.mark.parametrize(("name", "message"), [
    ("hostile/formula_ticker.csv", "formula text"),
    ("hostile/negative_weight.csv", "is negative"),
    ("hostile/over_100.csv", "above 100%"),
])
def test_hostile_fund_files_are_refused_naming_the_problem(name: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_holdings_file(FUNDS / name)


def test_partial_file_imports_with_a_loud_warning(home: Path, capsys) -> None:
    assert main(["funds", "import", str(FUNDS / "invesco_qqq.csv"), "--fund", "QQQ",
                 "--home", str(home)]) == 0
    assert "WARNING: the file's weights sum to only 44.6%" in capsys.readouterr().out
    doc = load_catalog(home=home).funds["QQQ"]
    assert any("sum to only 44.6%" in n for n in doc.notes)


def test_lookthrough_reports_the_files_listed_weight(home: Path, tmp_path: Path,
                                                     capsys) -> None:
    assert main(["funds", "import", str(FUNDS / "globalx_botz.csv"), "--fund", "BOTZ",
                 "--home", str(home)]) == 0
    book = tmp_path / "book.yaml"
    book.write_text("name: b\nholdings:\n  - {symbol: BOTZ, kind: fund, market_value: 1000}\n")
    capsys.readouterr()
    assert main(["lookthrough", "--portfolio", str(book), "--format", "json",
                 "--home", str(home)]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["fund_listed_weight"]["BOTZ"] == pytest.approx(0.3866)
