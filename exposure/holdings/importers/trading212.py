"""Trading 212 history export: holdings replayed from transactions.

Trading 212 has no positions export, only the history (IMPORT_FORMATS.md "Trading 212";
the header below is the one in the public sample files of dickwolff/Export-To-Ghostfolio
``samples/trading212-export.csv`` and in several other open-source T212 parsers)::

    Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,Currency (Price / share),
    Exchange rate,Result,Currency (Result),Total,Currency (Total),Withholding tax,
    Currency (Withholding tax),Notes,ID,Currency conversion fee,Currency (Currency conversion fee)
    Deposit,2023-12-18 11:45:06.326,,,,,,,,,,31.00,"EUR",,,"Transaction ID: ...",...
    Market buy,2023-12-18 14:30:03.613,US17275R1023,CSCO,"Cisco Systems",0.0290530000,49.96,USD,...

* columns depend on the options chosen at export (``Time`` / ``Time (UTC)``; older files have
  ``Total (EUR)``, ``Result (EUR)`` instead of a currency column): found by name;
* share movements: ``Market buy`` / ``Limit buy`` / ``Stop buy`` (in), ``Market sell`` /
  ``Limit sell`` / ``Stop sell`` (out), ``Stock split open`` (new shares in) / ``Stock split
  close`` (old shares out); every other action (deposits, withdrawals, dividends, interest,
  fees, currency conversions, card payments) is cash, not a position, and is reported;
* the instrument's currency is ``Currency (Price / share)`` (``GBX`` = pence for London);
* the ISIN gives the listing through the bundled map (``NL0010273215`` -> ``ASML.AS``, EUR);
  a US ISIN with a bare ticker is the US listing; anything else keeps its ISIN as its
  symbol until classified (a bare ``ASML`` bought in EUR is never turned into US ``ASML``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from exposure.holdings.importers.collect import CellError, Collector
from exposure.holdings.importers.dates import parse_date
from exposure.holdings.importers.headers import cell, find_header
from exposure.holdings.importers.replay import Instrument, Trade, replay
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "trading212"
LABEL = "Trading 212 history"
DECIMAL_COMMA = False

ALIASES = {
    "action": ["action"],
    "time": ["time", "time (utc)"],
    "isin": ["isin"],
    "ticker": ["ticker"],
    "name": ["name"],
    "shares": ["no. of shares"],
    "price": ["price / share"],
    "currency": ["currency (price / share)"],
    "id": ["id"],
}
_REQUIRED = ("action", "time", "isin", "ticker", "shares")
SHARES_IN = ("market buy", "limit buy", "stop buy", "stop limit buy", "stock split open")
SHARES_OUT = ("market sell", "limit sell", "stop sell", "stop limit sell", "stock split close")


def detect(doc: Document) -> bool:
    return find_header(doc.rows, ALIASES, _REQUIRED, limit=5) is not None


def _when(text: str) -> datetime | None:
    t = text.strip().replace("T", " ").rstrip("Z")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    day = parse_date(t)
    return datetime(day.year, day.month, day.day) if day else None


def _ticker(raw: str) -> str:
    """API-derived files write ``AAPL_US_EQ``: keep the ticker part."""
    return raw.split("_")[0] if raw.endswith("_EQ") else raw


def parse(doc: Document, out: Collector) -> None:
    found = find_header(doc.rows, ALIASES, _REQUIRED, limit=5)
    if found is None:
        return
    start, cols = found
    for i in range(start):
        out.layout(doc.line(i), "preamble")
    out.layout(doc.line(start), "header")
    trades: list[Trade] = []
    instruments: dict[str, Instrument] = {}
    others: dict[str, int] = {}
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        action = cell(row, cols, "action").strip()
        kind = action.lower()
        when = _when(cell(row, cols, "time"))
        if when is None:
            out.skip(line, f"{action or 'row'} without a readable time", text)
            continue
        if kind not in SHARES_IN and kind not in SHARES_OUT:
            others[action] = others.get(action, 0) + 1
            out.skip(line, f"{action or 'blank action'}: cash movement, not a position", text)
            continue
        isin = cell(row, cols, "isin").strip().upper()
        ticker = _ticker(cell(row, cols, "ticker").strip())
        if not isin and not ticker:
            out.skip(line, f"{action} without an ISIN or ticker", text)
            continue
        try:
            qty = out.quantity(cell(row, cols, "shares"), "No. of shares")
        except CellError as exc:
            out.skip(line, str(exc), text)
            continue
        if qty is None:
            out.skip(line, f"{action} without a number of shares", text)
            continue
        sign = Decimal(1) if kind in SHARES_IN else Decimal(-1)
        key = isin or ticker
        currency = cell(row, cols, "currency").strip().upper() or None
        trades.append(Trade(when, i, line, key, sign * abs(qty)))
        inst = instruments.setdefault(key, Instrument(ticker or isin, isin=isin,
                                                      currency=currency,
                                                      name=cell(row, cols, "name")))
        if currency and inst.currency is None:
            inst.currency = currency
    replay(trades, instruments, out, account="Trading 212", label="Trading 212 history")
    if others:
        listed = ", ".join(f"{a or 'blank'} ({n})" for a, n in list(others.items())[:5])
        out.warn(f"{sum(others.values())} cash movements were not used ({listed}); cash is "
                 "not reconstructed from a history")
