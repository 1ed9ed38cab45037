"""``exposure import`` run as a user would: in a subprocess, checking output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exposure.holdings.load import load_portfolio
from tests.conftest import FIXTURES, ROOT

BROKERS = FIXTURES / "brokers"


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPOSURE_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "exposure.cli", "import", *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    if proc.returncode not in (0, 2):
        pytest.fail(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def test_json_output_has_holdings_cash_skipped_unknown(home: Path) -> None:
    proc = run_cli(str(BROKERS / "fidelity_positions.csv"), "--format", "json", home=home)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["format"] == "fidelity"
    nvda = [h for h in doc["holdings"] if h["symbol"] == "NVDA"]
    assert nvda[0] == {"symbol": "NVDA", "name": "NVIDIA", "quantity": 40.0,
                       "market_value": 5255.20, "currency": "USD", "statement_price": 131.38,
                       "statement_date": "2025-03-14", "account": "Individual (Z12345678)",
                       "raw_symbol": "NVDA", "price_source": "statement",
                       "price_date": "2025-03-14", "value_usd": 5255.20}
    assert [h["account"] for h in nvda] == ["Individual (Z12345678)", "ROTH IRA (X98765432)"]
    assert doc["file_total"] == {"USD": 26481.52}
    assert doc["skipped_value"] == {"USD": -735.0}
    assert {c["label"] for c in doc["cash"]} == {"SPAXX**", "FZFXX**"}
    assert {"row": 7, "reason": "pending activity (not a position)"} in doc["skipped"]
    assert isinstance(doc["unknown"], list)


def test_text_report_lists_skipped_rows(home: Path) -> None:
    proc = run_cli(str(BROKERS / "schwab_positions.csv"), home=home)
    assert proc.returncode == 0, proc.stderr
    assert "Charles Schwab positions" in proc.stdout
    assert "option contract" in proc.stdout


def test_unimportable_file_exits_2_with_one_line(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "binary.csv"
    bad.write_bytes(b"\x00\x01\x02garbage")
    proc = run_cli(str(bad), "--format", "json", home=home)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "binary.csv" in lines[0] and "binary" in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_file_exits_2(home: Path, tmp_path: Path) -> None:
    proc = run_cli(str(tmp_path / "nope.csv"), home=home)
    assert proc.returncode == 2
    assert "file not found" in proc.stderr


def test_out_writes_a_portfolio_yaml_and_keeps_the_previous_version(home: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "pf.yaml"
    out.write_text("name: old\nholdings: [{symbol: AAA, quantity: 1}]\n")
    proc = run_cli(str(BROKERS / "vanguard_ofxdownload.csv"), "--out", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pf.yaml.prev").read_text().startswith("name: old")
    portfolio = load_portfolio(out)
    assert list(portfolio.holdings["symbol"]) == ["NVDA", "VGT", "VTI", "NVDA"]
    assert portfolio.cash_by_currency()["USD"] == pytest.approx(1520.33)


def test_failed_import_leaves_the_existing_out_file_untouched(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "pf.yaml"
    out.write_text("name: keep\n")
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    proc = run_cli(str(bad), "--out", str(out), home=home)
    assert proc.returncode == 2
    assert out.read_text() == "name: keep\n"


def test_map_and_save_preset_then_auto_detect(home: Path) -> None:
    bank = str(BROKERS / "custom_bank.csv")
    assert run_cli(bank, home=home).returncode == 2
    proc = run_cli(bank, "--map", "symbol=Wertpapier,quantity=Anzahl,market_value=Wert in EUR",
                   "--save-preset", "bank", "--format", "json", home=home)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["format"] == "mapping"
    from exposure.holdings.importers import load_presets

    assert [(p.name, p.version) for p in load_presets(home)] == [("bank", 1)]
    again = run_cli(bank, "--format", "json", home=home)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["format"] == "preset:bank"


def test_map_with_unknown_column_exits_2_naming_it(home: Path) -> None:
    proc = run_cli(str(BROKERS / "custom_bank.csv"), "--map", "symbol=Ticker,quantity=Anzahl",
                   home=home)
    assert proc.returncode == 2
    assert "column 'Ticker'" in proc.stderr


def test_malformed_map_exits_2(home: Path) -> None:
    proc = run_cli(str(BROKERS / "custom_bank.csv"), "--map", "symbol", home=home)
    assert proc.returncode == 2
    assert "FIELD=COLUMN" in proc.stderr


def test_currency_option_settles_ambiguous_marks(home: Path) -> None:
    path = str(BROKERS / "generic_currencies.csv")
    plain = json.loads(run_cli(path, "--format", "json", home=home).stdout)
    assert [a["text"] for a in plain["ambiguous"]] == ["¥3,121,000", "$5,255.20"]
    chosen = run_cli(path, "--format", "json", "--currency", "¥=JPY,$=USD", home=home)
    doc = json.loads(chosen.stdout)
    assert doc["ambiguous"] == [] and doc["file_total"]["JPY"] == 3121000.0
    bad = run_cli(path, "--currency", "EURO", home=home)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "EURO" in bad.stderr


def test_sheet_option_reads_a_workbook(home: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    ws = wb.create_sheet("Depot")
    for row in (["symbol", "quantity", "market_value", "currency"], ["NVDA", 4, 525.52, "USD"]):
        ws.append(row)
    book = tmp_path / "book.xlsx"
    wb.save(book)
    doc = json.loads(run_cli(str(book), "--format", "json", "--sheet", "Depot",
                             home=home).stdout)
    assert doc["sheet"] == "Depot" and doc["holdings"][0]["market_value"] == 525.52
    missing = run_cli(str(book), "--sheet", "Nope", home=home)
    assert missing.returncode == 2 and "no sheet 'Nope'" in missing.stderr


def test_text_report_adds_up_rows_and_states_the_date(home: Path) -> None:
    out = run_cli(str(BROKERS / "schwab_positions.csv"), home=home).stdout
    assert "rows: 8 data rows = 4 holding rows + 2 cash + 2 skipped" in out
    assert "values as of 2025-05-04 (file)" in out
    assert "file total: 254,924.27 USD (stated in the file" in out


def test_transaction_history_exits_2_with_one_line(home: Path) -> None:
    proc = run_cli(str(BROKERS / "hostile" / "fidelity_history.csv"), home=home)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "transaction history" in proc.stderr
