"""Chart builders: assertions on the figure data a reader would see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exposure.charts import overview as charts
from exposure.charts import style
from exposure.evaluation.book import evaluate_book
from exposure.formatting import money
from exposure.holdings.load import load_portfolio
from tests.conftest import MINI_DATA


@pytest.fixture
def ev(mini_catalog):
    return evaluate_book(load_portfolio(MINI_DATA / "portfolio.yaml"), mini_catalog).evaluation


def test_heatmap_cells_are_value_change_percent_with_a_zero_centred_scale(ev) -> None:
    fig = charts.impact_heatmap(ev.holding_frame(), {"ban": "China ban", "boom": "Gulf boom"})
    trace = fig.data[0]
    assert list(trace.x) == ["China ban", "Gulf boom"]
    # by market value, largest first; a private company by its name, not its id
    assert list(trace.y) == ["BBB", "AAA", "Lab Co", "ZZZ"]
    assert trace.z[1][0] == pytest.approx(-15.0)  # AAA under ban: -15%
    assert trace.z[2][0] == pytest.approx(-100.0)  # labco floored at -100%
    assert trace.zmid == 0 and trace.zmin == -trace.zmax


def test_scenario_bar_sorts_by_impact_and_colours_losses_red(ev) -> None:
    fig = charts.scenario_bar(ev.portfolio_frame(), selected="boom")
    bar = fig.data[0]
    assert list(bar.x) == pytest.approx([-735.0, 60.0])
    assert list(bar.marker.color) == [style.LOSS, style.GAIN]
    assert list(bar.marker.line.width) == [0, 3]  # the selected scenario is outlined


def test_treemap_sizes_sum_to_portfolio_value_and_colours_are_value_change(ev) -> None:
    fig = charts.exposure_treemap(ev.holding_frame(), "ban", "China ban")
    tm = fig.data[0]
    roots = [v for v, p in zip(tm.values, tm.parents, strict=True) if p == ""]
    assert sum(roots) == pytest.approx(3600.0)
    leaf = next(i for i, x in enumerate(tm.ids) if x.endswith("/AAA"))
    assert tm.marker.colors[leaf] == pytest.approx(-15.0)
    assert "chips" not in tm.labels  # segments by name ("Chip designers"), not by raw id


def test_a_large_book_shows_its_largest_holdings_and_counts_the_rest() -> None:
    n = 1000
    frame = pd.DataFrame({
        "symbol": [f"S{i:04d}" for i in range(n)], "name": [f"S{i}" for i in range(n)],
        "segment": ["chips"] * n, "layer": ["Chips"] * n, "profile_source": ["profile"] * n,
        "scenario": ["s"] * n, "market_value_usd": np.arange(n, 0, -1, dtype=float),
        "impact_usd": -np.arange(n, 0, -1, dtype=float) / 10, "value_change": [-0.1] * n,
        "revenue_change": [-0.1] * n})
    tm = charts.exposure_treemap(frame, "s", "S", max_holdings=300).data[0]
    assert len(tm.ids) < 310 and "700 more" in tm.labels
    roots = [v for v, p in zip(tm.values, tm.parents, strict=True) if p == ""]
    assert sum(roots) == pytest.approx(frame["market_value_usd"].sum())
    heat = charts.impact_heatmap(frame, {"s": "S"}, max_rows=40)
    assert len(heat.data[0].y) == 40 and "960 more" in heat.layout.title.text


def test_waterfall_bars_add_up_to_the_total(ev) -> None:
    j = ev.scenario_index("ban")
    contrib = pd.Series(ev.contributions("ban")[0], index=list(ev.profiles.channel_ids))
    fig = charts.channel_waterfall(contrib, {"china_ai_sales": "China AI"},
                                   floor_usd=float(ev.floor_adjustment_usd("ban")[0]))
    wf = fig.data[0]
    assert list(wf.x) == ["China AI", "Total"]  # zero channels are left out
    assert wf.y[-1] == pytest.approx(ev.impact_usd[0, j])
    assert list(wf.measure) == ["relative", "total"]


def test_waterfall_shows_the_floor_as_its_own_bar(mini_catalog) -> None:
    ev = evaluate_book(load_portfolio(MINI_DATA / "portfolio.yaml"), mini_catalog, ["ban"], case="adverse").evaluation
    i = list(ev.profiles.symbols).index("labco")
    contrib = pd.Series(ev.contributions("ban")[i], index=list(ev.profiles.channel_ids))
    fig = charts.channel_waterfall(contrib, {}, floor_usd=float(ev.floor_adjustment_usd("ban")[i]))
    wf = fig.data[0]
    assert "floor at -100%" in list(wf.x)
    assert wf.y[-1] == pytest.approx(-500.0)


def test_shock_comparison_has_one_trace_per_scenario_with_ranges() -> None:
    shocks = pd.DataFrame([
        {"scenario": "A", "channel": "c1", "low": -0.5, "base": -0.2, "high": 0.0},
        {"scenario": "B", "channel": "c1", "low": 0.1, "base": 0.3, "high": 0.4},
    ])
    fig = charts.shock_comparison(shocks, {"c1": "Channel one"})
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[0].y) == pytest.approx([-20.0])
    assert list(fig.data[0].error_y.arrayminus) == pytest.approx([30.0])
    assert list(fig.data[1].error_y.array) == pytest.approx([10.0])


def test_short_labels_cut_at_a_word_and_stay_unique() -> None:
    assert style.short("Full China ban including downgraded chips", 20) == "Full China ban…"
    assert style.short("Short", 20) == "Short"
    assert style.unique_labels(["a…", "a…"]) == ["a…", "a… (2)"]


def test_usd_formatting() -> None:
    assert money(-1_234_567) == "-$1.23M"
    assert money(45_600) == "$45.6k"
    assert money(2.5e9) == "$2.50B"


def test_a_book_without_links_gets_an_empty_sankey_not_an_error() -> None:
    from exposure.charts.lookthrough import exposure_sankey
    from exposure.lookthrough.entities import sankey_frame

    fig = exposure_sankey(sankey_frame([]), {})
    assert fig.layout.annotations[0].text == "No look-through paths for this portfolio"
