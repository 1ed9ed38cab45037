"""Helpers for AppTest-based page tests."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


OVERVIEW_BY_LAYER = "app.py?ov_view=By+layer"
"""The Overview with its treemap view open (each chart view runs only when shown)."""
OVERVIEW_HEATMAP = "app.py?ov_view=Holding+%C3%97+scenario"
"""The Overview with its holdings x scenarios heatmap view open."""


def page(path: str = "app.py", timeout: float = 30) -> AppTest:
    """An AppTest of the app, switched to ``path`` (``app.py`` or ``pages/<name>.py``, with
    an optional query string such as ``?meth_tab=Glossary``, which opens that tab of a page
    whose tabs run only when shown).

    The entry point is always ``app.py`` (absolute path: AppTest resolves relative paths
    against the calling file), as in the real server, so page links resolve.
    """
    path, _, query = path.partition("?")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if path != "app.py":
        at.switch_page(path)
    for name, value in parse_qsl(query):
        at.query_params[name] = value
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def plotly_specs(at: AppTest) -> list[dict]:
    import json

    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error] + [str(e.value) for e in at.exception]


def plotly_array(value: object) -> list:
    """A plotly figure-JSON array as a list: plain lists as they are, typed arrays
    (``{"dtype": "f8", "bdata": "<base64>"}``, plotly 6+) decoded."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            raw = raw.reshape([int(n) for n in str(shape).split(",")])
        return raw.tolist()
    return list(value)  # type: ignore[call-overload]



def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every Markdown table on the page (the light first-screen tables), cells as shown."""
    out = []
    for block in at.markdown:
        lines = [ln for ln in str(block.value).splitlines() if ln.startswith("|")]
        if len(lines) < 2 or not set(lines[1]) <= set("|:- "):
            continue
        rows = [[_unescape(c.strip()) for c in _cells(ln)] for ln in lines]
        out.append(pd.DataFrame(rows[2:], columns=rows[0]))
    return out


def _cells(line: str) -> list[str]:
    """The cells of one table row, splitting on ``|`` that is not escaped."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
