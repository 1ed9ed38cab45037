"""First-screen tables drawn as plain HTML (``st.table``), with the sortable grid on demand.

Why: ``st.dataframe`` draws with a canvas grid whose code a new browser session must fetch
and start before the page shows anything else; measured in Chromium (bench/bench_browser.py)
one grid on the Overview held back its KPIs and charts by about 2 s. A short static table
costs nothing of the kind, so the first screen shows the top rows that way, and the full,
sortable, downloadable grid renders only when its expander is opened (lazy: the grid is not
even sent to the browser before).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from exposure.ui.widgets import table

Formatter = Callable[[Any], str]


def dollars(value: float) -> str:
    """Whole dollars with separators, sign first: ``-$12,345``."""
    if value != value:  # NaN
        return ""
    return f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def signed_percent(value: float, digits: int = 1) -> str:
    """A change already in percent, signed: ``-12.3%``."""
    return "" if value != value else f"{value:+.{digits}f}%"


def share(value: float) -> str:
    """A fraction as a percentage: ``0.123`` -> ``12.3%``."""
    return "" if value != value else f"{value * 100:.1f}%"


def day(value: Any) -> str:
    """A date as ``5 Mar 2026``; blank when missing."""
    if value is None or value != value or pd.isna(value):
        return ""
    return f"{pd.Timestamp(value):%-d %b %Y}"


def light_table(frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None, *,
                rows: int = 10) -> None:
    """The first ``rows`` rows of ``frame`` as a static table of text, numbers written by
    ``formats`` (column -> function), other cells as they print.

    The cells are written here rather than by a pandas Styler: on the Overview the Styler
    took about 60 ms of server time per table per run, the text frame well under 1 ms."""
    st.table(text_frame(frame.head(rows), formats), hide_index=True)


def text_frame(frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None) -> pd.DataFrame:
    """Every cell of ``frame`` as the text a reader sees (blank for missing values)."""
    fmt = formats or {}
    return pd.DataFrame({
        str(column): [fmt[column](v) if column in fmt else _plain(v) for v in frame[column]]
        for column in frame.columns})


def _plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def grid_on_demand(label: str, frame: pd.DataFrame, config: Mapping[str, Any] | None = None,
                   *, key: str, **kwargs: Any) -> None:
    """An expander holding the full sortable grid, run only while it is open."""
    box = st.expander(label, key=key, on_change="rerun", icon=":material/table_view:")
    if box.open:
        with box:
            table(frame, config, key=f"{key}_grid", **kwargs)


TOP_ROWS = 10
"""Rows of a first-screen table."""

EXPOSURE_FORMATS: dict[str, Formatter] = {
    "Impact": dollars, "Of which look-through": dollars, "Value": dollars,
    "Value change": signed_percent, "Revenue change": signed_percent,
}
"""Formats of ``widgets.exposures_table`` columns."""
