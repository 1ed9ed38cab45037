"""Interactive Brokers Flex Query CSV with an "Open Positions" section.

Flex columns are chosen by the user (IMPORT_FORMATS.md "Interactive Brokers"; the Open
Positions field list matches tfiala/ibkr-flex-statement-rs README), all cells quoted::

    "ClientAccountID","CurrencyPrimary","AssetClass","Symbol","Description","Conid",
    "ListingExchange","Quantity","MarkPrice","PositionValue","CostBasisPrice",
    "CostBasisMoney","FifoPnlUnrealized","LevelOfDetail","ReportDate"
    "U1234567","USD","STK","NVDA","NVIDIA CORP","4815747","NASDAQ","100","131.38",...

* optional envelope: ``"BOF"``, ``"BOA"``, ``"BOS","POST",...``, ``"HEADER","POST",...``,
  ``"DATA","POST",...``, ``"EOS"``, ``"EOA"``, ``"EOF"`` (section code ``POST`` =
  positions; other sections are ignored);
* ``LevelOfDetail`` ``SUMMARY`` vs ``LOT``: lots would double count, so only summary rows
  are read when the column is present;
* without the envelope the header may repeat once per account;
* ``ReportDate`` (``yyyymmdd``) dates each row's ``MarkPrice`` and ``PositionValue``.
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, column_map, norm
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "ibkr-flex"
LABEL = "Interactive Brokers Flex Query"
DECIMAL_COMMA = False

ALIASES = {
    "account": ["clientaccountid", "accountid"],
    "currency": ["currencyprimary", "currency"],
    "asset_class": ["assetclass"],
    "symbol": ["symbol"],
    "description": ["description"],
    "exchange": ["listingexchange"],
    "quantity": ["quantity", "position"],
    "value": ["positionvalue"],
    "price": ["markprice"],
    "detail": ["levelofdetail"],
    "report_date": ["reportdate", "date"],
}
_FLEX_MARKERS = {"clientaccountid", "conid", "assetclass", "currencyprimary",
                 "listingexchange", "positionvalue", "markprice", "levelofdetail"}
_ENVELOPE = {"BOF", "BOA", "BOS", "EOS", "EOA", "EOF"}
_EQUITY_CLASSES = {"STK", "ETF", ""}


def _strip_envelope(row: list[str]) -> tuple[str, list[str]] | None:
    """('HEADER'|'DATA', cells) for POST rows of an enveloped file, else None."""
    if len(row) > 2 and row[0] in ("HEADER", "DATA") and row[1] == "POST":
        return row[0], row[2:]
    return None


def _is_header(row: list[str]) -> bool:
    keys = {norm(c) for c in row}
    return "symbol" in keys and ("quantity" in keys or "position" in keys) \
        and len(keys & _FLEX_MARKERS) >= 2


def detect(doc: Document) -> bool:
    for row in doc.rows[:30]:
        env = _strip_envelope(row)
        if env and env[0] == "HEADER" and _is_header(env[1]):
            return True
        if _is_header(row):
            return True
    return False


def parse(doc: Document, out: Collector) -> None:
    cols: dict[str, int] = {}
    header: list[str] = []
    lots = 0
    for i, row in enumerate(doc.rows):
        if not any(row):
            continue
        line, text = doc.line(i), doc.raw_text(i)
        env = _strip_envelope(row)
        if env is not None:
            kind, body = env
        elif row[0] in _ENVELOPE:
            out.layout(line, "Flex envelope line")
            continue
        elif row[0] in ("HEADER", "DATA") and len(row) > 1:
            out.layout(line, f"Flex section '{row[1][:10]}' (not positions)")
            continue
        else:
            kind, body = ("HEADER" if _is_header(row) else "DATA"), row
        if kind == "HEADER":
            if body != header:
                header, cols = body, column_map(body, ALIASES)
            out.layout(line, "header")
            continue
        if not cols:
            out.layout(line, "line before the positions header")
            continue
        if cell(body, cols, "detail").upper() == "LOT":
            lots += 1
            out.layout(line, "LOT detail (its SUMMARY row holds the position)")
            continue
        with out.row(line, text):
            currency = cell(body, cols, "currency") or None
            value = out.money(cell(body, cols, "value"), "PositionValue")
            asset_class = cell(body, cols, "asset_class").upper()
            if asset_class not in _EQUITY_CLASSES:
                out.skip(line, f"asset class '{asset_class}': only stocks are imported", text,
                         value=value, currency=currency)
                continue
            report = parse_date(cell(body, cols, "report_date"))
            out.position(line, cell(body, cols, "symbol"),
                         quantity=out.quantity(cell(body, cols, "quantity"), "Quantity"),
                         market_value=value, price=out.money(cell(body, cols, "price"),
                                                             "MarkPrice"),
                         currency=currency, account=cell(body, cols, "account"),
                         name=cell(body, cols, "description"),
                         exchange=cell(body, cols, "exchange") or None,
                         as_of=report.isoformat() if report else "", text=text)
    if lots:
        out.warn(f"{lots} LOT rows ignored (SUMMARY rows hold the positions)")
