"""The one place format parsers hand their rows to: classification, currencies, the report.

A format module only knows its layout; it calls :meth:`Collector.position`,
:meth:`Collector.cash`, :meth:`Collector.skip`, :meth:`Collector.total` and
:meth:`Collector.layout`. Here:

* every symbol goes through :func:`exposure.holdings.symbols.classify_symbol` (cash /
  option / rejected / listed); ISINs and WKNs go through the bundled map
  (:mod:`exposure.holdings.isin`) and, when given, an online resolver;
* every money cell's currency is settled (rule below) or the value is held back;
* the same symbol on several rows of ONE account is merged; accounts are never merged;
* every non-empty record of the file ends as a holding row, a cash row, a skipped row with
  its reason, or a layout row (header, preamble, information section): a record no reader
  claimed is reported as skipped, so nothing disappears silently.

Currency of a row's values (the first rule that applies):

1. definite marks agree: a cell's own mark (``€``, ``NT$``, ``EUR``), the column header
   (``Value in EUR``) and the currency column; two different ones skip the row;
2. an ambiguous mark (``$``, ``¥``, ``kr``) takes the definite currency if it fits, else the
   user's choice (``currency=``), else the broker's (a US broker's ``$`` is USD); otherwise
   the value is held back (listed in ``ambiguous``; the row stays if it has a quantity);
3. no mark at all: the user's choice, else the broker's currency, else USD with a warning.

Statement date: the file's own date (per row for IBKR Flex ``ReportDate``) when the layout
carries one; otherwise the import day, with a warning. Rows without a value or price (a
replayed history) have none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from exposure.holdings.importers.currencies import is_currency_code
from exposure.holdings.importers.numbers import (
    Money,
    NumberFormatError,
    parse_decimal,
    parse_money,
    parse_quantity,
    uses_decimal_comma,
)
from exposure.holdings.importers.result import (
    Accounting,
    AmbiguousCell,
    CashLine,
    ImportResult,
    SkippedRow,
)
from exposure.holdings.isin import IsinMap, isin_check_digit_ok, looks_like_isin
from exposure.holdings.portfolio import HOLDING_COLUMNS, normalise_holdings
from exposure.holdings.symbols import classify_symbol, listing_currency

if TYPE_CHECKING:
    from exposure.model.catalog import Catalog

IsinResolver = Callable[[str], str | None]
"""ISIN -> Yahoo symbol or None (e.g. the cached online lookup)."""

_HEADER_CURRENCY = re.compile(r"(?:\bin\s+|\(|\[)([A-Za-z]{3})[)\]]?\s*$|^([A-Za-z]{3})\s+value$")


def header_currency(label: str) -> str | None:
    """The currency a column header names: ``Value in EUR``, ``Market Value (USD)``."""
    m = _HEADER_CURRENCY.search(label.strip())
    if not m:
        return None
    code = (m.group(1) or m.group(2)).upper()
    return code if is_currency_code(code) else None


class CellError(Exception):
    """A cell could not be read; the row is skipped with this message as the reason."""


Amount = Money | Decimal | None


def as_money(value: Amount) -> Money:
    if isinstance(value, Money):
        return value
    return Money(value)


@dataclass
class _Position:
    row: int
    symbol: str
    raw_symbol: str
    quantity: Decimal | None
    market_value: Decimal | None
    price: Decimal | None
    currency: str
    account: str
    name: str
    as_of: str
    lines: list[int] = field(default_factory=list)


@dataclass
class Collector:
    """Accumulates one file's positions, cash and skipped rows."""

    name: str
    decimal_comma: bool | None = False
    """None until a reader decides (see :meth:`decide_decimal_comma`)."""
    default_currency: str | None = None
    """The broker's currency for unmarked or ``$`` values (US brokers: USD)."""
    chosen_currency: str | None = None
    """The user's choice for ambiguous or unlabelled values (``--currency``)."""
    chosen_by_mark: dict[str, str] = field(default_factory=dict)
    """The user's choice per mark (``--currency '$=CAD,¥=JPY'``)."""
    today: date = field(default_factory=date.today)
    isin_map: IsinMap | None = None
    isin_resolver: IsinResolver | None = None
    records: dict[int, int] = field(default_factory=dict)
    """line -> row index of every non-empty record of the file (set by the pipeline)."""
    row_text: Callable[[int], str] | None = None
    """row index -> the record's text, for the report (set by the pipeline)."""
    statement_date: str = ""
    positions: list[_Position] = field(default_factory=list)
    cash_lines: list[CashLine] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ambiguous: list[AmbiguousCell] = field(default_factory=list)
    isins: dict[str, str] = field(default_factory=dict)
    _seen: dict[int, str] = field(default_factory=dict)
    _layout: dict[int, str] = field(default_factory=dict)
    _cash_total: dict[str, Decimal] = field(default_factory=dict)
    _skipped_value: dict[str, Decimal] = field(default_factory=dict)
    _stated: list[tuple[str, Decimal, str, int]] = field(default_factory=list)
    _assumed_usd: bool = False
    _header_currency: dict[str, str] = field(default_factory=dict)

    # -- cells -----------------------------------------------------------------------------
    def number(self, text: str, column: str) -> Decimal | None:
        """A plain number cell (currency marks read and dropped); CellError names the column."""
        try:
            return parse_decimal(text, decimal_comma=bool(self.decimal_comma))
        except NumberFormatError as exc:
            raise CellError(f"column '{column}': {exc}") from None

    def money(self, text: str, column: str) -> Money:
        """A money cell: amount plus the currency mark written with it."""
        try:
            money = parse_money(text, decimal_comma=bool(self.decimal_comma), column=column)
        except NumberFormatError as exc:
            raise CellError(f"column '{column}': {exc}") from None
        if not money.mark and money.amount is not None:
            hc = self._header_currency.get(column)
            if hc is None:
                hc = self._header_currency[column] = header_currency(column) or ""
            if hc:
                money = replace(money, mark=f"({column})", currencies=(hc,))
        return money

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

    def set_date(self, when: date | None) -> None:
        """The date the file's values are as of (first call wins)."""
        if when is not None and not self.statement_date:
            self.statement_date = when.isoformat()

    # -- outcomes --------------------------------------------------------------------------
    def layout(self, line: int, reason: str) -> None:
        """A record that is part of the layout, not data (header, preamble, other section)."""
        if line not in self._seen:
            self._layout[line] = reason

    def skip(self, line: int, reason: str, text: str = "", *, value: Amount = None,
             currency: str | None = None) -> None:
        """A data row that is not a holding or cash; ``value`` is kept for reconciliation."""
        if self._seen.get(line) == "skipped":
            return
        self._seen[line] = "skipped"
        self._layout.pop(line, None)
        self.skipped.append({"row": int(line), "reason": reason,
                             "text": (text or self._text(line))[:200]})
        money = as_money(value)
        if money.amount is not None:
            code = self._quiet_settle(line, money, currency)
            if code:
                self._skipped_value[code] = self._skipped_value.get(code, Decimal(0)) \
                    + money.amount

    def _text(self, line: int) -> str:
        index = self.records.get(line)
        return self.row_text(index) if index is not None and self.row_text else ""

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def total(self, line: int, amount: Amount, *, currency: str | None = None,
              label: str = "total", text: str = "") -> None:
        """A grand-total row: reported as skipped, its amount kept to check the rows."""
        self.skip(line, "total row", text)
        money = as_money(amount)
        if money.amount is not None:
            code = self._quiet_settle(line, money, currency)
            if code:
                self._stated.append((code, money.amount, label, line))

    def _quiet_settle(self, line: int, money: Money, currency: str | None) -> str | None:
        """The currency of a value kept only for reconciliation (None if it cannot be told)."""
        try:
            return self._settle(line, [money], currency, record=False)
        except CellError:
            return None

    def cash(self, line: int, amount: Amount, *, currency: str | None = None,
             account: str = "", label: str = "cash", text: str = "") -> None:
        money = as_money(amount)
        if money.amount is None:
            self.skip(line, f"cash row '{label}' without an amount", text)
            return
        code = self._settle(line, [money], currency)
        if code is None:
            self.skip(line, f"cash '{label}': {self._open_reason(money)}", text)
            return
        self._seen[line] = "cash"
        self._layout.pop(line, None)
        self.cash_lines.append({"account": account, "currency": code,
                                "amount": float(money.amount), "label": label})
        self._cash_total[code] = self._cash_total.get(code, Decimal(0)) + money.amount

    def position(self, line: int, raw_symbol: str, *, quantity: Decimal | None,
                 market_value: Amount, price: Amount = None, currency: str | None = None,
                 account: str = "", name: str = "", exchange: str | None = None,
                 isin: str = "", wkn: str = "", as_of: str = "", text: str = "") -> None:
        """One position row as the broker wrote it; classified and checked here.

        ``currency`` is the row's stated currency (a currency column); ``isin``/``wkn`` are
        identifiers from their own columns (a symbol cell holding an ISIN is recognised too).
        """
        value_m, price_m = as_money(market_value), as_money(price)
        raw = raw_symbol.strip()
        if not isin and looks_like_isin(raw):
            isin = raw
        symbol_text, listing, problem = self._identify(raw, isin, wkn)
        if problem:
            self.skip(line, problem, text, value=value_m, currency=currency)
            return
        info = classify_symbol(symbol_text, exchange=exchange)
        if info.kind == "cash":
            amount = value_m if value_m.amount is not None else Money(quantity)
            self.cash(line, amount, currency=currency, account=account,
                      label=raw or "cash", text=text)
            return
        reason = None
        if info.kind == "option":
            reason = "option contract: options are not imported"
        elif info.kind == "rejected":
            reason = f"symbol {raw[:40]!r}: {info.reason}"
        if reason:
            self.skip(line, reason, text, value=value_m, currency=currency)
            return
        symbol = info.symbol
        cells = [m for m in (value_m, price_m) if m.amount is not None]
        code = self._settle(line, cells, currency) if cells else \
            self._settle(line, [], currency, quiet=True)
        value, unit = value_m.amount, price_m.amount
        if cells and code is None:
            value = unit = None
            if quantity is None:
                self.skip(line, f"{symbol}: {self._open_reason(cells[0])}", text)
                return
        if code is None:
            code = listing or listing_currency(symbol) or self.chosen_currency \
                or self.default_currency or "USD"
        if value is None and quantity is not None and unit is not None:
            value = quantity * unit
        if quantity is None and value is None:
            self.skip(line, f"{symbol}: no quantity and no market value", text)
            return
        why = None
        if quantity is not None and quantity < 0:
            why = f"{symbol}: short position (negative quantity) not imported"
        elif quantity is not None and quantity == 0 and not value:
            why = f"{symbol}: zero quantity"
        elif value is not None and value < 0:
            why = f"{symbol}: negative market value not imported"
        if why:
            self.skip(line, why, text, value=value, currency=code)
            return
        self._seen[line] = "holding"
        self._layout.pop(line, None)
        if listing is None and code != "USD" and "." not in symbol \
                and symbol != isin.strip().upper():
            self.warn(f"{symbol}: a ticker without a venue valued in {code}; the Yahoo symbol "
                      f"{symbol} is a US listing: check it (e.g. {symbol}.AS, {symbol}.DE)")
        self.positions.append(_Position(line, symbol, raw or isin or wkn, quantity, value,
                                        unit, code, account.strip(), name.strip(), as_of,
                                        [line]))

    def outcome(self, line: int) -> str | None:
        """``holding``, ``cash``, ``skipped`` or None for a record handled so far."""
        return self._seen.get(line)

    def mark_holding_rows(self, lines: Iterable[int]) -> None:
        """Records that fed a holding without being its own row (replayed transactions)."""
        for line in lines:
            if self._seen.get(line) != "skipped":
                self._seen[line] = "holding"
                self._layout.pop(line, None)

    # -- identifiers and currencies ---------------------------------------------------------
    def _identify(self, raw: str, isin: str, wkn: str) -> tuple[str, str | None, str | None]:
        """(symbol text to classify, listing currency from the ISIN map, problem)."""
        isin = isin.strip().upper()
        if isin and not isin_check_digit_ok(isin):
            if raw and raw.upper() != isin:
                self.warn(f"ISIN {isin} fails its check digit; the symbol {raw} is used")
                return raw, None, None
            return "", None, f"ISIN {isin[:14]!r} fails its check digit (typo?)"
        entry = self.isin_map.lookup(isin, wkn) if self.isin_map is not None else None
        if entry is not None:
            if isin:
                self.isins[isin] = entry.symbol
            return entry.symbol, entry.currency, None
        if isin:
            resolved = self.isin_resolver(isin) if self.isin_resolver is not None else None
            if resolved:
                self.isins[isin] = resolved
                return resolved, None, None
            if raw and raw.upper() != isin and isin.startswith("US"):
                self.isins[isin] = raw  # a US ISIN with its bare ticker: the US listing
                return raw, None, None
            self.isins[isin] = isin
            return isin, None, None
        if wkn and not raw:
            return "", None, f"WKN {wkn!r} is not in the bundled ISIN/WKN map: add the ISIN " \
                "or a ticker column"
        return raw, None, None

    def _settle(self, line: int, cells: list[Money], stated: str | None, *,
                record: bool = True, quiet: bool = False) -> str | None:
        """The currency of a row's money cells (rules in the module docstring), or None."""
        definite: dict[str, str] = {}
        if stated:
            code = stated.strip().upper()
            if is_currency_code(code):
                definite[code] = "the currency column"
        open_cells: list[Money] = []
        for m in cells:
            if m.currency:
                definite.setdefault(m.currency, m.column or "a cell")
            elif m.ambiguous:
                open_cells.append(m)
        if len(definite) > 1:
            where = ", ".join(f"{c} ({w})" for c, w in definite.items())
            raise CellError(f"two currencies in one row: {where}")
        if definite:
            code = next(iter(definite))
            for m in open_cells:
                if code not in m.currencies:
                    raise CellError(f"'{m.mark}' cannot be {code}")
            return code
        if open_cells:
            options = [c for c in open_cells[0].currencies
                       if all(c in m.currencies for m in open_cells)]
            marked = {self.chosen_by_mark.get(m.mark) for m in open_cells}
            by_mark = marked.pop() if len(marked) == 1 else None
            for choice in (by_mark, self.chosen_currency, self.default_currency):
                if choice and choice in options:
                    return choice
            if record:
                for m in open_cells:
                    self.ambiguous.append({"row": int(line), "column": m.column,
                                           "text": (m.text or m.mark)[:40], "mark": m.mark,
                                           "candidates": list(m.currencies)})
            return None
        if quiet:
            return None
        if self.chosen_currency or self.default_currency:
            return self.chosen_currency or self.default_currency
        self._assumed_usd = True
        return "USD"

    def _open_reason(self, money: Money) -> str:
        options = "/".join(money.currencies[:4])
        return (f"value {(money.text or money.mark)[:30]!r} has an ambiguous currency "
                f"('{money.mark}' = {options} ...): choose it (--currency)")

    # -- result ----------------------------------------------------------------------------
    def _accounting(self) -> Accounting:
        for line in self.records:
            if line not in self._seen and line not in self._layout:
                self.skip(line, "row not read: outside the holdings table")
        layout: dict[str, int] = {}
        for line, reason in self._layout.items():
            if line not in self._seen:
                layout[reason] = layout.get(reason, 0) + 1
        kinds = list(self._seen.values())
        return {"records": len(set(self.records) | set(self._seen) | set(self._layout)),
                "layout": layout, "holding_rows": kinds.count("holding"),
                "cash_rows": kinds.count("cash"), "skipped_rows": kinds.count("skipped")}

    def result(self, format_id: str, encoding: str, catalog: Catalog | None = None,
               extra_warnings: list[str] | None = None) -> ImportResult:
        """Merge same-symbol rows of one account and build the :class:`ImportResult`."""
        accounting = self._accounting()
        groups: dict[tuple[str, str, str], list[_Position]] = {}
        for pos in self.positions:
            groups.setdefault((pos.symbol, pos.currency, pos.account), []).append(pos)
        records: list[dict[str, object]] = []
        merged: list[str] = []
        unknown: list[str] = []
        accounts_of: dict[str, set[str]] = {}
        value_total: dict[str, Decimal] = {}
        undated = False
        for (symbol, currency, account), items in groups.items():
            accounts_of.setdefault(symbol, set()).add(account)
            if len(items) > 1 and symbol not in merged:
                merged.append(symbol)
            quantity, value, price = self._combine(symbol, items)
            if value is not None:
                value_total[currency] = value_total.get(currency, Decimal(0)) + value
            as_of = next((p.as_of for p in items if p.as_of), "")
            if not as_of and (value is not None or price is not None):
                as_of = self.statement_date or self.today.isoformat()
                undated = undated or not self.statement_date
            name = next((p.name for p in items if p.name), "")
            if catalog is not None:
                company = catalog.company_for_symbol(symbol)
                if company is None:
                    if symbol not in unknown and symbol.upper() not in catalog.funds:
                        unknown.append(symbol)
                else:
                    name = company.name
            records.append({
                "symbol": symbol, "name": name, "kind": "listed",
                "quantity": float(quantity) if quantity is not None else float("nan"),
                "market_value": float(value) if value is not None else float("nan"),
                "currency": currency, "account": account, "segment": "",
                "mark_basis": "", "raw_symbol": items[0].raw_symbol,
                "statement_price": float(price) if price is not None else float("nan"),
                "statement_date": as_of,
            })
        holdings = normalise_holdings(pd.DataFrame(records, columns=HOLDING_COLUMNS))
        if undated:
            self.warn(f"the file carries no date; its values are taken as of the import day "
                      f"({self.today.isoformat()})")
        if self._assumed_usd:
            self.warn("no currency is stated in the file: values are taken as USD (choose "
                      "another with --currency or on the Portfolio page)")
        if self.ambiguous:
            marks = sorted({a["text"][:12] for a in self.ambiguous})[:3]
            self.warn(f"{len(self.ambiguous)} value cells have an ambiguous currency "
                      f"(e.g. {', '.join(marks)}): their values are not used until you choose "
                      "the currency (--currency, or the select on the Portfolio page)")
        unresolved = [i for i, s in self.isins.items() if s == i]
        if unresolved:
            self.warn(f"{len(unresolved)} ISINs are not in the bundled map: "
                      f"{', '.join(unresolved[:5])}; they are kept as their own symbol: "
                      "classify them on the Portfolio page")
        file_total, basis = self._file_total(value_total, accounting)
        several = [s for s, accts in accounts_of.items() if len(accts) > 1]
        warnings = list(extra_warnings or []) + self.warnings
        dated = bool(self.statement_date) or any(p.as_of for p in self.positions)
        if not self.statement_date and dated:
            self.statement_date = max(p.as_of for p in self.positions if p.as_of)
        return ImportResult(
            holdings=holdings, cash=list(self.cash_lines),
            skipped=sorted(self.skipped, key=lambda r: r["row"]),
            unknown=unknown, format=format_id, warnings=warnings, encoding=encoding,
            merged=merged, source=self.name, in_several_accounts=several,
            statement_date=self.statement_date or (self.today.isoformat() if undated else ""),
            statement_date_source="file" if dated else ("import day" if undated else ""),
            ambiguous=list(self.ambiguous), currency_choice=",".join(
                [*([self.chosen_currency] if self.chosen_currency else []),
                 *(f"{m}={c}" for m, c in self.chosen_by_mark.items())]),
            file_total=file_total, file_total_basis=basis,
            skipped_value={c: round(float(v), 2) for c, v in self._skipped_value.items()},
            accounting=accounting, isins=dict(self.isins))

    def _combine(self, symbol: str, items: list[_Position]) -> tuple[
            Decimal | None, Decimal | None, Decimal | None]:
        """Quantity, value and price of one symbol's rows in one account."""
        if len(items) == 1:
            one = items[0]
            price = one.price
            if price is None and one.quantity and one.market_value is not None:
                price = one.market_value / one.quantity  # reproduces the file's value
            return one.quantity, one.market_value, price
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
        prices = {p.price for p in items}
        if len(prices) == 1 and None not in prices:
            price = prices.pop()
        elif quantity and value is not None:
            price = value / quantity
        else:
            price = None
        if price is None and quantity and value is not None:
            price = value / quantity  # the file's value / quantity: reproduces its value
        return quantity, value, price

    def _file_total(self, value_total: Mapping[str, Decimal],
                    accounting: Accounting) -> tuple[dict[str, float], str]:
        """The file's own total per currency, and where it comes from."""
        computed: dict[str, Decimal] = {}
        for source in (value_total, self._cash_total, self._skipped_value):
            for code, amount in source.items():
                computed[code] = computed.get(code, Decimal(0)) + amount
        basis = "sum of the file's value cells"
        out = {c: round(float(v), 2) for c, v in computed.items()}
        if self._stated:
            stated: dict[str, Decimal] = {}
            labels = []
            for code, amount, label, line in self._stated:
                stated[code] = stated.get(code, Decimal(0)) + amount
                labels.append(f"'{label}' (line {line})")
            tolerance = Decimal("0.01") * max(1, accounting["holding_rows"]
                                              + accounting["cash_rows"])
            for code, amount in stated.items():
                if abs(computed.get(code, Decimal(0)) - amount) > tolerance:
                    self.warn(f"the file's total {labels[0]} says {amount:,.2f} {code} but its "
                              f"rows add up to {computed.get(code, Decimal(0)):,.2f} {code}")
                out[code] = round(float(amount), 2)
            basis = "stated in the file: " + ", ".join(labels[:3])
        return out, basis
