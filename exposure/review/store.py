"""The review store: append-only snapshots in the team store (:mod:`exposure.storage`).

Several Streamlit sessions, several replicas and a cron job may take snapshots at once: one
snapshot is one transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL row locks), so a crash or
a concurrent writer can never leave half a snapshot behind or lose another writer's snapshot.
Database triggers make the snapshot tables append-only on both engines. Snapshots taken with
the old SQLite review store (``<home>/review.sqlite``) are imported, with their ids, the first
time the store is opened (:mod:`exposure.storage.legacy`).

Tables: ``snapshots`` (header, holdings and scenarios as JSON), ``portfolio_results`` (one row
per snapshot x scenario) and ``holding_results`` (snapshot x holding x scenario).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import insert, select

from exposure import __version__
from exposure.auth.identity import LOCAL_USER, Identity
from exposure.auth.permissions import require
from exposure.errors import ExposureError
from exposure.evaluation.result import BookEvaluation
from exposure.model.catalog import Catalog
from exposure.model.engine import CASE_ALIASES
from exposure.review.snapshot import (
    PORTFOLIO_COLUMNS,
    RESULT_COLUMNS,
    Snapshot,
    SnapshotInfo,
    as_utc,
    build_snapshot,
    holdings_from_json,
    holdings_to_json,
    scenarios_from_json,
    scenarios_to_json,
)
from exposure.storage import audit
from exposure.storage.access import open_existing, open_store
from exposure.storage.database import (
    LOCAL_ACTOR,
    Actor,
    Store,
    StoreError,
    database_url,
    describe_url,
)
from exposure.storage.tables import holding_results, portfolio_results, snapshots

ReviewStoreError = StoreError
"""Kept for callers of the old module: the store cannot be opened, read or written."""


class NoSnapshotsError(ExposureError):
    """The store has no snapshots yet."""


class UnknownSnapshotError(ExposureError):
    """A snapshot id was asked for that the store does not have."""


def store_path(home: str | Path | None = None) -> str:
    """Where the snapshots are (for messages): the database, password hidden."""
    return describe_url(database_url(home))


def _open(home: str | Path | None, *, create: bool) -> Store | None:
    """The store, or None when reading a workspace that has never had one (not created)."""
    return open_store(home) if create else open_existing(home)


def save_snapshot(snapshot: Snapshot, home: str | Path | None = None, *,
                  actor: Actor = LOCAL_ACTOR) -> SnapshotInfo:
    """Append ``snapshot`` (its ``info.id`` is ignored); return its header with the new id.

    One transaction: either every row of the snapshot is stored (and audited), or none.
    """
    info = snapshot.info
    store = _open(home, create=True)
    assert store is not None
    with store.write() as conn:
        new_id = int(conn.execute(insert(snapshots).values(
            taken_at=info.taken_at.isoformat(timespec="seconds"), week=info.week,
            portfolio_name=info.portfolio_name, note=info.note, author=info.author,
            taken_by=actor.id, shock_case=info.case, price_status=info.price_status,
            total_value_usd=float(info.total_value_usd), cash_usd=float(info.cash_usd),
            expected_impact_usd=float(info.expected_impact_usd),
            holdings_count=int(info.holdings_count),
            holdings_json=holdings_to_json(snapshot.holdings),
            scenarios_json=scenarios_to_json(snapshot.scenarios), app_version=__version__,
        )).inserted_primary_key[0])
        rows = [{"snapshot_id": new_id, "ordinal": i, "scenario": str(r.scenario),
                 "title": str(r.title), "impact_usd": float(r.impact_usd),
                 "impact_pct": float(r.impact_pct), "probability": float(r.probability)}
                for i, r in enumerate(snapshot.portfolio.itertuples(index=False))]
        if rows:
            conn.execute(insert(portfolio_results), rows)
        rows = [{"snapshot_id": new_id, "ordinal": i, "position": int(r.position),
                 "symbol": str(r.symbol), "scenario": str(r.scenario),
                 "revenue_change": float(r.revenue_change),
                 "value_change": float(r.value_change), "impact_usd": float(r.impact_usd)}
                for i, r in enumerate(snapshot.results.itertuples(index=False))]
        if rows:
            conn.execute(insert(holding_results), rows)
        audit.record(conn, actor, "snapshot.take", f"snapshot #{new_id}",
                     {"portfolio": info.portfolio_name, "week": info.week})
    return SnapshotInfo(**{**info.__dict__, "id": new_id})


def take_snapshot(
    book: BookEvaluation,
    catalog: Catalog,
    *,
    note: str = "",
    author: str = "",
    home: str | Path | None = None,
    now: Callable[[], datetime] | None = None,
    price_status: str = "",
    user: Identity | None = None,
) -> SnapshotInfo:
    """Record ``book`` (holdings, prices, scenarios, results) as a new snapshot.

    ``now`` is the clock (UTC ``datetime.now`` by default; tests inject a fixed one).
    ``author`` defaults to the signed-in user's name. Viewers cannot take snapshots.
    """
    who = user if user is not None else LOCAL_USER
    require(who, "review.write")
    actor = who.actor
    moment = (now or (lambda: datetime.now(UTC)))()
    by = author.strip() or ("" if who.local else who.name)
    snapshot = build_snapshot(book, catalog, taken_at=moment, note=note.strip(),
                              author=by, price_status=price_status)
    return save_snapshot(snapshot, home, actor=actor)


def _infos(store: Store, snapshot_id: int | None = None) -> list[SnapshotInfo]:
    query = select(snapshots.c.id, snapshots.c.taken_at, snapshots.c.week,
                   snapshots.c.portfolio_name, snapshots.c.note, snapshots.c.author,
                   snapshots.c.shock_case, snapshots.c.total_value_usd, snapshots.c.cash_usd,
                   snapshots.c.expected_impact_usd, snapshots.c.holdings_count,
                   snapshots.c.price_status).order_by(snapshots.c.taken_at, snapshots.c.id)
    if snapshot_id is not None:
        query = query.where(snapshots.c.id == int(snapshot_id))
    order = select(portfolio_results.c.snapshot_id, portfolio_results.c.scenario).order_by(
        portfolio_results.c.snapshot_id, portfolio_results.c.ordinal)
    if snapshot_id is not None:
        order = order.where(portfolio_results.c.snapshot_id == int(snapshot_id))
    with store.read() as conn:
        rows = conn.execute(query).all()
        ids: dict[int, list[str]] = {}
        for sid, scenario in conn.execute(order):
            ids.setdefault(int(sid), []).append(str(scenario))
    return [SnapshotInfo(
        id=int(r.id), taken_at=as_utc(datetime.fromisoformat(str(r.taken_at))),
        week=str(r.week), portfolio_name=str(r.portfolio_name), note=str(r.note),
        author=str(r.author), case=CASE_ALIASES.get(str(r.shock_case), str(r.shock_case)), total_value_usd=float(r.total_value_usd),
        cash_usd=float(r.cash_usd), expected_impact_usd=float(r.expected_impact_usd),
        holdings_count=int(r.holdings_count), price_status=str(r.price_status),
        scenario_ids=tuple(ids.get(int(r.id), ())),
    ) for r in rows]


def list_snapshots(home: str | Path | None = None) -> list[SnapshotInfo]:
    """Every snapshot's header, oldest first (by ``taken_at``, then id). A workspace without a
    store is empty (and no store is created)."""
    store = _open(home, create=False)
    return _infos(store) if store is not None else []


def load_snapshot(snapshot_id: int, home: str | Path | None = None) -> Snapshot:
    """One snapshot with its full content; :class:`UnknownSnapshotError` if there is none."""
    store = _open(home, create=False)
    if store is None:
        raise NoSnapshotsError(f"no snapshots yet in {store_path(home)}; take one first")
    found = _infos(store, snapshot_id)
    if not found:
        raise UnknownSnapshotError(f"no snapshot #{snapshot_id} in {store_path(home)}")
    with store.read() as conn:
        body = conn.execute(select(snapshots.c.holdings_json, snapshots.c.scenarios_json).where(
            snapshots.c.id == int(snapshot_id))).one()
        portfolio = pd.DataFrame(conn.execute(select(
            portfolio_results.c.scenario, portfolio_results.c.title,
            portfolio_results.c.impact_usd, portfolio_results.c.impact_pct,
            portfolio_results.c.probability).where(
            portfolio_results.c.snapshot_id == int(snapshot_id)).order_by(
            portfolio_results.c.ordinal)).all(), columns=PORTFOLIO_COLUMNS)
        results = pd.DataFrame(conn.execute(select(
            holding_results.c.position, holding_results.c.symbol, holding_results.c.scenario,
            holding_results.c.revenue_change, holding_results.c.value_change,
            holding_results.c.impact_usd).where(
            holding_results.c.snapshot_id == int(snapshot_id)).order_by(
            holding_results.c.position, holding_results.c.ordinal)).all(),
            columns=RESULT_COLUMNS)
    results["position"] = results["position"].astype("int64")
    for col in ("revenue_change", "value_change", "impact_usd"):
        results[col] = results[col].astype("float64")
    for col in ("impact_usd", "impact_pct", "probability"):
        portfolio[col] = portfolio[col].astype("float64")
    return Snapshot(found[0], holdings_from_json(str(body[0])),
                    scenarios_from_json(str(body[1])), results[RESULT_COLUMNS],
                    portfolio[PORTFOLIO_COLUMNS])


def latest_pair(home: str | Path | None = None) -> tuple[SnapshotInfo, SnapshotInfo | None]:
    """The latest snapshot and the one before it (None with a single snapshot)."""
    infos = list_snapshots(home)
    if not infos:
        raise NoSnapshotsError(f"no snapshots yet in {store_path(home)}; take one first "
                               "(exposure review snapshot --portfolio FILE)")
    return infos[-1], (infos[-2] if len(infos) > 1 else None)


def previous_of(snapshot_id: int, home: str | Path | None = None) -> SnapshotInfo | None:
    """The snapshot taken just before ``snapshot_id`` (None if it is the first)."""
    infos = list_snapshots(home)
    ids = [i.id for i in infos]
    if snapshot_id not in ids:
        raise UnknownSnapshotError(f"no snapshot #{snapshot_id} in {store_path(home)}")
    k = ids.index(snapshot_id)
    return infos[k - 1] if k > 0 else None


def impact_trend(home: str | Path | None = None) -> pd.DataFrame:
    """Portfolio impact per scenario over every snapshot, oldest first.

    Columns: ``snapshot_id``, ``taken_at`` (UTC), ``week``, ``scenario``, ``title``,
    ``impact_usd``, ``impact_pct``, ``probability``, ``total_value_usd``,
    ``expected_impact_usd``.
    """
    columns = ["snapshot_id", "taken_at", "week", "scenario", "title", "impact_usd",
               "impact_pct", "probability", "total_value_usd", "expected_impact_usd"]
    store = _open(home, create=False)
    if store is None:
        return pd.DataFrame(columns=columns)
    s, p = snapshots.c, portfolio_results.c
    with store.read() as conn:
        rows = conn.execute(select(
            s.id, s.taken_at, s.week, p.scenario, p.title, p.impact_usd, p.impact_pct,
            p.probability, s.total_value_usd, s.expected_impact_usd).join_from(
            snapshots, portfolio_results, p.snapshot_id == s.id).order_by(
            s.taken_at, s.id, p.ordinal)).all()
    frame = pd.DataFrame(rows, columns=columns)
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True, format="ISO8601")
    return frame[columns]
