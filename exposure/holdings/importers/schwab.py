"""Charles Schwab "Positions" export (``<Account>-Positions-YYYY-MM-DD-HHMMSS.csv``).

Two layouts (IMPORT_FORMATS.md "Charles Schwab"; the 2024+ sample is also documented in
vroonhof/opensteuerauszug ``src/opensteuerauszug/importers/schwab/formats.md``, and the
beancount_reds_importers Schwab positions importer keys on ``"Positions for account``):

2024+ single account::

    "Positions for account Individual ...123 as of 12:33 PM ET, 2025/05/04","",...
    "","",...
    "Symbol","Description","Qty (Quantity)","Price",...,"Mkt Val (Market Value)",...,
    "Cost Basis",...,"Security Type"
    "SCHB","SCHWAB US BROAD MARKET ETF","9,999.99","$99.99",...,
    "Cash & Cash Investments","--","--","--",...,"$1,234.56",...
    "Positions Total","","--","--",...

Legacy all-accounts (``Positions for CUSTACCS as of ...``): per account an account-name
row, a header (``Quantity``, ``Market Value``, ``Security Type`` ...), rows, ``Cash & Cash
Investments``, ``Account Total``.

Quirks: every cell quoted, trailing comma, ``"9,999.99"`` quantities, ``--``/``N/A``,
cost basis ``Incomplete``, options ``PANW 09/11/2026 327.50 P``, share classes ``BRK/B``,
Security Type ``Equity`` / ``ETFs & Closed End Funds`` / ``Option`` / ``Cash and Money
Market`` / ``Fixed Income``; columns are user-configurable, so they are found by name.
"""

from __future__ import annotations

import re

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, column_map
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "schwab"
LABEL = "Charles Schwab positions"
DECIMAL_COMMA = False
DEFAULT_CURRENCY = "USD"

ALIASES = {
    "symbol": ["symbol"],
    "description": ["description", "name"],
    "quantity": ["qty (quantity)", "quantity", "qty"],
    "price": ["price"],
    "value": ["mkt val (market value)", "market value", "mkt val"],
    "security_type": ["security type", "asset type"],
}
_TITLE = re.compile(r"^positions for (?:account )?(.*?)(?: as of .*)?$", re.IGNORECASE)
_TOTALS = ("account total", "positions total", "total")
_NON_EQUITY = {"option": "option contract: options are not imported",
               "fixed income": "fixed income (bond/CD): not imported",
               "futures": "futures: not imported"}


def _is_header(row: list[str]) -> dict[str, int] | None:
    cols = column_map(row, ALIASES)
    if "symbol" in cols and "quantity" in cols and "value" in cols:
        return cols
    return None


def detect(doc: Document) -> bool:
    head = [r for r in doc.rows[:5] if any(r)]
    if not head or not head[0][0].lower().startswith("positions for"):
        return False
    return any(_is_header(r) for r in doc.rows[:12])


def parse(doc: Document, out: Collector) -> None:
    account = ""
    cols: dict[str, int] | None = None
    for i, row in enumerate(doc.rows):
        line, text = doc.line(i), doc.raw_text(i)
        filled = [c for c in row if c]
        if not filled:
            continue
        title = _TITLE.match(row[0]) if row[0].lower().startswith("positions for") else None
        if title:
            label = title.group(1).strip()
            account = "" if label.upper() == "CUSTACCS" else label
            out.set_date(parse_date(row[0].rsplit(",", 1)[-1]) or parse_date(row[0]))
            out.layout(line, "title")
            continue
        header = _is_header(row)
        if header:
            cols = header
            out.layout(line, "header")
            continue
        if len(filled) == 1 and row[0] and i + 1 < len(doc.rows) and _is_header(doc.rows[i + 1]):
            account = row[0]  # legacy: account name row before each section's header
            out.layout(line, "account name")
            continue
        if cols is None:
            continue
        with out.row(line, text):
            symbol = cell(row, cols, "symbol")
            kind = cell(row, cols, "security_type").lower()
            value = out.money(cell(row, cols, "value"), "Mkt Val (Market Value)")
            if symbol.lower() in _TOTALS:
                out.total(line, value, label=symbol, text=text)
                continue
            if symbol.lower().startswith("cash & cash") or kind.startswith("cash"):
                out.cash(line, value, account=account, label=symbol, text=text)
                continue
            reason = next((r for k, r in _NON_EQUITY.items() if kind.startswith(k)), None)
            if reason:
                out.skip(line, reason, text, value=value)
                continue
            out.position(line, symbol,
                         quantity=out.quantity(cell(row, cols, "quantity"), "Qty (Quantity)"),
                         market_value=value, price=out.money(cell(row, cols, "price"), "Price"),
                         account=account, name=cell(row, cols, "description"), text=text)
