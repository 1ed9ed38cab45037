"""A throwaway PostgreSQL cluster for the tests, and the ``database`` fixture that runs a test
on SQLite (the workspace file) and on PostgreSQL.

The cluster is started once per test session from Debian's server binaries (as the
``postgres`` user when the tests run as root: ``initdb`` refuses root), on a free loopback
port, with ``fsync=off``; each test gets its own database (pytest-postgresql's janitor
creates and drops it). Without the binaries PostgreSQL tests skip, unless
``EXPOSURE_REQUIRE_POSTGRES=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.team_topology import PgServer, pg_bin, start_cluster, stop_cluster


def require_postgres() -> Path:
    """The binaries folder; skip (locally) or fail (EXPOSURE_REQUIRE_POSTGRES=1) without it."""
    binaries = pg_bin()
    missing = None
    if binaries is None:
        missing = "PostgreSQL server binaries not found (apt-get install postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            missing = "psycopg is not installed"
    if missing:
        if os.environ.get("EXPOSURE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests are required here: {missing}")
        pytest.skip(missing)
    assert binaries is not None
    return binaries


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    binaries = require_postgres()
    server = start_cluster(binaries)
    try:
        yield server
    finally:
        stop_cluster(server)


_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session's cluster (dropped afterwards)."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"exposure_test_{os.getpid()}_{next(_numbers)}"
    janitor = DatabaseJanitor(user="postgres", host=pg_server.host, port=pg_server.port,
                              dbname=name)
    janitor.init()
    try:
        yield pg_server.url(name)
    finally:
        from exposure.storage.database import forget_stores

        forget_stores()
        janitor.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test on both engines: yields ``sqlite`` or ``postgresql`` (the URL is in
    ``EXPOSURE_DATABASE_URL`` for PostgreSQL)."""
    from exposure.storage.database import forget_stores

    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("EXPOSURE_DATABASE_URL", url)
    yield request.param
    forget_stores()
