"""A throwaway PostgreSQL cluster for the tests, and the ``database`` fixture that runs a test
on SQLite (the workspace file) and on PostgreSQL.

The cluster is started once per test session from Debian's server binaries (as the
``postgres`` user when the tests run as root: ``initdb`` refuses root), on a free loopback
port, with ``fsync=off``; each test gets its own database (pytest-postgresql's janitor
creates and drops it). Without the binaries PostgreSQL tests skip, unless
``EXPOSURE_REQUIRE_POSTGRES=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_harness import free_port


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    version: str
    data_dir: Path

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{dbname}"


def pg_bin() -> Path | None:
    """The folder of ``initdb``/``pg_ctl`` (``EXPOSURE_PG_BIN``, else the newest Debian one)."""
    env = os.environ.get("EXPOSURE_PG_BIN")
    if env:
        return Path(env) if (Path(env) / "pg_ctl").exists() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


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


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_cluster(binaries: Path) -> PgServer:
    """initdb + pg_ctl start on a free port; the caller stops it with :func:`stop_cluster`."""
    data = Path(tempfile.mkdtemp(prefix="exposure-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--no-instructions"]),
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               "-c max_connections=200")
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                                 "-l", str(data / "server.log"), "-o", options, "start"]),
                   check=True, capture_output=True, timeout=90)
    version = (data / "PG_VERSION").read_text().strip()
    return PgServer("127.0.0.1", port, version, data)


def stop_cluster(server: PgServer, binaries: Path) -> None:
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(server.data_dir), "-m",
                                 "immediate", "stop"]), capture_output=True, timeout=60)
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    binaries = require_postgres()
    server = start_cluster(binaries)
    try:
        yield server
    finally:
        stop_cluster(server, binaries)


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
