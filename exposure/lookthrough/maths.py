"""Look-through maths (DESIGN.md 4, issue 8): pure, vectorised, no I/O, no Streamlit.

Nodes are issuers that take part in a link. For holders h and targets t::

    E[h,t]  = stake_share[h,t] * value[t] / value[h]            equity: share of h's value
    F[h,t]  = min(1, contract_usd / term_years / revenue[h])    contract: share of h's revenue
              (or the reported revenue_share_pct / 100; a holder's F row is scaled to sum <= 1)
    vc[t,s] = value_change of t under scenario s, from t's own profile (plain engine)
    dc[t,s] = max(revenue_change[t,s], -1)                      t's compute demand change
              (a lab's revenue scales with the compute it deploys, so its demand moves 1:1)

    a[h,t,H]= share of the horizon [today, today + H months] in which the contract delivers
              ([start_date, start_date + term_years]; 1 when neither is known)

    first order:   lt[h,s] = sum_t E[h,t] vc[t,s] + k[h] a[h,t,H_s] F[h,t] dc[t,s]
                           = (M1 @ D)[h,s]    with M1 = [E | k*F], D = [vc ; dc]
    second order:  M2 = E @ M1[rows of the targets that are holders], with the entries of
                   paths that return to h itself set to 0 (a cycle counts once, at first order)
    value_change_lt[h,s] = max(value_change[h,s] + lt[h,s], -1)

A contract moves the supplier's revenue, so ``k[h]`` (the supplier's valuation elasticity)
turns it into value; a stake moves value directly. The product ``M @ D`` is one (sparse)
matrix product. Funds: ``e_fund = W @ (k * X) + (1 - w_looked) * k_default * e_default`` with
elasticity 1, and their look-through rows are ``W @ lt``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from exposure.model.schema import Fund, Link

DAYS_PER_MONTH = 365.25 / 12

MAX_FUND_DEPTH = 4
"""Funds inside funds are resolved this many levels deep; deeper weight is not looked through."""


@dataclass(frozen=True)
class ContractTerm:
    """One contract link's place in the matrix, its revenue share and when it delivers."""

    row: int
    col: int
    share: float
    start: date | None
    end: date | None

    def active_share(self, today: date, horizon_months: int) -> float:
        """Share of ``[today, today + horizon]`` inside ``[start, end]`` (open ends open)."""
        stop = today + timedelta(days=horizon_months * DAYS_PER_MONTH)
        lo = max(today, self.start) if self.start else today
        hi = min(stop, self.end) if self.end else stop
        return max(0.0, (hi - lo).days) / max(1, (stop - today).days)


@dataclass(frozen=True)
class LinkMatrix:
    """Holder x target link matrices over a fixed node order.

    ``holders`` and ``targets`` are node ids; ``equity`` and ``revenue_share`` are (Hn, T);
    ``holder_elasticity`` is (Hn,). ``target_holder_row[t]`` is t's row among holders (-1 if t
    holds nothing). ``scaled`` lists holders whose contract shares were scaled down to sum to 1.
    """

    holders: tuple[str, ...]
    targets: tuple[str, ...]
    equity: np.ndarray
    revenue_share: np.ndarray
    holder_elasticity: np.ndarray
    target_holder_row: np.ndarray
    scaled: tuple[str, ...] = ()
    contracts: tuple[ContractTerm, ...] = ()

    def active_revenue_share(self, horizon_months: int | None, today: date) -> np.ndarray:
        """``a * F`` for a horizon (``F`` itself when ``horizon_months`` is None), (Hn, T)."""
        if horizon_months is None:
            return self.revenue_share
        out = np.zeros_like(self.revenue_share)
        for term in self.contracts:
            out[term.row, term.col] += term.share * term.active_share(today, horizon_months)
        return out

    def first_order(self, horizon_months: int | None = None,
                    today: date | None = None) -> np.ndarray:
        """``M1 = [E | k*a*F]``, (Hn, 2T)."""
        f = self.active_revenue_share(horizon_months, today or date.today())
        return np.hstack([self.equity, self.holder_elasticity[:, None] * f])

    def combined(self, second_order: bool = False, horizon_months: int | None = None,
                 today: date | None = None) -> np.ndarray:
        """``M1`` (first order) or ``M1 + M2`` (second order, cycles dropped), (Hn, 2T)."""
        m1 = self.first_order(horizon_months, today)
        if not second_order or not len(self.targets):
            return m1
        via = np.zeros((len(self.targets), m1.shape[1]))
        has_row = self.target_holder_row >= 0
        via[has_row] = m1[self.target_holder_row[has_row]]
        m2 = self.equity @ via
        # drop paths h -> t -> u that end at u == h (cycles): column u of both blocks
        t_index = {t: i for i, t in enumerate(self.targets)}
        for r, h in enumerate(self.holders):
            u = t_index.get(h)
            if u is not None:
                m2[r, u] = 0.0
                m2[r, len(self.targets) + u] = 0.0
        return m1 + m2


def build_link_matrix(
    links: Sequence[Link],
    value_usd: Mapping[str, float],
    elasticity: Mapping[str, float],
) -> LinkMatrix:
    """Stack links into :class:`LinkMatrix` (see the module docstring for ``E`` and ``F``).

    ``value_usd``: market cap (listed) or valuation (private) per node id;
    ``elasticity``: valuation elasticity k per holder id.
    """
    holders = tuple(dict.fromkeys(link.holder for link in links))
    targets = tuple(dict.fromkeys(link.target for link in links))
    hi = {h: i for i, h in enumerate(holders)}
    ti = {t: i for i, t in enumerate(targets)}
    equity = np.zeros((len(holders), len(targets)))
    revenue = np.zeros((len(holders), len(targets)))
    for link in links:
        r, c = hi[link.holder], ti[link.target]
        if link.kind == "equity":
            share = link.stake_share or 0.0
            equity[r, c] += share * value_usd[link.target] / value_usd[link.holder]
        else:
            revenue[r, c] += link.revenue_share or 0.0
    totals = revenue.sum(axis=1)
    over = totals > 1.0
    scale = np.where(over, 1.0 / np.where(over, totals, 1.0), 1.0)
    revenue *= scale[:, None]
    contracts = []
    for link in links:
        if link.kind != "contract":
            continue
        r, c = hi[link.holder], ti[link.target]
        end = (link.start_date + timedelta(days=link.term_years * 365.25)
               if link.start_date and link.term_years else None)
        contracts.append(ContractTerm(r, c, (link.revenue_share or 0.0) * float(scale[r]),
                                      link.start_date, end))
    k = np.array([elasticity.get(h, 1.0) for h in holders], dtype=float)
    rows = np.array([hi.get(t, -1) for t in targets], dtype=int)
    return LinkMatrix(holders, targets, equity, revenue, k, rows,
                      tuple(h for h, o in zip(holders, over, strict=True) if o),
                      tuple(contracts))


def fund_weights(fund_id: str, funds: Mapping[str, Fund], depth: int = 0) -> dict[str, float]:
    """Effective constituent weights of a fund, funds inside funds resolved (upper-case keys).

    Weight below ``MAX_FUND_DEPTH`` levels of nesting, or in a fund that refers back to one
    already on the path, is dropped (not looked through).
    """
    return _fund_weights(fund_id.upper(), funds, depth, ())


def _fund_weights(key: str, funds: Mapping[str, Fund], depth: int,
                  path: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    fund = funds.get(key)
    if fund is None or depth > MAX_FUND_DEPTH or key in path:
        return out
    for c in fund.constituents:
        sym = c.symbol.strip().upper()
        if sym in funds:
            for sub, w in _fund_weights(sym, funds, depth + 1, (*path, key)).items():
                out[sub] = out.get(sub, 0.0) + c.weight * w
        else:
            out[sym] = out.get(sym, 0.0) + c.weight
    return out


def fund_profile(weights: np.ndarray, exposures: np.ndarray, elasticity: np.ndarray,
                 looked_through: np.ndarray, default_exposures: np.ndarray,
                 default_elasticity: float) -> tuple[np.ndarray, float]:
    """A fund's exposure row as the weighted sum of its constituents' profiles.

    ``e_fund = w @ (k * X)[looked] + (1 - sum w[looked]) * k_default * e_default``; the fund's
    own elasticity is 1 (its value is the weighted sum of its holdings' values). Returns
    ``(e_fund, covered)`` where ``covered = sum w[looked]`` is the share looked through.
    """
    w = np.where(looked_through, weights, 0.0)
    covered = float(w.sum())
    row = w @ (elasticity[:, None] * exposures)
    row = row + max(0.0, 1.0 - covered) * default_elasticity * default_exposures
    return row, covered
