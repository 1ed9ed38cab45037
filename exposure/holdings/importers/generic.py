"""Generic holdings CSV: a symbol column plus a quantity and/or a market-value column.

Also the reader behind column mappings and saved presets (:mod:`exposure.holdings.importers.mapping`).
Header names are matched through aliases (case and spacing ignored), so spreadsheets,
Yahoo Finance ``quotes.csv``, Google Sheets exports (``NASDAQ:NVDA``, ``#N/A``, totals
rows) and the app's own CSV download read the same way (IMPORT_FORMATS.md "Generic")::

    symbol,name,quantity,price,market_value,cost_basis,currency,account
    NVDA,NVIDIA,40,131.38,,,USD,Brokerage
    TSM,,,,"$9,876.00",,USD,IRA

* a row needs an identifier (symbol, ISIN or WKN) and a quantity or a value; with quantity
  and price but no value, the value is quantity x price; cost basis is accepted and not used;
* money cells keep their currency (``NT$1,045,000``, ``€3.925,80``, ``USD 1,234``); a header
  may name it (``Kurswert in EUR``); an optional ``exchange`` column (IBKR codes) and
  ``date`` column (the values' date) are read;
* ``Total``/``Totals`` rows are reported as skipped; ``CASH`` rows become cash;
* ``;``-delimited files with decimal commas are handled (one convention per file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.currencies import is_currency_code
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, column_map
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "generic"
LABEL = "generic holdings CSV"
DECIMAL_COMMA = None  # decided per file

ALIASES: dict[str, list[str]] = {
    "symbol": ["symbol", "ticker", "ticker symbol", "code", "instrument", "security symbol",
               "stock", "symbol/ticker", "yahoo symbol"],
    "isin": ["isin", "isin code"],
    "wkn": ["wkn"],
    "quantity": ["quantity", "qty", "shares", "units", "no. of shares", "number of shares",
                 "qty #", "qty (quantity)", "shares held", "quantity held", "position",
                 "holding", "holdings", "nominal", "stück", "stück/nominale", "anzahl"],
    "market_value": ["market_value", "market value", "value", "current value", "total value",
                     "mkt val", "mkt val (market value)", "position value", "value $",
                     "market value (usd)", "marketvalue", "kurswert", "valeur", "wert"],
    "price": ["price", "last price", "current price", "close price", "share price",
              "mark price", "last", "close", "kurs"],
    "cost_basis": ["cost basis", "cost_basis", "cost", "cost basis total", "book value",
                   "purchase price", "price paid"],
    "currency": ["currency", "ccy", "curr", "currency code", "währung", "devise"],
    "account": ["account", "account name", "account number", "portfolio", "depot"],
    "name": ["name", "description", "security name", "company", "security", "company name",
             "bezeichnung"],
    "exchange": ["exchange", "listing exchange", "market"],
    "date": ["date", "as of", "price date", "kursdatum", "datum"],
}
for _key, _names in ALIASES.items():
    ALIASES[_key] = [n.replace("_", " ") for n in _names]

_TOTALS = {"total", "totals", "grand total", "sum", "subtotal", "account total",
           "positions total", "summe", "gesamt", "total portfolio"}
_IDS = ("symbol", "isin", "wkn")
_FINDS = ("symbol", "isin")  # a WKN alone is a German depot layout (depot_de) or a mapping


def _prefixed(aliases: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Aliases that also accept a currency in the header: ``Kurswert in EUR``."""
    out = {k: list(v) for k, v in aliases.items()}
    for key in ("market_value", "price"):
        out[key] = out[key] + [f"{n} in {c}" for n in aliases[key] for c in _HEADER_CODES] \
            + [f"{n} ({c})" for n in aliases[key] for c in _HEADER_CODES]
    return out


_HEADER_CODES = ("eur", "usd", "gbp", "chf", "jpy", "hkd", "cad", "aud", "sek", "nok", "dkk",
                 "twd", "krw", "cny", "sgd")
MATCH = _prefixed(ALIASES)


def find(doc: Document) -> tuple[int, dict[str, int]] | None:
    """The header row and columns, if the file has an identifier and a quantity/value column."""
    start = 0
    while True:
        found = _first_with_id(doc, start)
        if found is None:
            return None
        idx, cols = found
        if "quantity" in cols or "market_value" in cols:
            return found
        start = idx + 1


def _first_with_id(doc: Document, start: int) -> tuple[int, dict[str, int]] | None:
    for i in range(start, min(len(doc.rows), start + 60)):
        cols = column_map(doc.rows[i], MATCH)
        if any(k in cols for k in _FINDS):
            return i, cols
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
    for i in range(header_index):
        if any(doc.rows[i]):
            out.layout(doc.line(i), "preamble")
            if re.search(r"as of|stand|per |datum|date", doc.raw_text(i), re.IGNORECASE):
                out.set_date(parse_date(doc.raw_text(i)))
    out.layout(doc.line(header_index), "header")
    numeric = [cols[f] for f in ("quantity", "market_value", "price") if f in cols]
    out.decide_decimal_comma((row[j] for row in doc.rows[header_index + 1:] for j in numeric
                              if j < len(row)), doc.delimiter)
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    needed = max(cols.values()) + 1
    ragged: list[int] = []

    def label(fieldname: str) -> str:
        if labels and fieldname in labels:
            return labels[fieldname]
        idx = cols.get(fieldname)
        return header[idx] if idx is not None and idx < len(header) else fieldname

    for i in range(header_index + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        filled = len(row)
        while filled and not row[filled - 1]:
            filled -= 1
        if filled > width:
            ragged.append(line)
        ids = {k: cell(row, cols, k) for k in _IDS}
        first = ids["symbol"] or ids["isin"] or ids["wkn"]
        key = first.lower().rstrip(":")
        is_total = key in _TOTALS or (not first and any(
            t in _TOTALS or t.startswith("total")
            for t in (c.strip().lower().rstrip(":") for c in row if c.strip())))
        if is_total:
            with out.row(line, text):
                out.total(line, out.money(cell(row, cols, "market_value"),
                                          label("market_value")) if "market_value" in cols
                          else None, currency=cell(row, cols, "currency") or None,
                          label=first or "total", text=text)
            continue
        if len(row) < needed and not all(cell(row, cols, k) for k in cols):
            out.skip(line, f"ragged row: {len(row)} cells where the header has {width}", text)
            continue
        if not first:
            out.skip(line, "no symbol", text)
            continue
        with out.row(line, text):
            quantity = out.quantity(cell(row, cols, "quantity"), label("quantity")) \
                if "quantity" in cols else None
            value = out.money(cell(row, cols, "market_value"), label("market_value")) \
                if "market_value" in cols else None
            price = out.money(cell(row, cols, "price"), label("price")) \
                if "price" in cols else None
            currency = cell(row, cols, "currency").strip()
            if currency and not is_currency_code(currency):
                out.skip(line, f"column '{label('currency')}': {currency[:12]!r} is not a "
                         "currency code", text)
                continue
            when = parse_date(cell(row, cols, "date")) if "date" in cols else None
            out.position(line, ids["symbol"], quantity=quantity, market_value=value,
                         price=price, currency=currency.upper() or None,
                         account=cell(row, cols, "account"), name=cell(row, cols, "name"),
                         exchange=cell(row, cols, "exchange") or None, isin=ids["isin"],
                         wkn=ids["wkn"], as_of=when.isoformat() if when else "", text=text)
    if ragged:
        out.warn(f"{len(ragged)} rows have more cells than the header (lines "
                 f"{', '.join(map(str, ragged[:5]))}): check that the columns line up")
