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


@dataclass
class ImportResult:
    """Holdings read from a broker export, with the import report.

    ``holdings`` is a holdings frame (see :mod:`exposure.portfolio`); ``cash`` the cash and
    money-market balances; ``skipped`` every row that was read but is not a holding
    (options, totals, pending activity, disclaimers ...); ``unknown`` the holdings' symbols
    that the catalog has no profile for (still imported); ``merged`` symbols combined from
    several rows/accounts; ``format`` the detected format id; ``encoding`` how the bytes
    were decoded.
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

    def cash_by_currency(self) -> dict[str, float]:
        """Cash balances per currency (each kept in its own currency)."""
        out: dict[str, float] = {}
        for c in self.cash:
            out[c["currency"].upper()] = out.get(c["currency"].upper(), 0.0) + c["amount"]
        return out

    def to_portfolio(self, name: str) -> Portfolio:
        """A portfolio of the holdings and every cash line, each in its own currency."""
        cash = [CashBalance(c["currency"].upper(), round(float(c["amount"]), 2), c["account"],
                            c["label"]) for c in self.cash]
        return Portfolio(
            name=name, holdings=self.holdings.copy(), cash=cash, source=self.source,
            meta={"import_format": self.format, "warnings": list(self.warnings),
                  "unknown": list(self.unknown)},
        )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready report (NaN -> None)."""
        def num(value: float) -> float | None:
            return None if value is None or (isinstance(value, float) and math.isnan(value)) \
                else float(value)

        holdings = [
            {"symbol": r["symbol"], "quantity": num(r["quantity"]),
             "market_value": num(r["market_value"]), "currency": r["currency"],
             "account": r["account"], "raw_symbol": r["raw_symbol"]}
            for r in self.holdings.to_dict("records")
        ]
        return {
            "format": self.format,
            "encoding": self.encoding,
            "holdings": holdings,
            "cash": [dict(c) for c in self.cash],
            "skipped": [{"row": s["row"], "reason": s["reason"]} for s in self.skipped],
            "unknown": list(self.unknown),
            "merged": list(self.merged),
            "warnings": list(self.warnings),
        }
