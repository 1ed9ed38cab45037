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
* ``Cash Report`` ``Ending Cash`` per currency becomes cash; ``Forex Balances`` (one line
  per currency held: ``Forex Balances,Data,Forex,<base>,<currency>,<quantity>,...``) become
  cash for every currency the Cash Report does not already give (never counted twice);
* the statement date is the end of ``Statement,Data,Period`` (``January 1, 2025 - March 14,
  2025``); every other section is reported as layout (information, not holdings).
"""

from __future__ import annotations

from exposure.holdings.importers.collect import Collector
from exposure.holdings.importers.dates import last_date
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
    "price": ["close price"],
}
_FOREX = {"category": ["asset category", "asset class"], "currency": ["currency"],
          "description": ["description"], "quantity": ["quantity"]}
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


def _statement_date(doc: Document, out: Collector) -> None:
    for row in doc.rows:
        if len(row) >= 4 and row[0] == "Statement" and row[1] == "Data" and \
                row[2] in ("Period", "Date"):
            out.set_date(last_date(row[3]))
            return


def _cash_report(doc: Document, out: Collector, account: str) -> set[str]:
    """Ending cash per currency from the Cash Report; returns the currencies found."""
    cols: dict[str, int] = {}
    found: set[str] = set()
    for i, row in enumerate(doc.rows):
        if len(row) < 3 or row[0].lower() != "cash report":
            continue
        line, text, kind, body = doc.line(i), doc.raw_text(i), row[1], row[2:]
        if kind == "Header":
            cols = column_map(body, {"label": ["currency summary"], "currency": ["currency"],
                                     "total": ["total"]})
            out.layout(line, "header")
            continue
        currency = cell(body, cols, "currency")
        if kind != "Data" or not cols or "summary" in currency.lower():
            out.layout(line, "cash report in the base currency (summary)")
            continue
        if cell(body, cols, "label") != "Ending Cash":
            out.layout(line, "cash report detail (starting cash, flows)")
            continue
        with out.row(line, text):
            out.cash(line, out.money(cell(body, cols, "total"), "Total"), currency=currency,
                     account=account, label="Ending Cash", text=text)
            found.add(currency.upper())
    return found


def _forex_balances(doc: Document, out: Collector, account: str, counted: set[str]) -> None:
    """Forex Balances: one line per currency held (``Description`` = the currency)."""
    cols: dict[str, int] = {}
    for i, row in enumerate(doc.rows):
        if len(row) < 3 or row[0].lower() != "forex balances":
            continue
        line, text, kind, body = doc.line(i), doc.raw_text(i), row[1], row[2:]
        if kind == "Header":
            cols = column_map(body, _FOREX)
            out.layout(line, "header")
            continue
        if kind in ("Total", "SubTotal") or cell(body, cols, "category").lower() == "total":
            out.skip(line, "total row", text)
            continue
        currency = cell(body, cols, "description").upper() or \
            cell(body, cols, "currency").upper()
        if currency in counted:
            out.skip(line, f"forex balance {currency}: already counted as cash in the Cash "
                     "Report", text)
            continue
        with out.row(line, text):
            out.cash(line, out.number(cell(body, cols, "quantity"), "Quantity"),
                     currency=currency, account=account, label="Forex balance", text=text)


def parse(doc: Document, out: Collector) -> None:
    exchanges, names = _instruments(doc)
    account = _account(doc)
    _statement_date(doc, out)
    counted = _cash_report(doc, out, account)
    _forex_balances(doc, out, account, counted)
    cols: dict[str, int] = {}
    lots = 0
    for i, row in enumerate(doc.rows):
        if not any(row):
            continue
        line, text = doc.line(i), doc.raw_text(i)
        if len(row) < 3:
            out.layout(line, "short line outside any section")
            continue
        section, kind, body = row[0].lower(), row[1], row[2:]
        if section in ("cash report", "forex balances"):
            continue
        if section not in POSITION_SECTIONS:
            out.layout(line, f"section '{row[0][:40]}' (not holdings)")
            continue
        if kind == "Header":
            cols = column_map(body, ALIASES)
            out.layout(line, "header")
            continue
        if kind in ("Total", "SubTotal"):
            out.skip(line, "total row", text)
            continue
        if kind != "Data" or not cols:
            out.layout(line, f"'{kind[:20]}' line of Open Positions")
            continue
        discriminator = cell(body, cols, "discriminator").lower()
        if discriminator == "lot":
            lots += 1
            out.layout(line, "lot detail (its summary row holds the position)")
            continue
        with out.row(line, text):
            currency = cell(body, cols, "currency") or None
            value = out.money(cell(body, cols, "value"), "Value")
            category = cell(body, cols, "category")
            if category.lower() not in ("stocks", "stock", "etfs", "funds"):
                out.skip(line, f"asset category '{category}': only stocks are imported", text,
                         value=value, currency=currency)
                continue
            symbol = cell(body, cols, "symbol")
            out.position(line, symbol,
                         quantity=out.quantity(cell(body, cols, "quantity"), "Quantity"),
                         market_value=value,
                         price=out.money(cell(body, cols, "price"), "Close Price"),
                         currency=currency, account=account,
                         name=names.get(symbol, ""), exchange=exchanges.get(symbol) or None,
                         text=text)
    if lots:
        out.warn(f"{lots} lot-detail rows ignored (the summary rows hold the positions)")
