"""Shared fixtures and the network guard: no test may open a non-loopback connection."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_harness import database, pg_server, pg_url  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_DATA = FIXTURES / "mini_data"


class NetworkBlocked(OSError):
    """Raised when a test tries to reach anything but loopback."""


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return isinstance(address, str | bytes)  # AF_UNIX path
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: network is off in tests")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: network is off in tests")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost") and not _is_loopback((name,)):
        raise NetworkBlocked(f"test tried to resolve {name!r}: network is off in tests")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Refuse every non-loopback connection (and DNS lookup) for the whole session."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _guarded_connect)
    mp.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    mp.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty workspace; nothing touches the real home."""
    home = tmp_path / "home"
    monkeypatch.setenv("EXPOSURE_HOME", str(home))
    # Pages run offline (reference prices) unless a test injects a fake upstream.
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    monkeypatch.delenv("EXPOSURE_DATA", raising=False)
    # The workspace's SQLite store unless a test asks for PostgreSQL (the database fixture).
    monkeypatch.delenv("EXPOSURE_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def home(_isolated_home: Path) -> Path:
    return _isolated_home


@pytest.fixture
def mini_catalog():
    from exposure.model.catalog import load_catalog

    return load_catalog(MINI_DATA, include_home=False)
