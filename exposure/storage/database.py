"""Opening the store: which database, the engine, migrations, and one transaction per write.

``EXPOSURE_DATABASE_URL`` (e.g. ``postgresql+psycopg://exposure:pw@db/exposure``) selects
PostgreSQL; without it the store is ``<home>/exposure.sqlite``. Opening a store upgrades its
schema to the newest Alembic revision (under a lock, so three replicas starting at once apply
each step once) and then imports whatever the workspace still holds in the old file formats
(:mod:`exposure.storage.legacy`; idempotent).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from exposure.errors import ExposureError
from exposure.workspace import ensure_dir, home_dir

if TYPE_CHECKING:
    from alembic.config import Config

DATABASE_ENV = "EXPOSURE_DATABASE_URL"
SQLITE_NAME = "exposure.sqlite"
BUSY_TIMEOUT_S = 30.0
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_LOCK_ID = 0x45585053  # 'EXPS': the advisory lock that serialises migrations on PostgreSQL


class StoreError(ExposureError):
    """The store cannot be opened, read or written (one line, names the database)."""


class ConflictError(StoreError):
    """A save based on an old version: someone else saved in between. Nothing was written."""


class NotFoundError(StoreError):
    """The thing asked for is not in the store."""


@dataclass(frozen=True)
class Actor:
    """Who does something: a stable id (an e-mail, or ``local``) and a display name."""

    id: str
    name: str


LOCAL_ACTOR = Actor("local", "local user")


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """A UTC ISO 8601 time as stored (seconds)."""
    value = moment or utc_now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def shown_time(stored: str) -> str:
    """``2026-12-02T14:02:00+00:00`` -> ``2026-12-02 14:02 UTC``."""
    try:
        return f"{datetime.fromisoformat(stored).astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return stored


def database_url(home: str | Path | None = None) -> str:
    """The configured database URL (the SQLite file in the workspace by default)."""
    env = os.environ.get(DATABASE_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{home_dir(home) / SQLITE_NAME}"


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


@dataclass(frozen=True)
class Store:
    """An open, migrated database: use :meth:`write` for a transaction, :meth:`read` to read."""

    engine: Engine
    url: str
    home: Path

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def label(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction (SQLite: ``BEGIN IMMEDIATE``): all of it is stored, or none."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"{self.label}: {reason(exc)}") from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (SQLite: a deferred transaction, never the write lock)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(exposure_read=True)
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"{self.label}: {reason(exc)}") from None


def reason(exc: SQLAlchemyError) -> str:
    """The first line of a driver error, in words a user can act on."""
    orig = getattr(exc, "orig", None) or exc
    text_ = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if "file is not a database" in text_:
        return "not a database (the file is damaged or is something else)"
    if "unable to open" in text_:
        return "cannot open the database (folder missing or not writable)"
    if "readonly" in text_ or "read-only" in text_:
        return "the database is read-only"
    return text_


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool,
                           connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front (no deadlock upgrading a read lock); readers
        # in WAL mode never block anyone.
        reading = conn.get_execution_options().get("exposure_read")
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL with psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{DATABASE_ENV}: not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise StoreError(f"{describe_url(url)}: unsupported database (use sqlite:/// or "
                     "postgresql+psycopg://)")


# Alembic is imported where it is used (opening a store), not with this module: a page that
# never opens a store (a fresh workspace) does not pay for it.

def alembic_config(conn: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return str(head)


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, label: str) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; return (revision before, revision now).

    PostgreSQL: an advisory lock for the transaction; SQLite: ``BEGIN IMMEDIATE``. Either way
    concurrent openers wait, then find the schema current. A database newer than this app is
    refused instead of being misread.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    head = head_revision()
    try:
        with engine.connect() as probe:
            probe.execution_options(exposure_read=True)
            before = current_revision(probe)
        if before == head:
            return before, head
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
            before = current_revision(conn)
            cfg = alembic_config(conn)
            if before is not None and ScriptDirectory.from_config(cfg).get_revision(before) is None:
                raise StoreError(f"{label}: the database has schema revision {before}, newer than "
                                 f"this version of the app understands ({head}); upgrade the app")
            if before != head:
                command.upgrade(cfg, "head")
            return before, head
    except DBAPIError as exc:
        raise StoreError(f"{label}: {reason(exc)}") from None


_STORES: dict[tuple[str, Path], Store] = {}
_LOCK = threading.Lock()


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def connect(home: str | Path | None = None, *, url: str | None = None) -> Store:
    """The store for ``home`` (or ``url``), created and migrated on first use in a process
    (no workspace files are brought in here: see :mod:`exposure.storage.access`)."""
    target = url or database_url(home)
    root = home_dir(home)
    with _LOCK:
        store = _STORES.get((target, root))
        if store is None:
            path = sqlite_path(target)
            if path is not None:
                ensure_dir(path.parent)
            engine = make_engine(target)
            upgrade(engine, describe_url(target))
            store = Store(engine, target, root)
            _STORES[(target, root)] = store
    return store


def store_exists(home: str | Path | None = None) -> bool:
    """False only for a workspace whose SQLite file was never created (PostgreSQL: True)."""
    path = sqlite_path(database_url(home))
    return path is None or path.exists()


def forget_stores() -> None:
    """Drop cached engines (tests switch databases; a process otherwise keeps one)."""
    with _LOCK:
        for store in _STORES.values():
            store.engine.dispose()
        _STORES.clear()
