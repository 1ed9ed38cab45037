"""Portfolios: the app's own YAML format, and the holdings frame every other module uses.

Holdings frame columns:

=================  ==========================================================================
column             meaning
=================  ==========================================================================
symbol             Yahoo ticker (``NVDA``, ``BRK-B``, ``0700.HK``) or a private-company id
name               display name (catalog name when known)
kind               ``listed`` | ``private`` | ``fund``
quantity           shares held (NaN when only a value is known)
market_value       stated value in ``currency`` (NaN when it must come from a price)
currency           ISO code of ``market_value``
account            account label(s), ``;``-joined when merged
segment            segment override for symbols without a catalog profile ('' = none)
mark_basis         for private marks: how the stated value was set
raw_symbol         the symbol as it appeared in the source file
=================  ==========================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from exposure.errors import DataFileError, PortfolioError
from exposure.model.schema import SEGMENTS, Segment
from exposure.yamlio import dump_yaml, parse_yaml, validate_entry

HOLDING_COLUMNS = [
    "symbol", "name", "kind", "quantity", "market_value", "currency", "account", "segment",
    "mark_basis", "raw_symbol",
]


class HoldingEntry(BaseModel):
    """One holding in a portfolio YAML file."""

    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=40)
    name: str | None = None
    kind: Literal["listed", "private", "fund"] = "listed"
    quantity: float | None = None
    market_value: float | None = None
    currency: str = "USD"
    account: str | None = None
    segment: Segment | None = None
    mark_basis: str | None = None

    @field_validator("quantity", "market_value")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        if any(ch.isspace() for ch in value.strip()) or not value.strip():
            raise ValueError("a symbol has no spaces")
        return value.strip()


class PortfolioFile(BaseModel):
    """The app's own portfolio YAML format."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Portfolio"
    description: str | None = None
    illustrative: bool = False
    as_of: date | None = None
    cash: float = 0.0
    cash_currency: str = "USD"
    holdings: list[HoldingEntry] = Field(default_factory=list)


@dataclass
class Portfolio:
    """A named set of holdings plus cash."""

    name: str
    holdings: pd.DataFrame
    cash: float = 0.0
    cash_currency: str = "USD"
    description: str = ""
    illustrative: bool = False
    as_of: date | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> Portfolio:
        return Portfolio(self.name, self.holdings.copy(), self.cash, self.cash_currency,
                         self.description, self.illustrative, self.as_of, self.source,
                         dict(self.meta))


def empty_holdings() -> pd.DataFrame:
    """A holdings frame with no rows and the right columns and dtypes."""
    return normalise_holdings(pd.DataFrame(columns=HOLDING_COLUMNS))


def normalise_holdings(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a holdings frame every column, in order, with the documented dtypes."""
    out = frame.copy()
    for col in HOLDING_COLUMNS:
        if col not in out.columns:
            out[col] = math.nan if col in ("quantity", "market_value") else ""
    out = out[HOLDING_COLUMNS].reset_index(drop=True)
    for col in ("quantity", "market_value"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in ("symbol", "name", "kind", "currency", "account", "segment", "mark_basis",
                "raw_symbol"):
        out[col] = out[col].fillna("").astype(str)
    out.loc[out["kind"] == "", "kind"] = "listed"
    out.loc[out["currency"] == "", "currency"] = "USD"
    out.loc[out["raw_symbol"] == "", "raw_symbol"] = out["symbol"]
    return out


def validate_holdings(frame: pd.DataFrame, origin: str = "holdings") -> pd.DataFrame:
    """Check an edited holdings table; raise a :class:`PortfolioError` naming row and column."""
    out = normalise_holdings(frame)
    for i, row in out.iterrows():
        where = f"{origin}: row {int(i) + 1}"
        if not row["symbol"].strip():
            raise PortfolioError(f"{where}, column 'symbol': a symbol is required")
        if row["kind"] not in ("listed", "private", "fund"):
            raise PortfolioError(f"{where}, column 'kind': must be listed, private or fund")
        if row["segment"] and row["segment"] not in SEGMENTS:
            raise PortfolioError(f"{where}, column 'segment': unknown segment {row['segment']!r}")
        q, mv = row["quantity"], row["market_value"]
        if math.isnan(q) and math.isnan(mv):
            raise PortfolioError(f"{where}: give a quantity or a market value")
        if not math.isnan(mv) and mv < 0:
            raise PortfolioError(f"{where}, column 'market_value': must not be negative")
    out["symbol"] = out["symbol"].str.strip()
    return out


def parse_portfolio_yaml(text: str | bytes, origin: str = "portfolio.yaml") -> Portfolio:
    """Parse the app's own YAML portfolio format."""
    raw = parse_yaml(text, origin)
    if isinstance(raw, list):
        raw = {"holdings": raw}
    parsed = validate_entry(PortfolioFile, raw, Path(origin), "portfolio")
    rows = []
    for h in parsed.holdings:
        if h.quantity is None and h.market_value is None:
            raise DataFileError(origin, "give a quantity or a market_value",
                                entry=f"'{h.symbol}'", field="quantity")
        rows.append({
            "symbol": h.symbol, "name": h.name or "", "kind": h.kind,
            "quantity": h.quantity, "market_value": h.market_value, "currency": h.currency,
            "account": h.account or "", "segment": h.segment or "",
            "mark_basis": h.mark_basis or "", "raw_symbol": h.symbol,
        })
    holdings = normalise_holdings(pd.DataFrame(rows, columns=HOLDING_COLUMNS))
    return Portfolio(
        name=parsed.name, holdings=holdings, cash=parsed.cash, cash_currency=parsed.cash_currency,
        description=parsed.description or "", illustrative=parsed.illustrative,
        as_of=parsed.as_of, source=str(origin),
    )


def portfolio_to_yaml(portfolio: Portfolio) -> str:
    """Serialise a portfolio in the app's own YAML format (reads back identically)."""
    holdings: list[dict[str, Any]] = []
    for row in normalise_holdings(portfolio.holdings).to_dict("records"):
        entry: dict[str, Any] = {"symbol": row["symbol"]}
        if row["name"]:
            entry["name"] = row["name"]
        if row["kind"] != "listed":
            entry["kind"] = row["kind"]
        for col in ("quantity", "market_value"):
            if not math.isnan(row[col]):
                entry[col] = float(row[col])
        if row["currency"] != "USD":
            entry["currency"] = row["currency"]
        for col in ("account", "segment", "mark_basis"):
            if row[col]:
                entry[col] = row[col]
        holdings.append(entry)
    doc: dict[str, Any] = {"name": portfolio.name}
    if portfolio.description:
        doc["description"] = portfolio.description
    if portfolio.illustrative:
        doc["illustrative"] = True
    if portfolio.as_of:
        doc["as_of"] = portfolio.as_of
    if portfolio.cash:
        doc["cash"] = float(portfolio.cash)
    if portfolio.cash_currency != "USD":
        doc["cash_currency"] = portfolio.cash_currency
    doc["holdings"] = holdings
    return dump_yaml(doc)
