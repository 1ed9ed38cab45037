"""The one function from a book to its evaluation:
(book, catalog, scenario set, case, look-through switch, prices) -> :class:`BookEvaluation`.

Every page, the CLI, risk, snapshots and the report read what this returns; none recomputes a
piece of it. Steps: value the holdings (:mod:`exposure.holdings.market_value`: live >
statement > cache > reference > stated, FX to USD), resolve issuer profiles, and, with
look-through on, resolve funds into their constituents and build the engine's link step; then
one engine evaluation (:func:`exposure.model.engine.evaluate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from exposure.evaluation.result import BookEvaluation
from exposure.holdings.market_value import (
    FxRate,
    PriceQuote,
    cash_usd,
    fx_rates,
    tickers_to_quote,
    value_holdings,
)
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.entities import entities_frame
from exposure.lookthrough.operator import link_matrix, link_operator, node_values, resolve_funds
from exposure.model.catalog import Catalog
from exposure.model.engine import (
    ProfileSource,
    evaluate,
    normalise_case,
    resolve_profiles,
    scenario_set,
    value_changes,
)


def reference_quotes(catalog: Catalog, tickers: Sequence[str] | None = None
                     ) -> dict[str, PriceQuote]:
    """The bundled, sourced reference closes (and FX rates) as price quotes."""
    wanted = {t.upper() for t in tickers} if tickers is not None else None
    return {
        ticker: PriceQuote(price=p.close, currency=p.currency, as_of=p.as_of,
                           source="reference", url=p.source)
        for ticker, p in catalog.reference_prices.items()
        if wanted is None or ticker in wanted
    }


def reference_rates(catalog: Catalog) -> dict[str, FxRate]:
    """The bundled, dated reference FX table as rates (USD per one unit; USD = 1)."""
    return fx_rates({t: q for t, q in reference_quotes(catalog).items() if t.endswith("USD=X")})


def evaluate_book(
    portfolio: Portfolio,
    catalog: Catalog,
    scenario_ids: Sequence[str] | None = None,
    *,
    case: str = "central",
    lookthrough: bool = False,
    quotes: Mapping[str, PriceQuote] | None = None,
    second_order: bool = False,
    today: date | None = None,
) -> BookEvaluation:
    """Evaluate ``portfolio`` (module docstring). ``quotes`` default to the bundled reference
    prices; ``today`` anchors the contract horizons (default: the date today)."""
    case, _ = normalise_case(case)
    today = today or date.today()
    if quotes is None:
        quotes = reference_quotes(catalog, tickers_to_quote(portfolio))
    rates = fx_rates(quotes)
    valued = value_holdings(portfolio.holdings, quotes, rates)
    cash, missing = cash_usd(portfolio, rates)
    plain = resolve_profiles(valued, catalog)
    scenarios = scenario_set(catalog, scenario_ids)
    mv = np.nan_to_num(valued["market_value_usd"].to_numpy(dtype=float), nan=0.0)

    funds = resolve_funds(plain, catalog)
    lm = link_matrix(catalog)
    values, _ = node_values(catalog)
    total = float(mv.sum() + cash)
    entities, paths = entities_frame(list(plain.symbols), mv, catalog, lm, funds.weights,
                                     second_order, total, today)
    operator = None
    fund_part = np.zeros((len(plain), len(scenarios)))
    profiles = plain
    if lookthrough:
        profiles = funds.profiles
        operator = link_operator(profiles, catalog, lm, funds.weights, scenarios.horizons,
                                 second_order=second_order, today=today)
        rows = np.flatnonzero(plain.profile_source != profiles.profile_source)
        if len(rows):
            shocks = scenarios.shocks(case)
            _, with_funds, _ = value_changes(profiles.exposures[rows], profiles.elasticity[rows],
                                             shocks)
            _, without, _ = value_changes(plain.exposures[rows], plain.elasticity[rows], shocks)
            fund_part[rows] = (with_funds - without) * mv[rows, None]
    evaluation = evaluate(profiles, mv, scenarios, case=case, cash_usd=cash, operator=operator)
    held = float(mv.sum())
    direct = np.where(plain.profile_source == ProfileSource.PROFILE, 1.0, 0.0)
    return BookEvaluation(
        portfolio=portfolio, valued=valued, profiles=profiles, evaluation=evaluation,
        lookthrough_on=lookthrough, fund_lookthrough_usd=fund_part, funds=funds, links=lm,
        entities=entities, paths=paths, node_values=values, catalog_links=dict(catalog.links),
        rates=rates, cash_usd=cash, cash_missing=tuple(missing), operator=operator,
        second_order=second_order, today=today,
        coverage_direct=float(mv @ direct) / held if held > 0 else 0.0,
        coverage_lookthrough=float(mv @ funds.covered) / held if held > 0 else 0.0,
    )
