"""A loopback HTTP server that replays the recorded Federal Register answers in
``tests/fixtures/federal_register/`` (real HTTP; nothing of ours is mocked).

Routes, as the real API: ``GET /api/v1/documents.json?...`` answers page 1 (or ``empty.json``
when ``conditions[publication_date][gte]`` is after the fixtures' newest document);
``GET /api/v1/documents?...&page=2&...`` (the page-1 ``next_page_url``) answers page 2. The
recorded ``next_page_url`` is re-pointed at this server. ``mode`` switches to a malformed answer
(``"malformed"``: ``results`` not a list; ``"html"``: an HTML error page with status 200), an
HTTP error (``"http500"``), or the recording with its real-host ``next_page_url`` (``"verbatim"``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.conftest import FIXTURES

RECORDED = FIXTURES / "federal_register"
REAL_ROOT = "https://www.federalregister.gov/api/v1"


@dataclass
class Replay:
    """State shared with the handler: the mode and every request seen."""

    root: str = ""
    mode: str = "ok"
    requests: list[str] = field(default_factory=list)


def _answer(replay: Replay, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    if replay.mode == "http500":
        return 500, "text/plain", b"Internal Server Error"
    if replay.mode == "html":
        return 200, "text/html", b"<html><body>Service maintenance</body></html>"
    if replay.mode == "malformed":
        return 200, "application/json", json.dumps({"count": 1, "results": "oops"}).encode()
    if query.get("conditions[agencies][]") != ["industry-and-security-bureau"]:
        return 400, "application/json", b'{"errors": {"agencies": "missing"}}'
    if path == "/api/v1/documents" and query.get("page") == ["2"]:
        name = "bis_2026_page2.json"
    elif path == "/api/v1/documents.json":
        since = query.get("conditions[publication_date][gte]", [""])[0]
        name = "empty.json" if since > "2026-07-14" else "bis_2026_page1.json"
    else:
        return 404, "text/plain", b"not found"
    text = (RECORDED / name).read_text()
    if replay.mode != "verbatim":          # "verbatim": next_page_url left on the real host
        text = text.replace(REAL_ROOT, replay.root)
    return 200, "application/json", text.encode()


@contextmanager
def federal_register_replay() -> Iterator[Replay]:
    """Serve the recordings on a free loopback port; ``Replay.root`` is the API root URL."""
    replay = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            parts = urlsplit(self.path)
            replay.requests.append(self.path)
            status, ctype, body = _answer(replay, parts.path, parse_qs(parts.query))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.root = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
