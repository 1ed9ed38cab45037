"""E*TRADE "PortfolioDownload.csv" (Portfolios -> All Positions -> download).

Layout (IMPORT_FORMATS.md "E*TRADE"; public ETrade portfolio-download parsers found by
code search map the same ``Symbol`` / ``Last Price $`` / ``Quantity`` / ``Price Paid $`` /
``Value $`` names)::

    Account Summary
    Account,Net Account Value,Total Gain $,Total Gain %,Day's Gain Unrealized $,...
    Individual Brokerage -4821,54321.09,1234.56,2.33%,...
    <blank>
    View Summary - All Positions
    Filters Selected:
    <blank>
    Symbol,Last Price $,Change $,Change %,Quantity,Price Paid $,Day's Gain $,Total Gain $,
    Total Gain %,Value $
    NVDA,131.38,2.10,1.62%,40,45.00,84.00,3455.20,191.96%,5255.20
    CASH,,,,,,,,,7096.82,
    TOTAL,,,,,,,,,41234.56,
    <blank>
    Generated at Feb 20 2026 10:10 AM ET

* a second header variant orders ``Day's Gain $`` before ``Qty #``;
* options spelled out (``QQQ Dec 31 '26 $600 Put``), short = negative quantity;
* CDs appear with a long description as the "symbol" (rejected as not a ticker);
* one account per file; the account label comes from the summary block.
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, find_header, has_columns
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "etrade"
LABEL = "E*TRADE PortfolioDownload"
DECIMAL_COMMA = False
DEFAULT_CURRENCY = "USD"

ALIASES = {
    "symbol": ["symbol"],
    "price": ["last price $", "last price"],
    "quantity": ["quantity", "qty #", "qty"],
    "value": ["value $", "value"],
    "price_paid": ["price paid $"],
}
_REQUIRED = ("symbol", "price", "quantity", "value", "price_paid")


def detect(doc: Document) -> bool:
    return find_header(doc.rows, ALIASES, _REQUIRED, limit=40) is not None


def _account(doc: Document, before: int) -> str:
    for i in range(before):
        if has_columns(doc.rows[i], "account", "net account value") and i + 1 < before:
            return doc.rows[i + 1][0] if doc.rows[i + 1] else ""
    return ""


def parse(doc: Document, out: Collector) -> None:
    found = find_header(doc.rows, ALIASES, _REQUIRED, limit=40)
    if found is None:
        return
    start, cols = found
    account = _account(doc, start)
    for i in range(start):
        if any(doc.rows[i]):
            out.layout(doc.line(i), "account summary (preamble)")
    out.layout(doc.line(start), "header")
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        symbol = cell(row, cols, "symbol")
        lone_cell = len([c for c in row if c]) == 1 and symbol.upper() != "CASH"
        if symbol.lower().startswith("generated at") or lone_cell:
            out.set_date(parse_date(text))
            out.layout(line, "footer")
            continue
        with out.row(line, text):
            value = out.money(cell(row, cols, "value"), "Value $")
            if symbol.upper() == "TOTAL":
                out.total(line, value, label="TOTAL", text=text)
                continue
            if symbol.upper() == "CASH":
                out.cash(line, value, account=account, label="CASH", text=text)
                continue
            out.position(line, symbol,
                         quantity=out.quantity(cell(row, cols, "quantity"), "Quantity"),
                         market_value=value,
                         price=out.money(cell(row, cols, "price"), "Last Price $"),
                         account=account, text=text)
