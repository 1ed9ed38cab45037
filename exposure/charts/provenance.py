"""Pure plotly builder for the provenance mix weighted by impact (one stacked bar per input
kind; see :mod:`exposure.evaluation.provenance`)."""

from __future__ import annotations

import plotly.graph_objects as go

from exposure.charts.style import apply_layout

TIER_COLORS: dict[str, str] = {
    "primary": "#1B5E20",
    "press": "#66BB6A",
    "secondary": "#FBC02D",
    "judgement": "#8E44AD",
    "estimated": "#C39BD3",
    "stated": "#90A4AE",
    "untiered": "#C0392B",
}
"""Greens for reported facts, yellow for aggregators, purples for our own numbers, grey for
values the portfolio states, red for numbers with no tier."""

TIER_LABELS: dict[str, str] = {
    "primary": "primary (filings, rules)", "press": "press", "secondary": "secondary",
    "judgement": "our judgement", "estimated": "our estimate", "stated": "stated in portfolio",
    "untiered": "no tier",
}


def weighted_mix_bar(weighted: dict[str, dict[str, float]], labels: dict[str, str]) -> go.Figure:
    """Horizontal 100% bars: for each input kind (``labels`` maps kind -> axis label, in display
    order), the share of the book's gross impact resting on each tier. Kinds with no terms are
    left out."""
    kinds = [k for k in labels if weighted.get(k)]
    tiers = [t for t in TIER_COLORS if any(weighted[k].get(t, 0.0) > 0 for k in kinds)]
    fig = go.Figure()
    for tier in tiers:
        shares = [weighted[k].get(tier, 0.0) for k in kinds]
        fig.add_bar(
            y=[labels[k] for k in kinds], x=shares, orientation="h", name=TIER_LABELS[tier],
            marker_color=TIER_COLORS[tier],
            text=[f"{v:.0%}" if v >= 0.06 else "" for v in shares], textposition="inside",
            hovertemplate="%{y}: %{x:.1%} " + TIER_LABELS[tier] + "<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.12, title=None))
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of the book's gross impact")
    fig.update_yaxes(autorange="reversed")
    return apply_layout(fig, "What this book's result rests on, by source tier",
                        height=max(300, 44 * len(kinds) + 140))
