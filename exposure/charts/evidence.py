"""Pure plotly builders for the policy timeline and the evidence views."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import GAIN, LOSS, NEUTRAL, apply_layout, unique_labels

TYPE_LABELS: dict[str, str] = {
    "us_rule": "US rule",
    "us_licence": "US licence",
    "us_policy": "US policy",
    "us_deal": "US deal",
    "us_enforcement": "US enforcement",
    "cn_countermeasure": "China countermeasure",
    "allied_rule": "Allied rule",
    "market": "Market shock",
}
MAX_BAR_LABELS = 15
"""Above this many bars the values go to the hover only."""
MAX_POINT_LABELS = 8
"""At most this many tickers printed on a scatter."""

JURISDICTION_COLORS: dict[str, str] = {
    "US": "#1F4E79", "CN": "#C0392B", "NL": "#E67E22", "JP": "#8E44AD", "TW": "#16A085",
    "UAE": "#B7950B", "SA": "#27AE60", "EU": "#2E86C1", "other": "#7F8C8D",
}


def events_frame(events: Sequence[object]) -> pd.DataFrame:
    """Events (``exposure.model.schema.Event``) as a frame: id, date, title, type, type_label,
    jurisdiction, layers (comma-joined), tickers, confidence, source (first URL), tier."""
    rows = [{
        "id": e.id, "date": pd.Timestamp(e.date), "title": e.title, "summary": e.summary,
        "type": e.type, "type_label": TYPE_LABELS.get(e.type, e.type),
        "jurisdiction": e.jurisdiction, "layers": ", ".join(e.layers),
        "tickers": ", ".join(e.tickers), "confidence": e.confidence,
        "source": e.sources[0].url, "tier": e.sources[0].tier,
    } for e in events]  # type: ignore[attr-defined]
    cols = ["id", "date", "title", "summary", "type", "type_label", "jurisdiction", "layers",
            "tickers", "confidence", "source", "tier"]
    return pd.DataFrame(rows, columns=cols).sort_values("date").reset_index(drop=True)


def event_timeline(frame: pd.DataFrame) -> go.Figure:
    """Dated events on one time axis, one row per event type, coloured by jurisdiction."""
    fig = go.Figure()
    for jur, f in frame.groupby("jurisdiction", sort=True):
        fig.add_scatter(
            x=f["date"], y=f["type_label"], mode="markers", name=str(jur),
            marker=dict(size=13, color=JURISDICTION_COLORS.get(str(jur), NEUTRAL),
                        line=dict(width=1, color="white"), symbol="diamond"),
            customdata=np.stack([f["title"], f["layers"], f["tickers"]], axis=1),
            hovertemplate="%{x|%d %b %Y}<br><b>%{customdata[0]}</b><br>layers: %{customdata[1]}"
                          "<br>tickers: %{customdata[2]}<extra>" + str(jur) + "</extra>",
        )
    fig.update_yaxes(categoryorder="array",
                     categoryarray=[v for v in TYPE_LABELS.values() if v in set(frame["type_label"])])
    fig.update_xaxes(title=None, showgrid=True)
    fig.update_layout(legend=dict(orientation="h", y=-0.15, title="jurisdiction"))
    return apply_layout(fig, "Policy timeline", height=380)


def reported_moves_bar(moves: pd.DataFrame) -> go.Figure:
    """Stock moves reported in the news around events (``event``, ``ticker``, ``move_pct``,
    ``basis``): grouped by event, red for falls."""
    # the event by its date (never cut), its full title on hover; one bar a report
    labels = unique_labels([f"{pd.Timestamp(d):%d %b %Y} · {t}"
                            for d, t in zip(moves["date"], moves["ticker"], strict=True)])
    colors = [LOSS if v < 0 else GAIN for v in moves["move_pct"]]
    fig = go.Figure(go.Bar(
        x=moves["move_pct"], y=labels, orientation="h", marker_color=colors,
        text=[f"{v:+.1f}%" for v in moves["move_pct"]], textposition="auto",
        customdata=list(zip(moves["event"], moves["basis"], strict=True)),
        hovertemplate="%{y}<br>%{customdata[0]}<br>%{x:+.2f}%<br>%{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="reported move (%)", ticksuffix="%")
    return apply_layout(fig, "Moves reported in the news around policy events",
                   height=max(320, 26 * len(moves) + 120))


def car_bar(car: pd.DataFrame, title: str) -> go.Figure:
    """CARs for one event and window (``ticker``, ``car``, ``t_stat``); hatched when |t| < 2."""
    f = car.sort_values("car")
    significant = f["t_stat"].abs() >= 2
    fig = go.Figure(go.Bar(
        x=f["ticker"], y=f["car"] * 100,
        marker=dict(color=[LOSS if v < 0 else GAIN for v in f["car"]],
                    pattern=dict(shape=["" if s else "/" for s in significant])),
        customdata=f["t_stat"], text=[f"{v * 100:+.1f}%" for v in f["car"]],
        textposition="outside" if len(f) <= MAX_BAR_LABELS else "none", textangle=0,
        cliponaxis=False,
        hovertemplate="%{x}<br>CAR %{text}<br>t = %{customdata:.2f}<extra></extra>",
    ))
    fig.update_yaxes(title="cumulative abnormal return (%)", ticksuffix="%")
    fig.update_xaxes(type="category", tickangle=-45 if len(f) > MAX_BAR_LABELS else 0)
    # a label that does not fit its bar is left to the hover rather than printed over another
    fig.update_layout(uniformtext=dict(minsize=9, mode="hide"))
    return apply_layout(fig, title + " (hatched: |t| < 2)", height=380)


def predicted_vs_realised(table: pd.DataFrame, title: str) -> go.Figure:
    """Scatter of the model's predicted value change vs the realised move per ticker.

    Only the points that stand apart carry their ticker on the plot (the largest model-market
    gaps, at most :data:`MAX_POINT_LABELS`); the others show it on hover, so labels of
    neighbouring points never print over each other."""
    labelled = set(_apart(table, MAX_POINT_LABELS))
    fig = go.Figure(go.Scatter(
        x=table["predicted"] * 100, y=table["realised"] * 100, mode="markers+text",
        text=[t if i in labelled else "" for i, t in enumerate(table["ticker"])],
        customdata=table["ticker"], textposition="top center",
        marker=dict(size=11, color="#3C7DC4"),
        hovertemplate="%{customdata}<br>model %{x:+.2f}%<br>market %{y:+.2f}%<extra></extra>",
    ))
    fig.add_hline(y=0, line_color=NEUTRAL, line_width=1)
    fig.add_vline(x=0, line_color=NEUTRAL, line_width=1)
    fig.update_xaxes(title="model: predicted value change (%)", ticksuffix="%")
    fig.update_yaxes(title="market: realised move (%)", ticksuffix="%")
    return apply_layout(fig, title, height=400)


def _apart(table: pd.DataFrame, limit: int) -> list[int]:
    """Positions of up to ``limit`` points to label: largest gap between model and market
    first, skipping any point closer than 6% of the axis span to one already labelled."""
    x = table["predicted"].to_numpy(dtype=float)
    y = table["realised"].to_numpy(dtype=float)
    if not len(x):
        return []
    span_x = float(np.nanmax(x) - np.nanmin(x)) or 1.0
    span_y = float(np.nanmax(y) - np.nanmin(y)) or 1.0
    order = np.argsort(-np.abs(np.nan_to_num(y - x)))
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= limit:
            break
        if all(abs(x[i] - x[j]) / span_x > 0.06 or abs(y[i] - y[j]) / span_y > 0.06
               for j in chosen):
            chosen.append(int(i))
    return chosen


def price_with_events(prices: pd.Series, events: pd.DataFrame, title: str) -> go.Figure:
    """A closing-price line with policy events marked as dotted lines and hover markers."""
    fig = go.Figure(go.Scatter(x=prices.index, y=prices.values, mode="lines", name="close",
                               line=dict(color="#1F4E79", width=1.8),
                               hovertemplate="%{x|%d %b %Y}: %{y:$,.2f}<extra></extra>"))
    shown = events[(events["date"] >= prices.index.min()) & (events["date"] <= prices.index.max())]
    if len(shown):
        y = np.interp(shown["date"].astype("int64"), prices.index.astype("int64"),
                      prices.to_numpy(dtype=float))
        for d in shown["date"]:
            fig.add_vline(x=d, line_dash="dot", line_width=1,
                          line_color=JURISDICTION_COLORS.get("US", NEUTRAL), opacity=0.5)
        fig.add_scatter(x=shown["date"], y=y, mode="markers", name="policy event",
                        marker=dict(size=10, symbol="diamond",
                                    color=[JURISDICTION_COLORS.get(j, NEUTRAL) for j in shown["jurisdiction"]]),
                        customdata=shown["title"],
                        hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>")
    fig.update_yaxes(title="close", tickprefix="$")
    fig.update_layout(showlegend=False)
    return apply_layout(fig, title, height=380)


def scorecard_scatter(predictions: pd.DataFrame, title: str) -> go.Figure:
    """Out-of-sample predicted vs realised move per (event, ticker), with the 45-degree line
    (a perfect prediction) and misses marked.

    ``predictions``: ``event``, ``ticker``, ``predicted``, ``realised`` (fractions), ``miss``
    (bool), ``cause`` (str).
    """
    fig = go.Figure()
    x = predictions["predicted"].to_numpy(dtype=float) * 100
    y = predictions["realised"].to_numpy(dtype=float) * 100
    finite = np.concatenate([x[np.isfinite(x)], y[np.isfinite(y)]])
    bound = float(np.max(np.abs(finite))) * 1.05 if finite.size else 1.0
    fig.add_scatter(x=[-bound, bound], y=[-bound, bound], mode="lines", name="perfect prediction",
                    line=dict(color=NEUTRAL, dash="dash", width=1), hoverinfo="skip")
    for is_miss, name, color in ((False, "within 2 standard errors", "#1F4E79"),
                                 (True, "miss (> 2 standard errors off)", LOSS)):
        f = predictions[predictions["miss"] == is_miss]
        if f.empty:
            continue
        fig.add_scatter(
            x=f["predicted"] * 100, y=f["realised"] * 100, mode="markers", name=name,
            marker=dict(size=7 if not is_miss else 9, color=color, opacity=0.65,
                        line=dict(width=0.5, color="white")),
            customdata=np.stack([f["ticker"], f["event"], f["cause"]], axis=1),
            hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]}<br>model %{x:+.2f}%<br>"
                          "market %{y:+.2f}%<br>%{customdata[2]}<extra></extra>",
        )
    fig.add_hline(y=0, line_color=NEUTRAL, line_width=1)
    fig.add_vline(x=0, line_color=NEUTRAL, line_width=1)
    fig.update_xaxes(title="model: predicted value change, out of sample (%)", ticksuffix="%")
    fig.update_yaxes(title="market: CAR [0,+1] vs SPY (%)", ticksuffix="%")
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return apply_layout(fig, title, height=460)


def scorecard_events_bar(per_event: pd.DataFrame, title: str) -> go.Figure:
    """Within-event Spearman per scored event (green above 0, red below), hatched where the
    permutation p-value is 0.05 or more. ``per_event``: ``date`` (ISO text, the axis),
    ``event`` (shown on hover), ``spearman``, ``p``, ``n``."""
    f = per_event.reset_index(drop=True)
    fig = go.Figure(go.Bar(
        x=f["date"], y=f["spearman"],
        marker=dict(color=[GAIN if v > 0 else LOSS for v in f["spearman"]],
                    pattern=dict(shape=["" if p < 0.05 else "/" for p in f["p"]])),
        customdata=np.stack([f["event"], f["p"], f["n"]], axis=1),
        hovertemplate="%{x}<br>%{customdata[0]}<br>Spearman %{y:+.2f}<br>p = %{customdata[1]:.3f}, "
                      "n = %{customdata[2]}<extra></extra>",
    ))
    fig.update_yaxes(title="Spearman (predicted vs realised)", range=[-1, 1])
    fig.update_xaxes(type="category", tickangle=-60, title=None)
    return apply_layout(fig, title + " (hatched: p >= 0.05)", height=400)
