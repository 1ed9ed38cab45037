"""Bring an existing workspace into the store, in place and idempotently.

What the workspace held before the store existed: saved books (``portfolios/*.yaml``, with
``*.yaml.prev`` previous versions), user scenarios (``scenarios/*.yaml``), import presets
(``import_presets/*.yaml``) and the review store (``review.sqlite``, schema v1 with its
``schema_version`` table). Each file (each snapshot) is imported once, recorded by its path
and SHA-256 in ``legacy_imports``; a file changed later is imported again as a new version.
The old files are only read, never changed or removed, so nothing is lost and a downgrade
still finds them. Everything imported belongs to the team (it was visible to every visitor).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, text

from exposure.errors import WorkspaceError
from exposure.storage import audit
from exposure.storage.database import Actor, Store, StoreError, stamp
from exposure.storage.documents import save_in
from exposure.storage.tables import (
    TEAM,
    holding_results,
    legacy_imports,
    portfolio_results,
    snapshots,
)

_IMPORT_LOCK = 0x45585049  # 'EXPI'
IMPORTER = Actor("workspace-import", "workspace import")
FOLDERS = (("portfolios", "book"), ("scenarios", "scenario"), ("import_presets", "preset"))
LEGACY_REVIEW_STORE = "review.sqlite"
LEGACY_REVIEW_SCHEMA = 1


@dataclass(frozen=True)
class Imported:
    source: str
    result: str


_SEEN: dict[tuple[str, str], str] = {}
_SEEN_LOCK = threading.Lock()


def legacy_files(home: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every old-format file in the workspace, in import order."""
    out: list[tuple[str, Path]] = []
    for folder, kind in FOLDERS:
        root = home / folder
        if not root.is_dir():
            continue
        for path in sorted(root.glob("*.yaml")):
            if path.is_symlink() or not path.is_file():
                continue
            prev = path.with_name(path.name + ".prev")
            if prev.is_file() and not prev.is_symlink():
                out.append((kind, prev))
            out.append((kind, path))
    review = home / LEGACY_REVIEW_STORE
    if review.is_file():
        out.append(("review", review))
    return out


def _signature(home: Path) -> str:
    parts = []
    for _, path in legacy_files(home):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    wal = home / (LEGACY_REVIEW_STORE + "-wal")
    if wal.exists():
        parts.append(f"{wal}:{wal.stat().st_size}:{wal.stat().st_mtime_ns}")
    return "|".join(parts)


def sync_workspace(store: Store, *, force: bool = False) -> list[Imported]:
    """Import what is new in the workspace's old-format files; cheap when nothing changed."""
    home = store.home
    signature = _signature(home)
    key = (store.url, str(home))
    with _SEEN_LOCK:
        if not force and _SEEN.get(key) == signature:
            return []
    done: list[Imported] = []
    if signature:
        for kind, path in legacy_files(home):
            if kind == "review":
                done += _import_review_store(store, path)
            else:
                item = _import_document(store, kind, path)
                if item is not None:
                    done.append(item)
    with _SEEN_LOCK:
        _SEEN[key] = signature
    return done


def _already(conn: Connection, source: str, digest: str) -> bool:
    """Was this exact content imported? (PostgreSQL: importers queue on a lock first, so two
    replicas starting at once never import the same file twice.)"""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _IMPORT_LOCK})
    return conn.execute(select(legacy_imports.c.id).where(
        legacy_imports.c.source == source, legacy_imports.c.sha256 == digest)).first() is not None


def _mark(conn: Connection, source: str, digest: str, result: str) -> None:
    conn.execute(insert(legacy_imports).values(source=source, sha256=digest,
                                               imported_at=stamp(), result=result))


def _doc_name(kind: str, path: Path, body: str) -> str:
    stem = path.name.removesuffix(".prev").removesuffix(".yaml")
    if kind == "scenario":  # the catalog keys scenarios by their id, not the file name
        from exposure.yamlio import parse_yaml

        try:
            raw = parse_yaml(body, path)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                return raw["id"]
        except Exception:  # noqa: BLE001 - a broken file is still imported (nothing lost)
            pass
    return stem


def _import_document(store: Store, kind: str, path: Path) -> Imported | None:
    source = str(path.relative_to(store.home))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Imported(source, f"unreadable: {exc.strerror or exc}")
    digest = hashlib.sha256(data).hexdigest()
    body = data.decode("utf-8", errors="replace")
    with store.write() as conn:
        if _already(conn, source, digest):
            return None
        try:
            name = _doc_name(kind, path, body)
            doc = save_in(conn, kind, TEAM, name, body, IMPORTER, expected_version=None,
                          force=True, action=f"{kind}.import")
            result = f"{kind} '{doc.name}' version {doc.version}"
        except WorkspaceError as exc:
            result = f"skipped: {exc}"
        _mark(conn, source, digest, result)
    return Imported(source, result)


def _legacy_rows(path: Path) -> tuple[list[dict], dict[int, list[dict]], dict[int, list[dict]]]:
    """Snapshots and their result rows from an old review store (read-only)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables or "snapshots" not in tables:
            return [], {}, {}
        version = int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
        if version > LEGACY_REVIEW_SCHEMA:
            raise StoreError(f"{path}: review store schema v{version} is newer than this app "
                             f"imports (v{LEGACY_REVIEW_SCHEMA}); upgrade the app")
        snaps = [dict(r) for r in conn.execute("SELECT * FROM snapshots ORDER BY id")]
        port: dict[int, list[dict]] = {}
        for r in conn.execute("SELECT * FROM portfolio_results ORDER BY snapshot_id, ordinal"):
            port.setdefault(int(r["snapshot_id"]), []).append(dict(r))
        hold: dict[int, list[dict]] = {}
        for r in conn.execute("SELECT * FROM holding_results ORDER BY snapshot_id, rowid"):
            hold.setdefault(int(r["snapshot_id"]), []).append(dict(r))
        return snaps, port, hold
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a review store ({exc})") from None
    finally:
        conn.close()


def _import_review_store(store: Store, path: Path) -> list[Imported]:
    snaps, port, hold = _legacy_rows(path)
    out: list[Imported] = []
    for snap in snaps:
        old_id = int(snap["id"])
        source = f"{path.name}#{old_id}"
        payload = json.dumps([snap, port.get(old_id, []), hold.get(old_id, [])], sort_keys=True,
                             default=str)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        with store.write() as conn:
            if _already(conn, source, digest):
                continue
            taken = conn.execute(select(snapshots.c.id).where(snapshots.c.id == old_id)).first()
            values = {k: snap[k] for k in (
                "taken_at", "week", "portfolio_name", "note", "author", "shock_case",
                "price_status", "total_value_usd", "cash_usd", "expected_impact_usd",
                "holdings_count", "holdings_json", "scenarios_json", "app_version")}
            if taken is None:
                values["id"] = old_id  # keep the id people know from reports and the CLI
            new_id = int(conn.execute(insert(snapshots).values(**values)).inserted_primary_key[0])
            if port.get(old_id):
                conn.execute(insert(portfolio_results), [
                    {k: r[k] for k in ("scenario", "ordinal", "title", "impact_usd",
                                       "impact_pct", "probability")} | {"snapshot_id": new_id}
                    for r in port[old_id]])
            if hold.get(old_id):
                conn.execute(insert(holding_results), [
                    {k: r[k] for k in ("position", "scenario", "symbol", "revenue_change",
                                       "value_change", "impact_usd")}
                    | {"snapshot_id": new_id, "ordinal": i}
                    for i, r in enumerate(hold[old_id])])
            if conn.dialect.name == "postgresql" and taken is None:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('snapshots', 'id'), "
                                  ":n)"), {"n": _max_id(conn)})
            result = f"snapshot #{old_id} as #{new_id}"
            audit.record(conn, IMPORTER, "snapshot.import", f"snapshot #{new_id}",
                         {"from": source})
            _mark(conn, source, digest, result)
        out.append(Imported(source, result))
    return out


def _max_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(snapshots.c.id))).scalar() or 1)


def imports(store: Store) -> list[Imported]:
    """Everything imported so far, oldest first (for ``exposure db status``)."""
    with store.read() as conn:
        rows = conn.execute(select(legacy_imports.c.source, legacy_imports.c.result).order_by(
            legacy_imports.c.id)).all()
    return [Imported(str(s), str(r)) for s, r in rows]
