"""Shared look of every chart: layer colours, the diverging loss/gain scale, fonts, layout and
label helpers. Backgrounds are transparent so the figures read in light and dark themes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

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

MONEY_TICKS = "$~s"
"""d3 format for money axes: -$100k, $1.2M (never $-100k)."""

SEGMENT_LABELS: dict[str, str] = {
    "chips": "Chip designers", "equipment": "Equipment", "memory": "Memory", "cloud": "Cloud",
    "model_lab": "Model labs", "startup": "Startups", "china_tech": "China tech", "fund": "Funds",
    "unclassified": "Unclassified",
}

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13)


def apply_layout(fig: go.Figure, title: str, height: int = 420,
                 width: int | None = None) -> go.Figure:
    """Title, size, margins that grow to fit labels, transparent backgrounds."""
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left", font=dict(size=16)),
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
