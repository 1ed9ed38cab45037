"""What changed between two review snapshots (pure: snapshots in, frames out).

Holdings are compared by symbol (several rows of one symbol, e.g. two accounts, are added
up). The value change of a holding held in both snapshots is split in two::

    unit price p = market_value_usd / quantity          (USD per unit, on each side)
    price effect    = old quantity x (new p - old p)    (the market moved)
    position effect = (new quantity - old quantity) x new p   (we traded)
    price effect + position effect = new value - old value     (exactly)

When neither side has a quantity (private marks, value-only holdings) the whole change is a
price effect (a re-mark); when only one side has a quantity the change cannot be split and
counts as a position change. Added and removed holdings are position changes by definition.
Unvalued holdings count as zero, as in the engine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from exposure.model.schema import Event
from exposure.review.snapshot import Snapshot, SnapshotInfo

QUANTITY_TOLERANCE = 1e-9
"""Relative change in quantity below which a holding counts as not resized."""

HOLDING_DIFF_COLUMNS = [
    "symbol", "name", "status", "old_quantity", "new_quantity", "quantity_change",
    "old_price_usd", "new_price_usd", "old_value_usd", "new_value_usd", "value_change_usd",
    "price_effect_usd", "position_effect_usd", "old_price_source", "new_price_source",
]
EXPOSURE_DIFF_COLUMNS = [
    "symbol", "name", "scenario", "title", "old_value_change", "new_value_change",
    "value_change_delta", "old_impact_usd", "new_impact_usd", "impact_change_usd",
]
PORTFOLIO_DIFF_COLUMNS = [
    "scenario", "title", "status", "old_impact_usd", "new_impact_usd", "impact_change_usd",
    "old_impact_pct", "new_impact_pct", "old_probability", "new_probability",
]
SCENARIO_DIFF_COLUMNS = ["scenario", "title", "change", "field", "old_value", "new_value",
                         "detail"]
EVENT_COLUMNS = ["id", "date", "title", "type", "jurisdiction", "source_url"]
BRIDGE_COLUMNS = ["step", "amount_usd", "measure"]

SHOCK_ENDS = ("low", "base", "high")


@dataclass(frozen=True)
class DiffSummary:
    """Headline numbers of a diff (USD unless named otherwise)."""

    old_total_value_usd: float
    new_total_value_usd: float
    value_change_usd: float
    price_effect_usd: float
    position_effect_usd: float
    """Resized holdings only; added and removed are separate."""
    added_usd: float
    removed_usd: float
    """Negative: the value that left with removed holdings."""
    cash_change_usd: float
    old_expected_impact_usd: float
    new_expected_impact_usd: float
    expected_impact_change_usd: float
    holdings_added: int
    holdings_removed: int
    holdings_resized: int
    scenarios_added: int
    scenarios_removed: int
    scenarios_edited: int
    events: int
    days: float


@dataclass(frozen=True)
class SnapshotDiff:
    """Changes from ``old`` to ``new``. Frames (columns as in the ``*_COLUMNS`` lists):

    ``holdings``: one row per symbol in either snapshot. ``status`` is ``added``,
    ``removed``, ``resized`` or ``unchanged``; ``*_price_usd`` is the USD unit price (NaN
    without a quantity); ``value_change_usd = price_effect_usd + position_effect_usd``.

    ``bridge``: the value bridge for a waterfall: ``step``, ``amount_usd``, ``measure``
    (``absolute`` start, ``relative`` steps, ``total`` end). The steps add up to the end.

    ``exposures``: symbol x scenario. ``*_value_change`` are fractions (NaN where the
    holding or scenario is absent on that side), ``value_change_delta = new - old``;
    ``*_impact_usd`` are 0 for a holding absent on that side, NaN for a scenario absent.

    ``portfolio``: per scenario; ``status`` is ``both``, ``added`` or ``removed``.

    ``scenarios``: one row per change: ``change`` is ``added``, ``removed``, ``title``,
    ``probability`` or ``shock``; ``field`` names what (``probability``,
    ``<channel>.<low|base|high>``); ``old_value``/``new_value`` are numbers (NaN for
    added/removed/title rows); ``detail`` is text (old -> new title).

    ``events``: policy events dated after the old snapshot's day, up to and including the
    new snapshot's day.
    """

    old: SnapshotInfo
    new: SnapshotInfo
    summary: DiffSummary
    holdings: pd.DataFrame
    bridge: pd.DataFrame
    exposures: pd.DataFrame
    portfolio: pd.DataFrame
    scenarios: pd.DataFrame
    events: pd.DataFrame


def _by_symbol(holdings: pd.DataFrame) -> pd.DataFrame:
    """Holdings added up per symbol: name, quantity (NaN unless every row has one), value."""
    g = holdings.groupby("symbol", sort=False)
    quantity = g["quantity"].agg(lambda s: float(s.sum()) if s.notna().all() else math.nan)
    return pd.DataFrame({
        "name": g["display_name"].first(),
        "quantity": quantity.astype(float),
        "value_usd": g["market_value_usd"].sum(min_count=1).astype(float),
        "price_source": g["price_source"].first(),
    })


def _unit_price(value: pd.Series, quantity: pd.Series) -> pd.Series:
    ok = quantity.notna() & (quantity != 0) & value.notna()
    return (value / quantity).where(ok)


def holding_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per-symbol changes between two snapshot holdings frames (see :class:`SnapshotDiff`)."""
    a, b = _by_symbol(old), _by_symbol(new)
    symbols = list(dict.fromkeys([*b.index, *a.index]))
    in_old = pd.Series([s in a.index for s in symbols], index=symbols)
    in_new = pd.Series([s in b.index for s in symbols], index=symbols)
    a, b = a.reindex(symbols), b.reindex(symbols)
    v_old, v_new = a["value_usd"].fillna(0.0), b["value_usd"].fillna(0.0)
    q_old, q_new = a["quantity"], b["quantity"]
    p_old, p_new = _unit_price(a["value_usd"], q_old), _unit_price(b["value_usd"], q_new)
    change = v_new - v_old

    both = in_old & in_new
    split = both & p_old.notna() & p_new.notna()
    no_quantity = both & q_old.isna() & q_new.isna()
    price = pd.Series(0.0, index=symbols)
    price[split] = (q_old * (p_new - p_old))[split]
    price[no_quantity] = change[no_quantity]
    position = change - price

    q_known = q_old.notna() & q_new.notna()
    scale = np.maximum(1.0, np.maximum(q_old.abs().fillna(0), q_new.abs().fillna(0)))
    resized = both & ((q_known & ((q_new - q_old).abs() > QUANTITY_TOLERANCE * scale))
                      | (q_old.isna() != q_new.isna()))
    status = np.select([~in_old, ~in_new, resized], ["added", "removed", "resized"], "unchanged")
    out = pd.DataFrame({
        "symbol": symbols,
        "name": b["name"].fillna(a["name"]).astype(str).to_numpy(),
        "status": status,
        "old_quantity": q_old.to_numpy(),
        "new_quantity": q_new.to_numpy(),
        "quantity_change": (q_new.fillna(0) - q_old.fillna(0)).where(q_old.notna() | q_new.notna()).to_numpy(),
        "old_price_usd": p_old.to_numpy(),
        "new_price_usd": p_new.to_numpy(),
        "old_value_usd": v_old.to_numpy(),
        "new_value_usd": v_new.to_numpy(),
        "value_change_usd": change.to_numpy(),
        "price_effect_usd": price.to_numpy(),
        "position_effect_usd": position.to_numpy(),
        "old_price_source": a["price_source"].fillna("").astype(str).to_numpy(),
        "new_price_source": b["price_source"].fillna("").astype(str).to_numpy(),
    })
    order = np.argsort(-out["value_change_usd"].abs().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)[HOLDING_DIFF_COLUMNS]


def value_bridge(holdings: pd.DataFrame, old: SnapshotInfo, new: SnapshotInfo) -> pd.DataFrame:
    """Previous total -> price moves -> position changes -> added -> removed -> cash -> total."""
    kept = holdings["status"].isin(["resized", "unchanged"])
    steps = [
        ("Previous total", old.total_value_usd, "absolute"),
        ("Price moves", float(holdings.loc[kept, "price_effect_usd"].sum()), "relative"),
        ("Position changes", float(holdings.loc[kept, "position_effect_usd"].sum()), "relative"),
        ("Added holdings", float(holdings.loc[holdings["status"] == "added",
                                              "value_change_usd"].sum()), "relative"),
        ("Removed holdings", float(holdings.loc[holdings["status"] == "removed",
                                                "value_change_usd"].sum()), "relative"),
        ("Cash", new.cash_usd - old.cash_usd, "relative"),
        ("Current total", new.total_value_usd, "total"),
    ]
    return pd.DataFrame(steps, columns=BRIDGE_COLUMNS)


def _results_by_symbol(snap: Snapshot) -> pd.DataFrame:
    f = snap.symbol_frame()
    g = f.groupby(["symbol", "scenario"], sort=False)
    return pd.DataFrame({
        "name": g["name"].first(),
        "value_change": g["value_change"].first(),
        "impact_usd": g["impact_usd"].sum(),
    }).reset_index()


def exposure_changes(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    """Symbol x scenario impact changes (see :class:`SnapshotDiff`)."""
    a, b = _results_by_symbol(old), _results_by_symbol(new)
    m = b.merge(a, on=["symbol", "scenario"], how="outer", suffixes=("_new", "_old"))
    symbols = list(dict.fromkeys([*b["symbol"], *a["symbol"]]))
    scenarios = list(dict.fromkeys([*new.scenarios, *old.scenarios]))
    m = m.assign(_h=m["symbol"].map(symbols.index), _s=m["scenario"].map(scenarios.index))
    m = m.sort_values(["_h", "_s"], kind="stable").reset_index(drop=True)

    def impact(side: str, scenario_ids: Iterable[str]) -> np.ndarray:
        """0 for a holding absent on that side, NaN for a scenario absent on that side."""
        known = m["scenario"].isin(list(scenario_ids)).to_numpy()
        values = m[f"impact_usd_{side}"].to_numpy(dtype=float)
        return np.where(np.isnan(values) & known, 0.0, values)

    titles = {**old.scenario_titles(), **new.scenario_titles()}
    out = pd.DataFrame({
        "symbol": m["symbol"].astype(str),
        "name": m["name_new"].fillna(m["name_old"]).astype(str),
        "scenario": m["scenario"].astype(str),
        "title": [titles.get(s, s) for s in m["scenario"]],
        "old_value_change": m["value_change_old"].astype(float),
        "new_value_change": m["value_change_new"].astype(float),
        "old_impact_usd": impact("old", old.scenarios),
        "new_impact_usd": impact("new", new.scenarios),
    })
    out["value_change_delta"] = out["new_value_change"] - out["old_value_change"]
    out["impact_change_usd"] = out["new_impact_usd"] - out["old_impact_usd"]
    return out[EXPOSURE_DIFF_COLUMNS]


def portfolio_changes(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    """Portfolio impact per scenario, old vs new (see :class:`SnapshotDiff`)."""
    a = old.portfolio.set_index("scenario")
    b = new.portfolio.set_index("scenario")
    ids = list(dict.fromkeys([*b.index, *a.index]))
    a, b = a.reindex(ids), b.reindex(ids)
    status = ["both" if s in old.scenarios and s in new.scenarios
              else "added" if s in new.scenarios else "removed" for s in ids]
    out = pd.DataFrame({
        "scenario": ids,
        "title": b["title"].fillna(a["title"]).astype(str).to_numpy(),
        "status": status,
        "old_impact_usd": a["impact_usd"].to_numpy(dtype=float),
        "new_impact_usd": b["impact_usd"].to_numpy(dtype=float),
        "old_impact_pct": a["impact_pct"].to_numpy(dtype=float),
        "new_impact_pct": b["impact_pct"].to_numpy(dtype=float),
        "old_probability": a["probability"].to_numpy(dtype=float),
        "new_probability": b["probability"].to_numpy(dtype=float),
    })
    out["impact_change_usd"] = out["new_impact_usd"] - out["old_impact_usd"]
    return out[PORTFOLIO_DIFF_COLUMNS]


def _probability(scenario: Mapping[str, Any]) -> float:
    p = scenario.get("probability", {})
    return float(p.get("value", math.nan)) if isinstance(p, Mapping) else float(p)


def _shock(scenario: Mapping[str, Any], channel: str, end: str) -> float:
    """A shock end; a channel the scenario does not name is 0 (as in the engine)."""
    shock = scenario.get("shocks", {}).get(channel)
    return float(shock.get(end, 0.0)) if shock else 0.0


def scenario_changes(old: Mapping[str, Mapping[str, Any]],
                     new: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Scenario set edits between two sets of scenario dumps (see :class:`SnapshotDiff`)."""
    rows: list[dict[str, Any]] = []
    nan = math.nan

    def row(sid: str, title: str, change: str, fld: str = "", old_v: float = nan,
            new_v: float = nan, detail: str = "") -> None:
        rows.append({"scenario": sid, "title": title, "change": change, "field": fld,
                     "old_value": old_v, "new_value": new_v, "detail": detail})

    for sid, scn in new.items():
        title = str(scn.get("title", sid))
        if sid not in old:
            row(sid, title, "added")
            continue
        before = old[sid]
        if str(before.get("title", sid)) != title:
            row(sid, title, "title", "title", detail=f"{before.get('title', sid)} -> {title}")
        p_old, p_new = _probability(before), _probability(scn)
        if not math.isclose(p_old, p_new, abs_tol=1e-12):
            row(sid, title, "probability", "probability", p_old, p_new)
        channels = list(dict.fromkeys([*before.get("shocks", {}), *scn.get("shocks", {})]))
        for ch in channels:
            for end in SHOCK_ENDS:
                s_old, s_new = _shock(before, ch, end), _shock(scn, ch, end)
                if not math.isclose(s_old, s_new, abs_tol=1e-12):
                    row(sid, title, "shock", f"{ch}.{end}", s_old, s_new)
    for sid, scn in old.items():
        if sid not in new:
            row(sid, str(scn.get("title", sid)), "removed")
    return pd.DataFrame(rows, columns=SCENARIO_DIFF_COLUMNS).astype(
        {"old_value": float, "new_value": float})


def events_between(events: Iterable[Event], start: date, end: date) -> pd.DataFrame:
    """Policy events dated after ``start`` and up to ``end`` (either order), oldest first."""
    lo, hi = min(start, end), max(start, end)
    rows = [{"id": e.id, "date": e.date, "title": e.title, "type": e.type,
             "jurisdiction": e.jurisdiction, "source_url": e.sources[0].url}
            for e in events if lo < e.date <= hi]
    rows.sort(key=lambda r: (r["date"], r["id"]))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def diff_snapshots(old: Snapshot, new: Snapshot, events: Iterable[Event] = ()) -> SnapshotDiff:
    """Everything that changed from ``old`` to ``new`` (``events``: the catalog's events)."""
    holdings = holding_changes(old.holdings, new.holdings)
    bridge = value_bridge(holdings, old.info, new.info)
    scen = scenario_changes(old.scenarios, new.scenarios)
    evts = events_between(events, old.info.taken_at.date(), new.info.taken_at.date())
    steps = dict(zip(bridge["step"], bridge["amount_usd"], strict=True))
    edited = scen.loc[scen["change"].isin(["title", "probability", "shock"]), "scenario"]
    summary = DiffSummary(
        old_total_value_usd=old.info.total_value_usd,
        new_total_value_usd=new.info.total_value_usd,
        value_change_usd=new.info.total_value_usd - old.info.total_value_usd,
        price_effect_usd=float(steps["Price moves"]),
        position_effect_usd=float(steps["Position changes"]),
        added_usd=float(steps["Added holdings"]),
        removed_usd=float(steps["Removed holdings"]),
        cash_change_usd=float(steps["Cash"]),
        old_expected_impact_usd=old.info.expected_impact_usd,
        new_expected_impact_usd=new.info.expected_impact_usd,
        expected_impact_change_usd=new.info.expected_impact_usd - old.info.expected_impact_usd,
        holdings_added=int((holdings["status"] == "added").sum()),
        holdings_removed=int((holdings["status"] == "removed").sum()),
        holdings_resized=int((holdings["status"] == "resized").sum()),
        scenarios_added=int((scen["change"] == "added").sum()),
        scenarios_removed=int((scen["change"] == "removed").sum()),
        scenarios_edited=int(edited.nunique()),
        events=len(evts),
        days=(new.info.taken_at - old.info.taken_at).total_seconds() / 86400,
    )
    return SnapshotDiff(old.info, new.info, summary, holdings, bridge,
                        exposure_changes(old, new), portfolio_changes(old, new), scen, evts)
