"""Reconcile an imported statement with its valuation: the file's own total, the total the
app values the book at, and the difference split by cause.

All amounts are in the book's base currency. With ``F`` the file's total (its totals row, else
the sum of its value cells; every currency converted at the rates the valuation used) and
``V`` the valued total (holdings and cash)::

    V - F = repricing + unpriced + currency + not_imported + other

    repricing     rows valued at a price instead of the statement's value (a live price is
                  newer; or the file gave no usable value, e.g. an ambiguous currency held
                  back): value used - statement value (0 when the file gave none)
    unpriced      rows with a statement value that ended without any value: - statement value
    currency      values in a currency without an exchange rate: left out of both totals
                  (they cannot be converted), so its amount is 0 and the note names the
                  currencies and their amounts as written
    not_imported  rows the import skipped with a value (pending activity, options, ...)
    other         what is left: a totals row that does not equal the file's own cells

With no network and every rate known, ``repricing`` is 0 and the valued total equals the
file's total up to the rows not imported (and rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from exposure.evaluation.result import BookEvaluation
from exposure.holdings.market_value import PriceSourceLabel


@dataclass(frozen=True)
class Difference:
    """One cause of the gap between the file's total and the valued total."""

    cause: str
    amount: float
    rows: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Reconciliation:
    """``file_total`` and ``valued_total`` in ``base_currency``, and the differences."""

    file_total: float
    valued_total: float
    base_currency: str
    differences: tuple[Difference, ...]
    file_totals: dict[str, float] = field(default_factory=dict)
    """The file's totals per currency, as written in the file."""
    statement_date: str = ""

    @property
    def gap(self) -> float:
        return self.valued_total - self.file_total

    def to_json(self) -> dict[str, Any]:
        return {
            "file_total": round(self.file_total, 2),
            "valued_total": round(self.valued_total, 2),
            "base_currency": self.base_currency,
            "file_totals": {k: round(v, 2) for k, v in self.file_totals.items()},
            "statement_date": self.statement_date or None,
            "differences": [{"cause": d.cause, "amount": round(d.amount, 2) + 0.0,
                             "rows": list(d.rows), "note": d.note} for d in self.differences],
        }


def reconcile(book: BookEvaluation) -> Reconciliation | None:
    """The reconciliation of a book imported from a statement (None for other books)."""
    meta = book.portfolio.meta or {}
    totals: dict[str, float] = dict(meta.get("file_total") or {})
    if not totals:
        return None
    rates = book.rates
    to_base = book.usd_to_base
    missing: list[str] = []

    def base(amount: float, currency: str) -> float | None:
        rate = rates.get(currency) or rates.get(currency.upper())
        return amount * rate.usd_per_unit * to_base if rate is not None else None

    file_total = 0.0
    for currency, amount in totals.items():
        converted = base(float(amount), currency)
        if converted is None:
            missing.append(currency)
            continue
        file_total += converted
    valued = book.valued
    value = valued["market_value_usd"].to_numpy(dtype=float)
    statement = valued["statement_value_usd"].to_numpy(dtype=float)
    sources = valued["price_source"].astype(str).to_numpy()
    symbols = valued["symbol"].astype(str).to_numpy()
    repriced = ~np.isnan(value) & (sources != PriceSourceLabel.STATEMENT)
    no_rate = np.char.startswith(sources.astype(str), "unvalued (no ")
    unpriced = np.isnan(value) & ~no_rate
    held = float(np.nansum(value)) * to_base
    valued_total = held + book.cash_usd * to_base
    skipped = 0.0
    for currency, amount in (meta.get("skipped_value") or {}).items():
        converted = base(float(amount), currency)
        skipped += converted if converted is not None else 0.0
    diffs = [
        Difference("repricing",
                   float((value[repriced] - np.nan_to_num(statement[repriced])).sum()) * to_base,
                   tuple(symbols[repriced]), "valued at a price, not at the file's own value"),
        Difference("unpriced", -float(np.nansum(statement[unpriced])) * to_base,
                   tuple(symbols[unpriced]), "no price and no value in the file"),
        Difference("currency", 0.0,
                   tuple(symbols[no_rate]) + tuple(
                       f"cash {c}" for c in book.cash_missing),
                   "no exchange rate, left out of both totals: " + ", ".join(
                       f"{c} {totals[c]:,.2f}" for c in sorted(missing)) if missing else ""),
        Difference("not_imported", -float(skipped), (), "rows the import skipped"),
    ]
    other = valued_total - file_total - sum(d.amount for d in diffs)
    diffs.append(Difference("other", other if abs(other) >= 0.005 else 0.0, (),
                            "the file's own total differs from its rows"))
    return Reconciliation(file_total, valued_total, book.base_currency,
                          tuple(d for d in diffs if d.amount or d.rows),
                          {k: float(v) for k, v in totals.items()},
                          str(meta.get("statement_date") or ""))

