"""Loaded at start-up by the app server that ``bench_sessions.py`` starts (this folder is put
on its ``PYTHONPATH``; the app itself never imports it). When ``EXPOSURE_BENCH_SENT_LOG``
names a file, every "Impact: ..." KPI the server hands to a browser's websocket is logged
there with the time, one JSON line each, so the benchmark can split a change into the part
before the server sent the new KPI (the click reaching the server and the run) and the part
after (the browser drawing it).

Streamlit has no public hook for outgoing messages; this wraps the method of its Starlette
websocket client (Streamlit 1.67) and does nothing when that method is not there.
"""

from __future__ import annotations

import json
import os
import time

LOG = os.environ.get("EXPOSURE_BENCH_SENT_LOG")


def _install(path: str) -> None:
    try:
        from streamlit.web.server.starlette import starlette_websocket as ws
    except ImportError:
        return
    client = getattr(ws, "StarletteSessionClient", None)
    write = getattr(client, "write_forward_msg", None)
    if client is None or write is None:
        return

    def logged(self, msg):  # type: ignore[no-untyped-def]
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "metric" and element.metric.label.startswith(
                    "Impact:"):
                with open(path, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"label": element.metric.label,
                                          "sent": time.time()}) + "\n")
        return write(self, msg)

    client.write_forward_msg = logged


if LOG:
    _install(LOG)
