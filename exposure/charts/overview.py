"""Pure plotly figure builders: result frames in, ``go.Figure`` out (no Streamlit).

Colours: one colour per layer everywhere, and a diverging red/green scale centred on zero for
impacts. Backgrounds are transparent so the figures read in light and dark themes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import (
    DIVERGING,
    DIVERGING_OPAQUE,
    GAIN,
    INK,
    LOSS,
    NEUTRAL,
    SEGMENT_LABELS,
    TOTAL,
    apply_layout,
    legend_above,
    money_axis,
    symmetric_bound,
    unique_labels,
)
from exposure.display import USD, DisplayMoney
from exposure.formatting import money


def impact_heatmap(
    frame: pd.DataFrame,
    scenario_labels: Mapping[str, str],
    *,
    max_rows: int = 40,
    compact: bool = False,
    width: int | None = None,
    display: DisplayMoney = USD,
) -> go.Figure:
    """Holdings x scenarios heatmap of value change (%), hover with the impact (in
    ``display``'s currency; the frame is in USD).

    ``frame`` has one row per symbol x scenario (``symbol_frame``). Rows are the ``max_rows``
    holdings with the largest value, largest first; the title says how many more there are.
    ``compact`` (phones) leaves the numbers out of the cells.
    """
    f = frame.assign(symbol=frame["symbol"].astype(str), scenario=frame["scenario"].astype(str))
    values = f.groupby("symbol", sort=False)["market_value_usd"].first().sort_values(ascending=False)
    order = values.index[:max_rows]
    more = len(values) - len(order)
    scen = list(dict.fromkeys(f["scenario"]))
    pct = f.pivot(index="symbol", columns="scenario", values="value_change").reindex(
        index=order, columns=scen)
    usd_t = f.pivot(index="symbol", columns="scenario", values="impact_usd").reindex(
        index=order, columns=scen)
    z = pct.to_numpy(dtype=float) * 100
    bound = symmetric_bound(z)
    text = np.vectorize(lambda v: f"{v:+.1f}%")(z) if z.size else z
    custom = np.vectorize(display.money)(usd_t.to_numpy(dtype=float)) if z.size else z
    labels = unique_labels([scenario_labels.get(s, s) for s in scen])
    names = (f.groupby("symbol", sort=False)["name"].first() if "name" in f.columns
             else pd.Series(dtype=str))
    rows = unique_labels([_tile_label(s, str(names.get(s, ""))) for s in order])
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=rows, zmin=-bound, zmax=bound, zmid=0,
        colorscale=DIVERGING, text=text, texttemplate="" if compact else "%{text}",
        textfont=dict(size=10), customdata=custom,
        colorbar=dict(title="value<br>change %", thickness=12),
        hovertemplate="%{y} under %{x}<br>value change %{text}<br>impact %{customdata}"
                      "<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickangle=-30, type="category")
    title = "Value change by holding and scenario"
    if more > 0:
        title += f" (the {len(order)} largest holdings; {more} more not shown)"
    return apply_layout(fig, title, height=max(360, 22 * len(order) + 160), width=width)


def _segment_label(segment: str) -> str:
    return SEGMENT_LABELS.get(segment, segment.replace("_", " "))


def _same_name(a: str, b: str) -> bool:
    """``Chips`` and ``chips``, ``Model labs`` and ``Model lab``: one name said twice."""
    a, b = a.strip().lower(), b.strip().lower()
    return a == b or a.rstrip("s") == b.rstrip("s")


def _tile_label(symbol: str, name: str) -> str:
    """A ticker as it is (``NVDA``); a private company's id by its name (``anthropic`` ->
    ``Anthropic``)."""
    return symbol if symbol.upper() == symbol or not name.strip() else name


def _segment_node(layer: str, segment: str, segments: list[str]) -> bool:
    """Whether a segment gets its own level under its layer: not when the layer has only this
    segment, nor when the segment's name repeats the layer's (no "Chips > chips")."""
    return len(segments) > 1 and not _same_name(_segment_label(segment), layer)


def exposure_treemap(frame: pd.DataFrame, scenario_id: str, scenario_label: str, *,
                     max_holdings: int = 300, display: DisplayMoney = USD) -> go.Figure:
    """Treemap: layer -> segment -> holding, sized by value, coloured by value change (%);
    hover amounts in ``display``'s currency.

    ``frame`` has one row per symbol x scenario. Beyond ``max_holdings`` holdings the smallest
    of each segment are one "N more" tile, so a 5,000-holding book stays a light figure.
    """
    f = frame[frame["scenario"].astype(str) == scenario_id]
    f = f[f["market_value_usd"] > 0].sort_values("market_value_usd", ascending=False)
    shown = set(f["symbol"].astype(str).head(max_holdings))
    ids, labels, parents, values, colors, hover = [], [], [], [], [], []

    def node(key: str, label: str, parent: str, value: float, impact: float, text: str) -> None:
        ids.append(key)
        labels.append(label)
        parents.append(parent)
        values.append(value)
        colors.append(impact / value * 100 if value else 0.0)
        hover.append(f"{text}<br>value {display.money(value)}<br>impact {display.money(impact)}")

    for layer, lf in f.groupby("layer", sort=True, observed=True):
        layer = str(layer)
        node(f"L:{layer}", layer, "", float(lf["market_value_usd"].sum()),
             float(lf["impact_usd"].sum()), layer)
        segments = sorted({str(s) for s in lf["segment"]})
        for seg, sf in lf.groupby("segment", sort=True, observed=True):
            seg = str(seg)
            parent = f"L:{layer}"
            if _segment_node(layer, seg, segments):
                parent = f"S:{layer}/{seg}"
                node(parent, _segment_label(seg), f"L:{layer}",
                     float(sf["market_value_usd"].sum()), float(sf["impact_usd"].sum()),
                     _segment_label(seg))
            rest = sf[~sf["symbol"].astype(str).isin(shown)]
            for row in sf[sf["symbol"].astype(str).isin(shown)].itertuples(index=False):
                node(f"H:{parent}/{row.symbol}", _tile_label(str(row.symbol), str(row.name)), parent,
                     float(row.market_value_usd), float(row.impact_usd),
                     f"{row.name} ({float(row.value_change) * 100:+.1f}%)")
            if len(rest):
                node(f"R:{parent}", f"{len(rest)} more", parent,
                     float(rest["market_value_usd"].sum()), float(rest["impact_usd"].sum()),
                     f"{len(rest)} smaller holdings")
    bound = symmetric_bound(np.array(colors, dtype=float)) if colors else 1.0
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker=dict(colors=colors, colorscale=DIVERGING_OPAQUE, cmin=-bound, cmax=bound, cmid=0,
                    line=dict(width=1, color="rgba(255,255,255,0.35)"),
                    colorbar=dict(title="value<br>change %", thickness=12)),
        hovertext=hover, hoverinfo="text", textinfo="label",
        insidetextfont=dict(color="white"), pathbar=dict(visible=True),
    ))
    return apply_layout(fig, f"Holdings by layer, coloured by impact: {scenario_label}",
                        height=460)


def scenario_bar(portfolio_frame: pd.DataFrame, selected: str | None = None, *,
                 width: int | None = None, display: DisplayMoney = USD) -> go.Figure:
    """Horizontal bar of portfolio impact per scenario (the frame in USD, drawn in
    ``display``'s currency), labelled with the scenarios' short labels (full titles on
    hover); the selected one outlined."""
    f = portfolio_frame.sort_values("impact_usd")
    shown_impact = display.amount(f["impact_usd"].to_numpy(dtype=float))
    names = f["label"] if "label" in f.columns else f["title"]
    colors = [LOSS if v < 0 else GAIN if v > 0 else NEUTRAL for v in f["impact_usd"]]
    widths = [3 if s == selected else 0 for s in f["scenario"]]
    fig = go.Figure(go.Bar(
        x=shown_impact, y=unique_labels([str(t) for t in names]), orientation="h",
        marker=dict(color=colors, line=dict(color=INK, width=widths)),
        text=[display.money(v) for v in f["impact_usd"]], textposition="outside",
        customdata=np.stack([f["probability"] * 100, f["title"], f["impact_pct"] * 100], axis=1),
        hovertemplate="%{customdata[1]}<br>impact %{text} (%{customdata[2]:+.2f}% of the book)"
                      "<br>probability %{customdata[0]:.0f}%<extra></extra>",
    ))
    fig.update_traces(cliponaxis=False)
    fig.add_vline(x=0, line_width=1, line_color=NEUTRAL)
    lo = float(min(shown_impact.min(), 0.0)) if len(f) else 0.0
    hi = float(max(shown_impact.max(), 0.0)) if len(f) else 0.0
    pad = 0.6 * (hi - lo or 1.0)  # room for the outside labels at both ends
    shown = [lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0)]
    money_axis(fig, shown, axis="x", title=display.label("portfolio impact"), range=shown,
               currency=display.currency)
    fig.update_yaxes(type="category")
    return apply_layout(fig, "Portfolio impact per scenario", height=max(300, 42 * len(f) + 110),
                        width=width)


def channel_waterfall(
    contributions: pd.Series,
    channel_names: Mapping[str, str],
    *,
    floor_usd: float = 0.0,
    lookthrough_usd: float | None = None,
    title: str = "Impact by channel",
    display: DisplayMoney = USD,
) -> go.Figure:
    """Waterfall of one holding's impact: one bar per channel (+ floor, + look-through), then
    the total. ``contributions`` is indexed by channel id (USD); drawn in ``display``'s
    currency."""
    items = [(channel_names.get(str(c), str(c)), float(display.amount(float(v))))
             for c, v in contributions.items() if abs(float(v)) > 1e-9]
    if abs(floor_usd) > 1e-9:
        items.append(("floor at -100%", float(display.amount(float(floor_usd)))))
    if lookthrough_usd is not None and abs(lookthrough_usd) > 1e-9:
        items.append(("look-through", float(display.amount(float(lookthrough_usd)))))
    total = sum(v for _, v in items)
    fig = go.Figure(go.Waterfall(
        orientation="v",
        x=[n for n, _ in items] + ["Total"],
        y=[v for _, v in items] + [total],
        measure=["relative"] * len(items) + ["total"],
        text=[money(v, display.currency) for _, v in items] + [money(total, display.currency)],
        textposition="outside",
        decreasing=dict(marker=dict(color=LOSS)),
        increasing=dict(marker=dict(color=GAIN)),
        totals=dict(marker=dict(color=TOTAL)),
        connector=dict(line=dict(color=NEUTRAL, width=1)),
    ))
    levels = np.cumsum([v for _, v in items]) if items else np.zeros(1)
    money_axis(fig, [*levels, total], axis="y", title=display.currency,
               currency=display.currency)
    return apply_layout(fig, title, height=400)


def holding_scenarios_bar(rows: pd.DataFrame, scenario_titles: Mapping[str, str], *,
                          display: DisplayMoney = USD) -> go.Figure:
    """One holding's value change under every scenario (``holding_frame`` rows of one
    symbol), each labelled with its impact in ``display``'s currency."""
    f = rows.assign(title=[scenario_titles.get(str(s), str(s)) for s in rows["scenario"]])
    f = f.sort_values("impact_usd")
    f = f.assign(label=unique_labels([str(t) for t in f["title"]]))
    colors = [LOSS if v < 0 else GAIN if v > 0 else NEUTRAL for v in f["impact_usd"]]
    fig = go.Figure(go.Bar(
        x=f["value_change"] * 100, y=f["label"], orientation="h", marker_color=colors,
        text=[f"{p * 100:+.1f}% ({display.money(v)})"
              for p, v in zip(f["value_change"], f["impact_usd"], strict=True)],
        textposition="auto", hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    fig.add_vline(x=0, line_width=1, line_color=NEUTRAL)
    fig.update_xaxes(title="value change (%)", ticksuffix="%", range=_room_for_text(f["value_change"] * 100))
    return apply_layout(fig, "Across all scenarios", height=max(300, 40 * len(f) + 100))


def _room_for_text(values: pd.Series) -> list[float]:
    """An x range with room beside the longest bars on each side, so that a label written
    outside a bar ("+1.2% ($7.6k)") is never cut at the plot's edge."""
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (hi - lo) or 1.0
    return [lo - (0.6 * span if lo < 0 else 0.05 * span),
            hi + (0.6 * span if hi > 0 else 0.05 * span)]


def shock_comparison(shocks: pd.DataFrame, channel_names: Mapping[str, str]) -> go.Figure:
    """Grouped bars of base shocks per channel for 2-4 scenarios, with low/high as error bars.

    ``shocks`` columns: ``scenario`` (title), ``channel``, ``low``, ``base``, ``high``.
    """
    fig = go.Figure()
    for scen, f in shocks.groupby("scenario", sort=False):
        fig.add_bar(
            name=str(scen), x=[channel_names.get(c, c) for c in f["channel"]], y=f["base"] * 100,
            error_y=dict(type="data", symmetric=False, array=(f["high"] - f["base"]) * 100,
                         arrayminus=(f["base"] - f["low"]) * 100, thickness=1.2),
            hovertemplate="%{x}<br>base %{y:+.0f}%<extra>" + str(scen) + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="shock (% change of the stream)", ticksuffix="%")
    fig.update_xaxes(tickangle=-25)
    fig = apply_layout(fig, "Shocks per channel (bars: central; whiskers: adverse to favourable)",
                       height=500)
    return legend_above(fig)
