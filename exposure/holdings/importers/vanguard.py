"""Vanguard "spreadsheet-compatible CSV" download (``OfxDownload.csv``).

Two tables in one file (IMPORT_FORMATS.md "Vanguard"; the hledger Vanguard CSV rules
published by several users describe the same two parts: a 6-field holdings table, then a
15-field transactions table)::

    Account Number,Investment Name,Symbol,Shares,Share Price,Total Value,
    12345678,VANGUARD FEDERAL MONEY MARKET INVESTOR CL,VMFXX,1520.33,1.0,1520.33,
    12345678,NVIDIA CORP,NVDA,25,131.38,3284.50,
    <blank>
    Account Number,Trade Date,Settlement Date,Transaction Type,Transaction Description,...

* trailing comma on header and rows; plain numbers (occasionally ``$``/quoted thousands);
* settlement fund ``VMFXX`` is cash; bonds/CDs have an empty Symbol (skipped, reported);
* several accounts (Account Number); only the holdings table is read.
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.headers import cell, find_header, has_columns
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "vanguard"
LABEL = "Vanguard OfxDownload"
DECIMAL_COMMA = False
DEFAULT_CURRENCY = "USD"

ALIASES = {
    "account": ["account number"],
    "name": ["investment name"],
    "symbol": ["symbol"],
    "quantity": ["shares"],
    "price": ["share price"],
    "value": ["total value"],
}
_REQUIRED = ("account", "name", "symbol", "quantity", "value")


def detect(doc: Document) -> bool:
    return find_header(doc.rows, ALIASES, _REQUIRED, limit=10) is not None


def parse(doc: Document, out: Collector) -> None:
    found = find_header(doc.rows, ALIASES, _REQUIRED, limit=10)
    if found is None:
        return
    start, cols = found
    for i in range(start):
        out.layout(doc.line(i), "preamble")
    out.layout(doc.line(start), "header")
    transactions = 0
    in_holdings = True
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            in_holdings = False
            continue
        if has_columns(row, "trade date", "transaction type"):
            in_holdings = False
            out.layout(line, "transactions table header")
            continue
        if not in_holdings:
            transactions += 1
            out.skip(line, "transactions table (holdings come from the positions table)",
                     text)
            continue
        with out.row(line, text):
            symbol = cell(row, cols, "symbol")
            name = cell(row, cols, "name")
            value = out.money(cell(row, cols, "value"), "Total Value")
            if not symbol:
                out.skip(line, f"no symbol ({name[:40] or 'bond/CD?'}): not imported", text,
                         value=value)
                continue
            out.position(line, symbol,
                         quantity=out.quantity(cell(row, cols, "quantity"), "Shares"),
                         market_value=value,
                         price=out.money(cell(row, cols, "price"), "Share Price"),
                         account=cell(row, cols, "account"), name=name, text=text)
    if transactions:
        out.warn(f"the transactions table ({transactions} rows) was not read; holdings come "
                 "from the positions table")
