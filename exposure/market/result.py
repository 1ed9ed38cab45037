"""What every price source returns, and how the app turns it into quotes and one status line.

Kept apart from :mod:`exposure.market` (which talks to Yahoo) so that the cache, the pages and
the tests can use the result type without importing anything network-related.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, runtime_checkable

import pandas as pd

from exposure.holdings.market_value import PriceQuote

LIVE = "live"
CACHE = "cache"
STALE = "cache (stale)"
REFERENCE = "reference"
SOURCE_LABELS: tuple[str, ...] = (LIVE, CACHE, STALE, REFERENCE)
"""Which source answered for a ticker, in the order the chain prefers them."""

LATEST_COLUMNS: tuple[str, ...] = ("close", "currency", "as_of", "url")

_TICKER_RE = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,19}$")
"""Yahoo ticker forms: ``NVDA``, ``BRK-B``, ``0700.HK``, ``^GSPC``, ``ES=F``, ``BTC-USD``."""

_SUFFIX_CURRENCY: dict[str, str] = {
    "HK": "HKD", "T": "JPY", "AS": "EUR", "PA": "EUR", "DE": "EUR", "F": "EUR", "MI": "EUR",
    "L": "GBp", "KS": "KRW", "KQ": "KRW", "TW": "TWD", "TWO": "TWD", "SS": "CNY", "SZ": "CNY",
    "TO": "CAD", "AX": "AUD", "SW": "CHF", "NS": "INR", "BO": "INR", "SI": "SGD",
}


def normalise_ticker(raw: str) -> str | None:
    """Upper-cased Yahoo ticker, or None if ``raw`` is not a plausible one (checked before
    any request, so that nothing odd is ever put into a URL)."""
    if not isinstance(raw, str):
        return None
    ticker = raw.strip().upper()
    return ticker if _TICKER_RE.match(ticker) else None


def split_tickers(tickers: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """Valid, de-duplicated tickers in order, and ``{raw: reason}`` for the rejected ones."""
    good: dict[str, None] = {}  # insertion-ordered set: no quadratic scan on large books
    bad: dict[str, str] = {}
    for raw in tickers:
        ticker = normalise_ticker(raw)
        if ticker is None:
            bad[str(raw)] = "not a valid Yahoo ticker (letters, digits, '.', '-', '=', '^')"
        else:
            good.setdefault(ticker)
    return list(good), bad


def currency_for(ticker: str) -> str:
    """Trading currency guessed from the Yahoo suffix (``0700.HK`` -> HKD; none -> USD)."""
    if "." in ticker:
        return _SUFFIX_CURRENCY.get(ticker.rsplit(".", 1)[1], "USD")
    return "USD"


def empty_latest() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64" if c == "close" else "object")
                          for c in LATEST_COLUMNS})
    frame.index.name = "ticker"
    return frame


def empty_history() -> pd.DataFrame:
    frame = pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")
    frame.columns.name = "ticker"
    return frame


@dataclass(frozen=True)
class PriceResult:
    """Prices plus where each came from.

    ``frame`` for ``latest``: index ``ticker``; columns ``close`` (float), ``currency``,
    ``as_of`` (date of the close), ``url`` (source page for reference prices, else None).
    For ``history``: a tz-naive ``DatetimeIndex`` of trading days x one column per ticker of
    daily closes (Yahoo ``Close``: split-adjusted, not dividend-adjusted; NaN = no close).

    Every requested ticker is in exactly one of ``sources`` (it has a price) or ``failures``
    (it has none, with the reason in words). Missing is never zero.
    """

    kind: Literal["latest", "history"]
    frame: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    """ticker -> ``live`` / ``cache`` / ``cache (stale)`` / ``reference``."""
    as_of: dict[str, date] = field(default_factory=dict)
    """ticker -> date of the newest close served."""
    fetched_at: dict[str, datetime] = field(default_factory=dict)
    """ticker -> when (UTC) the served data was fetched from upstream (absent for reference)."""
    failures: dict[str, str] = field(default_factory=dict)
    """ticker -> why there is no price."""
    requested: tuple[str, ...] = ()
    offline: bool = False
    notes: tuple[str, ...] = ()
    """Source-level remarks in words ("Yahoo: rate limited; paused until 14:35 UTC")."""

    @property
    def priced(self) -> list[str]:
        return [t for t in self.requested if t in self.sources]

    def count(self, source: str) -> int:
        return sum(1 for s in self.sources.values() if s == source)


@runtime_checkable
class PriceSource(Protocol):
    """Anything that can answer for closes: Yahoo, the cache, the bundled reference, a fake."""

    def latest(self, tickers: Iterable[str]) -> PriceResult:
        """The newest close per ticker."""
        ...

    def history(self, tickers: Iterable[str], start: date | str, end: date | str) -> PriceResult:
        """Daily closes for ``start <= day < end``."""
        ...


def to_date(value: date | datetime | str | pd.Timestamp) -> date:
    """A calendar date from a date, datetime, ISO string or Timestamp."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def latest_from_history(history: pd.DataFrame, currencies: dict[str, str] | None = None
                        ) -> pd.DataFrame:
    """The last non-NaN close of each history column as a ``latest`` frame."""
    rows: dict[str, dict[str, object]] = {}
    for ticker in history.columns:
        col = history[ticker].dropna()
        if col.empty:
            continue
        rows[str(ticker)] = {
            "close": float(col.iloc[-1]),
            "currency": (currencies or {}).get(str(ticker)) or currency_for(str(ticker)),
            "as_of": col.index[-1].date(),
            "url": None,
        }
    if not rows:
        return empty_latest()
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(LATEST_COLUMNS))
    frame.index.name = "ticker"
    return frame


def quotes_from_result(result: PriceResult) -> dict[str, PriceQuote]:
    """``exposure.valuation`` quotes for every priced ticker of a ``latest`` result."""
    if result.kind != "latest":
        raise ValueError("quotes_from_result needs a 'latest' result")
    quotes: dict[str, PriceQuote] = {}
    for ticker, row in result.frame.iterrows():
        price = row["close"]
        if price is None or not math.isfinite(float(price)):
            continue
        key = str(ticker)
        quotes[key] = PriceQuote(
            price=float(price),
            currency=str(row.get("currency") or "USD"),
            as_of=row.get("as_of") if isinstance(row.get("as_of"), date) else None,
            source=result.sources.get(key, REFERENCE),
            url=row.get("url") if isinstance(row.get("url"), str) else None,
        )
    return quotes


def _newest(days: Iterable[date]) -> str:
    days = list(days)
    return max(days).isoformat() if days else "unknown date"


def _oldest(days: Iterable[date]) -> str:
    days = list(days)
    return min(days).isoformat() if days else "unknown date"


def status_line(result: PriceResult) -> str:
    """One line for a banner: which source answered and as of when.

    Examples: ``offline: reference prices as of 2026-05-29``; ``live (Yahoo) as of
    2026-06-01``; ``3 of 24 stale (cache from 2026-05-28); 21 live (Yahoo) as of 2026-06-01``.
    """
    total = len(result.requested)
    if total == 0:
        return "no listed tickers to price"
    by_source: dict[str, list[str]] = {label: [] for label in SOURCE_LABELS}
    for ticker, source in result.sources.items():
        by_source.setdefault(source, []).append(ticker)

    def days(label: str) -> list[date]:
        return [result.as_of[t] for t in by_source[label] if t in result.as_of]

    def fetched(label: str) -> list[date]:
        return [result.fetched_at[t].date() for t in by_source[label] if t in result.fetched_at]

    def share(n: int) -> str:
        return "" if n == total else f"{n} of {total} "

    parts: list[str] = []
    n_live, n_cache = len(by_source[LIVE]), len(by_source[CACHE])
    n_stale, n_ref = len(by_source[STALE]), len(by_source[REFERENCE])
    if n_live:
        parts.append(f"{share(n_live)}live (Yahoo) as of {_newest(days(LIVE))}")
    if n_cache:
        parts.append(f"{share(n_cache)}cached (Yahoo) as of {_newest(days(CACHE))}")
    if n_stale:
        parts.append(f"{n_stale} of {total} stale (cache from {_oldest(fetched(STALE))})")
    if n_ref:
        what = "reference prices" if n_ref == total else f"{n_ref} of {total} reference prices"
        parts.append(f"{what} as of {_newest(days(REFERENCE))}")
    if result.failures:
        parts.append(f"{len(result.failures)} of {total} unpriced")
    if not result.sources:
        reasons = list(result.notes) or list(dict.fromkeys(result.failures.values()))
        line = f"no prices ({reasons[0]})" if reasons else "no prices"
    else:
        line = "; ".join(parts)
    if result.offline:
        return f"offline: {line}"
    if not (n_live or n_cache) and (n_stale or n_ref) and result.notes:
        return f"{line} ({result.notes[0]})"
    return line
