"""AppTest of the Scenarios page: library, comparison, editor save and share links."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from exposure.model.catalog import load_catalog
from exposure.scenarios.share import decode_share, encode_scenario
from exposure.scenarios.store import visible_scenarios
from tests.apptest_util import errors, metric_values, page
from tests.conftest import ROOT

EDITOR = "pages/2_Scenarios.py?sc_tab=Editor"
"""The Scenarios page with its Editor tab shown (each tab runs only when shown)."""


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def test_library_shows_every_scenario_card() -> None:
    at = page("pages/2_Scenarios.py").run()
    assert errors(at) == []
    catalog = load_catalog()
    headings = " ".join(m.value for m in at.markdown)
    for scenario in catalog.scenarios.values():
        assert scenario.title in headings


def test_editor_save_creates_a_valid_scenario_in_the_store(home: Path) -> None:
    at = page(EDITOR).run()
    at.selectbox(key="ed_base").select("s2_full_china_ban").run()
    at.slider(key="ed_base_china_ai_sales").set_value(-50).run()
    at.text_input(key="ed_title").input("Half of China AI sales lost").run()
    at.text_input(key="ed_id").input("half_china").run()
    at.button(key="ed_save").click().run()
    assert errors(at) == []
    assert any("Saved 'half_china'" in s.value for s in at.success)
    assert any("version 1" in s.value for s in at.success)
    catalog = load_catalog(home=home)  # validates the stored scenario like any data file
    scenario = catalog.scenarios["half_china"]
    assert catalog.is_user("scenario", "half_china")
    assert scenario.title == "Half of China AI sales lost"
    assert scenario.shocks["china_ai_sales"].base == pytest.approx(-0.5)


def test_editor_refuses_to_overwrite_a_bundled_scenario(home: Path) -> None:
    at = page(EDITOR).run()
    at.text_input(key="ed_id").input("s2_full_china_ban").run()
    at.button(key="ed_save").click().run()
    assert any("bundled scenario" in e.value for e in at.error)
    assert "s2_full_china_ban" not in [d.name for d in visible_scenarios(home)]


def test_editing_changes_the_preview_impact() -> None:
    at = page(EDITOR).run()
    at.selectbox(key="ed_base").select("s2_full_china_ban").run()
    before = metric_values(at)["Edited scenario: portfolio impact"]
    at.slider(key="ed_base_china_ai_sales").set_value(-100).run()
    at.slider(key="ed_range_china_ai_sales").set_value((-100, 0)).run()
    after = metric_values(at)["Edited scenario: portfolio impact"]
    assert before != after


def test_share_url_round_trips_the_edited_scenario() -> None:
    at = page(EDITOR).run()
    at.selectbox(key="ed_base").select("s6_gulf_megadeals").run()
    at.slider(key="ed_base_tier2_ai_sales").set_value(60).run()
    at.slider(key="ed_range_tier2_ai_sales").set_value((20, 90)).run()
    at.slider(key="ed_prob").set_value(33).run()
    token = at.query_params["edit"]
    assert len(token) < 300  # only the edits travel, so links stay short
    shared, base = decode_share(token, load_catalog().scenarios)
    assert base == "s6_gulf_megadeals"
    assert shared.shocks["tier2_ai_sales"].base == pytest.approx(0.6)

    st.cache_data.clear()
    st.cache_resource.clear()
    fresh = page("pages/2_Scenarios.py")  # a new session opening the link: the Editor shows
    fresh.query_params["edit"] = token
    fresh.run()
    assert errors(fresh) == []
    assert fresh.slider(key="ed_base_tier2_ai_sales").value == 60
    assert fresh.slider(key="ed_range_tier2_ai_sales").value == (20, 90)
    assert fresh.slider(key="ed_prob").value == 33
    assert fresh.selectbox(key="ed_base").value == "s6_gulf_megadeals"
    assert metric_values(fresh)["Edited scenario: portfolio impact"] == \
        metric_values(at)["Edited scenario: portfolio impact"]


def test_a_damaged_share_link_shows_an_error_and_the_library_scenario() -> None:
    at = page("pages/2_Scenarios.py")
    at.query_params["edit"] = "not-a-valid-token!!"
    at.run()
    assert any("Could not open the shared scenario" in e.value for e in at.error)
    assert not at.exception


def test_encode_decode_is_identity_for_every_library_scenario() -> None:
    library = load_catalog().scenarios
    for scenario in library.values():
        assert decode_share(encode_scenario(scenario), library) == (scenario, None)
        assert decode_share(encode_scenario(scenario, scenario), library) == (scenario, scenario.id)


def test_moving_the_base_outside_its_range_widens_the_range() -> None:
    at = page(EDITOR).run()
    at.selectbox(key="ed_base").select("s2_full_china_ban").run()
    low, high = at.slider(key="ed_range_china_ai_sales").value
    at.slider(key="ed_base_china_ai_sales").set_value(high + 20).run()
    assert at.slider(key="ed_range_china_ai_sales").value == (low, high + 20)
    assert not at.error


def test_a_user_scenario_that_disappears_drops_out_of_the_selection(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(EDITOR).run()
    at.text_input(key="ed_id").input("temp_scn").run()
    at.button(key="ed_save").click().run()
    at.run()  # the sidebar rendered before the save; the next run lists the new scenario
    assert any(o.endswith("· yours") for o in at.sidebar.selectbox(key="scenario").options)
    at.sidebar.selectbox(key="scenario").select("temp_scn").run()
    monkeypatch.setenv("EXPOSURE_HOME", str(tmp_path / "another workspace"))
    at.run()
    assert errors(at) == []
    assert at.sidebar.selectbox(key="scenario").value != "temp_scn"


def test_values_the_sliders_cannot_show_exactly_are_not_treated_as_edits(home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    text = (ROOT / "data" / "scenarios" / "s2_full_china_ban.yaml").read_text()
    text = text.replace("id: s2_full_china_ban", "id: fine_grained", 1)
    scenario_yaml_text = text.replace("probability:\n  value: 0.07", "probability:\n  value: 0.075", 1)
    (home / "scenarios" / "fine_grained.yaml").write_text(scenario_yaml_text)
    catalog = load_catalog(home=home)
    assert catalog.scenarios["fine_grained"].probability.value == pytest.approx(0.075)
    at = page(EDITOR).run()
    at.selectbox(key="ed_base").select("fine_grained").run()
    assert "edit" not in at.query_params  # nothing edited yet, so no share token
    at.slider(key="ed_prob").set_value(20).run()
    assert decode_share(at.query_params["edit"], load_catalog(home=home).scenarios)[0].probability.value == 0.2


def test_each_tab_runs_only_when_shown_and_the_tab_is_in_the_url() -> None:
    at = page("pages/2_Scenarios.py").run()
    assert not [s for s in at.slider if s.key and s.key.startswith("ed_")]  # editor not run
    assert "Edited scenario: portfolio impact" not in metric_values(at)
    at = page("pages/2_Scenarios.py?sc_tab=Compare").run()
    assert errors(at) == []
    assert at.multiselect(key="compare").value
    assert not [s for s in at.slider if s.key and s.key.startswith("ed_")]
    assert "Probability" not in metric_values(at)  # the library's cards did not run
    at = page(EDITOR).run()
    assert at.slider(key="ed_prob") and "Edited scenario: portfolio impact" in metric_values(at)
