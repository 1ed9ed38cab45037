"""AppTest: the Methodology page shows the weighted provenance of the book in use; provenance
tables on Methodology and Holding flag stale numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from exposure.evaluation.provenance import book_provenance, provenance_headline
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.apptest_util import errors, markdown_tables, metric_values, page, plotly_specs
from tests.conftest import MINI_DATA


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def test_methodology_shows_the_weighted_mix_of_the_sample_book() -> None:
    at = page("pages/7_Methodology.py?meth_tab=Provenance").run()
    assert errors(at) == []
    catalog = load_catalog(include_home=False)
    expected = provenance_headline(book_provenance(load_portfolio(SAMPLE_PORTFOLIO), catalog,
                                                   lookthrough=False).weighted)
    assert any(m.value == f"**{expected}.**" for m in at.markdown)  # look-through is off
    chart = next(s for s in plotly_specs(at)
                 if s["layout"]["title"]["text"].startswith("What this book's result rests on"))
    bars = {t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in chart["data"]}
    assert bars["our judgement"]["Shocks"] == pytest.approx(1.0)
    assert "Stakes" not in bars["our judgement"]  # no stake terms without look-through
    kpis = metric_values(at)
    assert kpis["Numbers without tier"] == "0"
    assert kpis["Newest policy event"] == str(max(e.date for e in catalog.events.values()))
    heaviest = next(d.value for d in at.dataframe if "Weight" in d.value.columns)
    assert heaviest["Weight"].is_monotonic_decreasing and len(heaviest) == 20
    assert not heaviest["Input"].str.contains(r"segment:|scenario:|_").any()  # names, not ids


def test_methodology_follows_the_lookthrough_switch() -> None:
    at = page("pages/7_Methodology.py?meth_tab=Provenance")
    at.query_params["lt"] = "1"
    at.run()
    assert errors(at) == []
    chart = next(s for s in plotly_specs(at)
                 if s["layout"]["title"]["text"].startswith("What this book's result rests on"))
    labels = {y for t in chart["data"] for y in t["y"]}
    assert {"Stakes", "Contracts", "Fund weights"} <= labels


def test_provenance_tables_flag_stale_numbers() -> None:
    at = page("pages/7_Methodology.py?meth_tab=Provenance").run()
    prov = next(d.value for d in at.dataframe if "Issuer" in d.value.columns
                and "Basis" in d.value.columns)
    assert prov["Stale"].any() and not prov["Stale"].all()
    at.multiselect(key="prov_tier").set_value(["judgement"]).run()
    prov = next(d.value for d in at.dataframe if "Issuer" in d.value.columns
                and "Basis" in d.value.columns)
    assert len(prov) > 0 and set(prov["Tier"]) == {"Judgement"}
    holding = page("pages/3_Holding.py").run()
    holding.selectbox(key="holding").select("INTC").run()
    shown = next(t for t in markdown_tables(holding) if "Stale" in t.columns)
    assert shown.loc[shown["Field"] == "Exposure: Other China revenue", "Stale"].tolist() == ["stale"]
    holding.session_state["profile_table"] = True  # the sortable grid, opened
    table = next(d.value for d in holding.run().dataframe if "Stale" in d.value.columns)
    row = table[table["Field"] == "Exposure: Other China revenue"]
    assert row["Stale"].tolist() == [True]  # FY2024 China share, dated 2025-01-31


def test_untiered_user_scenario_is_counted_on_the_page(home: Path) -> None:
    (home / "scenarios").mkdir(parents=True)
    text = (MINI_DATA / "scenarios" / "boom.yaml").read_text().replace("id: boom", "id: mine")
    (home / "scenarios" / "mine.yaml").write_text(text)
    at = page("pages/7_Methodology.py?meth_tab=Provenance").run()
    assert errors(at) == []
    assert metric_values(at)["Numbers without tier"] == "2"


def test_a_scenario_saved_in_the_editor_passes_validate_data(home: Path) -> None:
    from datetime import date

    from exposure.model.tier_check import untiered_numbers

    at = page("pages/2_Scenarios.py?sc_tab=Editor").run()
    at.selectbox(key="ed_base").select("s2_full_china_ban").run()
    at.slider(key="ed_base_china_ai_sales").set_value(-50).run()
    at.slider(key="ed_prob").set_value(20).run()
    at.text_input(key="ed_id").input("half_china").run()
    at.button(key="ed_save").click().run()
    assert errors(at) == []
    catalog = load_catalog(home=home)
    assert untiered_numbers(catalog, home) == []
    edited = catalog.scenarios["half_china"]
    shock = edited.shocks["china_ai_sales"]
    assert (shock.tier, shock.as_of) == ("judgement", date.today())
    assert "edited by the user in the scenario editor" in (shock.basis or "").lower()
    assert (edited.probability.tier, edited.probability.value) == ("judgement", 0.2)
