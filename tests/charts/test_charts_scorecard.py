"""Pure plotly builders of the scorecard: the 45-degree line, misses apart, hatching by p."""

from __future__ import annotations

import pandas as pd

from exposure.charts.evidence import scorecard_events_bar, scorecard_scatter

PAIRS = pd.DataFrame({
    "event": ["a", "a", "b"], "ticker": ["NVDA", "AMD", "MU"],
    "predicted": [-0.02, 0.01, -0.05], "realised": [-0.03, 0.30, -0.04],
    "miss": [False, True, False], "cause": ["", "channel missing: ...", ""],
})


def test_scatter_draws_the_45_degree_line_over_every_point_and_splits_misses() -> None:
    fig = scorecard_scatter(PAIRS, "t")
    diagonal, inside, misses = fig.data
    assert list(diagonal.x) == list(diagonal.y) and diagonal.x[1] >= 30.0 and diagonal.x[0] <= -30.0
    assert list(inside.customdata[:, 0]) == ["NVDA", "MU"]
    assert list(misses.customdata[:, 0]) == ["AMD"] and misses.y[0] == 30.0
    assert fig.layout.yaxis.title.text.startswith("market: CAR [0,+1]")


def test_event_bars_are_hatched_where_not_significant() -> None:
    per_event = pd.DataFrame({"date": ["2025-01-13", "2025-04-16"], "event": ["x", "y"],
                              "spearman": [0.6, -0.2], "p": [0.01, 0.7], "n": [20, 21]})
    bar = scorecard_events_bar(per_event, "t").data[0]
    assert list(bar.marker.pattern.shape) == ["", "/"]
    assert list(bar.x) == ["2025-01-13", "2025-04-16"]
