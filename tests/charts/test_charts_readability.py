"""Charts a reader can read: money ticks, one Sankey node per entity, no repeated treemap
level, legends clear of axes and titles, labels that do not overprint, day ticks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from exposure.charts import evidence as ce
from exposure.charts import lookthrough as cl
from exposure.charts import overview as co
from exposure.charts import review as crv
from exposure.charts import risk as cr
from exposure.charts import style
from exposure.formatting import money_tick, nice_ticks


@pytest.mark.parametrize(("value", "text"), [
    (-100_000, "-$100k"), (1_500_000, "$1.5M"), (2e9, "$2B"), (0, "$0"), (-250, "-$250"),
    (12_500, "$12.5k"),
])
def test_money_ticks_put_the_sign_before_the_dollar(value: float, text: str) -> None:
    assert money_tick(value) == text


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    ticks = nice_ticks(-183_000, 42_000)
    assert ticks[0] <= -183_000 and ticks[-1] >= 42_000
    assert 0.0 in ticks
    assert len(set(np.diff(ticks).round(6))) == 1  # evenly spaced


@pytest.mark.parametrize("lo, hi", [(1e6, 1e6 + 1e-9), (-1e-12, 1e-12), (-3e9, 4e-7), (5e-300, 1e-299)])
def test_nice_ticks_end_on_any_range(lo: float, hi: float) -> None:
    """A tiny range beside a large value once made the tick loop run until memory ran out
    (found by the any-book property test through the report's scenario bar)."""
    ticks = nice_ticks(lo, hi)
    assert 2 <= len(ticks) <= 24
    assert ticks == sorted(ticks)


def _axis_texts(fig: go.Figure, axis: str = "x") -> list[str]:
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    return list(layout_axis.ticktext)


def test_scenario_bar_axis_reads_minus_dollar() -> None:
    frame = pd.DataFrame({"scenario": ["a", "b"], "label": ["Ban", "Boom"],
                          "title": ["A ban", "A boom"], "impact_usd": [-120_000.0, 30_000.0],
                          "probability": [0.2, 0.1], "impact_pct": [-0.1, 0.02]})
    texts = _axis_texts(co.scenario_bar(frame, "a"))
    assert "-$100k" in texts
    assert not any(t.startswith("$-") for t in texts)


def test_risk_and_review_money_axes_never_write_dollar_minus() -> None:
    pnl = np.random.default_rng(42).normal(-50_000, 40_000, 2_000)
    hist = cr.pnl_histogram(pnl, 120_000, 140_000, 150_000, 170_000)
    trend = pd.DataFrame({"scenario": ["a"], "title": ["A"], "week": ["2026-W49"],
                          "taken_at": [pd.Timestamp("2026-12-02T10:00:01Z")],
                          "impact_usd": [-80_000.0], "snapshot_id": [1],
                          "expected_impact_usd": [-20_000.0]})
    for fig, axis in ((hist, "x"), (crv.impact_trend(trend), "y")):
        texts = _axis_texts(fig, axis)
        assert texts and not any(t.startswith("$-") for t in texts)
        assert any(t.startswith("-$") for t in texts)


def test_var_and_es_are_named_in_the_legend_not_printed_over_each_other() -> None:
    pnl = np.linspace(-200_000, 50_000, 1_000)
    fig = cr.pnl_histogram(pnl, 120_000, 125_000, 126_000, 130_000)
    assert not fig.layout.annotations
    names = [t.name for t in fig.data if t.showlegend]
    assert names == ["VaR 95%: -$120.0k", "ES 95%: -$125.0k", "VaR 99%: -$126.0k",
                     "ES 99%: -$130.0k"]


def test_sankey_has_one_node_per_entity_named_not_by_id() -> None:
    flows = pd.DataFrame({"source": ["MSFT", "openai", "SMH"],
                          "target": ["openai", "MSFT", "NVDA"],
                          "kind": ["equity", "contract", "fund"], "usd": [5e4, 2e4, 1e4]})
    names = {"MSFT": "Microsoft", "openai": "OpenAI", "NVDA": "NVIDIA"}
    sankey = cl.exposure_sankey(flows, names).data[0]
    labels = list(sankey.node.label)
    assert sorted(labels) == ["Microsoft", "NVIDIA", "OpenAI", "SMH"]
    assert not any("(holding)" in label for label in labels)
    assert sankey.node.pad >= 20


def test_treemap_never_repeats_a_layer_as_its_own_segment() -> None:
    frame = pd.DataFrame({
        "scenario": ["s"] * 4, "symbol": ["NVDA", "ASML", "MSFT", "anthropic"],
        "name": ["NVIDIA", "ASML", "Microsoft", "Anthropic"],
        "layer": ["Chips", "Chips", "Cloud", "Model labs"],
        "segment": ["chips", "equipment", "cloud", "model_lab"],
        "market_value_usd": [100.0, 50.0, 80.0, 20.0], "impact_usd": [-10.0, -5.0, 0.0, 1.0],
        "value_change": [-0.1, -0.1, 0.0, 0.05]})
    tree = co.exposure_treemap(frame, "s", "S").data[0]
    parent_label = dict(zip(tree.ids, tree.labels, strict=True))
    for label, parent in zip(tree.labels, tree.parents, strict=True):
        if parent:
            assert label.lower().rstrip("s") != parent_label[parent].lower().rstrip("s"), label
    assert "Chip equipment" in tree.labels  # a real sub-level stays
    assert "Anthropic" in tree.labels and "anthropic" not in tree.labels


def test_compare_legend_sits_between_title_and_plot() -> None:
    shocks = pd.DataFrame({"scenario": ["Diffusion rule 2.0", "Full China ban"] * 2,
                           "channel": ["a", "a", "b", "b"], "low": [-0.5] * 4,
                           "base": [-0.2] * 4, "high": [0.0] * 4})
    fig = co.shock_comparison(shocks, {"a": "A", "b": "B"})
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yref == "container"
    top_of_legend_px = (1 - legend.y) * fig.layout.height
    assert top_of_legend_px >= style.TITLE_BAND - 0.5  # below the title
    assert fig.layout.margin.t >= style.TITLE_BAND + style.LEGEND_ROW  # above the plot


def test_event_scatter_labels_only_points_that_stand_apart() -> None:
    table = pd.DataFrame({"ticker": [f"T{i}" for i in range(20)],
                          "predicted": np.linspace(-0.1, 0.0, 20),
                          "realised": np.linspace(-0.1, 0.0, 20) + 0.001})
    fig = ce.predicted_vs_realised(table, "x")
    shown = [t for t in fig.data[0].text if t]
    assert 0 < len(shown) <= ce.MAX_POINT_LABELS
    assert list(fig.data[0].customdata) == list(table["ticker"])  # every ticker on hover


def test_car_bars_leave_values_to_hover_when_crowded() -> None:
    car = pd.DataFrame({"ticker": [f"T{i}" for i in range(30)],
                        "car": np.linspace(-0.05, 0.05, 30), "t_stat": np.ones(30)})
    fig = ce.car_bar(car, "x")
    assert fig.data[0].textposition == "none"
    assert fig.layout.uniformtext.mode == "hide"


def test_one_snapshot_trend_has_day_ticks_not_sub_second_ones() -> None:
    trend = pd.DataFrame({"scenario": ["a"], "title": ["A"], "week": ["2026-W49"],
                          "taken_at": [pd.Timestamp("2026-12-02T10:00:01Z")],
                          "impact_usd": [-80_000.0], "snapshot_id": [1],
                          "expected_impact_usd": [-20_000.0]})
    axis = crv.impact_trend(trend).layout.xaxis
    assert axis.dtick == 86_400_000
    start, end = (pd.Timestamp(v) for v in axis.range)
    assert end - start >= pd.Timedelta(days=7)
    assert axis.tickformat == "%d %b %Y"


def test_figures_have_transparent_backgrounds() -> None:
    fig = style.apply_layout(go.Figure(), "t")
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert fig.layout.plot_bgcolor == "rgba(0,0,0,0)"


def test_heatmap_zero_is_translucent_so_dark_theme_has_no_glaring_tiles() -> None:
    mid = dict((pos, color) for pos, color in style.DIVERGING)[0.5]
    assert mid.startswith("rgba(") and float(mid.rstrip(")").split(",")[-1]) <= 0.3
