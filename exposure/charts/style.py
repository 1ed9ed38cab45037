"""Shared look of every chart: layer colours, the diverging loss/gain scale, fonts, layout and
label helpers. Backgrounds are transparent so the figures read in light and dark themes."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from exposure.formatting import money_tick, nice_ticks
from exposure.labels import SEGMENT_NAMES

LAYER_COLORS: dict[str, str] = {
    "Chips": "#2E6FBA",
    "Cloud": "#E08A1E",
    "Model labs": "#8A4FBF",
    "Startups": "#2A9D8F",
    "China tech": "#C0392B",
    "Funds": "#7F8C8D",
    "Other": "#95A5A6",
}
LOSS = "#C0392B"
GAIN = "#1E8449"
NEUTRAL = "#9AA5B1"
DIVERGING = [
    [0.0, "#B2182B"], [0.25, "#EF8A62"], [0.5, "rgba(150,150,150,0.18)"], [0.75, "#7FBF7B"],
    [1.0, "#1B7837"],
]
"""Red (loss) -> translucent grey (zero) -> green (gain); always used with a symmetric range.
The translucent middle takes the page's own background, so a zero cell is neither a glaring
tile in the dark theme nor a dark one in the light theme."""

DIVERGING_OPAQUE = [
    [0.0, "#B2182B"], [0.25, "#E07B54"], [0.5, "#7F8A96"], [0.75, "#6FAF6B"], [1.0, "#1B7837"],
]
"""The same scale with an opaque mid grey, for nested tiles (treemap): translucent tiles
stacked three deep turn muddy, and their labels lose contrast."""

INK = "#7A8794"
"""Lines and outlines drawn over the data (VaR lines, the selected bar, the expectation):
a mid grey-blue that reads on the light and the dark background alike."""
TOTAL = "#5D7A99"
"""Total bars of waterfalls (readable on both backgrounds)."""

SEGMENT_LABELS: dict[str, str] = SEGMENT_NAMES

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13)


def apply_layout(fig: go.Figure, title: str, height: int = 420,
                 width: int | None = None) -> go.Figure:
    """Title, size, margins that grow to fit labels, transparent backgrounds."""
    fig.update_layout(
        # the title sits at the top of the figure, so a legend above the plot (which pushes
        # the top margin) never runs into it
        title=dict(text=title, x=0.0, xanchor="left", y=1.0, yref="container", yanchor="top",
                   pad=dict(t=12, l=4), font=dict(size=16)),
        height=height,
        width=width,
        margin=dict(l=10, r=10, t=50, b=10),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        hoverlabel=dict(font_size=12),
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def short(text: str, width: int = 34) -> str:
    """A label cut to ``width`` characters at a word boundary, with an ellipsis."""
    text = str(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:(-")
    return cut + "…"


def symmetric_bound(values: np.ndarray) -> float:
    """Half-width of a colour range centred on zero that holds every finite value."""
    finite = values[np.isfinite(values)]
    bound = float(np.abs(finite).max()) if finite.size else 0.0
    return bound if bound > 0 else 1.0


def unique_labels(labels: list[str]) -> list[str]:
    """Make shortened labels unique (plotly merges equal category labels)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        n = seen.get(label, 0)
        seen[label] = n + 1
        out.append(label if n == 0 else f"{label} ({n + 1})")
    return out


def money_axis(fig: go.Figure, values: object, *, axis: str = "x", title: str | None = None,
               include_zero: bool = True, currency: str = "USD", **extra: object) -> go.Figure:
    """Money ticks on one axis, written by :func:`exposure.formatting.money_tick` in
    ``currency`` (``-$100k``, ``€1.2M``; ``values`` already in it), chosen to cover ``values``
    (and zero, unless the axis is zoomed away from it: ``include_zero=False``)."""
    data = np.asarray(values, dtype=float).ravel()
    data = data[np.isfinite(data)]
    if not data.size:
        data = np.array([0.0, 1.0])
    lo, hi = float(data.min()), float(data.max())
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    ticks = nice_ticks(lo, hi)
    settings = dict(tickmode="array", tickvals=ticks, ticktext=[money_tick(t, currency) for t in ticks],
                    **extra)
    if title is not None:
        settings["title"] = title
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**settings)
    return fig


TITLE_BAND = 40
"""Pixels at the top of a figure that belong to its title."""
LEGEND_ROW = 22
"""Pixels of one row of a horizontal legend."""


def legend_above(fig: go.Figure, *, row_width: int = 640) -> go.Figure:
    """A horizontal legend in its own band between the title and the plot, so it covers
    neither the title nor an axis: the top margin grows by one row per ``row_width`` pixels
    of legend entries (an estimate from the names' lengths). Call after :func:`apply_layout`."""
    names = [t.name for t in fig.data if t.name and t.showlegend is not False]
    entries = sum(40 + 7.5 * len(str(n)) for n in names)
    rows = max(1, math.ceil(entries / row_width))
    height = fig.layout.height or 450
    fig.update_layout(
        legend=dict(orientation="h", yref="container", y=1 - TITLE_BAND / height,
                    yanchor="top", x=0, xanchor="left", title=None),
        margin=dict(t=TITLE_BAND + LEGEND_ROW * rows + 12),
    )
    return fig
