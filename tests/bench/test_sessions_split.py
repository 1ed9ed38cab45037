"""bench_sessions.py splits each change at the moment the server sent the new KPI: the pairing
of the page's timings with the server's log, and the server-side hook that writes that log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.bench_sessions import ROOT, SENT_HOOK, Change, read_sent, split


def _rounded(pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return sorted((round(a, 6), round(b, 6)) for a, b in pairs)


def test_each_change_is_split_at_its_own_kpi() -> None:
    changes = [Change("Full China ban", 10.0, 11.5), Change("Status quo", 10.0, 12.0)]
    sent = [("Full China ban", 10.4), ("Status quo", 11.0), ("Full China ban", 30.0)]
    assert _rounded(split(changes, sent)) == [(0.4, 1.1), (1.0, 1.0)]


def test_two_sessions_on_one_scenario_are_paired_in_time_order() -> None:
    changes = [Change("Full China ban", 10.0, 12.0), Change("Full China ban", 10.1, 11.0)]
    sent = [("Full China ban", 10.9), ("Full China ban", 10.3)]
    assert _rounded(split(changes, sent)) == [(0.3, 1.7), (0.8, 0.1)]


def test_a_change_the_server_did_not_log_is_left_out() -> None:
    assert split([Change("Full China ban", 10.0, 11.0)], []) == []
    assert split([Change("Full China ban", 10.0, 11.0)], [("Status quo", 10.5)]) == []


def test_the_hook_wraps_streamlits_websocket_and_logs_impact_kpis(tmp_path: Path) -> None:
    """The server loads the hook from its PYTHONPATH; a Streamlit that renamed the websocket
    client would leave the benchmark without its split, so this fails first."""
    log = tmp_path / "sent.jsonl"
    code = """
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette import starlette_websocket as ws
assert ws.StarletteSessionClient.write_forward_msg.__name__ == "logged"
class Closed(Exception): pass
class Client(ws.StarletteSessionClient):
    def __init__(self): pass
ws.SessionClientDisconnectedError = Closed
for label in ("Impact: Full China ban", "Portfolio value"):
    msg = ForwardMsg()
    msg.delta.new_element.metric.label = label
    try:
        ws.StarletteSessionClient.write_forward_msg(Client(), msg)
    except Exception:
        pass  # the real client has no websocket here; the log is written first
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SENT_HOOK), str(ROOT)]),
           "EXPOSURE_BENCH_SENT_LOG": str(log)}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["label"] for r in rows] == ["Impact: Full China ban"]
    assert read_sent(log)[0][0] == "Full China ban"
