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
currency           ISO code of ``market_value`` and ``price`` (the listing's trading currency)
statement_price    the statement's own price per share in ``currency`` (NaN when none)
statement_date     the date the statement's price and value are as of (ISO date; '' when the
                   row is not from a statement: then ``market_value`` is a value the user stated)
account            account label(s), ``;``-joined when merged
segment            segment override for symbols without a catalog profile ('' = none)
mark_basis         for private marks: how the stated value was set
raw_symbol         the symbol as it appeared in the source file
=================  ==========================================================================
"""

from __future__ import annotations

import math
import re
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
    "mark_basis", "raw_symbol", "statement_price", "statement_date",
]
NUMBER_COLUMNS = ("quantity", "market_value", "statement_price")
TEXT_COLUMNS = tuple(c for c in HOLDING_COLUMNS if c not in NUMBER_COLUMNS)
TEXT_DTYPE = pd.Series([""], dtype=str).dtype
"""What ``astype(str)`` gives in this pandas: the dtype of every text column."""
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def check_currency(code: str) -> str:
    """An ISO 4217-style code in upper case (``eur`` -> ``EUR``), else ``ValueError``."""
    out = str(code).strip().upper()
    if not CURRENCY_RE.match(out):
        raise ValueError(f"{code!r} is not a three-letter currency code (USD, EUR, HKD ...)")
    return out


class HoldingEntry(BaseModel):
    """One holding in a portfolio YAML file."""

    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=40)
    name: str | None = None
    kind: Literal["listed", "private", "fund"] = "listed"
    quantity: float | None = None
    market_value: float | None = None
    currency: str = "USD"
    statement_price: float | None = None
    statement_date: date | None = None
    account: str | None = None
    segment: Segment | None = None
    mark_basis: str | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("quantity", "market_value", "statement_price")
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


class CashEntry(BaseModel):
    """One cash balance in a portfolio YAML file."""

    model_config = ConfigDict(extra="forbid")

    currency: str = "USD"
    amount: float
    account: str | None = None
    label: str | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("amount")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class PortfolioFile(BaseModel):
    """The app's own portfolio YAML format."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Portfolio"
    description: str | None = None
    illustrative: bool = False
    as_of: date | None = None
    base_currency: str = "USD"
    cash: list[CashEntry] | float = 0.0
    cash_currency: str = "USD"
    """Currency of ``cash`` when it is a single number (older files)."""
    holdings: list[HoldingEntry] = Field(default_factory=list)

    @field_validator("base_currency", "cash_currency")
    @classmethod
    def _codes(cls, value: str) -> str:
        return check_currency(value)


@dataclass(frozen=True)
class CashBalance:
    """One cash balance of a book, in its own currency."""

    currency: str
    amount: float
    account: str = ""
    label: str = ""


def usd_cash(amount: float) -> list[CashBalance]:
    """A single USD cash line (nothing for zero)."""
    return [CashBalance("USD", float(amount))] if amount else []


@dataclass
class Portfolio:
    """A named set of holdings plus cash balances (each in its own currency).

    ``base_currency`` is the currency the book is reported in (values convert to it).
    """

    name: str
    holdings: pd.DataFrame
    cash: list[CashBalance] = field(default_factory=list)
    description: str = ""
    illustrative: bool = False
    as_of: date | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    base_currency: str = "USD"

    def copy(self) -> Portfolio:
        return Portfolio(self.name, self.holdings.copy(), list(self.cash), self.description,
                         self.illustrative, self.as_of, self.source, dict(self.meta),
                         self.base_currency)

    def cash_by_currency(self) -> dict[str, float]:
        """Cash per currency code (summed over accounts)."""
        out: dict[str, float] = {}
        for line in self.cash:
            out[line.currency] = out.get(line.currency, 0.0) + line.amount
        return out


def empty_holdings() -> pd.DataFrame:
    """A holdings frame with no rows and the right columns and dtypes."""
    return normalise_holdings(pd.DataFrame(columns=HOLDING_COLUMNS))


def normalise_holdings(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a holdings frame every column, in order, with the documented dtypes.

    A column that already has its dtype (and, for text, no missing value) is left as it is:
    converting it again gives the same column, and the Portfolio page normalises the same
    28-row table four times a run (about 8 ms each when every column is converted, 3 ms
    when none is)."""
    out = frame.copy()
    for col in HOLDING_COLUMNS:
        if col not in out.columns:
            out[col] = math.nan if col in NUMBER_COLUMNS else ""
    out = out[HOLDING_COLUMNS].reset_index(drop=True)
    for col in NUMBER_COLUMNS:
        if out[col].dtype != "float64":
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in TEXT_COLUMNS:
        if out[col].dtype != TEXT_DTYPE or out[col].isna().any():
            out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str)
    out["currency"] = out["currency"].str.strip().str.upper()
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


def cash_from_frame(frame: pd.DataFrame, origin: str = "cash") -> list[CashBalance]:
    """Cash lines from an edited table (``currency``, ``amount``, optional ``account``);
    blank rows are dropped; a bad code or amount raises a :class:`PortfolioError`."""
    out: list[CashBalance] = []
    for i, row in enumerate(frame.to_dict("records")):
        amount = pd.to_numeric(row.get("amount"), errors="coerce")
        code = str(row.get("currency") or "").strip()
        if (amount is None or pd.isna(amount)) and not code:
            continue
        where = f"{origin}: row {i + 1}"
        if amount is None or pd.isna(amount) or not math.isfinite(float(amount)):
            raise PortfolioError(f"{where}, column 'amount': give a number")
        try:
            code = check_currency(code or "USD")
        except ValueError as exc:
            raise PortfolioError(f"{where}, column 'currency': {exc}") from None
        account = row.get("account")
        out.append(CashBalance(code, float(amount), "" if pd.isna(account) else str(account)))
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
            "statement_price": h.statement_price, "statement_date": h.statement_date.isoformat() if h.statement_date else "",
        })
    holdings = normalise_holdings(pd.DataFrame(rows, columns=HOLDING_COLUMNS))
    if isinstance(parsed.cash, list):
        cash = [CashBalance(c.currency, c.amount, c.account or "", c.label or "")
                for c in parsed.cash]
    else:
        cash = [CashBalance(parsed.cash_currency, parsed.cash)] if parsed.cash else []
    return Portfolio(
        name=parsed.name, holdings=holdings, cash=cash,
        description=parsed.description or "", illustrative=parsed.illustrative,
        as_of=parsed.as_of, source=str(origin), base_currency=parsed.base_currency,
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
        for col in NUMBER_COLUMNS:
            if not math.isnan(row[col]):
                entry[col] = float(row[col])
        if row["currency"] != "USD":
            entry["currency"] = row["currency"]
        if row["statement_date"]:
            entry["statement_date"] = date.fromisoformat(row["statement_date"])
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
    if portfolio.base_currency != "USD":
        doc["base_currency"] = portfolio.base_currency
    simple = [c for c in portfolio.cash if not c.account and not c.label]
    if len(portfolio.cash) == 1 and simple and simple[0].currency == "USD":
        doc["cash"] = float(simple[0].amount)
    elif portfolio.cash:
        doc["cash"] = [{k: v for k, v in (("currency", c.currency), ("amount", float(c.amount)),
                                          ("account", c.account), ("label", c.label)) if v != ""}
                       for c in portfolio.cash]
    doc["holdings"] = holdings
    return dump_yaml(doc)
