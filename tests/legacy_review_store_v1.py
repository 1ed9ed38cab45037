"""The review store as released before the team store (schema v1), kept verbatim as a test
fixture: tests write an old workspace with it and check that ``exposure db upgrade`` brings
every snapshot across. Do not use it in the app."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from exposure import __version__
from exposure.errors import ExposureError
from exposure.evaluation.result import BookEvaluation as Analysis
from exposure.model.catalog import Catalog
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
from exposure.workspace import ensure_dir, home_dir

STORE_NAME = "review.sqlite"
BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another writer's transaction before giving up."""


class ReviewStoreError(ExposureError):
    """The review store cannot be opened, read or written (one line, names the file)."""


class UnknownSnapshotError(ReviewStoreError):
    """A snapshot id was asked for that the store does not have."""


class NoSnapshotsError(ReviewStoreError):
    """The store holds no snapshots (yet)."""


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside the migration transaction."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


_V1_SQL = """
CREATE TABLE snapshots (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at            TEXT    NOT NULL,  -- UTC ISO 8601
    week                TEXT    NOT NULL,  -- ISO week, 2026-W47
    portfolio_name      TEXT    NOT NULL,
    note                TEXT    NOT NULL DEFAULT '',
    author              TEXT    NOT NULL DEFAULT '',
    shock_case          TEXT    NOT NULL,
    price_status        TEXT    NOT NULL DEFAULT '',
    total_value_usd     REAL    NOT NULL,
    cash_usd            REAL    NOT NULL,
    expected_impact_usd REAL    NOT NULL,
    holdings_count      INTEGER NOT NULL,
    holdings_json       TEXT    NOT NULL,  -- valued holdings with prices and their sources
    scenarios_json      TEXT    NOT NULL,  -- scenario model dumps, evaluation order
    app_version         TEXT    NOT NULL
);
CREATE INDEX snapshots_by_time ON snapshots (taken_at, id);
CREATE TABLE portfolio_results (
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots (id),
    ordinal      INTEGER NOT NULL,
    scenario     TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    impact_usd   REAL    NOT NULL,
    impact_pct   REAL    NOT NULL,
    probability  REAL    NOT NULL,
    PRIMARY KEY (snapshot_id, scenario)
);
CREATE TABLE holding_results (
    snapshot_id    INTEGER NOT NULL REFERENCES snapshots (id),
    position       INTEGER NOT NULL,
    symbol         TEXT    NOT NULL,
    scenario       TEXT    NOT NULL,
    revenue_change REAL    NOT NULL,
    value_change   REAL    NOT NULL,
    impact_usd     REAL    NOT NULL,
    PRIMARY KEY (snapshot_id, position, scenario)
);
"""

APPEND_ONLY_TABLES = ("snapshots", "portfolio_results", "holding_results")


def _append_only_sql(table: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'review snapshots are append-only'); END;"
        for op in ("UPDATE", "DELETE")
    )


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """v0 (an empty or new file) -> v1: the snapshot tables, append-only."""
    for statement in _split_sql(_V1_SQL + "".join(_append_only_sql(t) + "\n"
                                                   for t in APPEND_ONLY_TABLES)):
        conn.execute(statement)


def _split_sql(script: str) -> list[str]:
    """Statements of a script (``executescript`` would commit our transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "snapshots, portfolio_results, holding_results (append-only)", _migrate_v1),
)
"""Every schema step in order; append new ones, never edit a released one."""

SCHEMA_VERSION = MIGRATIONS[-1].version


def store_path(home: str | Path | None = None) -> Path:
    return home_dir(home) / STORE_NAME


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied (0 for a file without a version table)."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    value = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    return int(value or 0)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS,
            *, now: Callable[[], datetime] | None = None) -> int:
    """Bring the store to the newest schema in ``migrations``; return the version reached.

    The check and the steps run in one ``BEGIN IMMEDIATE`` transaction, so two processes
    opening a new store at once apply each step exactly once. Raises
    :class:`ReviewStoreError` if the store is newer than ``migrations`` knows.
    """
    latest = migrations[-1].version if migrations else 0
    current = schema_version(conn)
    if current == latest:
        return current
    clock = now or (lambda: datetime.now(UTC))
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, "
                     "description TEXT NOT NULL)")
        current = schema_version(conn)
        if current > latest:
            raise ReviewStoreError(
                f"the review store has schema v{current}, newer than this version of the app "
                f"understands (v{latest}); upgrade the app to read it"
            )
        for step in migrations:
            if step.version > current:
                step.apply(conn)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at, description) VALUES (?, ?, ?)",
                    (step.version, as_utc(clock()).isoformat(timespec="seconds"),
                     step.description),
                )
                current = step.version
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; retried because the switch itself can meet a concurrent opener."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def connect(home: str | Path | None = None, *, path: Path | None = None,
            migrations: Sequence[Migration] = MIGRATIONS,
            create: bool = True) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection to the store (closed on exit).

    Autocommit mode (``isolation_level=None``): callers open their own transactions.
    """
    target = path if path is not None else store_path(home)
    if create:
        ensure_dir(target.parent)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, migrations)
        yield conn
    except sqlite3.Error as exc:
        raise ReviewStoreError(f"{target}: {_reason(exc)}") from None
    finally:
        if conn is not None:
            conn.close()


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "file is not a database" in text:
        return "not a review store (the file is damaged or is something else)"
    if "unable to open" in text:
        return "cannot open the review store (folder missing or not writable)"
    if "readonly" in text or "read-only" in text:
        return "the review store is read-only"
    return text


def save_snapshot(snapshot: Snapshot, home: str | Path | None = None) -> SnapshotInfo:
    """Append ``snapshot`` (its ``info.id`` is ignored); return its header with the new id.

    One transaction: either every row of the snapshot is stored, or none.
    """
    info = snapshot.info
    with connect(home) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO snapshots (taken_at, week, portfolio_name, note, author, shock_case,"
                " price_status, total_value_usd, cash_usd, expected_impact_usd, holdings_count,"
                " holdings_json, scenarios_json, app_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (info.taken_at.isoformat(timespec="seconds"), info.week, info.portfolio_name,
                 info.note, info.author, info.case, info.price_status, info.total_value_usd,
                 info.cash_usd, info.expected_impact_usd, info.holdings_count,
                 holdings_to_json(snapshot.holdings), scenarios_to_json(snapshot.scenarios),
                 __version__),
            )
            new_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO portfolio_results (snapshot_id, ordinal, scenario, title, impact_usd,"
                " impact_pct, probability) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(new_id, i, str(r.scenario), str(r.title), float(r.impact_usd),
                  float(r.impact_pct), float(r.probability))
                 for i, r in enumerate(snapshot.portfolio.itertuples(index=False))],
            )
            conn.executemany(
                "INSERT INTO holding_results (snapshot_id, position, symbol, scenario,"
                " revenue_change, value_change, impact_usd) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(new_id, int(r.position), str(r.symbol), str(r.scenario),
                  float(r.revenue_change), float(r.value_change), float(r.impact_usd))
                 for r in snapshot.results.itertuples(index=False)],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SnapshotInfo(**{**info.__dict__, "id": new_id})


def take_snapshot(
    analysis: Analysis,
    catalog: Catalog,
    *,
    note: str = "",
    author: str = "",
    home: str | Path | None = None,
    now: Callable[[], datetime] | None = None,
    price_status: str = "",
) -> SnapshotInfo:
    """Record ``analysis`` (holdings, prices, scenarios, results) as a new snapshot.

    ``now`` is the clock (UTC ``datetime.now`` by default; tests inject a fixed one).
    """
    moment = (now or (lambda: datetime.now(UTC)))()
    snapshot = build_snapshot(analysis, catalog, taken_at=moment, note=note.strip(),
                              author=author.strip(), price_status=price_status)
    return save_snapshot(snapshot, home)


_INFO_SQL = (
    "SELECT s.id, s.taken_at, s.week, s.portfolio_name, s.note, s.author, s.shock_case,"
    " s.total_value_usd, s.cash_usd, s.expected_impact_usd, s.holdings_count, s.price_status,"
    " (SELECT group_concat(scenario, char(31)) FROM"
    "   (SELECT scenario FROM portfolio_results p WHERE p.snapshot_id = s.id ORDER BY ordinal))"
    " FROM snapshots s"
)


def _info(row: Sequence[object]) -> SnapshotInfo:
    ids = str(row[12]).split("\x1f") if row[12] else []
    return SnapshotInfo(
        id=int(row[0]),  # type: ignore[arg-type]
        taken_at=as_utc(datetime.fromisoformat(str(row[1]))),
        week=str(row[2]), portfolio_name=str(row[3]), note=str(row[4]), author=str(row[5]),
        case=str(row[6]), total_value_usd=float(row[7]),  # type: ignore[arg-type]
        cash_usd=float(row[8]), expected_impact_usd=float(row[9]),  # type: ignore[arg-type]
        holdings_count=int(row[10]), price_status=str(row[11]),  # type: ignore[arg-type]
        scenario_ids=tuple(ids),
    )


def list_snapshots(home: str | Path | None = None) -> list[SnapshotInfo]:
    """Every snapshot's header, oldest first (by ``taken_at``, then id). A missing store is
    empty (and is not created)."""
    path = store_path(home)
    if not path.exists():
        return []
    with connect(home) as conn:
        rows = conn.execute(_INFO_SQL + " ORDER BY s.taken_at, s.id").fetchall()
    return [_info(r) for r in rows]


def load_snapshot(snapshot_id: int, home: str | Path | None = None) -> Snapshot:
    """One snapshot with its full content; :class:`UnknownSnapshotError` if there is none."""
    path = store_path(home)
    if not path.exists():
        raise NoSnapshotsError(f"no snapshots yet in {path}; take one first")
    with connect(home) as conn:
        row = conn.execute(_INFO_SQL + " WHERE s.id = ?", (int(snapshot_id),)).fetchone()
        if row is None:
            raise UnknownSnapshotError(f"no snapshot #{snapshot_id} in {path}")
        body = conn.execute("SELECT holdings_json, scenarios_json FROM snapshots WHERE id = ?",
                            (int(snapshot_id),)).fetchone()
        portfolio = pd.read_sql_query(
            "SELECT scenario, title, impact_usd, impact_pct, probability FROM portfolio_results"
            " WHERE snapshot_id = ? ORDER BY ordinal", conn, params=(int(snapshot_id),))
        results = pd.read_sql_query(
            "SELECT position, symbol, scenario, revenue_change, value_change, impact_usd"
            " FROM holding_results WHERE snapshot_id = ? ORDER BY position, rowid",
            conn, params=(int(snapshot_id),))
    return Snapshot(_info(row), holdings_from_json(str(body[0])),
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
    if not store_path(home).exists():
        return pd.DataFrame(columns=columns)
    with connect(home) as conn:
        frame = pd.read_sql_query(
            "SELECT s.id AS snapshot_id, s.taken_at, s.week, p.scenario, p.title, p.impact_usd,"
            " p.impact_pct, p.probability, s.total_value_usd, s.expected_impact_usd"
            " FROM snapshots s JOIN portfolio_results p ON p.snapshot_id = s.id"
            " ORDER BY s.taken_at, s.id, p.ordinal", conn)
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True, format="ISO8601")
    return frame[columns]
