"""AppTest of the Holding and Methodology pages."""

from __future__ import annotations

import re

import pytest
import streamlit as st

from tests.apptest_util import errors, markdown_tables, metric_values, page, plotly_specs


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def test_holding_page_shows_waterfall_sources_and_scenarios() -> None:
    at = page("pages/3_Holding.py")
    at.query_params["scenario"] = "s2_full_china_ban"
    at.run()
    assert errors(at) == []
    at.selectbox(key="holding").select("NVDA").run()
    specs = plotly_specs(at)
    waterfall = next(s for s in specs if s["data"][0]["type"] == "waterfall")
    assert waterfall["data"][0]["x"][-1] == "Total"
    assert "China AI compute sales" in waterfall["data"][0]["x"]
    assert len(at.dataframe) == 0  # no grid on the first screen: Markdown tables
    shown = next(t for t in markdown_tables(at) if "Source" in t.columns)
    assert list(shown.columns) == ["Field", "Value", "Tier", "As of", "Source", "Stale"]
    assert "Revenue" in set(shown["Field"])
    at.session_state["profile_table"] = True  # "Sort, search, download"
    table = next(d.value for d in at.run().dataframe if "Source" in d.value.columns)
    assert table["Source"].str.startswith("http").all()
    assert list(table["Field"]) == list(shown["Field"])
    sites = [re.sub(r"^https?://(www\.)?", "", u).split("/")[0] for u in table["Source"]]
    assert [c.split("]")[0][1:] for c in shown["Source"]] == sites
    assert any(k.startswith("Impact: Full China ban") for k in metric_values(at))


def test_holding_with_segment_default_is_clearly_marked() -> None:
    at = page("pages/3_Holding.py").run()
    at.selectbox(key="holding").select("SMH").run()
    assert any("segment's default profile" in w.value for w in at.warning)


def test_waterfall_total_matches_the_kpi_impact() -> None:
    at = page("pages/3_Holding.py").run()
    at.selectbox(key="holding").select("ASML").run()
    waterfall = next(s for s in plotly_specs(at) if s["data"][0]["type"] == "waterfall")
    ys = waterfall["data"][0]["y"]
    assert sum(ys[:-1]) == pytest.approx(ys[-1])


def test_methodology_page_shows_formulas_channels_and_provenance() -> None:
    at = page("pages/7_Methodology.py").run()
    assert errors(at) == []
    code = " ".join(c.value for c in at.code)
    assert "revenue_change[h,s] = sum_c e[h,c] * x[s,c]" in code
    assert "Sourced numbers" not in metric_values(at)  # a tab runs only when it is shown
    at.query_params["meth_tab"] = "Provenance"  # the tab's shareable link
    at.run()
    assert errors(at) == []
    kpis = metric_values(at)
    assert int(kpis["Sourced numbers"]) > 100
    prov = next(d.value for d in at.dataframe if "Issuer" in d.value.columns
                and "Basis" in d.value.columns)
    assert prov["Source"].str.startswith("http").all()


def test_methodology_provenance_filter_by_tier() -> None:
    at = page("pages/7_Methodology.py?meth_tab=Provenance").run()
    at.multiselect(key="prov_tier").set_value(["primary"]).run()
    prov = next(d.value for d in at.dataframe if "Issuer" in d.value.columns
                and "Basis" in d.value.columns)
    assert len(prov) > 0 and set(prov["Tier"]) == {"Primary"}
