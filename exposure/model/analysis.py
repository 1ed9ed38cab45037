"""From a portfolio to an evaluation: value the holdings, resolve profiles, run the engine.

The CLI, the pages and the review store all go through :func:`analyse`, so they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from exposure.holdings.market_value import PriceQuote, value_holdings
from exposure.holdings.portfolio import Portfolio
from exposure.model.catalog import Catalog
from exposure.model.engine import (
    Case,
    Evaluation,
    ProfileMatrix,
    build_scenario_set,
    evaluate,
    resolve_profiles,
    scenario_set,
)
from exposure.model.schema import Scenario


@dataclass(frozen=True)
class Analysis:
    """A valued portfolio with its resolved profiles and evaluation."""

    portfolio: Portfolio
    valued: pd.DataFrame
    """Holdings frame plus the valuation columns of :func:`value_holdings`."""
    profiles: ProfileMatrix
    evaluation: Evaluation

    @property
    def unvalued(self) -> list[str]:
        return self.valued.loc[~self.valued["valued"], "symbol"].tolist()

    def evaluate_scenarios(self, scenarios: Sequence[Scenario], channel_ids: Sequence[str],
                           case: Case = "base") -> Evaluation:
        """The same valued holdings and profiles under other scenarios (editor previews,
        comparisons): no re-pricing, so the numbers match the rest of the page."""
        ev = self.evaluation
        cash = ev.total_value_usd - float(ev.market_value.sum())
        return evaluate(self.profiles, ev.market_value, build_scenario_set(scenarios, channel_ids),
                        case=case, cash_usd=cash)

    @property
    def defaulted(self) -> list[str]:
        """Symbols evaluated with a segment default profile or none at all."""
        mask = self.profiles.profile_source != "profile"
        return [str(s) for s in self.profiles.symbols[mask]]


def reference_quotes(catalog: Catalog) -> dict[str, PriceQuote]:
    """The bundled, sourced reference closes as price quotes."""
    return {
        ticker: PriceQuote(price=p.close, currency=p.currency, as_of=p.as_of,
                           source="reference", url=p.source)
        for ticker, p in catalog.reference_prices.items()
    }


def analyse(
    portfolio: Portfolio,
    catalog: Catalog,
    scenario_ids: Sequence[str] | None = None,
    *,
    quotes: Mapping[str, PriceQuote] | None = None,
    case: Case = "base",
) -> Analysis:
    """Value ``portfolio`` (``quotes`` default to the reference prices) and evaluate it."""
    quotes = reference_quotes(catalog) if quotes is None else quotes
    valued = value_holdings(portfolio.holdings, quotes)
    profiles = resolve_profiles(valued, catalog)
    scenarios = scenario_set(catalog, scenario_ids)
    cash = portfolio.cash_by_currency().get("USD", 0.0)
    evaluation = evaluate(profiles, valued["market_value_usd"].to_numpy(), scenarios,
                          case=case, cash_usd=cash)
    return Analysis(portfolio, valued, profiles, evaluation)
