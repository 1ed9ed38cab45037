"""Fidelity "Portfolio Positions" export (``Portfolio_Positions_Mon-DD-YYYY.csv``).

Layout (IMPORT_FORMATS.md "Fidelity"; cross-checked with public parsers found by code
search: open-portfolio/FINporterFido README, and several Fidelity CSV parsers that list the
same header and the ``SPAXX``/``FCASH``/"Pending activity" rules)::

    Account Number,Account Name,Symbol,Description,Quantity,Last Price,Last Price Change,
    Current Value,Today's Gain/Loss Dollar,Today's Gain/Loss Percent,Total Gain/Loss Dollar,
    Total Gain/Loss Percent,Percent Of Account,Cost Basis Total,Average Cost Basis,Type

* header on line 1; data rows end with a trailing comma (17 fields);
* money as ``$3178.56`` / ``+$979.38`` / ``-$0.10`` (older views ``"$1,234.56"``);
* cash core positions ``SPAXX**`` / ``FCASH**`` with "HELD IN MONEY MARKET", value only;
* ``Pending Activity`` rows: value only, excluded and reported;
* options `` -CZR270319C30``; 401(k) funds with CUSIP-like symbols (``31617E745``);
* several accounts in one file (Account Number column);
* footer: blank line, quoted disclaimer paragraphs, ``"Date downloaded ..."``;
* 2025+ exports lower-case some headers (``Account number``, ``Last price``) and may add an
  asset-group column after Account Name; ``Type`` is the margin type, not the asset class.
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, find_header
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "fidelity"
LABEL = "Fidelity positions"
DECIMAL_COMMA = False
DEFAULT_CURRENCY = "USD"

ALIASES = {
    "account_number": ["account number"],
    "account_name": ["account name"],
    "symbol": ["symbol"],
    "description": ["description"],
    "quantity": ["quantity"],
    "price": ["last price"],
    "value": ["current value"],
}
_REQUIRED = ("symbol", "description", "quantity", "value")


def _header(doc: Document) -> tuple[int, dict[str, int]] | None:
    found = find_header(doc.rows, ALIASES, _REQUIRED, limit=10)
    if found and ("account_number" in found[1] or "account_name" in found[1]):
        return found
    return None


def detect(doc: Document) -> bool:
    return _header(doc) is not None


def parse(doc: Document, out: Collector) -> None:
    found = _header(doc)
    if found is None:
        return
    start, cols = found
    for i in range(start):
        out.layout(doc.line(i), "preamble")
    out.layout(doc.line(start), "header")
    width = max(cols.values()) + 1
    footer = False
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            footer = footer or bool(out.positions or out.cash_lines)
            continue
        if footer or len(row) < width:
            footer = True
            if "date downloaded" in text.lower():
                out.set_date(parse_date(text))
            out.layout(line, "footer (disclaimer, download date)")
            continue
        with out.row(line, text):
            symbol = cell(row, cols, "symbol")
            number = cell(row, cols, "account_number")
            account_name = cell(row, cols, "account_name")
            account = f"{account_name} ({number})" if account_name and number \
                else account_name or number
            value = out.money(cell(row, cols, "value"), "Current Value")
            if symbol.lower().startswith("pending activ") or \
                    number.lower().startswith("pending activ"):
                out.skip(line, "pending activity (not a position)", text, value=value)
                continue
            description = cell(row, cols, "description")
            if "held in money market" in description.lower() or \
                    "held in fcash" in description.lower():
                out.cash(line, value, account=account, label=symbol or description, text=text)
                continue
            out.position(line, symbol, quantity=out.quantity(cell(row, cols, "quantity"),
                                                             "Quantity"),
                         market_value=value, price=out.money(cell(row, cols, "price"),
                                                             "Last Price"),
                         account=account, name=description, text=text)
