"""First-screen tables drawn as Markdown, with the sortable grid on demand.

Why: measured in Chromium (bench/browser_util.py traces), a new browser session must fetch and
parse the code of every kind of element on the page before React shows any of them: the
canvas grid of ``st.dataframe``, the Arrow reader behind ``st.table`` (0.7 MB) and the code
highlighter behind ``st.code`` (1.5 MB) held the Overview's KPIs back by about 2 s. A Markdown
table needs only the Markdown renderer every page loads anyway. So the first screen shows the
top rows that way, and the full, sortable, downloadable grid renders only when its expander is
opened (lazy: the grid is not even sent to the browser before).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from exposure.display import USD, DisplayMoney
from exposure.ui.widgets import current_display, table

Formatter = Callable[[Any], str]
MONEY = "money"
"""In ``formats``: the column holds USD amounts, written in whole units of the display
currency (:meth:`DisplayMoney.whole`: ``-$12,345``, ``-€10,567``)."""
LINK = "link"
"""In ``formats``: the column holds web addresses, each shown as a link named by its site
(``sec.gov``); anything that is not a plain http(s) address is shown as text."""
Format = Formatter | str


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


def light_table(frame: pd.DataFrame, formats: Mapping[str, Format] | None = None, *,
                rows: int = 10) -> None:
    """The first ``rows`` rows of ``frame`` as a Markdown table, numbers written by
    ``formats`` (column -> function, or :data:`MONEY`) and right-aligned, other cells as they
    print."""
    fmt = formats or {}
    links = [c for c, f in fmt.items() if f == LINK]
    st.markdown(markdown_table(text_frame(frame.head(rows), fmt, current_display()),
                               right=[c for c in frame.columns if c in fmt and c not in links],
                               links=links))


def markdown_table(cells: pd.DataFrame, right: list[str] | None = None,
                   links: list[str] | None = None) -> str:
    """A GitHub-style Markdown table of text cells, every Markdown character escaped (cells
    may hold names typed by users), ``right`` columns right-aligned, ``links`` columns' web
    addresses written as links (:func:`link`)."""
    aligned = set(right or [])
    linked = [c in set(links or []) for c in cells.columns]
    head = "| " + " | ".join(escape(str(c)) for c in cells.columns) + " |"
    rule = "|" + "|".join("---:" if c in aligned else ":---" for c in cells.columns) + "|"
    body = ["| " + " | ".join(link(v) if is_link else escape(v)
                              for v, is_link in zip(row, linked, strict=True)) + " |"
            for row in cells.itertuples(index=False)]
    return "\n".join([head, rule, *body])


WEB_ADDRESS = re.compile(r"^https?://(?:www\.)?([A-Za-z0-9.-]+)(?::\d+)?(?:[/?#]\S*)?$")


def link(text: str) -> str:
    """A web address as a Markdown link named by its site (``[sec.gov](https://...)``); the
    address is percent-encoded where Markdown or the table would read it (``( ) | $ < >``, ...).
    Anything else (another scheme, a space, no address) is shown as escaped text."""
    found = WEB_ADDRESS.match(text.strip())
    return markdown_link(found.group(1) if found else text, text)


def markdown_link(label: str, address: str) -> str:
    """``[label](address)`` with the label shown literally (:func:`escape`: no LaTeX, emoji
    codes or nested links from a title) and the address percent-encoded where Markdown would
    read it; just the label when the address is not a plain http(s) one."""
    if not WEB_ADDRESS.match(address.strip()):
        return escape(label)
    return f"[{escape(label)}]({quote(address.strip(), safe=SAFE_IN_ADDRESS)})"


SAFE_IN_ADDRESS = ":/?#@!&'*+,;=%-._~"
"""Characters left as they are in a link's address; the rest (``( ) | $ < > [ ]`` and spaces,
...) are percent-encoded."""


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~^=:])")


def escape(text: str) -> str:
    """``text`` shown literally by Streamlit's Markdown (``$`` would start LaTeX, ``|`` end
    a cell, ``[..](..)`` make a link); line breaks become spaces."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).split()))


def text_frame(frame: pd.DataFrame, formats: Mapping[str, Format] | None = None,
               display: DisplayMoney = USD) -> pd.DataFrame:
    """Every cell of ``frame`` as the text a reader sees (blank for missing values), money
    columns in ``display``'s currency."""
    fmt = {c: display.whole if f == MONEY else f for c, f in (formats or {}).items()
           if f != LINK}
    return pd.DataFrame({
        str(column): [fmt[column](v) if column in fmt else _plain(v)  # type: ignore[operator]
                      for v in frame[column]]
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

EXPOSURE_FORMATS: dict[str, Format] = {
    "Impact": MONEY, "Of which look-through": MONEY, "Value": MONEY,
    "Value change": signed_percent, "Revenue change": signed_percent,
}
"""Formats of ``widgets.exposures_table`` columns."""
