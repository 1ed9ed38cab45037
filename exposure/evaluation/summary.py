"""The answer first: which scenario of the set hurts the book most, by how much, driven by
which holdings, and the probability-weighted figure, each with the data date. The Overview,
the HTML report and ``exposure evaluate`` print the same sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from exposure.evaluation.result import BookEvaluation
from exposure.formatting import money, pct


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

    @property
    def text(self) -> str:
        """One sentence (plain text, no Markdown)."""
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


def headline(book: BookEvaluation, drivers: int = 3) -> Headline:
    """The :class:`Headline` of an evaluation (the worst scenario by portfolio impact)."""
    ev = book.evaluation
    total = ev.total_value_usd
    if not len(ev.scenarios) or not len(ev.portfolio_usd):
        return Headline(None, "", 0.0, 0.0, (), 0.0, 0.0, book.price_date, total)
    j = int(np.argmin(ev.portfolio_usd))
    frame = book.symbol_frame()
    rows = frame[frame["scenario"].astype(str) == ev.scenarios.ids[j]]
    rows = rows[rows["impact_usd"] < 0].nsmallest(drivers, "impact_usd")
    top = tuple(Driver(str(r.symbol), str(r.name), float(r.impact_usd))
                for r in rows.itertuples(index=False))
    impact = float(ev.portfolio_usd[j])
    return Headline(
        scenario_id=ev.scenarios.ids[j], label=ev.scenarios.label(j), impact_usd=impact,
        impact_pct=impact / total if total > 0 else 0.0, drivers=top,
        expected_usd=ev.expected_impact_usd, expected_pct=ev.expected_pct,
        price_date=book.price_date, total_value_usd=total,
    )
