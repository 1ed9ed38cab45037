"""Look-through maths (DESIGN.md 4, issue 8): pure, vectorised, no I/O, no Streamlit.

Nodes are issuers that take part in a link. For holders h and targets t::

    E[h,t]  = stake_share[h,t] * value[t] / value[h]            equity: share of h's value
    F[h,t]  = min(1, contract_usd / term_years / revenue[h])    contract: share of h's revenue
              (or the reported revenue_share_pct / 100; a holder's F row is scaled to sum <= 1)
    vc[t,s] = value_change of t under scenario s, from t's own profile (plain engine)
    dc[t,s] = max(revenue_change[t,s], -1)                      t's compute demand change
              (a lab's revenue scales with the compute it deploys, so its demand moves 1:1)

    first order:   lt[h,s] = sum_t E[h,t] vc[t,s] + k[h] F[h,t] dc[t,s]
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

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from exposure.model.engine import VALUE_FLOOR
from exposure.model.schema import Fund, Link

_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A per-thread work buffer reused across evaluations (fresh large arrays cost page faults;
    a slider move should not pay for them). Never returned to callers."""
    store = _SCRATCH.__dict__.setdefault("buffers", {})
    buf = store.get(name)
    if buf is None or buf.shape != shape:
        buf = store[name] = np.empty(shape)
    return buf


MAX_FUND_DEPTH = 4
"""Funds inside funds are resolved this many levels deep; deeper weight is not looked through."""


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

    @property
    def first_order(self) -> np.ndarray:
        """``M1 = [E | k*F]``, (Hn, 2T)."""
        return np.hstack([self.equity, self.holder_elasticity[:, None] * self.revenue_share])

    def combined(self, second_order: bool = False) -> np.ndarray:
        """``M1`` (first order) or ``M1 + M2`` (second order, cycles dropped), (Hn, 2T)."""
        m1 = self.first_order
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


def sparse_links(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, vals)`` of a link matrix's non-zeros, rows sorted (for :func:`coo_matmul`)."""
    rows, cols = np.nonzero(matrix)
    return rows, cols, matrix[rows, cols]


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
    revenue[over] /= totals[over, None]
    k = np.array([elasticity.get(h, 1.0) for h in holders], dtype=float)
    rows = np.array([hi.get(t, -1) for t in targets], dtype=int)
    return LinkMatrix(holders, targets, equity, revenue, k, rows,
                      tuple(h for h, o in zip(holders, over, strict=True) if o))


def target_drivers(revenue_change: np.ndarray, value_change: np.ndarray) -> np.ndarray:
    """``D = [vc ; max(rc, -1)]``, (2T, S), from the targets' own evaluation."""
    return np.vstack([value_change, np.maximum(revenue_change, VALUE_FLOOR)])


def holder_lookthrough(matrix: np.ndarray, drivers: np.ndarray) -> np.ndarray:
    """``lt = M @ D``: look-through value change per holder node and scenario, (Hn, S)."""
    return matrix @ drivers


def lookthrough_value_change(
    value_change: np.ndarray,
    holder_row: np.ndarray,
    holder_lt: np.ndarray,
    *,
    with_lt: bool = True,
    inplace: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Add each holding's look-through to its direct value change.

    ``holder_row[h]`` is holding h's row in ``holder_lt`` (-1: no links). Returns
    ``(value_change_lt, lt)`` with ``value_change_lt = max(value_change + lt, -1)``; only rows
    with links are touched, so the others keep ``value_change`` bit for bit. ``lt`` (H, S) is
    None when ``with_lt`` is false; ``inplace`` updates ``value_change`` itself (for arrays the
    caller owns, e.g. a fresh evaluation) instead of a copy.
    """
    out = value_change if inplace else value_change.copy()
    lt = np.zeros_like(value_change) if with_lt else None
    rows = np.flatnonzero(holder_row >= 0)
    if len(rows) and holder_lt.size:
        add = holder_lt[holder_row[rows]]
        out[rows] = np.maximum(out[rows] + add, VALUE_FLOOR)
        if lt is not None:
            lt[rows] = add
    return out, lt


def lookthrough_impact(impact: np.ndarray, value_change_lt: np.ndarray, market_value: np.ndarray,
                       holder_row: np.ndarray, *, inplace: bool = False) -> np.ndarray:
    """``impact_lt[h,s] = value_change_lt[h,s] * market_value[h]``, recomputed only for rows
    with links (the others are the engine's impact unchanged)."""
    out = impact if inplace else impact.copy()
    rows = np.flatnonzero(holder_row >= 0)
    out[rows] = value_change_lt[rows] * market_value[rows, None]
    return out


def coo_matmul(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, dense: np.ndarray,
               n_rows: int) -> np.ndarray:
    """Sparse (COO, rows sorted) times dense: ``out[r] = sum vals * dense[cols]`` per row r.

    The same product as ``M @ D`` for a matrix with few non-zeros (thousands of holders, a few
    links each), without SciPy.
    """
    out = np.zeros((n_rows, dense.shape[1]))
    if not len(vals):
        return out
    contrib = vals[:, None] * dense[cols]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    out[rows[starts]] = np.add.reduceat(contrib, starts, axis=0)
    return out


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


@dataclass(frozen=True)
class SparseLinks:
    """The non-zeros of a holding x driver link matrix (``M`` mapped to holdings), built once
    per portfolio and used for every evaluation.

    Stored by holding, holdings ordered by their number of links (most first): ``cols[k, i]``,
    ``vals[k, i]`` is the k-th link of holding ``holdings[i]`` and ``lengths[k]`` how many
    holdings have more than k links, so pass k touches only those (jagged ELLPACK). Columns
    index ``D``: t for equity, T + t for contract.
    """

    holdings: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lengths: tuple[int, ...]

    @property
    def nnz(self) -> int:
        return int(sum(self.lengths))

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, holding_of_row: np.ndarray | None = None) -> SparseLinks:
        """From a dense (rows x 2T) matrix; ``holding_of_row`` maps its rows to holdings."""
        rows, cols, vals = sparse_links(matrix)
        holding = np.asarray(holding_of_row)[rows] if holding_of_row is not None else rows
        holdings, inverse, counts = np.unique(holding, return_inverse=True, return_counts=True)
        rank = np.empty(len(holdings), dtype=np.intp)
        rank[np.argsort(-counts, kind="stable")] = np.arange(len(holdings))
        pos = rank[inverse]                              # position of each link's holding
        order = np.lexsort((cols, pos))
        pos, cols, vals = pos[order], cols[order], vals[order]
        first = np.searchsorted(pos, np.arange(len(holdings)))
        slot = np.arange(len(pos)) - first[pos]
        k = int(counts.max()) if len(counts) else 0
        pc = np.zeros((k, len(holdings)), dtype=np.intp)
        pv = np.zeros((k, len(holdings)))
        pc[slot, pos], pv[slot, pos] = cols, vals
        by_rank = np.sort(counts)[::-1]
        lengths = tuple(int((by_rank > j).sum()) for j in range(k))
        ordered = np.empty_like(holdings)
        ordered[rank] = holdings
        return cls(ordered, pc, pv, lengths)

    def product(self, drivers: np.ndarray) -> np.ndarray:
        """``(M @ D)`` for ``holdings`` (in that order), (len(holdings), S)."""
        return self.accumulate(np.zeros((len(self.holdings), drivers.shape[1])), drivers)

    def accumulate(self, out: np.ndarray, drivers: np.ndarray) -> np.ndarray:
        """``out += M @ D`` in place, with one scratch buffer (no per-link temporaries)."""
        buf = _scratch("links.take", out.shape)
        for cols, vals, n in zip(self.cols, self.vals, self.lengths, strict=True):
            part = buf[:n]
            np.take(drivers, cols[:n], axis=0, out=part)
            part *= vals[:n, None]
            out[:n] += part
        return out


def apply_lookthrough(value_change: np.ndarray, impact: np.ndarray, market_value: np.ndarray,
                      links: SparseLinks, drivers: np.ndarray, *, inplace: bool = False
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step from the engine's arrays to the look-through arrays::

        value_change_lt[h] = max(value_change[h] + (M @ D)[h], -1)    (holdings with links)
        impact_lt[h]       = value_change_lt[h] * market_value[h]

    Rows without links are untouched (bit for bit). Returns ``(value_change_lt, impact_lt,
    portfolio_delta)`` with ``portfolio_delta[s] = sum_h impact_lt - impact`` (add it to the
    engine's ``portfolio_usd``). ``links.product(D)`` gives the look-through part itself.
    """
    vc = value_change if inplace else value_change.copy()
    imp = impact if inplace else impact.copy()
    r = links.holdings
    if not len(r):
        return vc, imp, np.zeros(value_change.shape[1])
    shape = (len(r), value_change.shape[1])
    mv = market_value[r]
    acc = np.take(vc, r, axis=0, out=_scratch("apply.acc", shape))
    before = mv @ acc
    links.accumulate(acc, drivers)
    np.maximum(acc, VALUE_FLOOR, out=acc)
    vc[r] = acc
    after = mv @ acc
    acc *= mv[:, None]
    imp[r] = acc
    return vc, imp, after - before
