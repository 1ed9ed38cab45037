"""Interactive Brokers Activity Statement CSV (Reports -> Statements -> CSV).

Every line is ``Section,Header|Data|Total|SubTotal,...`` and each section has its own
columns (IMPORT_FORMATS.md "Interactive Brokers"; the section/row-type structure is also
described in slmyers/portfolio_tracker ``docs/ibkr_csv_module.md``)::

    Statement,Header,Field Name,Field Value
    Statement,Data,BrokerName,Interactive Brokers LLC
    Account Information,Data,Account,U1234567
    Open Positions,Header,DataDiscriminator,Asset Category,Currency,Symbol,Quantity,Mult,
    Cost Price,Cost Basis,Close Price,Value,Unrealized P/L,Code
    Open Positions,Data,Summary,Stocks,USD,NVDA,100,1,45.2,4520,131.38,13138,8618,
    Open Positions,Total,,Stocks,USD,,,,,4520,,13138,8618,
    Cash Report,Data,Ending Cash,USD,2500.15,...
    Financial Instrument Information,Header,Asset Category,Symbol,Description,Conid,
    Security ID,Listing Exch,Multiplier,Type,Code

* ``Summary`` rows are positions; ``Lot`` rows repeat them per lot (ignored, else double
  counting); ``Total``/``SubTotal`` rows are skipped;
* values are in the position's own currency; the listing venue comes from
  ``Financial Instrument Information`` (``SEHK`` -> ``.HK`` zero-padded, ``TSE`` ->
  Toronto ``.TO``, ``AEB`` -> ``.AS`` ...);
* ``BRK B`` with a space; numeric HK/JP symbols (``700``, ``8035``);
* ``Cash Report`` ``Ending Cash`` per currency becomes cash.
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.headers import cell, column_map
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "ibkr-statement"
LABEL = "Interactive Brokers activity statement"
DECIMAL_COMMA = False

POSITION_SECTIONS = ("open positions", "long open positions", "short open positions")
ALIASES = {
    "discriminator": ["datadiscriminator"],
    "category": ["asset category"],
    "currency": ["currency"],
    "symbol": ["symbol"],
    "quantity": ["quantity"],
    "value": ["value"],
    "mult": ["mult"],
}
_INSTRUMENT = {"category": ["asset category"], "symbol": ["symbol"],
               "exchange": ["listing exch"], "description": ["description"]}


def detect(doc: Document) -> bool:
    return any(len(r) > 2 and r[0].lower() in POSITION_SECTIONS and r[1] == "Header"
               for r in doc.rows[:400]) and any(
        len(r) > 1 and r[1] in ("Header", "Data") for r in doc.rows[:3])


def _instruments(doc: Document) -> tuple[dict[str, str], dict[str, str]]:
    """symbol -> listing exchange, and symbol -> description, from the instrument section."""
    exchanges: dict[str, str] = {}
    names: dict[str, str] = {}
    cols: dict[str, int] = {}
    for row in doc.rows:
        if len(row) < 3 or row[0] != "Financial Instrument Information":
            continue
        body = row[2:]
        if row[1] == "Header":
            cols = column_map(body, _INSTRUMENT)
        elif row[1] == "Data" and cols:
            symbol = cell(body, cols, "symbol")
            exchanges[symbol] = cell(body, cols, "exchange")
            names[symbol] = cell(body, cols, "description")
    return exchanges, names


def _account(doc: Document) -> str:
    for row in doc.rows:
        if len(row) >= 4 and row[0] == "Account Information" and row[1] == "Data" \
                and row[2] == "Account":
            return row[3]
    return ""


def parse(doc: Document, out: Collector) -> None:
    exchanges, names = _instruments(doc)
    account = _account(doc)
    cols: dict[str, int] = {}
    lots = 0
    cash_cols: dict[str, int] = {}
    for i, row in enumerate(doc.rows):
        if len(row) < 3:
            continue
        line, text = doc.line(i), doc.raw_text(i)
        section, kind, body = row[0].lower(), row[1], row[2:]
        if section == "cash report":
            if kind == "Header":
                cash_cols = column_map(body, {"label": ["currency summary"],
                                              "currency": ["currency"], "total": ["total"]})
            elif kind == "Data" and cash_cols and cell(body, cash_cols, "label") == "Ending Cash":
                currency = cell(body, cash_cols, "currency")
                if currency and "summary" not in currency.lower():
                    with out.row(line, text):
                        out.cash(line, out.number(cell(body, cash_cols, "total"), "Total"),
                                 currency=currency, account=account, label="Ending Cash",
                                 text=text)
            continue
        if section not in POSITION_SECTIONS:
            continue
        if kind == "Header":
            cols = column_map(body, ALIASES)
            continue
        if kind in ("Total", "SubTotal"):
            out.skip(line, "total row", text)
            continue
        if kind != "Data" or not cols:
            continue
        discriminator = cell(body, cols, "discriminator").lower()
        if discriminator == "lot":
            lots += 1
            continue
        category = cell(body, cols, "category")
        if category.lower() not in ("stocks", "stock", "etfs", "funds"):
            out.skip(line, f"asset category '{category}': only stocks are imported", text)
            continue
        with out.row(line, text):
            symbol = cell(body, cols, "symbol")
            out.position(line, symbol,
                         quantity=out.quantity(cell(body, cols, "quantity"), "Quantity"),
                         market_value=out.number(cell(body, cols, "value"), "Value"),
                         currency=cell(body, cols, "currency") or "USD", account=account,
                         name=names.get(symbol, ""), exchange=exchanges.get(symbol) or None,
                         text=text)
    if lots:
        out.warn(f"{lots} lot-detail rows ignored (the summary rows hold the positions)")
