"""Effective exposure per entity: direct holdings kept apart from what a portfolio holds
through funds and through the stakes and contracts of its listed holdings (issue 8).

A *path* is one way value reaches an entity::

    {holder, entity, kind, share, usd, via, as_of}
    kind  = "fund"      share = fund weight w                    usd = mv(holder) * w
            "equity"    share = w * E[node, entity]              usd = mv(holder) * share
            "contract"  share = w * F[node, entity]              usd = mv(holder) * share

``w`` is 1 for a direct holding and the constituent weight for a fund; ``E`` is the stake as a
share of the holder's value and ``F`` the contract as a share of its revenue (so of its value,
before elasticity). Second-order paths multiply one more hop (``via`` names the intermediates)
and skip any path that returns to the node it started from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from exposure.lookthrough.maths import LinkMatrix
from exposure.model.catalog import Catalog
from exposure.model.schema import Link

STALE_DAYS = 365
"""A link or fund snapshot older than this is flagged stale."""

ENTITY_COLUMNS = [
    "entity", "name", "segment", "listed", "direct_usd", "indirect_usd", "fund_usd",
    "equity_usd", "contract_usd", "total_usd", "share_of_portfolio", "oldest_as_of", "stale",
    "paths",
]


def _link_dates(catalog: Catalog) -> dict[tuple[str, str, str], date]:
    dates: dict[tuple[str, str, str], date] = {}
    for link in catalog.links.values():
        key = (link.holder, link.target, link.kind)
        dates[key] = min(dates.get(key, link.as_of), link.as_of)
    return dates


def collect_paths(symbols: Sequence[str], mv: np.ndarray, catalog: Catalog, lm: LinkMatrix,
                  fund_weights: Mapping[str, Mapping[str, float]],
                  second_order: bool = False) -> list[dict[str, Any]]:
    """Every path from a valued holding (``symbols[i]`` worth ``mv[i]`` USD) to an entity
    (see the module docstring)."""
    hrow = {h: r for r, h in enumerate(lm.holders)}
    dates = _link_dates(catalog)
    paths: list[dict[str, Any]] = []

    def add(holder: str, entity: str, kind: str, share: float, mv_i: float, via: list[str],
            as_of: date | None) -> None:
        paths.append({"holder": holder, "entity": entity, "kind": kind, "share": share,
                      "usd": mv_i * share, "via": via, "as_of": as_of})

    def hops(node: str) -> list[tuple[str, str, float]]:
        r = hrow.get(node)
        if r is None:
            return []
        out = []
        for c, t in enumerate(lm.targets):
            if lm.equity[r, c] > 0:
                out.append((t, "equity", float(lm.equity[r, c])))
            if lm.revenue_share[r, c] > 0:
                out.append((t, "contract", float(lm.revenue_share[r, c])))
        return out

    for i, symbol in enumerate(symbols):
        mv_i = float(mv[i])
        if not mv_i > 0:
            continue
        holder = str(symbol)
        sources: list[tuple[str, float, list[str]]] = []
        weights = fund_weights.get(holder)
        if weights is not None:
            fund = catalog.funds.get(holder.upper())
            for sym, w in weights.items():
                c = catalog.company_for_symbol(sym)
                entity = c.id if c is not None else sym
                add(holder, entity, "fund", w, mv_i, [], fund.as_of if fund else None)
                sources.append((entity, w, [entity]))
        else:
            c = catalog.company_for_symbol(holder)
            if c is not None:
                sources.append((c.id, 1.0, []))
        for node, w, via in sources:
            for t, kind, share in hops(node):
                add(holder, t, kind, w * share, mv_i, via, dates.get((node, t, kind)))
                if second_order and kind == "equity":
                    for u, kind2, share2 in hops(t):
                        if u == node:
                            continue  # a cycle back to the starting node: counted once, above
                        as_of = min(d for d in (dates.get((node, t, kind)),
                                                dates.get((t, u, kind2))) if d is not None)
                        add(holder, u, kind2, w * share * share2, mv_i, [*via, t], as_of)
    return paths


def entities_frame(symbols: Sequence[str], mv: np.ndarray, catalog: Catalog, lm: LinkMatrix,
                   fund_weights: Mapping[str, Mapping[str, float]], second_order: bool,
                   total_value_usd: float, today: date | None = None
                   ) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """One row per entity reached by a path, plus the paths.

    ========================  ===================================================================
    column                    meaning
    ========================  ===================================================================
    entity                    company id (or the raw symbol of an unprofiled fund constituent)
    name, segment, listed     from companies.yaml ('' / None when unknown)
    direct_usd                value of holdings that are this entity (listed shares, private marks)
    indirect_usd              owned through others: ``fund_usd + equity_usd``
    fund_usd                  through funds' constituent weights
    equity_usd                through stakes of listed (or private) holdings, incl. via funds
    contract_usd              holding value that rides on contracts with the entity (not owned)
    total_usd                 ``direct_usd + indirect_usd``
    share_of_portfolio        ``total_usd`` / total portfolio value (incl. cash)
    oldest_as_of, stale       oldest link/fund date on the paths; older than 12 months
    paths                     list of ``{holder, kind, share, usd, via, as_of}``
    ========================  ===================================================================
    """
    today = today or date.today()
    paths = collect_paths(symbols, mv, catalog, lm, fund_weights, second_order)
    direct: dict[str, float] = {}
    for i, symbol in enumerate(symbols):
        c = catalog.company_for_symbol(str(symbol))
        if c is not None and mv[i] > 0 and str(symbol) not in fund_weights:
            direct[c.id] = direct.get(c.id, 0.0) + float(mv[i])
    rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        row = rows.setdefault(path["entity"], {"fund": 0.0, "equity": 0.0, "contract": 0.0,
                                               "paths": [], "dates": []})
        row[path["kind"]] += path["usd"]
        row["paths"].append({k: path[k] for k in ("holder", "kind", "share", "usd", "via",
                                                  "as_of")})
        if path["as_of"] is not None:
            row["dates"].append(path["as_of"])
    names = {c.symbol.strip().upper(): c.name for f in catalog.funds.values()
             for c in f.constituents if c.name}
    out = []
    for entity, row in rows.items():
        c = catalog.company_for_symbol(entity)
        indirect = row["fund"] + row["equity"]
        total = direct.get(entity, 0.0) + indirect
        oldest = min(row["dates"]) if row["dates"] else None
        out.append({
            "entity": entity, "name": c.name if c else names.get(entity.upper(), entity), "segment": c.segment if c else "",
            "listed": c.listed if c else None, "direct_usd": direct.get(entity, 0.0),
            "indirect_usd": indirect, "fund_usd": row["fund"], "equity_usd": row["equity"],
            "contract_usd": row["contract"], "total_usd": total,
            "share_of_portfolio": total / total_value_usd if total_value_usd > 0 else 0.0,
            "oldest_as_of": oldest,
            "stale": bool(oldest is not None and (today - oldest).days > STALE_DAYS),
            "paths": sorted(row["paths"], key=lambda p: -abs(p["usd"])),
        })
    frame = pd.DataFrame(out, columns=ENTITY_COLUMNS)
    if len(frame):
        frame = frame.sort_values(["indirect_usd", "contract_usd"], ascending=False,
                                  kind="stable").reset_index(drop=True)
    return frame, paths


def sankey_frame(paths: list[dict[str, Any]]) -> pd.DataFrame:
    """Holding -> entity flows: ``source``, ``via`` (' > '-joined), ``target``, ``kind``, ``usd``."""
    rows = [{"source": p["holder"], "via": " > ".join(p["via"]), "target": p["entity"],
             "kind": p["kind"], "usd": p["usd"]} for p in paths]
    frame = pd.DataFrame(rows, columns=["source", "via", "target", "kind", "usd"])
    frame["usd"] = frame["usd"].astype(float)
    if not len(frame):
        return frame
    return frame.groupby(["source", "via", "target", "kind"], as_index=False, sort=False)["usd"].sum()


def links_frame(links: Mapping[str, Link], values: Mapping[str, float],
                today: date | None = None) -> pd.DataFrame:
    """Every link: ``id, holder, target, kind, stake_share, revenue_share, share_of_holder_value,
    as_of, age_days, stale, confidence, tier, estimate, source, basis``."""
    today = today or date.today()
    rows = []
    for link in links.values():
        share = None
        if link.kind == "equity" and link.stake_share is not None:
            vh, vt = values.get(link.holder), values.get(link.target)
            share = link.stake_share * vt / vh if vh and vt else np.nan
        age = (today - link.as_of).days
        rows.append({
            "id": link.id, "holder": link.holder, "target": link.target, "kind": link.kind,
            "stake_share": link.stake_share, "revenue_share": link.revenue_share,
            "share_of_holder_value": share, "as_of": link.as_of, "age_days": age,
            "stale": age > STALE_DAYS, "confidence": link.confidence, "tier": link.tier,
            "estimate": link.estimate, "source": link.source, "basis": link.basis,
        })
    return pd.DataFrame(rows)
