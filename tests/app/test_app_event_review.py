"""AppTest of "New since your data" on the Evidence page: drafts pulled from the Federal
Register are accepted (into the timeline, marked as reviewed) or dismissed (kept, not shown)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st

from exposure.evidence.drafts import add_pulled, drafts_path, load_drafts
from exposure.market.federal_register import parse_page
from exposure.model.catalog import load_catalog
from tests.apptest_util import errors, page, plotly_specs
from tests.fedreg_server import RECORDED, federal_register_replay

BUNDLED_EVENTS = len(load_catalog(include_home=False).events)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _pulled_drafts(home: Path) -> None:
    """The recorded documents as drafts, as a pull made before the bundled data covered them."""
    docs = []
    for name in ("bis_2026_page1.json", "bis_2026_page2.json"):
        docs.extend(parse_page(json.loads((RECORDED / name).read_text()))[0])
    assert len(add_pulled(docs, [], home)) == 3


def _timeline_points(at) -> int:  # type: ignore[no-untyped-def]
    spec = next(s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "Policy timeline")
    return sum(len(t["x"]) for t in spec["data"])


def _timeline_table(at):  # type: ignore[no-untyped-def]
    at.session_state["events_table"] = True  # the grid of every event, opened
    return next(d.value for d in at.run().dataframe if "Added" in d.value.columns)


def test_accept_one_and_dismiss_one(home: Path) -> None:
    _pulled_drafts(home)
    at = page("pages/4_Evidence.py").run()
    assert errors(at) == []
    assert any(e.label.startswith("New since your data (3)") for e in at.expander)
    suggested = at.multiselect(key="rev_ch_fr_2026-00789").value
    assert suggested == ["china_ai_sales"]  # "advanced computing" / "semiconductor" in the text

    at.multiselect(key="rev_ch_fr_2026-00789").set_value(["china_ai_sales", "china_other_sales"])
    at.multiselect(key="rev_sc_fr_2026-00789").set_value(["s8_china_reopening"])
    at.button(key="rev_accept_fr_2026-00789").click().run()
    assert errors(at) == []
    assert any("is now in the timeline" in s.value for s in at.success)
    assert _timeline_points(at) == BUNDLED_EVENTS + 1
    table = _timeline_table(at)
    mine = table[table["Added"] == "Reviewed by you"]
    assert mine["Event"].tolist() == [
        "Revision to License Review Policy for Advanced Computing Commodities"]
    assert mine["Source"].iloc[0].startswith("https://www.federalregister.gov/documents/2026/01/15/")

    at.button(key="rev_dismiss_fr_2026-06851").click().run()
    assert errors(at) == []
    assert any(e.label.startswith("New since your data (1)") for e in at.expander)
    assert _timeline_points(at) == BUNDLED_EVENTS + 1  # a dismissed draft is not an event

    saved = {d.id: d for d in load_drafts(home)}
    assert saved["fr_2026-00789"].status == "accepted"
    assert saved["fr_2026-00789"].channels == ["china_ai_sales", "china_other_sales"]
    assert saved["fr_2026-00789"].scenarios == ["s8_china_reopening"]
    assert saved["fr_2026-06851"].status == "dismissed"
    assert saved["fr_2026-14132"].status == "unreviewed"
    catalog = load_catalog(home=home)
    assert "fr_2026-00789" in catalog.scenarios["s8_china_reopening"].events
    assert catalog.events["fr_2026-00789"].layers == ["chips", "china_tech"]


def test_accepted_event_shows_up_under_its_scenario_in_model_vs_market(home: Path) -> None:
    _pulled_drafts(home)
    at = page("pages/4_Evidence.py").run()
    at.multiselect(key="rev_sc_fr_2026-14132").set_value(["s6_gulf_megadeals"])
    at.button(key="rev_accept_fr_2026-14132").click().run()
    at.query_params["ev_tab"] = "Model vs market"  # the tab runs when shown
    at.run()
    at.selectbox(key="ev_val_event").set_value("fr_2026-14132").run()
    assert errors(at) == []
    assert at.selectbox(key="ev_val_scenario").value == "s6_gulf_megadeals"
    assert at.selectbox(key="ev_val_scenario").options == [
        "Gulf mega-deals approved and scaled (upside)"]


def test_pull_button_offline_says_so_and_changes_nothing(home: Path) -> None:
    at = page("pages/4_Evidence.py").run()
    at.button(key="rev_pull").click().run()
    assert any("Offline: nothing pulled" in i.value for i in at.info)
    assert not drafts_path(home).exists()


def test_pull_button_with_current_data_finds_nothing_new(home: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with federal_register_replay() as replay:
        monkeypatch.setenv("EXPOSURE_OFFLINE", "0")
        monkeypatch.setenv("EXPOSURE_FEDREG_URL", replay.root)
        at = page("pages/4_Evidence.py").run()
        at.button(key="rev_pull").click().run()
    assert errors(at) == []
    assert any("0 new document(s) from the Federal Register" in i.value for i in at.info)
    assert len(replay.requests) == 2  # both pages were read; the three rules are all bundled
    assert not drafts_path(home).exists()
