"""The one place format parsers hand their rows to: classification, merging, the report.

A format module only knows its layout; it calls :meth:`Collector.position`,
:meth:`Collector.cash` and :meth:`Collector.skip`. Here every symbol goes through
:func:`exposure.holdings.symbols.classify_symbol` (cash / option / rejected / listed), the same
symbol held in several accounts is merged (accounts kept, ``;``-joined), and the catalog
is consulted for names and unknown symbols.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from exposure.holdings.importers.numbers import (
    NumberFormatError,
    parse_decimal,
    parse_quantity,
    uses_decimal_comma,
)
from exposure.holdings.importers.result import CashLine, ImportResult, SkippedRow
from exposure.holdings.portfolio import HOLDING_COLUMNS, normalise_holdings
from exposure.holdings.symbols import classify_symbol

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog


class CellError(Exception):
    """A cell could not be read; the row is skipped with this message as the reason."""


@dataclass
class _Position:
    row: int
    symbol: str
    raw_symbol: str
    quantity: Decimal | None
    market_value: Decimal | None
    currency: str
    account: str
    name: str


@dataclass
class Collector:
    """Accumulates one file's positions, cash and skipped rows."""

    name: str
    decimal_comma: bool | None = False
    """None until a reader decides (see :meth:`decide_decimal_comma`)."""
    positions: list[_Position] = field(default_factory=list)
    cash_lines: list[CashLine] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # -- cells -----------------------------------------------------------------------------
    def number(self, text: str, column: str) -> Decimal | None:
        """A money/number cell under the file's decimal convention; CellError names the column."""
        try:
            return parse_decimal(text, decimal_comma=bool(self.decimal_comma))
        except NumberFormatError as exc:
            raise CellError(f"column '{column}': {exc}") from None

    def quantity(self, text: str, column: str) -> Decimal | None:
        try:
            return parse_quantity(text, decimal_comma=bool(self.decimal_comma))
        except NumberFormatError as exc:
            raise CellError(f"column '{column}': {exc}") from None

    def decide_decimal_comma(self, cells: Iterable[str], delimiter: str) -> None:
        """Fix the file's decimal convention from its numeric cells, if not yet fixed."""
        if self.decimal_comma is None:
            self.decimal_comma = uses_decimal_comma(cells, delimiter=delimiter)
            if self.decimal_comma:
                self.warn("numbers read with decimal commas (1.234,56)")

    @contextmanager
    def row(self, line: int, text: str) -> Iterator[None]:
        """Run one row's handling; a :class:`CellError` skips the row with its message."""
        try:
            yield
        except CellError as exc:
            self.skip(line, str(exc), text)

    # -- outcomes --------------------------------------------------------------------------
    def skip(self, line: int, reason: str, text: str = "") -> None:
        self.skipped.append({"row": int(line), "reason": reason, "text": text[:200]})

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def cash(self, line: int, amount: Decimal | None, *, currency: str = "USD",
             account: str = "", label: str = "cash", text: str = "") -> None:
        if amount is None:
            self.skip(line, f"cash row '{label}' without an amount", text)
            return
        self.cash_lines.append({"account": account, "currency": (currency or "USD").upper(),
                                "amount": float(amount), "label": label})

    def position(self, line: int, raw_symbol: str, *, quantity: Decimal | None,
                 market_value: Decimal | None, currency: str = "USD", account: str = "",
                 name: str = "", exchange: str | None = None, text: str = "") -> None:
        """One position row as the broker wrote it; classified and checked here."""
        info = classify_symbol(raw_symbol, exchange=exchange)
        if info.kind == "cash":
            amount = market_value if market_value is not None else quantity
            self.cash(line, amount, currency=currency, account=account,
                      label=raw_symbol.strip() or "cash", text=text)
            return
        if info.kind == "option":
            self.skip(line, "option contract: options are not imported", text)
            return
        if info.kind == "rejected":
            self.skip(line, f"symbol {raw_symbol.strip()[:40]!r}: {info.reason}", text)
            return
        if quantity is None and market_value is None:
            self.skip(line, f"{info.symbol}: no quantity and no market value", text)
            return
        if quantity is not None and quantity < 0:
            self.skip(line, f"{info.symbol}: short position (negative quantity) not imported",
                      text)
            return
        if quantity is not None and quantity == 0 and not market_value:
            self.skip(line, f"{info.symbol}: zero quantity", text)
            return
        if market_value is not None and market_value < 0:
            self.skip(line, f"{info.symbol}: negative market value not imported", text)
            return
        self.positions.append(_Position(line, info.symbol, raw_symbol.strip(), quantity,
                                        market_value, (currency or "USD").upper(),
                                        account.strip(), name.strip()))

    # -- result ----------------------------------------------------------------------------
    def result(self, format_id: str, encoding: str, catalog: Catalog | None = None,
               extra_warnings: list[str] | None = None) -> ImportResult:
        """Merge same-symbol positions and build the :class:`ImportResult`."""
        groups: dict[tuple[str, str], list[_Position]] = {}
        for pos in self.positions:
            groups.setdefault((pos.symbol, pos.currency), []).append(pos)
        records: list[dict[str, object]] = []
        merged: list[str] = []
        unknown: list[str] = []
        for (symbol, currency), items in groups.items():
            if len(items) > 1:
                merged.append(symbol)
            quantities = [p.quantity for p in items]
            values = [p.market_value for p in items]
            quantity = sum(quantities, Decimal(0)) if all(q is not None for q in quantities) \
                else None
            value = sum(values, Decimal(0)) if all(v is not None for v in values) else None
            if value is None and any(v is not None for v in values):
                self.warn(f"{symbol}: market value missing in some rows; the value will come "
                          "from a price")
            if quantity is None and any(q is not None for q in quantities):
                self.warn(f"{symbol}: quantity missing in some rows; only values are kept")
            accounts = list(dict.fromkeys(p.account for p in items if p.account))
            name = next((p.name for p in items if p.name), "")
            if catalog is not None:
                company = catalog.company_for_symbol(symbol)
                if company is None:
                    unknown.append(symbol)
                else:
                    name = company.name
            records.append({
                "symbol": symbol, "name": name, "kind": "listed",
                "quantity": float(quantity) if quantity is not None else float("nan"),
                "market_value": float(value) if value is not None else float("nan"),
                "currency": currency, "account": ";".join(accounts), "segment": "",
                "mark_basis": "", "raw_symbol": items[0].raw_symbol,
            })
        holdings = normalise_holdings(pd.DataFrame(records, columns=HOLDING_COLUMNS))
        warnings = list(extra_warnings or []) + self.warnings
        return ImportResult(holdings=holdings, cash=list(self.cash_lines),
                            skipped=list(self.skipped), unknown=unknown, format=format_id,
                            warnings=warnings, encoding=encoding, merged=merged,
                            source=self.name)
