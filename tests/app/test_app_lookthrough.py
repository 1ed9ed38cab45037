"""AppTest of the look-through switch, the effective-exposure Sankey and the waterfall bar."""

from __future__ import annotations

import pytest
import streamlit as st

from tests.apptest_util import errors, markdown_tables, metric_values, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _impact(at) -> str:  # type: ignore[no-untyped-def]
    return next(v for k, v in metric_values(at).items() if k.startswith("Impact:"))


def test_switch_changes_the_impacts_and_lands_in_the_url() -> None:
    at = page()
    at.query_params["scenario"] = "s5_model_weight_controls"
    at.run()
    off = _impact(at)
    at.sidebar.toggle(key="lt").set_value(True).run()
    assert errors(at) == []
    assert _impact(at) != off
    assert at.query_params.get("lt") == "1"
    at.sidebar.toggle(key="lt").set_value(False).run()
    assert _impact(at) == off


def test_effective_exposure_sankey_and_entities_show_labs_held_through_listed_stocks() -> None:
    at = page().run()
    shown = next(t for t in markdown_tables(at) if "Indirect" in t.columns)  # first screen
    assert "Anthropic" in set(shown["Entity"])
    at.session_state["entities"] = True  # open the sortable grids
    at.session_state["entities_breakdown"] = True
    at.run()
    sankey = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "sankey")
    labels = sankey["data"][0]["node"]["label"]
    assert "Anthropic" in labels and "OpenAI" in labels and "NVIDIA" in labels
    assert len(labels) == len(set(labels))  # one node per entity, no "openai (holding)"
    entities = next(d.value for d in at.dataframe if "Indirect" in d.value.columns)
    anthropic = entities.set_index("Entity").loc["Anthropic"]
    assert anthropic["Direct"] == pytest.approx(200_000)  # the private mark held
    assert anthropic["Indirect"] > 0  # through AMZN / GOOGL / NVDA / MSFT stakes
    breakdown = next(d.value for d in at.dataframe if "Via funds" in d.value.columns)
    assert breakdown.set_index("Entity").loc["NVIDIA", "Via funds"] > 0  # through SMH, SOXX


def test_holding_waterfall_gets_a_look_through_bar_that_adds_up() -> None:
    at = page("pages/3_Holding.py")
    at.query_params["scenario"] = "s5_model_weight_controls"
    at.query_params["lt"] = "1"
    at.run()
    at.selectbox(key="holding").select("AMD").run()
    assert errors(at) == []
    wf = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "waterfall")["data"][0]
    assert "look-through" in wf["x"]
    assert sum(wf["y"][:-1]) == pytest.approx(wf["y"][-1])
    assert _impact(at).startswith("-$")


def test_fund_holding_lists_its_sourced_constituent_weights() -> None:
    at = page("pages/3_Holding.py")
    at.query_params["lt"] = "1"
    at.run()
    at.selectbox(key="holding").select("SMH").run()
    table = next(t for t in markdown_tables(at) if "Field" in t.columns)
    assert "Weight of NVIDIA (NVDA)" in set(table["Field"])
    assert table["Source"].str.fullmatch(r"\[[a-z0-9.-]+\]\(https?://\S+\)").all()  # links
    assert any("is a fund" in i.value for i in at.info)


def test_top_exposures_show_the_look_through_part_when_on() -> None:
    at = page()
    at.query_params["scenario"] = "s5_model_weight_controls"
    at.query_params["lt"] = "1"
    at.session_state["top_exposures"] = True  # the sortable grid of every holding
    at.run()
    table = next(d.value for d in at.dataframe if "Impact" in d.value.columns)
    amd = table.set_index("Holding").loc["Advanced Micro Devices (AMD)"]
    assert amd["Of which look-through"] < 0  # AMD's OpenAI contract
    at.sidebar.toggle(key="lt").set_value(False).run()
    table = next(d.value for d in at.dataframe if "Impact" in d.value.columns)
    assert "Of which look-through" not in table.columns
    assert "Of which look-through" not in markdown_tables(at)[0].columns
