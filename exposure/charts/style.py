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
    [0.0, "#B2182B"], [0.25, "#EF8A62"], [0.5, "#F2F2F2"], [0.75, "#7FBF7B"], [1.0, "#1B7837"],
]
"""Red (loss) -> light grey (zero) -> green (gain); always used with a symmetric range."""

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13)


def apply_layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left", font=dict(size=16)),
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        hoverlabel=dict(font_size=12),
    )
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
