"""Let a new browser session draw the answer before the charts arrive.

A fresh browser session has to load and run plotly's code (4.6 MB) before it can draw the
first chart: about 0.8 s during which the browser's main thread does nothing else. When a
chart reaches the browser in the same burst as the KPIs, the browser often starts on plotly
first and the KPIs wait for it; measured in Chromium on the Overview (``bench/bench_browser.py``,
2 Dec 2026), the KPIs showed at 1.3-3.0 s (median 2.0 s) against 1.0 s on a one-chart page.

So on the first run of a page in a browser session, the page pauses briefly after its KPIs:
what was sent so far is drawn while the server waits, and the charts follow. Measured A/B
(servers with and without the pause side by side, sessions interleaved, 7 rounds, 2 Dec 2026,
floor page 1.22 s / 2.51 s): KPIs / first chart medians were 3.14 / 3.68 s without a pause,
2.07 / 3.62 s with 0.45 s, 1.78 / 3.74 s with 0.6 s and 1.56 / 3.47 s with 0.8 s (slowest
KPIs 1.94 s). The first chart comes no later, because the browser had that time's work to do
anyway; shorter pauses leave the KPIs racing plotly on a busy machine.

How long is enough depends on how much the browser draws with the KPIs. Since the sidebar's
scenario set moved into a popover (nine chips fewer to draw first), 0.6 s is: three A/B runs
on 3 Dec 2026, 8 interleaved sessions each, KPIs / first chart medians: 1.70 / 3.28 s with
0.6 s against 1.70 / 3.45 s with 0.8 s (floor 1.31 / 2.51 s); 1.77 / 3.35 s against
1.60 / 3.42 s (floor 1.23 / 2.51 s); 1.59 / 3.00 s alone (floor 1.19 / 2.36 s). With 0.4 s the
chart came at 3.04 s but three KPIs of eight waited for plotly (2.85-3.11 s).

Only the first run of each page in a session pauses (reruns keep what the browser already
loaded), and only for a browser (a request with a ``User-Agent``): AppTest and the CLI never
wait. ``EXPOSURE_FIRST_PAINT_PAUSE`` sets the pause in seconds (``0`` turns it off).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

PAUSE_S = 0.6
"""Measured on a 2-core machine (module docstring); long enough for the KPIs to be drawn."""
MAX_PAUSE_S = 2.0
"""A longer setting is cut to this: the pause holds a first paint, not the page."""
ENV = "EXPOSURE_FIRST_PAINT_PAUSE"
_DONE = "_first_paint_done"


def pause_seconds(page: str, state: MutableMapping[str, Any], headers: Mapping[str, str],
                  env: Mapping[str, str] = os.environ) -> float:
    """How long ``page`` should pause now (0.0 for no pause), marking it done in ``state``."""
    if not headers.get("User-Agent"):
        return 0.0
    try:
        seconds = float(env.get(ENV, PAUSE_S))
    except ValueError:
        seconds = PAUSE_S
    done: set[str] = state.setdefault(_DONE, set())
    if page in done or seconds <= 0:
        return 0.0
    done.add(page)
    return min(seconds, MAX_PAUSE_S)


def paint_before_charts(page: str) -> None:
    """Call after a page's KPIs, before its first chart (see the module docstring)."""
    seconds = pause_seconds(page, st.session_state, st.context.headers)
    if seconds:
        time.sleep(seconds)
