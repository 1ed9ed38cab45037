"""Pure plotly builders for the uncertainty views: distribution with VaR/ES, tornado."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import (
    GAIN,
    INK,
    LOSS,
    NEUTRAL,
    apply_layout,
    legend_above,
    money_axis,
)
from exposure.display import USD, DisplayMoney
from exposure.formatting import money


def pnl_histogram(pnl: np.ndarray, var_95: float, es_95: float, var_99: float,
                  es_99: float, *, bins: int = 80, display: DisplayMoney = USD) -> go.Figure:
    """Histogram of simulated portfolio change with VaR/ES lines (losses drawn negative); the
    inputs in USD, drawn in ``display``'s currency.

    A point mass at zero (the "no policy change" draws) shows as its own tall bar.
    """
    counts, edges = np.histogram(pnl, bins=bins)
    edges = display.amount(edges)
    centres = (edges[:-1] + edges[1:]) / 2
    share = counts / max(len(pnl), 1) * 100
    colors = [LOSS if c < 0 else GAIN if c > 0 else NEUTRAL for c in centres]
    fig = go.Figure(go.Bar(
        x=centres, y=share, marker_color=colors, width=np.diff(edges),
        customdata=np.stack([edges[:-1], edges[1:]], axis=1),
        hovertemplate=f"{display.hover('customdata[0]')} to {display.hover('customdata[1]')}"
                      "<br>%{y:.2f}% of draws<extra></extra>",
        name="draws",
    ))
    top = float(share.max()) if share.size else 1.0
    for value, label, dash in ((var_95, "VaR 95%", "dash"), (es_95, "ES 95%", "solid"),
                               (var_99, "VaR 99%", "dot"), (es_99, "ES 99%", "dashdot")):
        # lines named in the legend, not annotated on the plot: VaR and ES often lie close
        # together and their labels would print over each other
        at = float(display.amount(-value))
        fig.add_scatter(x=[at, at], y=[0, top * 1.05], mode="lines",
                        name=f"{label}: {display.money(-value)}", showlegend=True,
                        line=dict(color=INK, dash=dash, width=1.5),
                        hovertemplate=f"{label}: {display.money(-value)}<extra></extra>")
    money_axis(fig, edges, axis="x", title=display.label("portfolio value change"),
               currency=display.currency)
    fig.update_yaxes(title="% of draws")
    fig.update_layout(bargap=0)
    fig.data[0].showlegend = False
    return legend_above(apply_layout(fig, "Distribution of portfolio change over simulated outcomes",
                                     height=440))


def tornado_chart(frame: pd.DataFrame, channel_names: Mapping[str, str], *,
                  top: int = 10, title: str = "What drives the spread",
                  display: DisplayMoney = USD) -> go.Figure:
    """Tornado: per channel, portfolio impact with the shock at its low vs high end, around
    the base case. ``frame`` columns: channel, low_usd, base_usd, high_usd, swing_usd (USD;
    drawn in ``display``'s currency)."""
    f = frame[frame["swing_usd"] > 0].nlargest(top, "swing_usd").iloc[::-1]
    if f.empty:
        fig = go.Figure()
        fig.add_annotation(text="No shock in this scenario has a range", showarrow=False)
        return apply_layout(fig, title, height=240)
    base = float(display.amount(float(f["base_usd"].iloc[0])))
    labels = [channel_names.get(c, c) for c in f["channel"]]
    low, high = display.amount(f["low_usd"]), display.amount(f["high_usd"])
    lo = np.minimum(low, high) - base
    hi = np.maximum(low, high) - base
    fig = go.Figure()
    fig.add_bar(y=labels, x=lo, base=base, orientation="h", name="shock at low end",
                marker_color=LOSS, customdata=low,
                hovertemplate=f"%{{y}}<br>low end: {display.hover('customdata')}<extra></extra>")
    fig.add_bar(y=labels, x=hi, base=base, orientation="h", name="shock at high end",
                marker_color=GAIN, customdata=high,
                hovertemplate=f"%{{y}}<br>high end: {display.hover('customdata')}<extra></extra>")
    fig.add_vline(x=base, line_color=INK, line_width=1.5,
                  annotation_text=f"base {money(base, display.currency)}",
                  annotation_position="top")
    fig.update_layout(barmode="overlay")
    money_axis(fig, [*(base + lo), *(base + hi), base], axis="x",
               title=display.label("portfolio impact"), include_zero=False,
               currency=display.currency)
    return legend_above(apply_layout(fig, title, height=max(280, 36 * len(f) + 140)))
