"""Robinhood account activity report: holdings replayed from transactions.

Robinhood has no positions export, only the activity report (IMPORT_FORMATS.md
"Robinhood"; the same header is listed by acarlson98/rhParser and
henry-md/robinhood-visualizer ``lib/types.ts``)::

    "Activity Date","Process Date","Settle Date","Instrument","Description","Trans Code",
    "Quantity","Price","Amount"
    "3/14/2025","3/14/2025","3/17/2025","NVDA","NVIDIA
    CUSIP: 67066G104","Buy","10","$121.50","($1,215.00)"
    ...
    "","","","","","","","","","The data provided is for informational purposes only..."

* newest first; all cells quoted; Description spans lines (``CUSIP: ...``);
* Quantity fractional, or with an ``S`` suffix on stock events (``45S``);
* codes: ``Buy``/``Sell``; share events ``SPL`` (split: the additional shares),
  ``REC``/``ACATI`` (shares in), ``ACATO`` (shares out), ``SXCH`` (exchange); option
  codes ``BTO``/``STC``/``STO``/``BTC``/``OEXP``/``OASGN``/``OEXCS``; cash codes
  (``CDIV``, ``ACH``, ``INT``, ``GOLD`` ...) do not change holdings.

Quantities are replayed with exact decimals, oldest first. A report that does not start at
the account's opening gives wrong holdings: that is always said in ``warnings``, and a
position that goes negative (sold more than the report shows bought) is skipped.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from exposure.holdings.importers.collect import CellError, Collector
from exposure.holdings.importers.headers import cell, find_header
from exposure.holdings.importers.replay import Instrument, Trade, replay
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "robinhood"
LABEL = "Robinhood activity report"
DECIMAL_COMMA = False
DEFAULT_CURRENCY = "USD"

ALIASES = {
    "date": ["activity date"],
    "instrument": ["instrument"],
    "description": ["description"],
    "code": ["trans code"],
    "quantity": ["quantity"],
    "price": ["price"],
    "amount": ["amount"],
}
_REQUIRED = ("date", "instrument", "code", "quantity", "amount")
SHARES_IN = {"BUY", "REC", "SPL", "ACATI", "SPR", "MRGS", "SXCH_IN", "CONV"}
SHARES_OUT = {"SELL", "ACATO", "SXCH_OUT"}
OPTION_CODES = {"BTO", "STC", "STO", "BTC", "OEXP", "OASGN", "OEXCS", "OCA"}


def detect(doc: Document) -> bool:
    return find_header(doc.rows, ALIASES, _REQUIRED, limit=5) is not None


def _date(text: str) -> date | None:
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


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
    cash_events = 0
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        code = cell(row, cols, "code").upper()
        instrument = cell(row, cols, "instrument")
        when = _date(cell(row, cols, "date"))
        if when is None:
            if not code:
                out.layout(line, "footer (disclaimer)")
            else:
                out.skip(line, "no activity date", text)
            continue
        if code in OPTION_CODES:
            out.skip(line, f"option transaction ({code}): options are not imported", text)
            continue
        if code not in SHARES_IN and code not in SHARES_OUT:
            cash_events += 1
            out.skip(line, f"{code or 'blank code'}: cash event (dividend, transfer, interest "
                     "...), not a position", text)
            continue
        if not instrument:
            out.skip(line, f"{code} without an instrument", text)
            continue
        try:
            qty = out.quantity(cell(row, cols, "quantity"), "Quantity")
        except CellError as exc:
            out.skip(line, str(exc), text)
            continue
        if qty is None:
            out.skip(line, f"{code} without a quantity", text)
            continue
        sign = Decimal(1) if code in SHARES_IN else Decimal(-1)
        trades.append(Trade(when, -i, line, instrument, sign * abs(qty)))
        description = cell(row, cols, "description").split("\n")[0].strip()
        instruments.setdefault(instrument, Instrument(instrument, currency="USD",
                                                      name=description))
    replay(trades, instruments, out, account="Robinhood", label="Robinhood activity report")
    if cash_events:
        out.warn(f"{cash_events} cash transactions (dividends, transfers, interest) were not "
                 "used; cash is not reconstructed from a partial history")
