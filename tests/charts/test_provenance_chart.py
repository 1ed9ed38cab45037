"""The weighted provenance bar: one stacked 100% bar per input kind, one trace per tier."""

from __future__ import annotations

import pytest

from exposure.charts.provenance import TIER_COLORS, weighted_mix_bar
from exposure.evaluation.provenance import KIND_LABELS


def test_one_bar_per_kind_with_terms_and_one_trace_per_tier_present() -> None:
    weighted = {
        "all": {"primary": 0.2, "press": 0.3, "judgement": 0.5, "stated": 0.0},
        "exposure": {"primary": 0.4, "press": 0.6},
        "shock": {"judgement": 1.0},
        "stake": {},
    }
    fig = weighted_mix_bar(weighted, KIND_LABELS)
    assert [t.name for t in fig.data] == ["primary (filings, rules)", "press", "our judgement"]
    assert list(fig.data[0].y) == ["All inputs", "Exposures", "Shocks"]  # no bar for stakes
    totals = [sum(t.x[i] for t in fig.data) for i in range(3)]
    assert totals == pytest.approx([1.0, 1.0, 1.0])
    assert fig.data[2].marker.color == TIER_COLORS["judgement"]
    assert fig.layout.barmode == "stack"
