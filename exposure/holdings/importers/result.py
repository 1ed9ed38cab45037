"""What an import returns: holdings plus a report of everything that was not a holding."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypedDict

import pandas as pd

from exposure.holdings.portfolio import CashBalance, Portfolio, empty_holdings


class CashLine(TypedDict):
    """One cash or money-market balance found in the file."""

    account: str
    currency: str
    amount: float
    label: str


class SkippedRow(TypedDict):
    """One row that did not become a holding, and why (``row`` is the file's line number)."""

    row: int
    reason: str
    text: str


class AmbiguousCell(TypedDict):
    """A money cell whose mark names several currencies (``$``, ``¥``, ``kr``).

    ``candidates`` are the currencies it can mean; until the user chooses one (``--currency``,
    the select on the Portfolio page) the row's value is not used.
    """

    row: int
    column: str
    text: str
    mark: str
    candidates: list[str]


class Accounting(TypedDict):
    """Where every non-empty record of the file went.

    ``records`` = sum of ``layout`` counts + ``holding_rows`` + ``cash_rows`` +
    ``skipped_rows``; the data rows are the last three. ``layout`` counts header, preamble
    and information rows by reason (``header``, ``section 'Trades'`` ...).
    """

    records: int
    layout: dict[str, int]
    holding_rows: int
    cash_rows: int
    skipped_rows: int


def empty_accounting() -> Accounting:
    return {"records": 0, "layout": {}, "holding_rows": 0, "cash_rows": 0, "skipped_rows": 0}


@dataclass
class ImportResult:
    """Holdings read from a broker export, with the import report.

    ``holdings`` is a holdings frame (see :mod:`exposure.holdings.portfolio`; each row keeps
    its account: the same symbol in two accounts is two rows); ``cash`` the cash and
    money-market balances, each in its own currency; ``skipped`` every data row that is not a
    holding or cash (options, totals, pending activity, disclaimers ...); ``unknown`` the
    holdings' symbols the catalog has no profile for (still imported; an unresolved ISIN is
    its own symbol); ``merged`` symbols combined from several rows of one account;
    ``in_several_accounts`` symbols held in more than one account (kept apart).

    Reconciliation inputs: ``file_total`` per currency is the file's own total (a totals row
    when the file states one, else the sum of its value cells, skipped rows included);
    ``skipped_value`` per currency the value of the rows that were not imported; so for a
    statement ``sum(market_value) + cash + skipped_value == file_total`` in each currency.
    ``statement_date`` is the date the file's values are as of (read from the file, or the
    import day when the file carries none: then a warning says so).
    """

    holdings: pd.DataFrame = field(default_factory=empty_holdings)
    cash: list[CashLine] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    format: str = ""
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    merged: list[str] = field(default_factory=list)
    source: str = ""
    in_several_accounts: list[str] = field(default_factory=list)
    statement_date: str = ""
    statement_date_source: str = ""
    """``file`` (read from the file), ``import day`` or '' (no values, e.g. a replay)."""
    ambiguous: list[AmbiguousCell] = field(default_factory=list)
    currency_choice: str = ""
    """The currency the user chose for ambiguous or unlabelled values ('' = none)."""
    file_total: dict[str, float] = field(default_factory=dict)
    file_total_basis: str = ""
    skipped_value: dict[str, float] = field(default_factory=dict)
    accounting: Accounting = field(default_factory=empty_accounting)
    isins: dict[str, str] = field(default_factory=dict)
    """ISIN -> the symbol it became (the ISIN itself when unresolved)."""
    sheet: str = ""
    """For spreadsheets: the sheet that was read."""

    def cash_by_currency(self) -> dict[str, float]:
        """Cash balances per currency (each kept in its own currency)."""
        out: dict[str, float] = {}
        for c in self.cash:
            out[c["currency"].upper()] = out.get(c["currency"].upper(), 0.0) + c["amount"]
        return out

    @property
    def data_rows(self) -> int:
        """Rows that carried data: holdings rows + cash rows + skipped rows."""
        a = self.accounting
        return a["holding_rows"] + a["cash_rows"] + a["skipped_rows"]

    @property
    def unresolved_isins(self) -> list[str]:
        return [isin for isin, symbol in self.isins.items() if symbol == isin]

    def to_portfolio(self, name: str) -> Portfolio:
        """A portfolio of the holdings and every cash line, each in its own currency."""
        cash = [CashBalance(c["currency"].upper(), round(float(c["amount"]), 2), c["account"],
                            c["label"]) for c in self.cash]
        return Portfolio(
            name=name, holdings=self.holdings.copy(), cash=cash, source=self.source,
            meta={"import_format": self.format, "warnings": list(self.warnings),
                  "unknown": list(self.unknown), "file_total": dict(self.file_total),
                  "skipped_value": dict(self.skipped_value),
                  "statement_date": self.statement_date},
        )

    def holding_json(self, row: dict[str, Any]) -> dict[str, Any]:
        """One holding as JSON (extend here: the valuation adds its own keys)."""
        return {"symbol": row["symbol"], "name": row["name"], "quantity": _num(row["quantity"]),
                "market_value": _num(row["market_value"]), "currency": row["currency"],
                "statement_price": _num(row["statement_price"]),
                "statement_date": row["statement_date"] or None,
                "account": row["account"], "raw_symbol": row["raw_symbol"]}

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready report (NaN -> None)."""
        return {
            "format": self.format,
            "encoding": self.encoding,
            "sheet": self.sheet or None,
            "statement_date": self.statement_date or None,
            "statement_date_source": self.statement_date_source or None,
            "holdings": [self.holding_json(r) for r in self.holdings.to_dict("records")],
            "cash": [dict(c) for c in self.cash],
            "skipped": [{"row": s["row"], "reason": s["reason"]} for s in self.skipped],
            "unknown": list(self.unknown),
            "merged": list(self.merged),
            "in_several_accounts": list(self.in_several_accounts),
            "ambiguous": [dict(a) for a in self.ambiguous],
            "currency_choice": self.currency_choice or None,
            "file_total": dict(self.file_total),
            "file_total_basis": self.file_total_basis,
            "skipped_value": dict(self.skipped_value),
            "rows": dict(self.accounting),
            "isins": dict(self.isins),
            "warnings": list(self.warnings),
        }


def _num(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)
