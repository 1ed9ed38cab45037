"""AppTest of the Overview page on the bundled sample portfolio."""

from __future__ import annotations

import pytest
import streamlit as st

from exposure.holdings.load import load_portfolio
from exposure.ui.sidebar import set_summary
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import (
    OVERVIEW_HEATMAP,
    errors,
    markdown_tables,
    metric_values,
    page,
    plotly_specs,
)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def test_overview_renders_kpis_and_charts_without_errors() -> None:
    at = page().run()
    assert errors(at) == []
    kpis = metric_values(at)
    assert kpis["Portfolio value"].startswith("$")
    assert "Probability-weighted impact" in kpis
    assert "Most exposed holding" in kpis
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert "Portfolio impact per scenario" in titles  # the first view; the others when shown
    for view, title in (("By layer", "Holdings by layer"),
                        ("Holding × scenario", "Value change by holding and scenario")):
        at.query_params["ov_view"] = view
        at.run()
        assert errors(at) == []
        titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
        assert any(t.startswith(title) for t in titles), view
        assert "Portfolio impact per scenario" not in titles, view


def test_changing_the_scenario_changes_the_kpis() -> None:
    at = page().run()
    before = metric_values(at)
    at.sidebar.selectbox(key="scenario").select("s3_sme_escalation").run()
    after = metric_values(at)
    impact_before = next(v for k, v in before.items() if k.startswith("Impact:"))
    impact_after = next(v for k, v in after.items() if k.startswith("Impact:"))
    assert impact_before != impact_after
    assert any(k.startswith("Impact: Chip-tool escalation") for k in after)
    # the portfolio value does not depend on the scenario
    assert before["Portfolio value"] == after["Portfolio value"]


def test_heatmap_has_one_row_per_holding_and_one_column_per_scenario() -> None:
    at = page(OVERVIEW_HEATMAP).run()
    heat = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith("Value change"))
    trace = heat["data"][0]
    assert len(trace["y"]) == len(load_portfolio(SAMPLE_PORTFOLIO).holdings)
    assert len(trace["x"]) == 9  # scenario library


def test_scenario_set_from_the_url_limits_the_bars() -> None:
    at = page()
    at.query_params["set"] = ["s1_diffusion_2", "s2_full_china_ban"]
    at.query_params["scenario"] = "s2_full_china_ban"
    at.run()
    assert errors(at) == []
    bars = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "Portfolio impact per scenario")
    assert len(bars["data"][0]["y"]) == 2


def test_scenario_set_is_chosen_in_a_popover_that_says_how_many() -> None:
    at = page().run()
    (box,) = at.sidebar.get("popover")
    assert box.proto.popover.label == "Scenario set: all 9"
    assert [w.key for w in box.get("multiselect")] == ["set"]  # the control is inside it
    at.multiselect(key="set").set_value(["s1_diffusion_2", "s2_full_china_ban"]).run()
    assert errors(at) == []
    (box,) = at.sidebar.get("popover")
    assert box.proto.popover.label == "Scenario set: 2 of 9"
    bars = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "Portfolio impact per scenario")
    assert len(bars["data"][0]["y"]) == 3  # the set and the selected scenario (the first)
    assert at.query_params["set"] == ["s1_diffusion_2", "s2_full_china_ban"]


@pytest.mark.parametrize(("chosen", "label"), [
    (["a", "b", "c"], "Scenario set: all 3"),
    (["b"], "Scenario set: 1 of 3"),
    ([], "Scenario set: none (the selected scenario only)"),
    (["b", "gone"], "Scenario set: 1 of 3"),  # a scenario no longer in the library
])
def test_set_summary_counts_the_library_scenarios_chosen(chosen: list[str], label: str) -> None:
    assert set_summary(chosen, ["a", "b", "c"]) == label


def test_top_exposures_table_is_sorted_by_loss() -> None:
    at = page().run()
    top = markdown_tables(at)[0]  # the first screen: a light table of the largest losses, as text
    assert list(top.columns[:2]) == ["Holding", "Impact"]  # the key columns first
    assert len(at.dataframe) == 0  # no grid before it is asked for
    at.session_state["top_exposures"] = True  # open "All N rows: sort, search, download"
    at.run()
    table = at.dataframe[0].value
    assert list(table["Impact"]) == sorted(table["Impact"])
    assert len(table) == 28 > len(top) == 10  # every holding of the sample book
    assert list(top["Holding"]) == list(table["Holding"][:10])
    assert list(top["Impact"]) == [f"-${-v:,.0f}" if v < 0 else f"${v:,.0f}"
                                   for v in table["Impact"][:10]]
    assert set(table["Profile"]) <= {"Company profile", "Segment default"}


def test_sample_uses_segment_default_only_where_intended() -> None:
    at = page()
    at.session_state["top_exposures"] = True
    at.run()
    table = at.dataframe[0].value
    defaulted = set(table.loc[table["Profile"] == "Segment default", "Holding"])
    assert {h.split("(")[-1].rstrip(")") for h in defaulted} == {"SMH", "SOXX"}  # the funds,
    # until the look-through switch is on
