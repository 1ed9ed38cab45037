"""Pure plotly builders for the weekly review: diff frames in, ``go.Figure`` out.

Inputs are the frames of :class:`exposure.review.diff.SnapshotDiff` and
:func:`exposure.review.store.impact_trend`. Same colours and layout as :mod:`exposure.charts`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from exposure.charts.style import (
    GAIN,
    INK,
    LOSS,
    NEUTRAL,
    TOTAL,
    apply_layout,
    legend_above,
    money_axis,
    short,
    unique_labels,
)
from exposure.display import USD, DisplayMoney
from exposure.formatting import money

TREND_EXPECTED = "Probability-weighted"


def value_bridge_waterfall(bridge: pd.DataFrame, *, display: DisplayMoney = USD) -> go.Figure:
    """Waterfall from the previous total to the current one: price moves, position changes,
    added and removed holdings, cash (``SnapshotDiff.bridge``, USD; drawn in ``display``'s
    currency)."""
    bridge = bridge.assign(amount_usd=display.amount(bridge["amount_usd"].astype(float)))
    fig = go.Figure(go.Waterfall(
        orientation="v",
        x=list(bridge["step"]),
        y=[float(v) for v in bridge["amount_usd"]],
        measure=list(bridge["measure"]),
        text=[money(float(v), display.currency) for v in bridge["amount_usd"]],
        textposition="outside",
        decreasing=dict(marker=dict(color=LOSS)),
        increasing=dict(marker=dict(color=GAIN)),
        totals=dict(marker=dict(color=TOTAL)),
        connector=dict(line=dict(color=NEUTRAL, width=1)),
        hovertemplate="%{x}<br>%{text}<extra></extra>",
    ))
    shown = _bridge_range(bridge)
    levels = _levels(bridge)
    money_axis(fig, shown if shown is not None else levels, axis="y",
               title=display.label("portfolio value"), range=shown, include_zero=False,
               currency=display.currency)
    return apply_layout(fig, "Value bridge: price moves vs position changes", height=420)


def _levels(bridge: pd.DataFrame) -> list[float]:
    """The running level after each step of the bridge."""
    levels: list[float] = []
    level = 0.0
    for amount, measure in zip(bridge["amount_usd"], bridge["measure"], strict=True):
        level = float(amount) if measure in ("absolute", "total") else level + float(amount)
        levels.append(level)
    return levels


def _bridge_range(bridge: pd.DataFrame) -> list[float] | None:
    """A y range that zooms onto the running levels, so that week-over-week steps of a
    fraction of a percent stay visible next to the totals (None: plotly's default)."""
    levels = _levels(bridge)
    if not levels:
        return None
    lo, hi = min(levels), max(levels)
    pad = max((hi - lo) * 0.6, abs(hi) * 0.002, 1.0)
    bottom = lo - pad
    return [0.0 if bottom < 0 <= lo else bottom, hi + pad * 0.6]


def exposure_change_bar(exposures: pd.DataFrame, scenario_id: str, scenario_title: str,
                        *, max_rows: int = 25, display: DisplayMoney = USD) -> go.Figure:
    """Horizontal bars: change in each holding's impact under one scenario, largest moves
    first (``SnapshotDiff.exposures``, USD; holdings with no change are left out), drawn in
    ``display``'s currency."""
    f = exposures[(exposures["scenario"] == scenario_id)
                  & exposures["impact_change_usd"].notna()
                  & (exposures["impact_change_usd"].abs() > 0.005)]
    f = f.reindex(f["impact_change_usd"].abs().sort_values(ascending=False).index)
    f = f.head(max_rows).iloc[::-1]
    colors = [LOSS if v < 0 else GAIN for v in f["impact_change_usd"]]
    fig = go.Figure(go.Bar(
        x=display.amount(f["impact_change_usd"]), y=unique_labels([str(s) for s in f["symbol"]]),
        orientation="h", marker_color=colors,
        text=[display.money(float(v)) for v in f["impact_change_usd"]], textposition="auto",
        customdata=[[display.money(float(o)), display.money(float(n))]
                    for o, n in zip(f["old_impact_usd"], f["new_impact_usd"], strict=True)],
        hovertemplate="%{y}<br>impact %{customdata[0]} -> %{customdata[1]}"
                      "<br>change %{text}<extra></extra>",
    ))
    fig.add_vline(x=0, line_width=1, line_color=NEUTRAL)
    money_axis(fig, display.amount(f["impact_change_usd"]), axis="x",
               title=display.label("change in impact"), currency=display.currency)
    return apply_layout(fig, f"Change in impact per holding: {scenario_title}",
                   height=max(300, 26 * len(f) + 130))


def portfolio_change_bar(portfolio: pd.DataFrame, *, display: DisplayMoney = USD) -> go.Figure:
    """Grouped bars: portfolio impact per scenario in the previous and current snapshot
    (``SnapshotDiff.portfolio``, USD, drawn in ``display``'s currency; a ``label`` column, the
    scenarios' short labels, names the bars when present, else the title shortened)."""
    names = (portfolio["label"] if "label" in portfolio
             else [short(t) for t in portfolio["title"]])
    labels = unique_labels([str(n) for n in names])
    fig = go.Figure()
    for col, name, color in (("old_impact_usd", "Previous", NEUTRAL),
                             ("new_impact_usd", "Current", "#2E6FBA")):
        fig.add_bar(name=name, y=labels, x=display.amount(portfolio[col]), orientation="h",
                    marker_color=color,
                    hovertemplate="%{y}<br>" + name + f" {display.hover('x')}<extra></extra>")
    fig.update_layout(barmode="group")
    money_axis(fig, display.amount(portfolio[["old_impact_usd", "new_impact_usd"]].to_numpy()),
               axis="x", title=display.label("portfolio impact"), currency=display.currency)
    return legend_above(apply_layout(fig, "Portfolio impact per scenario: previous vs current",
                                     height=max(300, 48 * len(portfolio) + 130)))


def impact_trend(trend: pd.DataFrame, labels: Mapping[str, str] | None = None, *,
                 display: DisplayMoney = USD) -> go.Figure:
    """Lines of portfolio impact per scenario over every snapshot, plus the
    probability-weighted expectation dashed (``review_store.impact_trend``, USD; drawn in
    ``display``'s currency). ``labels``: the scenarios' short labels by id; a scenario without
    one is named by its whole title."""
    trend = trend.assign(impact_usd=display.amount(trend["impact_usd"].astype(float)),
                         expected_impact_usd=display.amount(
                             trend["expected_impact_usd"].astype(float)))
    fig = go.Figure()
    for scen, f in trend.groupby("scenario", sort=False):
        title = str(f["title"].iloc[-1])
        name = (labels or {}).get(str(scen)) or title
        fig.add_scatter(x=f["taken_at"], y=f["impact_usd"], mode="lines+markers",
                        name=name, customdata=f["week"],
                        hovertemplate=f"%{{customdata}}<br>{display.hover('y')}<extra>"
                                      + name + "</extra>",
                        legendgroup=str(scen))
    per_snapshot = trend.drop_duplicates("snapshot_id")
    if len(per_snapshot):
        fig.add_scatter(x=per_snapshot["taken_at"], y=per_snapshot["expected_impact_usd"],
                        mode="lines+markers", name=TREND_EXPECTED,
                        line=dict(color=INK, dash="dash", width=3),
                        hovertemplate=f"{display.hover('y')}<extra>{TREND_EXPECTED}</extra>")
    fig.add_hline(y=0, line_width=1, line_color=NEUTRAL)
    money_axis(fig, [*trend["impact_usd"], *trend["expected_impact_usd"]], axis="y",
               title=display.label("portfolio impact"), currency=display.currency)
    _date_axis(fig, trend["taken_at"])
    return legend_above(apply_layout(fig, "Portfolio impact per scenario over all snapshots",
                                     height=440))


def _date_axis(fig: go.Figure, when: pd.Series) -> None:
    """Days on the time axis, never sub-second ticks: with one snapshot (or a few taken the
    same day) the axis spans a week around them with one tick a day."""
    times = pd.to_datetime(pd.Series(when), utc=True).dropna()
    fig.update_xaxes(type="date", tickformat="%d %b %Y", title=None)
    if times.empty:
        return
    first, last = times.min(), times.max()
    if last - first < pd.Timedelta(days=7):
        middle = first + (last - first) / 2
        start = (middle - pd.Timedelta(days=3.5)).floor("D")
        fig.update_xaxes(range=[start.tz_localize(None), (start + pd.Timedelta(days=7)).tz_localize(None)],
                         dtick=86_400_000, tick0=start.tz_localize(None))
