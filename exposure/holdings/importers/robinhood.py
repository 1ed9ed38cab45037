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
from exposure.holdings.importers.sniff import Document

FORMAT_ID = "robinhood"
LABEL = "Robinhood activity report"
DECIMAL_COMMA = False

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
    events: list[tuple[date, int, int, str, Decimal, str]] = []
    names: dict[str, str] = {}
    cash_events = 0
    for i in range(start + 1, len(doc.rows)):
        row, line, text = doc.rows[i], doc.line(i), doc.raw_text(i)
        if not any(row):
            continue
        code = cell(row, cols, "code").upper()
        instrument = cell(row, cols, "instrument")
        when = _date(cell(row, cols, "date"))
        if when is None:
            out.skip(line, "footer / disclaimer text" if not code else "no activity date", text)
            continue
        if code in OPTION_CODES:
            out.skip(line, f"option transaction ({code}): options are not imported", text)
            continue
        if code not in SHARES_IN and code not in SHARES_OUT:
            cash_events += 1
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
        events.append((when, -i, line, instrument, sign * abs(qty), text))
        description = cell(row, cols, "description").split("\n")[0].strip()
        names.setdefault(instrument, description)

    held: dict[str, Decimal] = {}
    first_line: dict[str, int] = {}
    for _when, _order, line, instrument, delta, _text in sorted(events):
        held[instrument] = held.get(instrument, Decimal(0)) + delta
        first_line.setdefault(instrument, line)
    for instrument, quantity in held.items():
        line = first_line[instrument]
        if quantity < 0:
            out.skip(line, f"{instrument}: replay gives {quantity} shares (sold more than the "
                     "report shows bought; history incomplete)")
            continue
        if quantity == 0:
            out.skip(line, f"{instrument}: position closed within the report (0 shares)")
            continue
        out.position(line, instrument, quantity=quantity, market_value=None,
                     name=names.get(instrument, ""), account="Robinhood")
    out.warn("Robinhood activity report: holdings were replayed from transactions; if the "
             "report does not cover the account's whole history, quantities are wrong — "
             "check them against the app")
    if cash_events:
        out.warn(f"{cash_events} cash transactions (dividends, transfers, interest) were not "
                 "used; cash is not reconstructed from a partial history")
