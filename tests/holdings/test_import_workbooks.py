"""XLSX, ODS and legacy XLS for every format: each CSV fixture re-saved as a workbook (as a
user re-saving a broker export in Excel or LibreOffice would) imports to the same holdings,
cash and skipped rows. Workbooks are written here with openpyxl, odfpy (via pandas) and xlwt;
they are read by the app with python-calamine."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from exposure.errors import ImportFormatError
from exposure.holdings.importers import ImportResult, import_bytes, import_file
from exposure.holdings.importers.pipeline import ImportOptions
from tests.conftest import FIXTURES
from tests.holdings.test_import_accounting import DATA_ROWS

BROKERS = FIXTURES / "brokers"
CSV_FIXTURES = sorted(f for f in DATA_ROWS if f.endswith(".csv")
                      and f != "hostile/ragged_rows.csv")  # a sheet pads short rows


def rows_of(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = text.splitlines()
    delimiter = ";" if lines[2].count(";") > lines[2].count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def as_number(cell: str) -> float | str:
    """Cells that are plain numbers become numeric cells, as a spreadsheet would keep them."""
    try:
        value = float(cell)
    except ValueError:
        return cell
    return value if math.isfinite(value) and cell.strip() == cell and "," not in cell else cell


def xlsx_bytes(rows: list[list[str]], numbers: bool = True, sheet: str = "Positions",
               before: list[str] | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    first = wb.active
    if before:
        first.title = before[0]
        first.append(["notes only"])
        ws = wb.create_sheet(sheet)
    else:
        ws = first
        ws.title = sheet
    for row in rows:
        ws.append([as_number(c) if numbers else c for c in row] or [None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ods_bytes(rows: list[list[str]]) -> bytes:
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([[as_number(c) for c in r] + [""] * (width - len(r)) for r in rows])
    out = io.BytesIO()
    frame.to_excel(out, engine="odf", header=False, index=False)
    return out.getvalue()


def xls_bytes(rows: list[list[str]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Positions")
    for i, row in enumerate(rows):
        for j, c in enumerate(row):
            ws.write(i, j, as_number(c))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def summary(result: ImportResult) -> tuple[object, ...]:
    holdings = [(r.symbol, None if math.isnan(r.quantity) else round(r.quantity, 6),
                 None if math.isnan(r.market_value) else round(r.market_value, 2), r.currency,
                 r.account) for r in result.holdings.itertuples()]
    cash = [(c["currency"], round(c["amount"], 2)) for c in result.cash]
    skipped = sorted(s["reason"] for s in result.skipped)
    return result.format, holdings, cash, skipped, result.data_rows


@pytest.mark.parametrize("fixture", CSV_FIXTURES, ids=lambda f: f.rsplit(".", 1)[0])
@pytest.mark.parametrize("kind", ["xlsx", "xlsx-text", "ods", "xls"])
def test_workbook_of_every_format_imports_like_the_csv(fixture: str, kind: str) -> None:
    rows = rows_of(BROKERS / fixture)
    data = {"xlsx": lambda: xlsx_bytes(rows), "xlsx-text": lambda: xlsx_bytes(rows, False),
            "ods": lambda: ods_bytes(rows), "xls": lambda: xls_bytes(rows)}[kind]()
    expected = summary(import_file(BROKERS / fixture))
    got = import_bytes(data, f"{fixture}.{kind.split('-')[0]}")
    assert summary(got) == expected
    assert got.sheet


def test_the_sheet_with_a_known_layout_is_chosen_and_named() -> None:
    rows = rows_of(BROKERS / "fidelity_positions.csv")
    data = xlsx_bytes(rows, before=["Notes"])
    result = import_bytes(data, "book.xlsx")
    assert result.format == "fidelity" and result.sheet == "Positions"
    assert any("other sheets: Notes" in w for w in result.warnings)


def test_sheet_option_picks_a_sheet_by_name_or_number() -> None:
    rows = rows_of(BROKERS / "generic_holdings.csv")
    data = xlsx_bytes(rows, before=["Notes"])
    assert import_bytes(data, "b.xlsx", options=ImportOptions(sheet="2")).sheet == "Positions"
    with pytest.raises(ImportFormatError, match="no sheet 'Nope'"):
        import_bytes(data, "b.xlsx", options=ImportOptions(sheet="Nope"))
    with pytest.raises(ImportFormatError, match="format not recognised"):
        import_bytes(data, "b.xlsx", options=ImportOptions(sheet="Notes"))


def test_zip_bomb_workbook_is_refused_from_its_directory() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    with pytest.raises(ImportFormatError, match="unpacks to 80 MB"):
        import_bytes(out.getvalue(), "bomb.xlsx")


def test_other_zip_and_damaged_workbooks_are_one_clean_line() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ImportFormatError, match="not an Excel or OpenDocument workbook"):
        import_bytes(out.getvalue(), "a.zip")
    with pytest.raises(ImportFormatError, match="damaged|cannot read"):
        import_bytes(b"PK\x03\x04" + b"\x00" * 200, "broken.xlsx")
    with pytest.raises(ImportFormatError, match="cannot read"):
        import_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "broken.xls")


def test_a_short_row_in_a_sheet_is_still_skipped_with_its_reason() -> None:
    rows = rows_of(BROKERS / "hostile" / "ragged_rows.csv")
    result = import_bytes(xlsx_bytes(rows), "ragged.xlsx")
    assert [s["reason"] for s in result.skipped] == ["MU: no quantity and no market value"]
    assert list(result.holdings["symbol"]) == ["NVDA", "AMD", "AVGO"]
