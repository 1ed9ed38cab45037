"""From a portfolio to a look-through evaluation: funds resolved into their constituents,
stakes and contracts added on top of the plain engine (issue 8).

The app and the CLI call :func:`analyse_lookthrough`; with look-through off they keep using
:func:`exposure.model.analysis.analyse`, whose results this module never changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from exposure.holdings.market_value import PriceQuote
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.entities import entities_frame, links_frame, sankey_frame
from exposure.lookthrough.maths import (
    LinkMatrix,
    build_link_matrix,
    fund_profile,
    fund_weights,
    holder_lookthrough,
    lookthrough_impact,
    lookthrough_value_change,
    target_drivers,
)
from exposure.model.analysis import Analysis, analyse
from exposure.model.catalog import Catalog
from exposure.model.engine import (
    PROFILE,
    Case,
    Evaluation,
    ProfileMatrix,
    effective_probabilities,
    evaluate,
    evaluate_arrays,
    resolve_profiles,
)
from exposure.model.linkfiles import company_value_usd
from exposure.model.schema import Link

FUND_LOOKTHROUGH = "fund look-through"
"""``profile_source`` of a fund whose exposure is the weighted sum of its constituents."""


@dataclass(frozen=True)
class LookthroughResult:
    """A portfolio evaluated with look-through, next to the plain evaluation.

    All (H, S) arrays follow ``analysis.profiles.symbols`` and ``evaluation.scenarios.ids``.
    ``lookthrough_usd = fund_lookthrough_usd + link_lookthrough_usd
    = evaluation.impact_usd - plain.impact_usd``.
    """

    analysis: Analysis
    evaluation: Evaluation
    fund_lookthrough_usd: np.ndarray
    link_lookthrough_usd: np.ndarray
    link_value_change: np.ndarray
    entities: pd.DataFrame
    coverage: float
    coverage_plain: float
    fund_weights: dict[str, dict[str, float]]
    fund_coverage: dict[str, float]
    links: LinkMatrix
    second_order: bool = False
    paths: list[dict] = field(default_factory=list)
    """Every holding -> entity path (see :mod:`exposure.lookthrough_entities`)."""
    catalog_links: dict[str, Link] = field(default_factory=dict)
    node_values: dict[str, float] = field(default_factory=dict)
    """Market cap or valuation (USD) per company id, as used for stakes."""

    @property
    def plain(self) -> Evaluation:
        return self.analysis.evaluation

    @property
    def lookthrough_usd(self) -> np.ndarray:
        return self.fund_lookthrough_usd + self.link_lookthrough_usd

    def lookthrough_table(self) -> pd.DataFrame:
        """Wide (holding x scenario) look-through USD, index = symbol."""
        return pd.DataFrame(self.lookthrough_usd, columns=list(self.evaluation.scenarios.ids),
                            index=pd.Index(self.analysis.profiles.symbols, name="symbol"))

    def holding_frame(self) -> pd.DataFrame:
        """:meth:`Evaluation.holding_frame` of the look-through evaluation plus
        ``lookthrough_usd``, ``fund_lookthrough_usd`` and ``link_lookthrough_usd``."""
        frame = self.evaluation.holding_frame()
        frame["lookthrough_usd"] = self.lookthrough_usd.ravel()
        frame["fund_lookthrough_usd"] = self.fund_lookthrough_usd.ravel()
        frame["link_lookthrough_usd"] = self.link_lookthrough_usd.ravel()
        return frame

    def waterfall(self, symbol: str, scenario_id: str) -> pd.DataFrame:
        """Bars of one holding's impact: ``step`` (channel ids, ``look-through``, ``floor``)
        and ``usd``; they sum to the look-through impact. Channels use the fund-resolved profile."""
        j = self.evaluation.scenario_index(scenario_id)
        idx = np.flatnonzero(self.analysis.profiles.symbols == symbol)
        if not len(idx):
            raise KeyError(symbol)
        i = int(idx[0])
        contrib = self.evaluation.contributions(scenario_id)[i]
        link = float(self.link_lookthrough_usd[i, j])
        floor = float(self.evaluation.impact_usd[i, j]) - float(contrib.sum()) - link
        steps = [*self.evaluation.profiles.channel_ids, "look-through", "floor"]
        return pd.DataFrame({"step": steps, "usd": [*contrib.tolist(), link, floor]})

    def sankey_frame(self) -> pd.DataFrame:
        """Holding -> entity flows for a Sankey: ``source``, ``target``, ``kind``, ``usd``."""
        return sankey_frame(self.paths)

    def links_frame(self, today: date | None = None) -> pd.DataFrame:
        """Every link used, with amounts, shares, source and a ``stale`` flag (> 12 months)."""
        return links_frame(self.catalog_links, self.node_values, today)


def _node_values(catalog: Catalog) -> tuple[dict[str, float], dict[str, float]]:
    values: dict[str, float] = {}
    ks: dict[str, float] = {}
    for company in catalog.companies.values():
        v = company_value_usd(company)
        if v is not None:
            values[company.id] = v
        seg = catalog.segments.get(company.segment)
        k = company.elasticity or (seg.elasticity if seg else None)
        ks[company.id] = k.value if k is not None else 1.0
    return values, ks


def _resolve_funds(plain: Analysis, catalog: Catalog) -> tuple[
        ProfileMatrix, dict[str, dict[str, float]], dict[str, float], np.ndarray]:
    """Replace each fund holding's profile row with its constituents' weighted profile."""
    p = plain.profiles
    exposures, elasticity = p.exposures.copy(), p.elasticity.copy()
    source = p.profile_source.copy()
    covered = np.where(p.profile_source == PROFILE, 1.0, 0.0)
    weights_used: dict[str, dict[str, float]] = {}
    coverage: dict[str, float] = {}
    seg = catalog.segments.get("fund")
    d_exp = np.zeros(len(p.channel_ids))
    if seg is not None:
        col = {c: i for i, c in enumerate(p.channel_ids)}
        for ch, exp in seg.exposures.items():
            d_exp[col[ch]] = exp.value
    d_k = seg.elasticity.value if seg is not None else 1.0
    for i, symbol in enumerate(p.symbols):
        key = str(symbol).upper()
        if key not in catalog.funds or p.profile_source[i] == PROFILE:
            continue
        weights = fund_weights(key, catalog.funds)
        syms = list(weights)
        cons = resolve_profiles(pd.DataFrame({"symbol": syms}), catalog)
        looked = cons.profile_source == PROFILE
        row, cov = fund_profile(np.array([weights[s] for s in syms]), cons.exposures,
                                cons.elasticity, looked, d_exp, d_k)
        exposures[i], elasticity[i], source[i], covered[i] = row, 1.0, FUND_LOOKTHROUGH, cov
        weights_used[str(symbol)] = weights
        coverage[str(symbol)] = cov
    profiles = replace(p, exposures=exposures, elasticity=elasticity, profile_source=source)
    return profiles, weights_used, coverage, covered


def _coverage(mv: np.ndarray, covered: np.ndarray) -> float:
    total = float(mv.sum())
    return float((mv * covered).sum() / total) if total > 0 else 0.0


def analyse_lookthrough(
    portfolio: Portfolio,
    catalog: Catalog,
    scenario_ids: Sequence[str] | None = None,
    *,
    quotes: Mapping[str, PriceQuote] | None = None,
    case: Case = "base",
    second_order: bool = False,
    today: date | None = None,
) -> LookthroughResult:
    """Evaluate ``portfolio`` with fund look-through and stakes/contracts (module docstring)."""
    plain = analyse(portfolio, catalog, scenario_ids, quotes=quotes, case=case)
    ev0 = plain.evaluation
    mv = ev0.market_value
    profiles, weights_used, fund_cov, covered = _resolve_funds(plain, catalog)
    cash = ev0.total_value_usd - float(mv.sum())
    ev_fund = evaluate(profiles, mv, ev0.scenarios, case=case, cash_usd=cash)

    values, ks = _node_values(catalog)
    lm = build_link_matrix(list(catalog.links.values()), values, ks)
    shocks = ev0.scenarios.shocks(case)
    tp = resolve_profiles(pd.DataFrame({"symbol": list(lm.targets)}), catalog)
    t_rc, t_vc, _ = evaluate_arrays(tp.exposures, tp.elasticity, np.ones(len(lm.targets)), shocks)
    holder_lt = holder_lookthrough(lm.combined(second_order), target_drivers(t_rc, t_vc))

    # each holding's row among holders; funds get W @ holder_lt (a weighted sum of rows)
    hrow = {h: r for r, h in enumerate(lm.holders)}
    company_ids = [catalog.company_for_symbol(str(s)) for s in profiles.symbols]
    row_of = np.array([hrow.get(c.id, -1) if c is not None else -1 for c in company_ids])
    extra = [holder_lt]
    for i, symbol in enumerate(profiles.symbols):
        weights = weights_used.get(str(symbol))
        if weights is None:
            continue
        w = np.zeros(len(lm.holders))
        for sym, wt in weights.items():
            c = catalog.company_for_symbol(sym)
            if c is not None and c.id in hrow:
                w[hrow[c.id]] += wt
        if w.any():
            row_of[i] = sum(len(x) for x in extra)
            extra.append((w @ holder_lt)[None, :])
    all_lt = np.vstack(extra) if len(extra) > 1 else holder_lt
    vc_lt, lt = lookthrough_value_change(ev_fund.value_change, row_of, all_lt)
    impact = lookthrough_impact(ev_fund.impact_usd, vc_lt, mv, row_of)
    portfolio_usd = impact.sum(axis=0)
    p, _ = effective_probabilities(ev0.scenarios.probabilities)
    evaluation = replace(ev_fund, value_change=vc_lt, impact_usd=impact,
                         portfolio_usd=portfolio_usd, expected_impact_usd=float(p @ portfolio_usd))
    entities, paths = entities_frame(plain, catalog, lm, weights_used, second_order,
                                     ev0.total_value_usd, today)
    result = LookthroughResult(
        analysis=plain, evaluation=evaluation,
        fund_lookthrough_usd=ev_fund.impact_usd - ev0.impact_usd,
        link_lookthrough_usd=impact - ev_fund.impact_usd, link_value_change=lt if lt is not None else np.zeros_like(vc_lt),
        entities=entities, coverage=_coverage(mv, covered),
        coverage_plain=_coverage(mv, np.where(plain.profiles.profile_source == PROFILE, 1.0, 0.0)),
        fund_weights=weights_used, fund_coverage=fund_cov, links=lm,
        second_order=second_order, paths=paths, catalog_links=dict(catalog.links),
        node_values=values,
    )
    return result
