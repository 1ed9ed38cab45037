"""Amounts in the currency a book is reported in: one display factor for every page, chart,
table, report and command.

The engine computes in USD and every frame stays in USD; only what a person reads converts,
at the display edge, with one :class:`DisplayMoney` (``BookEvaluation.display``): the
reporting currency, its units per USD and the dated rate they come from (the same price chain
as the valuation: live > cache > the bundled reference FX table). A currency without a rate
falls back to USD and says so; rates are never made up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from exposure.formatting import CURRENCY_SIGNS, money, money_tick

if TYPE_CHECKING:
    from exposure.holdings.market_value import FxRate

A = TypeVar("A")

SOURCE_WORDS = {"reference": "reference rate", "live": "live rate", "cache": "cached rate",
                "cache (stale)": "cached rate (stale)"}
"""How a rate's source (:class:`~exposure.market.result` labels) reads in a sentence."""


@dataclass(frozen=True)
class DisplayMoney:
    """Show USD amounts in ``currency``: ``per_usd`` units of it per USD, from a rate of
    ``source`` dated ``as_of``. ``wanted`` is the currency asked for; it differs from
    ``currency`` only when it had no rate (then the amounts stay in USD, see :attr:`note`).
    USD is the identity (:data:`USD`)."""

    currency: str = "USD"
    per_usd: float = 1.0
    source: str = ""
    as_of: date | None = None
    wanted: str = "USD"

    @property
    def is_usd(self) -> bool:
        return self.currency == "USD"

    @property
    def fell_back(self) -> bool:
        """True when the currency asked for had no rate and USD is shown instead."""
        return self.wanted != self.currency

    def amount(self, usd: A) -> A:
        """A USD amount (a number, an array or a Series) in the display currency."""
        return usd if self.is_usd else usd * self.per_usd  # type: ignore[operator]

    def money(self, usd: float) -> str:
        """A USD amount converted and written compactly: ``-€1.23M``, ``$45.6k``."""
        return money(float(self.amount(usd)), self.currency)

    def whole(self, usd: float) -> str:
        """A USD amount converted and written in whole units, sign first: ``-€12,345``
        (blank when missing; for static tables, where the compact form loses detail)."""
        if usd != usd:  # NaN
            return ""
        value = float(self.amount(usd))
        return f"{'-' if value < 0 else ''}{self.sign}{abs(value):,.0f}"

    def tick(self, value: float) -> str:
        """An axis tick for a value already in the display currency: ``-€100k``."""
        return money_tick(value, self.currency)

    @property
    def sign(self) -> str:
        """What is written before an amount: ``$``, ``€`` or ``CHF `` (code and a space)."""
        return CURRENCY_SIGNS.get(self.currency, f"{self.currency} ")

    def hover(self, field: str, digits: int = 0) -> str:
        """A plotly hover placeholder for a value already converted: ``%{x:$,.0f}`` in USD
        (as before), ``%{x:,.0f} EUR`` otherwise (plotly's ``$`` is always a dollar, and a
        sign before a negative number would read ``€-1,234``)."""
        if self.is_usd:
            return f"%{{{field}:$,.{digits}f}}"
        return f"%{{{field}:,.{digits}f}} {self.currency}"

    @property
    def rate_text(self) -> str:
        """``0.8951 EUR per USD`` (4 significant digits; the conversion uses the full rate)."""
        return f"{self.per_usd:,.4g} {self.currency} per USD"

    @property
    def dated_source(self) -> str:
        """``reference rate of 30 Oct 2026`` (``live rate`` when undated)."""
        words = SOURCE_WORDS.get(self.source, self.source or "rate")
        return f"{words} of {self.as_of:%d %b %Y}" if self.as_of else words

    @property
    def note(self) -> str:
        """One sentence fragment saying what the amounts are in:
        ``EUR at 0.8951 EUR per USD (reference rate of 30 Oct 2026)``, ``USD``, or
        ``USD (no TWD rate here, so USD)``."""
        if self.fell_back:
            return f"USD (no {self.wanted} rate here, so USD)"
        if self.is_usd:
            return "USD"
        return f"{self.currency} at {self.rate_text} ({self.dated_source})"

    def label(self, what: str) -> str:
        """An axis or column title with its unit: ``portfolio impact (EUR)``."""
        return f"{what} ({self.currency})"


USD = DisplayMoney()
"""The identity: amounts as the engine computes them."""


def display_money(currency: str, rates: Mapping[str, FxRate]) -> DisplayMoney:
    """The display factor for ``currency`` from the rates a valuation used (USD per one unit,
    :func:`~exposure.holdings.market_value.fx_rates`); USD, saying so, when there is none."""
    code = (currency or "USD").upper()
    if code == "USD":
        return USD
    rate = rates.get(code)
    if rate is None or not rate.usd_per_unit > 0:
        return DisplayMoney(wanted=code)
    return DisplayMoney(code, 1.0 / rate.usd_per_unit, rate.source, rate.as_of, code)


def rated_currencies(*rate_sets: Mapping[str, FxRate], also: Iterable[str] = ()) -> list[str]:
    """USD first, then every currency with a dated rate in any of ``rate_sets`` (the bundled
    reference table, the quotes in use), then ``also`` (the book's own base currency, even
    without a rate, so a picker can show it); sorted, ``GBp`` (pence) left out."""
    codes = {code for rates in rate_sets for code, rate in rates.items()
             if code.isupper() and len(code) == 3 and rate.as_of is not None}
    codes |= {c.upper() for c in also if c}
    codes.discard("USD")
    return ["USD", *sorted(codes)]
