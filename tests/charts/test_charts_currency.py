"""Chart builders in the display currency: the frames stay in USD, every drawn amount is the
USD amount times the rate, and ticks, titles, labels and hover say the currency. Without a
display the figures are exactly the USD ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from exposure.charts import lookthrough as cl
from exposure.charts import overview as co
from exposure.charts import review as crv
from exposure.charts import risk as cr
from exposure.display import DisplayMoney
from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from tests.conftest import MINI_DATA

EUR = DisplayMoney("EUR", 0.9, "reference", None, "EUR")


@pytest.fixture
def ev(mini_catalog):
    return evaluate_book(load_portfolio(MINI_DATA / "portfolio.yaml"), mini_catalog).evaluation


def _ticks(fig: go.Figure, axis: str) -> list[str]:
    return list((fig.layout.xaxis if axis == "x" else fig.layout.yaxis).ticktext)


def _in_euros(fig: go.Figure, axis: str, title: str) -> None:
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    assert layout_axis.title.text == title
    assert all(t.lstrip("-").startswith("€") for t in _ticks(fig, axis))


def test_scenario_bar_draws_euros(ev) -> None:
    usd = co.scenario_bar(ev.portfolio_frame())
    eur = co.scenario_bar(ev.portfolio_frame(), display=EUR)
    assert list(eur.data[0].x) == pytest.approx([v * 0.9 for v in usd.data[0].x])
    assert usd.layout.xaxis.title.text == "portfolio impact (USD)"
    _in_euros(eur, "x", "portfolio impact (EUR)")
    assert all("€" in t for t in eur.data[0].text)


def test_heatmap_treemap_waterfall_and_holding_bar_say_euros(ev) -> None:
    frame = ev.holding_frame()
    heat = co.impact_heatmap(frame, {"ban": "ban", "boom": "boom"}, display=EUR)
    assert all("€" in c or c == "€0" for row in heat.data[0].customdata for c in row)
    tree = co.exposure_treemap(frame, "ban", "ban", display=EUR)
    assert all("value €" in h for h in tree.data[0].hovertext)
    fall = co.channel_waterfall(pd.Series({"c1": -100.0, "c2": 50.0}), {}, display=EUR)
    assert list(fall.data[0].y) == pytest.approx([-90.0, 45.0, -45.0])
    _in_euros(fall, "y", "EUR")
    bars = co.holding_scenarios_bar(frame[frame["symbol"] == "AAA"], {}, display=EUR)
    assert all("€" in t for t in bars.data[0].text)


def test_risk_charts_draw_euros() -> None:
    pnl = np.array([-1000.0, -500.0, 0.0, 0.0, 200.0])
    usd = cr.pnl_histogram(pnl, 500.0, 1000.0, 1000.0, 1000.0, bins=5)
    eur = cr.pnl_histogram(pnl, 500.0, 1000.0, 1000.0, 1000.0, bins=5, display=EUR)
    assert [t.x[0] for t in eur.data[1:]] == pytest.approx([t.x[0] * 0.9 for t in usd.data[1:]])
    _in_euros(eur, "x", "portfolio value change (EUR)")
    assert "EUR" in eur.data[0].hovertemplate and "$" not in eur.data[0].hovertemplate
    assert "$" in usd.data[0].hovertemplate  # the USD figure as before
    tornado = cr.tornado_chart(pd.DataFrame({
        "channel": ["c1"], "low_usd": [-300.0], "base_usd": [-100.0], "high_usd": [0.0],
        "swing_usd": [300.0]}), {}, display=EUR)
    _in_euros(tornado, "x", "portfolio impact (EUR)")
    assert tornado.data[0].base == pytest.approx(-90.0)
    assert list(eur.data[0].x) == pytest.approx([x * 0.9 for x in usd.data[0].x])


def test_sankey_and_review_charts_draw_euros() -> None:
    sankey = cl.exposure_sankey(pd.DataFrame({"source": ["MSFT"], "target": ["openai"],
                                              "kind": ["equity"], "usd": [1000.0]}), {},
                                display=EUR)
    assert list(sankey.data[0].link.value) == pytest.approx([900.0])
    assert "EUR" in sankey.data[0].node.hovertemplate
    bridge = pd.DataFrame({"step": ["previous", "price moves", "now"],
                           "amount_usd": [1000.0, 100.0, 1100.0],
                           "measure": ["absolute", "relative", "total"]})
    fall = crv.value_bridge_waterfall(bridge, display=EUR)
    assert list(fall.data[0].y) == pytest.approx([900.0, 90.0, 990.0])
    _in_euros(fall, "y", "portfolio value (EUR)")
    portfolio = pd.DataFrame({"scenario": ["s"], "title": ["S"], "old_impact_usd": [-100.0],
                              "new_impact_usd": [-200.0]})
    change = crv.portfolio_change_bar(portfolio, display=EUR)
    assert list(change.data[1].x) == pytest.approx([-180.0])
    _in_euros(change, "x", "portfolio impact (EUR)")
