"""Provenance weighted by impact: how much of a book's result rests on each source tier.

Counting numbers by tier says little: one elasticity can move more money than fifty revenue
figures. Here every input is weighted by the share of the book's **gross scenario impact** that
rests on it.

How the mix is computed
-----------------------
1. **Terms.** For every holding h, every scenario s of the library (base shocks) and every
   channel c, the engine multiplies ``k x e x x x v`` (elasticity, exposure, shock, the holding's
   value). The term's weight is its absolute value ``|k[h] e[h,c] x[s,c] v[h]|`` in USD, before
   the -100% floor. Look-through adds terms of the same form (first order, as the engine):

   - fund constituents (a fund without a profile of its own, look-through on):
     ``|w[f,j] k[j] e[j,c] x[s,c] v[f]|`` for each constituent j with a profile, plus
     ``|(1 - sum w) k_fund e_fund[c] x[s,c] v[f]|`` for the part not looked through;
   - stakes: ``|E[h,t] k[t] e[t,c] x[s,c] v[h]|`` (E = the stake's value as a share of the
     holder's value, from the look-through link matrix);
   - contracts: ``|k[h] F[h,t] e[t,c] x[s,c] v[h]|`` (F = the contract's share of the holder's
     revenue);
   - a fund constituent's own stakes and contracts: the same times ``w[f,j]``.

2. **Inputs.** Each term's weight is attributed to every number it multiplies: the elasticity
   used (company or segment default), the exposure (company or segment default), the shock, the
   holding's price (the reference close's tier; ``stated`` for a value stated in the portfolio or
   a private mark; ``secondary`` for a live or cached Yahoo close), the link (stake or contract:
   the link's tier) and the fund weight (the fund file's tier). The scenario's probability is not
   a factor of the term; it gets its own map, weighted by the scenario's gross impact.

3. **Maps.** ``weighted[kind][tier]`` = (weight of the terms whose ``kind`` input has that tier)
   / (weight of all terms with a ``kind`` input); each map sums to 1 (a map with no terms, e.g.
   ``stake`` for a book without links, is empty). ``weighted["all"]`` splits each term's weight
   equally among its inputs (four for a direct term: k, e, x, price; five or six for look-through
   terms) and then groups by tier; the probability is not among them.

Tiers: primary, press, secondary, judgement, estimated (:data:`exposure.model.schema.TIERS`),
``stated`` (a value the portfolio states), and ``untiered`` for a number without a tier (which
``exposure validate-data`` refuses). Funds inside funds: the effective weight is credited to the
top-level fund's file. The values a stake or contract is measured against (market caps,
valuations, revenue) are counted with the link, not separately.

:func:`weighted_provenance` computes it for a valued book; :func:`book_provenance` values a
portfolio first; :func:`provenance_headline` says it in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from exposure.evaluation.book import evaluate_book
from exposure.holdings.market_value import PriceSourceLabel
from exposure.holdings.portfolio import Portfolio
from exposure.lookthrough.maths import LinkMatrix, build_link_matrix, fund_weights
from exposure.model.catalog import Catalog, stale_cutoff
from exposure.model.engine import ProfileSource, resolve_profiles, scenario_set
from exposure.model.linkfiles import company_value_usd
from exposure.model.schema import TIERS, Link

STATED = "stated"
UNTIERED = "untiered"
WEIGHT_TIERS: tuple[str, ...] = (*TIERS, STATED)
"""Tiers a weighted map reports, in display order (``untiered`` only when present)."""

KINDS: tuple[str, ...] = ("exposure", "elasticity", "shock", "probability", "price", "stake",
                          "contract", "fund_weight")
"""The input kinds, one map each; ``all`` is the split over every input of a term."""

KIND_LABELS: dict[str, str] = {
    "all": "All inputs", "exposure": "Exposures", "elasticity": "Elasticities",
    "shock": "Shocks", "probability": "Probabilities", "price": "Prices", "stake": "Stakes",
    "contract": "Contracts", "fund_weight": "Fund weights",
}

LIVE_PRICE_TIER = "secondary"
"""A live or cached close comes from Yahoo Finance, an aggregator."""
STATED_SOURCES = frozenset({PriceSourceLabel.STATED, PriceSourceLabel.PRIVATE_MARK,
                            PriceSourceLabel.STATEMENT})


@dataclass(frozen=True)
class InputRef:
    """One number a term rests on."""

    kind: str
    subject: str
    field: str
    tier: str
    as_of: date | None


class _Ledger:
    """Registry of inputs and the weights credited to them."""

    def __init__(self) -> None:
        self.refs: list[InputRef] = []
        self._index: dict[tuple[str, str, str], int] = {}
        self._chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self._split: list[tuple[np.ndarray, np.ndarray]] = []
        self.gross_usd = 0.0

    def ref(self, kind: str, subject: str, fld: str, tier: str | None,
            as_of: date | None) -> int:
        key = (kind, subject, fld)
        idx = self._index.get(key)
        if idx is None:
            idx = self._index[key] = len(self.refs)
            self.refs.append(InputRef(kind, subject, fld, tier or UNTIERED, as_of))
        return idx

    def credit(self, ids: np.ndarray, weights: np.ndarray, n_inputs: int | None) -> None:
        """Credit ``weights`` to inputs ``ids`` (-1 = none); ``n_inputs`` > 0 also credits
        ``weights / n_inputs`` to the ``all`` split (None: not a factor of the term)."""
        ids = np.asarray(ids).ravel()
        weights = np.asarray(weights, dtype=float).ravel()
        keep = (ids >= 0) & (weights > 0)
        self._chunks.append((ids[keep], weights[keep]))
        if n_inputs:
            self._split.append((ids[keep], weights[keep] / n_inputs))

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.refs)

        def total(chunks: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
            if not chunks:
                return np.zeros(n)
            ids = np.concatenate([c[0] for c in chunks]).astype(np.intp)
            w = np.concatenate([c[1] for c in chunks])
            return np.bincount(ids, weights=w, minlength=n)

        return total(self._chunks), total(self._split)


@dataclass(frozen=True)
class WeightedProvenance:
    """The weighted tier mix of one book (see the module docstring for the method)."""

    weighted: dict[str, dict[str, float]]
    inputs: pd.DataFrame
    """One row per input used: ``kind``, ``subject``, ``field``, ``tier``, ``as_of``,
    ``weight_usd`` (gross impact resting on it), ``share`` (of the book's gross impact),
    ``stale`` (as_of older than 15 months); heaviest first."""
    gross_usd: float
    """Sum of every term's weight (USD, all scenarios)."""
    lookthrough: bool
    scenario_ids: tuple[str, ...]
    stale: list[dict[str, Any]] = field(default_factory=list)
    """Stale inputs the book still uses: ``subject``, ``field``, ``as_of``, ``tier``,
    ``kind``, ``share``; heaviest first."""


# ----------------------------------------------------------------------------- inputs

def _price_ref(ledger: _Ledger, catalog: Catalog, symbol: str, source: str,
               as_of: date | None, stated_as_of: date | None) -> int:
    sym = symbol.upper()
    if source in STATED_SOURCES:
        return ledger.ref("price", f"holding:{symbol}", "stated value", STATED, stated_as_of)
    if source == "reference":
        price = catalog.reference_prices.get(sym)
        if price is not None:
            return ledger.ref("price", f"price:{sym}", f"close_{price.currency.lower()}",
                              price.tier, price.as_of)
        return ledger.ref("price", f"price:{sym}", "close", None, as_of)
    return ledger.ref("price", f"price:{sym}", f"close ({source})", LIVE_PRICE_TIER, as_of)


def _profile_refs(ledger: _Ledger, catalog: Catalog, symbol: str, segment: str
                  ) -> tuple[int, np.ndarray]:
    """Input ids of the elasticity and the exposures (per channel, -1 = none) that
    :func:`exposure.model.engine.resolve_profiles` uses for ``symbol``."""
    channels = catalog.channel_ids
    e_ids = np.full(len(channels), -1, dtype=np.intp)
    company = catalog.company_for_symbol(symbol)
    if company is not None:
        seg = catalog.segments.get(company.segment)
        if company.elasticity is not None:
            k = ledger.ref("elasticity", company.id, "elasticity", company.elasticity.tier,
                           company.elasticity.as_of)
        elif seg is not None:
            k = ledger.ref("elasticity", f"segment:{company.segment}", "elasticity",
                           seg.elasticity.tier, seg.elasticity.as_of)
        else:
            k = ledger.ref("elasticity", company.id, "elasticity (none: 1.0 assumed)", None, None)
        for j, ch in enumerate(channels):
            exp = company.exposures.get(ch)
            if exp is not None:
                e_ids[j] = ledger.ref("exposure", company.id, f"exposure.{ch}", exp.tier,
                                      exp.as_of)
        return k, e_ids
    seg = catalog.segments.get(segment or "")
    if seg is None:
        return -1, e_ids
    k = ledger.ref("elasticity", f"segment:{segment}", "elasticity", seg.elasticity.tier,
                   seg.elasticity.as_of)
    for j, ch in enumerate(channels):
        exp = seg.exposures.get(ch)
        if exp is not None:
            e_ids[j] = ledger.ref("exposure", f"segment:{segment}", f"exposure.{ch}", exp.tier,
                                  exp.as_of)
    return k, e_ids


def _elasticity_ref(ledger: _Ledger, catalog: Catalog, company_id: str) -> int:
    return _profile_refs(ledger, catalog, company_id, "")[0]


# ----------------------------------------------------------------------------- link matrices

def link_matrix(catalog: Catalog) -> tuple[LinkMatrix, dict[tuple[str, str, str], list[Link]]]:
    """The look-through link matrix the engine uses (first order), and the links behind each
    (holder, target, kind) cell.

    The one place this module touches the look-through maths: if the engine's link matrix
    changes (e.g. contracts counted from their start date), adapt this function only.
    """
    values: dict[str, float] = {}
    ks: dict[str, float] = {}
    for company in catalog.companies.values():
        v = company_value_usd(company)
        if v is not None:
            values[company.id] = v
        seg = catalog.segments.get(company.segment)
        k = company.elasticity or (seg.elasticity if seg else None)
        ks[company.id] = k.value if k is not None else 1.0
    links = list(catalog.links.values())
    cells: dict[tuple[str, str, str], list[Link]] = {}
    for link in links:
        cells.setdefault((link.holder, link.target, link.kind), []).append(link)
    return build_link_matrix(links, values, ks), cells


# ----------------------------------------------------------------------------- families

class _Book:
    """Shared state of one computation: ledger, shocks and their input ids."""

    def __init__(self, catalog: Catalog, scenario_ids: Sequence[str] | None) -> None:
        self.catalog = catalog
        self.ledger = _Ledger()
        sset = scenario_set(catalog, scenario_ids)
        self.ids = sset.ids
        self.x = np.abs(sset.base)                                   # (S, C)
        channels = catalog.channel_ids
        self.x_ids = np.full(self.x.shape, -1, dtype=np.intp)
        self.p_ids = np.full(len(sset.ids), -1, dtype=np.intp)
        for s, sid in enumerate(sset.ids):
            scn = catalog.scenarios[sid]
            p = scn.probability
            self.p_ids[s] = self.ledger.ref("probability", f"scenario:{sid}", "probability",
                                            p.tier, p.as_of)
            for c, ch in enumerate(channels):
                shock = scn.shocks.get(ch)
                if shock is not None:
                    self.x_ids[s, c] = self.ledger.ref("shock", f"scenario:{sid}",
                                                       f"shocks.{ch}", shock.tier, shock.as_of)

    def terms(self, scale: np.ndarray, e: np.ndarray, e_ids: np.ndarray,
              others: list[np.ndarray]) -> None:
        """Credit the terms ``|scale[r] e[r,c] x[s,c]|`` for rows r.

        ``scale`` (R,) is the product of the row's scalar factors (k, value, stake, weight...),
        ``e``/``e_ids`` (R, C) the exposures and their inputs, ``others`` the input ids (R,) of
        each scalar factor (k, price, link, fund weight). Exposures, shocks and the inputs in
        ``others`` are credited; the probability gets the scenario's gross weight.
        """
        if not len(scale):
            return
        t = np.abs(scale)[:, None, None] * np.abs(e)[:, None, :] * self.x[None, :, :]  # (R,S,C)
        n = 2 + len(others)
        led = self.ledger
        per_row = t.sum(axis=(1, 2))
        led.credit(e_ids, t.sum(axis=1), n)
        led.credit(self.x_ids, t.sum(axis=0), n)
        for ids in others:
            led.credit(ids, per_row, n)
        led.credit(self.p_ids, t.sum(axis=(0, 2)), None)
        led.gross_usd += float(per_row.sum())


def _direct(book: _Book, symbols: list[str], segments: list[str], mv: np.ndarray,
            price_ids: np.ndarray) -> None:
    """Holdings evaluated on their own profile (or segment default)."""
    if not symbols:
        return
    profiles = resolve_profiles(pd.DataFrame({"symbol": symbols, "segment": segments}),
                                book.catalog)
    memo: dict[tuple[str, str], tuple[int, np.ndarray]] = {}
    refs = [memo.get((s, g)) or memo.setdefault((s, g), _profile_refs(book.ledger, book.catalog,
                                                                       s, g))
            for s, g in zip(symbols, segments, strict=True)]
    k_ids = np.array([r[0] for r in refs], dtype=np.intp)
    e_ids = np.array([r[1] for r in refs], dtype=np.intp).reshape(len(symbols), -1)
    book.terms(profiles.elasticity * mv, profiles.exposures, e_ids, [k_ids, price_ids])


def _funds(book: _Book, fund_rows: list[tuple[str, float, int]]) -> list[tuple[str, float,
                                                                               list[int]]]:
    """Fund holdings looked through to their constituents; returns the constituents that may
    hold links as ``(company id, weight x fund value, [price id, fund weight id])``."""
    catalog, led = book.catalog, book.ledger
    holders: list[tuple[str, float, list[int]]] = []
    fund_seg = catalog.segments.get("fund")
    for symbol, value, price_id in fund_rows:
        key = symbol.upper()
        fund = catalog.funds[key]
        weights = fund_weights(key, catalog.funds)
        syms = list(weights)
        cons = resolve_profiles(pd.DataFrame({"symbol": syms}), catalog)
        looked = cons.profile_source == ProfileSource.PROFILE
        w = np.array([weights[s] for s in syms], dtype=float)
        rows = np.flatnonzero(looked)
        w_ids = np.array([led.ref("fund_weight", f"fund:{fund.id}", f"weight.{syms[i]}",
                                  fund.tier, fund.as_of) for i in rows], dtype=np.intp)
        refs = [_profile_refs(led, catalog, syms[i], "") for i in rows]
        if len(rows):
            book.terms(w[rows] * cons.elasticity[rows] * value, cons.exposures[rows],
                       np.array([r[1] for r in refs], dtype=np.intp).reshape(len(rows), -1),
                       [np.array([r[0] for r in refs], dtype=np.intp),
                        np.full(len(rows), price_id, dtype=np.intp), w_ids])
        rest = max(0.0, 1.0 - float(w[rows].sum()))
        if rest > 0 and fund_seg is not None:   # not looked through: the fund segment default
            k_id, e_ids = _profile_refs(led, catalog, symbol, "fund")
            e = np.array([[fund_seg.exposures[c].value if c in fund_seg.exposures else 0.0
                           for c in catalog.channel_ids]])
            book.terms(np.array([rest * fund_seg.elasticity.value * value]), e, e_ids[None, :],
                       [np.array([k_id]), np.array([price_id])])
        for i, wid in zip(rows, w_ids, strict=True):
            company = catalog.company_for_symbol(syms[i])
            if company is not None:
                holders.append((company.id, float(w[i]) * value, [price_id, int(wid)]))
    return holders


def _links(book: _Book, holders: list[tuple[str, float, list[int]]]) -> None:
    """Stakes and contracts of the holders in the book (directly or through a fund)."""
    catalog, led = book.catalog, book.ledger
    if not catalog.links or not holders:
        return
    lm, cells = link_matrix(catalog)
    row = {h: r for r, h in enumerate(lm.holders)}
    targets = list(lm.targets)
    tp = resolve_profiles(pd.DataFrame({"symbol": targets}), catalog)
    t_refs = [_profile_refs(led, catalog, t, "") for t in targets]
    t_k = np.array([r[0] for r in t_refs], dtype=np.intp)
    t_e = np.array([r[1] for r in t_refs], dtype=np.intp).reshape(len(targets), -1)
    grouped: dict[tuple[str, tuple[int, ...]], float] = {}
    for company_id, value, extra in holders:   # same holder, same inputs: one set of terms
        if company_id in row:
            key = (company_id, tuple(extra))
            grouped[key] = grouped.get(key, 0.0) + value
    for (company_id, extra), value in grouped.items():
        r = row[company_id]
        for kind, matrix in (("equity", lm.equity), ("contract", lm.revenue_share)):
            cols = np.flatnonzero(matrix[r] > 0)
            for t in cols:
                cell = cells.get((company_id, targets[t], kind), [])
                raw = np.array([(lk.stake_share if kind == "equity" else lk.revenue_share) or 0.0
                                for lk in cell], dtype=float)
                parts = raw / raw.sum() if raw.sum() > 0 else np.full(len(cell), 1 / len(cell))
                for link, part in zip(cell, parts, strict=True):
                    map_kind = "stake" if kind == "equity" else "contract"
                    l_id = led.ref(map_kind, link.id, f"link.{kind}:{link.target}", link.tier,
                                   link.as_of)
                    if kind == "equity":   # E * k_t * e_t
                        scale = matrix[r, t] * part * tp.elasticity[t] * value
                        k_id = t_k[t]
                    else:                  # k_h * F * e_t (the target's revenue change)
                        scale = lm.holder_elasticity[r] * matrix[r, t] * part * value
                        k_id = _elasticity_ref(led, catalog, company_id)
                    others = [np.array([i]) for i in (k_id, l_id, *extra)]
                    book.terms(np.array([scale]), tp.exposures[t][None, :], t_e[t][None, :],
                               others)


# ----------------------------------------------------------------------------- results

def _shares(refs: list[InputRef], weights: np.ndarray, kind: str | None) -> dict[str, float]:
    mask = np.array([kind is None or r.kind == kind for r in refs], dtype=bool)
    total = float(weights[mask].sum()) if len(refs) else 0.0
    if total <= 0:
        return {}
    by_tier: dict[str, float] = {}
    for ref, w in zip(refs, weights, strict=True):
        if (kind is None or ref.kind == kind) and w > 0:
            by_tier[ref.tier] = by_tier.get(ref.tier, 0.0) + float(w)
    order = [*WEIGHT_TIERS, UNTIERED]
    return {t: by_tier.get(t, 0.0) / total for t in order if t in WEIGHT_TIERS or t in by_tier}


def weighted_provenance(
    valued: pd.DataFrame,
    catalog: Catalog,
    scenario_ids: Sequence[str] | None = None,
    *,
    lookthrough: bool = True,
    stated_as_of: date | None = None,
    today: date | None = None,
) -> WeightedProvenance:
    """The weighted tier mix of a valued book (module docstring).

    ``valued``: holdings with the valuation columns of
    :func:`exposure.holdings.market_value.value_holdings` (``symbol``, ``segment``,
    ``market_value_usd``, ``price_source``, ``price_as_of``). ``scenario_ids``: default every
    scenario in the catalog. ``stated_as_of``: the portfolio's date (for stated values).
    """
    book = _Book(catalog, scenario_ids)
    led = book.ledger
    symbols = [str(s) for s in valued["symbol"]]
    segments = [str(s or "") for s in valued.get("segment", pd.Series([""] * len(valued)))]
    mv = np.nan_to_num(valued["market_value_usd"].to_numpy(dtype=float), nan=0.0)
    price_ids = np.array([
        _price_ref(led, catalog, sym, str(src), as_of if isinstance(as_of, date) else None,
                   stated_as_of)
        for sym, src, as_of in zip(symbols, valued["price_source"], valued["price_as_of"],
                                   strict=True)], dtype=np.intp)
    is_fund = np.array([lookthrough and s.upper() in catalog.funds
                        and catalog.company_for_symbol(s) is None for s in symbols], dtype=bool)
    direct = np.flatnonzero(~is_fund & (mv > 0))
    _direct(book, [symbols[i] for i in direct], [segments[i] for i in direct], mv[direct],
            price_ids[direct])
    holders: list[tuple[str, float, list[int]]] = []
    if lookthrough:
        funds: dict[tuple[str, int], float] = {}   # terms are linear in the value: group
        for i in np.flatnonzero(is_fund & (mv > 0)):
            key = (symbols[i], int(price_ids[i]))
            funds[key] = funds.get(key, 0.0) + float(mv[i])
        holders.extend(_funds(book, [(s, v, pid) for (s, pid), v in funds.items()]))
        for i in direct:
            company = catalog.company_for_symbol(symbols[i])
            if company is not None:
                holders.append((company.id, float(mv[i]), [int(price_ids[i])]))
        _links(book, holders)

    weights, split = led.totals()
    refs = led.refs
    weighted = {"all": _shares(refs, split, None)}
    for kind in KINDS:
        weighted[kind] = _shares(refs, weights, kind)
    cutoff = stale_cutoff(today)
    gross = led.gross_usd
    inputs = pd.DataFrame({
        "kind": [r.kind for r in refs], "subject": [r.subject for r in refs],
        "field": [r.field for r in refs], "tier": [r.tier for r in refs],
        "as_of": [r.as_of for r in refs], "weight_usd": weights,
        "share": weights / gross if gross > 0 else np.zeros(len(refs)),
    }, columns=["kind", "subject", "field", "tier", "as_of", "weight_usd", "share"])
    inputs["stale"] = [d is not None and d < cutoff for d in inputs["as_of"]]
    inputs = inputs[inputs["weight_usd"] > 0].sort_values("weight_usd", ascending=False)
    inputs = inputs.reset_index(drop=True)
    stale = [{"subject": r.subject, "field": r.field, "as_of": r.as_of, "tier": r.tier,
              "kind": r.kind, "share": float(r.share)}
             for r in inputs[inputs["stale"]].itertuples(index=False)]
    return WeightedProvenance(weighted=weighted, inputs=inputs, gross_usd=gross,
                              lookthrough=lookthrough, scenario_ids=tuple(book.ids), stale=stale)


def book_provenance(portfolio: Portfolio, catalog: Catalog,
                    scenario_ids: Sequence[str] | None = None, *, lookthrough: bool = True,
                    today: date | None = None) -> WeightedProvenance:
    """Value ``portfolio`` as the evaluation does offline (statement values, reference prices)
    and compute its weighted mix."""
    valued = evaluate_book(portfolio, catalog, scenario_ids).valued
    return weighted_provenance(valued, catalog, scenario_ids, lookthrough=lookthrough,
                               stated_as_of=portfolio.as_of, today=today)


# ----------------------------------------------------------------------------- in words

def _percentages(parts: dict[str, float]) -> dict[str, int]:
    """Whole percentages that add up to 100 (largest remainder)."""
    total = sum(parts.values())
    if total <= 0:
        return {k: 0 for k in parts}
    exact = {k: 100 * v / total for k, v in parts.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - out[k], reverse=True)[:100 - sum(out.values())]:
        out[k] += 1
    return out


def provenance_headline(weighted: dict[str, dict[str, float]]) -> str:
    """One line: how much of the book's result rests on filings and press versus judgement.

    E.g. "62% of this book's result rests on filings and press, 31% on our judgement
    (elasticities, shocks), 7% on stated values". Uses ``weighted["all"]``; the parenthesis
    names the input kinds that are mostly judgement or estimates.
    """
    mix = weighted.get("all") or {}
    if not mix:
        return "Nothing in this book moves under the scenarios, so no input carries any weight."
    groups = {
        "filings and press": mix.get("primary", 0.0) + mix.get("press", 0.0),
        "secondary sources": mix.get("secondary", 0.0),
        "our judgement": mix.get("judgement", 0.0) + mix.get("estimated", 0.0),
        "stated values": mix.get(STATED, 0.0),
        "numbers with no tier": mix.get(UNTIERED, 0.0),
    }
    pct = _percentages(groups)
    judged = [KIND_LABELS[k].lower() for k in KINDS
              if k != "probability" and weighted.get(k)
              and weighted[k].get("judgement", 0.0) + weighted[k].get("estimated", 0.0) >= 0.5]
    parts = []
    for name, p in pct.items():
        if p == 0:
            continue
        label = f"{name} ({', '.join(judged)})" if name == "our judgement" and judged else name
        parts.append(f"{p}% on {label}")
    first = parts[0].replace(" on ", " of this book's result rests on ", 1)
    return ", ".join([first, *parts[1:]])


def provenance_json(result: WeightedProvenance) -> dict[str, Any]:
    """The ``weighted`` and ``stale`` keys of ``exposure validate-data --portfolio``."""
    return {
        "weighted": {k: {t: round(v, 6) for t, v in m.items()} for k, m in result.weighted.items()},
        "gross_impact_usd": round(result.gross_usd, 2),
        "lookthrough": result.lookthrough,
        "weighted_scenarios": list(result.scenario_ids),
        "stale": [{**s, "share": round(s["share"], 6)} for s in result.stale],
    }
