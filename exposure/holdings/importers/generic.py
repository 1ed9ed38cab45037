"""Generic holdings CSV: a symbol column plus a quantity and/or a market-value column.

Also the reader behind column mappings and saved presets (:mod:`exposure.holdings.importers.mapping`).
Header names are matched through aliases (case and spacing ignored), so spreadsheets,
Yahoo Finance ``quotes.csv``, Google Sheets exports (``NASDAQ:NVDA``, ``#N/A``, totals
rows) and the app's own CSV download read the same way (IMPORT_FORMATS.md "Generic")::

    symbol,name,quantity,price,market_value,cost_basis,currency,account
    NVDA,NVIDIA,40,131.38,,,USD,Brokerage
    TSM,,,,"$9,876.00",,USD,IRA

* a row needs a symbol and a quantity or a value; with quantity and price but no value,
  the value is quantity x price; cost basis is accepted and not used;
* ``Total``/``Totals`` rows are reported as skipped; ``CASH`` rows become cash;
* ``;``-delimited files with decimal commas are handled (one convention per file).
"""

from __future__ import annotations

from collections.abc import Mapping

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.headers import cell, find_header
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "generic"
LABEL = "generic holdings CSV"
DECIMAL_COMMA = None  # decided per file

ALIASES: dict[str, list[str]] = {
    "symbol": ["symbol", "ticker", "ticker symbol", "code", "instrument", "security symbol",
               "stock", "symbol/ticker", "yahoo symbol"],
    "quantity": ["quantity", "qty", "shares", "units", "no. of shares", "number of shares",
                 "qty #", "qty (quantity)", "shares held", "quantity held", "position",
                 "holding", "holdings", "nominal", "stück"],
    "market_value": ["market_value", "market value", "value", "current value", "total value",
                     "mkt val", "mkt val (market value)", "position value", "value $",
                     "market value (usd)", "marketvalue", "kurswert", "valeur"],
    "price": ["price", "last price", "current price", "close price", "share price",
              "mark price", "last", "close", "kurs"],
    "cost_basis": ["cost basis", "cost_basis", "cost", "cost basis total", "book value",
                   "purchase price", "price paid"],
    "currency": ["currency", "ccy", "curr", "currency code", "währung", "devise"],
    "account": ["account", "account name", "account number", "portfolio", "depot"],
    "name": ["name", "description", "security name", "company", "security", "company name",
             "bezeichnung"],
}
for _key, _names in ALIASES.items():
    ALIASES[_key] = [n.replace("_", " ") for n in _names]

_TOTALS = {"total", "totals", "grand total", "sum", "subtotal", "account total",
           "positions total", "summe"}


def find(doc: Document) -> tuple[int, dict[str, int]] | None:
    """The header row and columns, if the file has a symbol and a quantity/value column."""
    found = find_header(doc.rows, ALIASES, ("symbol",), limit=60)
    while found is not None:
        idx, cols = found
        if "quantity" in cols or "market_value" in cols:
            return found
        found = find_header(doc.rows, ALIASES, ("symbol",), start=idx + 1, limit=60)
    return None


def detect(doc: Document) -> bool:
    return find(doc) is not None


def parse(doc: Document, out: Collector) -> None:
    found = find(doc)
    if found is not None:
        read_rows(doc, found[0], found[1], out)


def read_rows(doc: Document, header_index: int, cols: Mapping[str, int], out: Collector,
              labels: Mapping[str, str] | None = None) -> None:
    """Read data rows below ``header_index`` using field -> column-index ``cols``.

    ``labels`` names the columns in messages (default: the header cell).
    """
    header = doc.rows[header_index]
    numeric = [cols[f] for f in ("quantity", "market_value", "price") if f in cols]
    out.decide_decimal_comma((row[j] for row in doc.rows[header_index + 1:] for j in numeric
                              if j < len(row)), doc.delimiter)

    def label(fieldname: str) -> str:
        if labels and fieldname in labels:
            return labels[fieldname]
        idx = cols.get(fieldname)
        return header[idx] if idx is not None and idx < len(header) else fieldname

    for i in range(header_index + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        symbol = cell(row, cols, "symbol")
        if symbol.strip().lower().rstrip(":") in _TOTALS or \
                (not symbol and any(c.lower().startswith("total") for c in row if c)):
            out.skip(line, "total row", text)
            continue
        if not symbol:
            out.skip(line, "no symbol", text)
            continue
        with out.row(line, text):
            quantity = out.quantity(cell(row, cols, "quantity"), label("quantity")) \
                if "quantity" in cols else None
            value = out.number(cell(row, cols, "market_value"), label("market_value")) \
                if "market_value" in cols else None
            price = out.number(cell(row, cols, "price"), label("price")) \
                if "price" in cols else None
            if value is None and quantity is not None and price is not None:
                value = quantity * price
            currency = cell(row, cols, "currency").upper() or "USD"
            if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
                out.skip(line, f"column '{label('currency')}': {currency[:12]!r} is not a "
                         "currency code", text)
                continue
            out.position(line, symbol, quantity=quantity, market_value=value,
                         currency=currency, account=cell(row, cols, "account"),
                         name=cell(row, cols, "name"), text=text)
