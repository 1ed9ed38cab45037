"""Holdings replayed from a transaction history (Robinhood, Trading 212).

A history is not a positions export: shares bought, sold and split are added up per
instrument, oldest first, with exact decimals (``8.331 - 3.331 == 5``). A history that does
not start at the account's opening gives wrong quantities, so every replay warns; an
instrument that goes negative (sold more than the history shows bought) or nets to zero is
not a holding, and every row behind it is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from exposure.holdings.importers.collect import Collector


@dataclass(frozen=True)
class Trade:
    """One share movement: ``delta`` shares of instrument ``key`` (negative = out)."""

    when: date | datetime
    order: int
    """Tie-break within one timestamp (file order, or reversed for newest-first files)."""
    line: int
    key: str
    delta: Decimal


@dataclass
class Instrument:
    """What a replayed holding is called (its symbol, ISIN, currency, name)."""

    raw_symbol: str
    isin: str = ""
    currency: str | None = None
    name: str = ""
    lines: list[int] = field(default_factory=list)


def replay(trades: Iterable[Trade], instruments: dict[str, Instrument], out: Collector, *,
           account: str, label: str) -> None:
    """Add the trades up per instrument and hand each open position to ``out``."""
    held: dict[str, Decimal] = {}
    for trade in sorted(trades, key=lambda t: (_sortable(t.when), t.order)):
        held[trade.key] = held.get(trade.key, Decimal(0)) + trade.delta
        instruments[trade.key].lines.append(trade.line)
    for key, quantity in held.items():
        inst = instruments[key]
        lines = sorted(inst.lines)
        if quantity < 0:
            for line in lines:
                out.skip(line, f"{inst.raw_symbol}: replay gives {quantity} shares (sold more "
                         "than the history shows bought; history incomplete)")
            continue
        if quantity == 0:
            for line in lines:
                out.skip(line, f"{inst.raw_symbol}: position closed within the history "
                         "(0 shares)")
            continue
        first = lines[0]
        out.position(first, inst.raw_symbol, quantity=quantity, market_value=None,
                     currency=inst.currency, isin=inst.isin, name=inst.name, account=account)
        outcome = out.outcome(first)
        if outcome == "holding":
            out.mark_holding_rows(lines[1:])
        else:
            for line in lines[1:]:
                out.skip(line, f"{inst.raw_symbol}: see line {first}")
    out.warn(f"{label}: holdings were replayed from transactions; a partial history gives "
             "wrong quantities: if it does not cover the account's whole history, check them "
             "against the broker")


def _sortable(when: date | datetime) -> datetime:
    return when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
