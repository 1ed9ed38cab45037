"""Charts are built once per evaluation and shared by every session: a second session, or a
return to a scenario already shown, builds no figure, and every session sees the figure of
its own scenario."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st

from exposure.charts import overview as charts
from exposure.ui.loaders import frame_figure
from tests.apptest_util import OVERVIEW_BY_LAYER, OVERVIEW_HEATMAP, errors, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the Overview chart builders called, in order."""
    calls: list[str] = []
    for name in ("scenario_bar", "exposure_treemap", "impact_heatmap"):
        real = getattr(charts, name)

        def counting(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counting)
    return calls


def _treemap_title(at) -> str:  # type: ignore[no-untyped-def]
    return next(s["layout"]["title"]["text"] for s in plotly_specs(at)
                if s["layout"]["title"]["text"].startswith("Holdings by layer"))


@pytest.mark.parametrize(("path", "built"), [
    ("app.py", "scenario_bar"), (OVERVIEW_BY_LAYER, "exposure_treemap"), (OVERVIEW_HEATMAP, "impact_heatmap")])
def test_a_second_session_builds_no_chart_and_sees_the_same_ones(builds: list[str], path: str,
                                                                 built: str) -> None:
    first = page(path).run()
    assert errors(first) == []
    assert builds == [built]  # only the view shown is built
    builds.clear()
    second = page(path).run()
    assert errors(second) == []
    assert builds == []
    assert plotly_specs(second) == plotly_specs(first)


def test_the_overview_views_are_tabs_that_run_when_shown(builds: list[str]) -> None:
    at = page().run()
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert [t for t in titles if t.startswith(("Holdings by layer", "Value change"))] == []
    assert [t.label for t in at.tabs] == ["Per scenario", "By layer", "Holding × scenario"]
    at.query_params["ov_view"] = "Holding × scenario"
    at.run()
    assert errors(at) == [] and builds == ["scenario_bar", "impact_heatmap"]
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert any(t.startswith("Value change") for t in titles)
    assert "Portfolio impact per scenario" not in titles


def test_a_scenario_change_builds_its_charts_once_and_shows_that_scenario(
        builds: list[str]) -> None:
    at = page(OVERVIEW_BY_LAYER).run()
    before = _treemap_title(at)
    builds.clear()
    at.sidebar.selectbox(key="scenario").select("s3_sme_escalation").run()
    assert builds == ["exposure_treemap"]
    assert _treemap_title(at) != before and "Chip-tool escalation" in _treemap_title(at)
    builds.clear()
    other = page(OVERVIEW_BY_LAYER)
    other.query_params["scenario"] = "s3_sme_escalation"
    other.run()
    assert builds == []
    assert _treemap_title(other) == _treemap_title(at)
    at.sidebar.selectbox(key="scenario").select("s0_status_quo").run()
    assert builds == [] and _treemap_title(at) == before


def test_look_through_is_its_own_evaluation_with_its_own_charts(builds: list[str]) -> None:
    off = page(OVERVIEW_BY_LAYER).run()
    builds.clear()
    on = page(OVERVIEW_BY_LAYER)
    on.query_params["lt"] = "1"
    on.run()
    assert errors(on) == []
    assert "exposure_treemap" in builds
    assert json.dumps(plotly_specs(on)) != json.dumps(plotly_specs(off))


def test_frame_figures_are_keyed_by_content() -> None:
    calls: list[int] = []

    def build(frame: pd.DataFrame) -> go.Figure:
        calls.append(1)
        return go.Figure(go.Bar(x=frame["x"], y=frame["y"]))

    a = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    same = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    changed = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 3.0]})
    fig = frame_figure("bar", [a], build=lambda: build(a))
    assert frame_figure("bar", [same], build=lambda: build(same)) is fig
    assert len(calls) == 1
    other = frame_figure("bar", [changed], build=lambda: build(changed))
    assert len(calls) == 2 and list(other.data[0].y) == [1.0, 3.0]
    assert frame_figure("bar", [a], "another title", build=lambda: build(a)) is not fig
