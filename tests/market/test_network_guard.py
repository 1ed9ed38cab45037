"""The guard itself: a test that tries to reach the internet fails loudly."""

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_outbound_connection_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkBlocked):
        s.connect(("93.184.216.34", 80))


def test_dns_lookup_of_a_public_name_is_refused() -> None:
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("query1.finance.yahoo.com", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
        c.connect(server.getsockname())
    server.close()
