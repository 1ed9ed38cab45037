"""The answer first: which scenario of the set hurts the book most, by how much, driven by
which holdings, and the probability-weighted figure, each with the data date. The Overview,
the HTML report and ``exposure evaluate`` print the same sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from exposure.display import USD, DisplayMoney
from exposure.evaluation.result import BookEvaluation
from exposure.formatting import pct


@dataclass(frozen=True)
class Driver:
    symbol: str
    name: str
    impact_usd: float


@dataclass(frozen=True)
class Headline:
    """The worst scenario of the set and what drives it (losses negative)."""

    scenario_id: str | None
    label: str
    impact_usd: float
    impact_pct: float
    drivers: tuple[Driver, ...]
    expected_usd: float
    expected_pct: float
    price_date: date | None
    total_value_usd: float
    display: DisplayMoney = USD
    """The currency the sentence writes amounts in (the figures above stay in USD)."""

    @property
    def text(self) -> str:
        """One sentence (plain text, no Markdown), amounts in :attr:`display`'s currency."""
        money = self.display.money
        when = f" Prices as of {self.price_date:%d %b %Y}." if self.price_date else ""
        if self.total_value_usd <= 0:
            return "This book holds nothing with a value yet, so no scenario moves it." + when
        expected = (f" Probability-weighted over the set: {money(self.expected_usd)} "
                    f"({pct(self.expected_pct)}).")
        if self.scenario_id is None or self.impact_usd >= 0:
            return ("No scenario in the set loses money for this book; the mildest outcome "
                    f"is {money(self.impact_usd)}." + expected + when)
        drivers = ", ".join(f"{d.symbol} {money(d.impact_usd)}" for d in self.drivers)
        return (f"{self.label} hurts this book most: {money(self.impact_usd)} "
                f"({pct(self.impact_pct)} of the book), driven by {drivers}." + expected + when)


def headline_from(portfolio: pd.DataFrame, holdings: pd.DataFrame, total_value_usd: float,
                  expected_usd: float, price_date: date | None, drivers: int = 3,
                  display: DisplayMoney = USD) -> Headline:
    """The :class:`Headline` from frames: ``portfolio`` (``scenario``, ``label``,
    ``impact_usd``, one row a scenario) and ``holdings`` (``symbol``, ``name``, ``scenario``,
    ``impact_usd``; several rows of a symbol are summed)."""
    total = total_value_usd
    if portfolio.empty:
        return Headline(None, "", 0.0, 0.0, (), 0.0, 0.0, price_date, total, display)
    worst = portfolio.loc[portfolio["impact_usd"].idxmin()]
    sid = str(worst["scenario"])
    rows = holdings[holdings["scenario"].astype(str) == sid]
    rows = (rows.assign(symbol=rows["symbol"].astype(str), name=rows["name"].astype(str))
            .groupby(["symbol", "name"], as_index=False, sort=False)["impact_usd"].sum())
    rows = rows[rows["impact_usd"] < 0].nsmallest(drivers, "impact_usd")
    top = tuple(Driver(str(r.symbol), str(r.name), float(r.impact_usd))
                for r in rows.itertuples(index=False))
    impact = float(worst["impact_usd"])
    return Headline(
        scenario_id=sid, label=str(worst["label"]), impact_usd=impact,
        impact_pct=impact / total if total > 0 else 0.0, drivers=top, expected_usd=expected_usd,
        expected_pct=expected_usd / total if total > 0 else 0.0, price_date=price_date,
        total_value_usd=total, display=display,
    )


def headline(book: BookEvaluation, drivers: int = 3) -> Headline:
    """The :class:`Headline` of an evaluation (the worst scenario by portfolio impact); built
    once per evaluation (it is immutable)."""
    ev = book.evaluation
    return book.memo(("headline", drivers), lambda: headline_from(
        ev.portfolio_frame(), ev.holding_frame(), ev.total_value_usd, ev.expected_impact_usd,
        book.price_date, drivers, book.display))
