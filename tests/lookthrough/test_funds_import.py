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
