"""End to end in a real browser: Debian Chromium + Playwright against ``streamlit run``.

Screenshots go to ``artifacts/`` (git-ignored). Locally the tests skip without Chromium;
``.ci/run`` sets EXPOSURE_REQUIRE_BROWSER=1 so that a skip becomes a failure there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from exposure.model.catalog import load_catalog
from exposure.scenarios.share import encode_scenario
from tests.browser_harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    require_browser,
    streamlit_server,
    wait_for_app,
    wait_for_charts,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PAGES = [
    ("Portfolio", "1_Portfolio"), ("Scenarios", "2_Scenarios"), ("Holding", "3_Holding"),
    ("Evidence", "4_Evidence"), ("Risk", "5_Risk"), ("Weekly_review", "6_Weekly_review"),
    ("Methodology", "7_Methodology"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    home = tmp_path_factory.mktemp("browser") / "home"
    with streamlit_server(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1500, "height": 2200})
    pg = context.new_page()
    yield pg
    context.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _impact_label_and_value(page) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    card = page.locator("[data-testid='stMetric']", has_text="Impact:").first
    label = card.locator("[data-testid='stMetricLabel']").inner_text()
    value = card.locator("[data-testid='stMetricValue']").inner_text()
    return label, value


def test_overview_renders_charts_and_scenario_change_updates_kpis(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    wait_for_app(page)
    assert wait_for_charts(page, minimum=2) >= 2  # the scenario bars and the Sankey
    assert page.locator("[data-testid='stException']").count() == 0
    label_before, value_before = _impact_label_and_value(page)
    _shot(page, "overview")

    title = load_catalog().scenarios["s3_sme_escalation"].label  # short labels in the app
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=title).click()
    wait_for_app(page)
    page.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=stMetricLabel]')]"
        ".some(e => e.innerText.includes(t))", arg=title, timeout=45_000)
    label_after, value_after = _impact_label_and_value(page)
    assert title in label_after and label_after != label_before
    assert value_after != value_before
    assert "scenario=s3_sme_escalation" in page.url
    wait_for_charts(page)
    _shot(page, "overview-scenario-changed")

    for tab, key in (("By layer", "treemap"), ("Holding × scenario", "heatmap")):
        page.get_by_role("tab", name=tab).click()  # the other views, drawn when shown
        wait_for_app(page)
        page.locator(f".st-key-{key} .js-plotly-plot .main-svg").first.wait_for(timeout=45_000)
        assert "ov_view=" in page.url and "scenario=s3_sme_escalation" in page.url
    assert page.locator("[data-testid='stException']").count() == 0


def test_scenario_set_popover_changes_the_bars(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    wait_for_app(page)
    wait_for_charts(page)
    bars = page.locator(".st-key-scenario_bar .js-plotly-plot .bars .point")
    assert bars.count() == 9
    sidebar = page.locator("[data-testid='stSidebar']")
    button = sidebar.get_by_role("button", name="Scenario set: all 9")
    assert sidebar.locator("[data-testid='stMultiSelect']").count() == 0  # drawn when opened
    button.click()
    remove = page.locator("[data-testid='stMultiSelect']").get_by_role(
        "button", name=re.compile("^Remove "))
    expect(remove).to_have_count(9)  # one chip per scenario of the library
    second = load_catalog().scenarios["s1_diffusion_2"].label
    page.get_by_role("button", name=f"Remove {second}", exact=True).click()  # the chip's x
    wait_for_app(page)
    expect(sidebar.get_by_role("button", name="Scenario set: 8 of 9")).to_be_visible()
    expect(bars).to_have_count(8, timeout=45_000)
    assert "set=" in page.url
    _shot(page, "overview-scenario-set")
    assert page.locator("[data-testid='stException']").count() == 0


def test_deep_link_opens_the_chosen_scenario(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?scenario=s2_full_china_ban")
    wait_for_app(page)
    label, _ = _impact_label_and_value(page)
    assert load_catalog().scenarios["s2_full_china_ban"].label in label


@pytest.mark.parametrize(("name", "path"), PAGES)
def test_every_page_opens_without_an_error_box(server: str, page, name: str, path: str) -> None:  # type: ignore[no-untyped-def]
    if not (ROOT / "pages" / f"{path}.py").exists():
        pytest.skip(f"page {path} not built yet")
    page.goto(f"{server}/{name}")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0, page.content()[:2000]
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    wait_for_charts(page)
    _shot(page, f"page-{name.lower()}")


def test_share_link_reproduces_an_edited_scenario(server: str, page) -> None:  # type: ignore[no-untyped-def]
    base = load_catalog().scenarios["s2_full_china_ban"]
    edited = base.model_copy(update={"title": "Shared edit from a colleague"})
    page.goto(f"{server}/Scenarios?edit={encode_scenario(edited, base)}")
    wait_for_app(page)
    page.get_by_role("tab", name="Editor").click()
    wait_for_app(page)
    field = page.locator("[data-testid='stTextInput']", has_text="Title").locator("input")
    # the tab's rerun can land after the first poll on a loaded machine: wait for the value
    expect(field).to_have_value("Shared edit from a colleague", timeout=20_000)
    _shot(page, "scenarios-shared-link")
