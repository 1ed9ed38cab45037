"""From a book and the catalog to the engine's look-through inputs: fund rows resolved into
their constituents' profiles, and the :class:`~exposure.model.engine.LinkOperator` that adds
stakes and contracts (formulas in :mod:`exposure.lookthrough.maths`).

A fund holding's link row is the weighted sum of its constituents' link rows
(``W @ M``), so a fund reaches, say, Anthropic through the Alphabet and Amazon it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from exposure.lookthrough.maths import LinkMatrix, build_link_matrix, fund_profile, fund_weights
from exposure.model.catalog import Catalog
from exposure.model.engine import LinkOperator, ProfileMatrix, ProfileSource, resolve_profiles
from exposure.model.linkfiles import company_value_usd
from exposure.model.sparse import SparseLinks


@dataclass(frozen=True)
class FundResolution:
    """Profiles with every fund row replaced by its constituents' weighted profile."""

    profiles: ProfileMatrix
    weights: dict[str, dict[str, float]]
    """Per fund symbol: effective constituent weights (funds inside funds resolved)."""
    coverage: dict[str, float]
    """Per fund symbol: the share of its weight looked through (profiled constituents)."""
    covered: np.ndarray
    """(H,) share of each holding's value with an issuer profile behind it."""


def node_values(catalog: Catalog) -> tuple[dict[str, float], dict[str, float]]:
    """Market cap or valuation (USD) per company id, and each company's elasticity k."""
    values: dict[str, float] = {}
    ks: dict[str, float] = {}
    for company in catalog.companies.values():
        v = company_value_usd(company)
        if v is not None:
            values[company.id] = v
        ks[company.id] = catalog.elasticity_for(company)
    return values, ks


def link_matrix(catalog: Catalog) -> LinkMatrix:
    """The catalog's links as a :class:`LinkMatrix`."""
    values, ks = node_values(catalog)
    return build_link_matrix(list(catalog.links.values()), values, ks)


def fund_symbols(profiles: ProfileMatrix, catalog: Catalog) -> list[int]:
    """Rows of the holdings that are funds with a constituents file (and no issuer profile)."""
    return [i for i, s in enumerate(profiles.symbols)
            if str(s).upper() in catalog.funds and profiles.profile_source[i] != ProfileSource.PROFILE]


def resolve_funds(profiles: ProfileMatrix, catalog: Catalog) -> FundResolution:
    """Replace each fund holding's profile row with its constituents' weighted profile."""
    exposures, elasticity = profiles.exposures.copy(), profiles.elasticity.copy()
    source = profiles.profile_source.copy()
    covered = np.where(profiles.profile_source == ProfileSource.PROFILE, 1.0, 0.0)
    weights_used: dict[str, dict[str, float]] = {}
    coverage: dict[str, float] = {}
    col = {c: i for i, c in enumerate(profiles.channel_ids)}
    seg = catalog.segments.get("fund")
    d_exp = np.zeros(len(profiles.channel_ids))
    if seg is not None:
        for ch, exp in seg.exposures.items():
            d_exp[col[ch]] = exp.value
    d_k = catalog.segment_k("fund")
    cache: dict[str, tuple[np.ndarray, float, dict[str, float]]] = {}
    for i in fund_symbols(profiles, catalog):
        key = str(profiles.symbols[i]).upper()
        if key not in cache:
            weights = fund_weights(key, catalog.funds)
            syms = list(weights)
            cons = resolve_profiles(pd.DataFrame({"symbol": syms}), catalog)
            looked = cons.profile_source == ProfileSource.PROFILE
            row, cov = fund_profile(np.array([weights[s] for s in syms]), cons.exposures,
                                    cons.elasticity, looked, d_exp, d_k)
            cache[key] = (row, cov, weights)
        row, cov, weights = cache[key]
        exposures[i], elasticity[i], source[i], covered[i] = row, 1.0, \
            ProfileSource.FUND_LOOKTHROUGH, cov
        weights_used[str(profiles.symbols[i])] = weights
        coverage[str(profiles.symbols[i])] = cov
    resolved = replace(profiles, exposures=exposures, elasticity=elasticity,
                       profile_source=source)
    return FundResolution(resolved, weights_used, coverage, covered)


def holding_link_rows(profiles: ProfileMatrix, catalog: Catalog, lm: LinkMatrix,
                      weights: dict[str, dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """``(W, holding_index)``: each linked holding's weights over the link matrix's holders
    (1 for a holder itself, the constituent weights for a fund)."""
    hrow = {h: r for r, h in enumerate(lm.holders)}
    rows: list[np.ndarray] = []
    index: list[int] = []
    for i, symbol in enumerate(profiles.symbols):
        w = np.zeros(len(lm.holders))
        fund = weights.get(str(symbol))
        if fund is not None:
            for sym, wt in fund.items():
                c = catalog.company_for_symbol(sym)
                if c is not None and c.id in hrow:
                    w[hrow[c.id]] += wt
        else:
            c = catalog.company_for_symbol(str(symbol))
            if c is not None and c.id in hrow:
                w[hrow[c.id]] = 1.0
        if w.any():
            rows.append(w)
            index.append(i)
    if not rows:
        return np.zeros((0, len(lm.holders))), np.zeros(0, dtype=np.intp)
    return np.vstack(rows), np.asarray(index, dtype=np.intp)


def link_operator(profiles: ProfileMatrix, catalog: Catalog, lm: LinkMatrix,
                  weights: dict[str, dict[str, float]], horizons: Sequence[int],
                  *, second_order: bool = False, today: date | None = None) -> LinkOperator:
    """The engine's look-through step for these holdings, one sparse matrix per horizon."""
    today = today or date.today()
    targets = resolve_profiles(pd.DataFrame({"symbol": list(lm.targets)}), catalog)
    w, index = holding_link_rows(profiles, catalog, lm, weights)
    groups = tuple(sorted({int(h) for h in horizons})) or (12,)
    matrices = tuple(SparseLinks.from_matrix(w @ lm.combined(second_order, h, today), index)
                     for h in groups)
    return LinkOperator(groups, matrices, targets.exposures, targets.elasticity)
