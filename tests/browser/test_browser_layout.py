"""Every page in Chromium at desktop (1440x900), phone (390x844) and in the dark theme.

At 1440 px no rendered text is cut off: every label, title, metric, select value, chip, tab
name and chart text (axis ticks and titles, legends) is measured on every page and every tab
(the Holding page opened on a holding, the Weekly review with two snapshots): a box narrower
than its text (``scrollWidth > clientWidth``), a "…" anywhere or a trailing "...", a chart text
drawn past the chart's edge. Data grids are drawn on a canvas; a grid wider than its box is
counted (columns behind a sideways scroll) and that count may only go down. On a phone the
sidebar starts collapsed and the heatmap carries no cell numbers; in the dark theme every page
renders on a dark background; no page shows an error box. No page asks anything of a host
other than the local server. Screenshots of every page in the three settings go to
``artifacts/screenshots/`` (``1440-*``, ``390-*``, ``dark-*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.review.store import take_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.browser.layout_probe import BACKGROUND, CUT_TEXTS, HEATMAP_CELL_TEXTS, SIDEBAR_COVERS
from tests.browser_harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    require_browser,
    streamlit_server,
    wait_for_app,
    wait_for_charts,
)
from tests.review_util import WEEK1, WEEK2

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "screenshots"
PAGES = [  # (name for reports and files, URL path)
    ("overview", "/"), ("portfolio", "/Portfolio"), ("scenarios", "/Scenarios"),
    ("holding", "/Holding?holding=NVDA"), ("evidence", "/Evidence"), ("risk", "/Risk"),
    ("weekly-review", "/Weekly_review"), ("methodology", "/Methodology"),
]
HEATMAP_TAB = "Holding × scenario"
"""The Overview's tab with the holdings x scenarios heatmap."""
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WIDE_TABLE = "table scrolls sideways"
WIDE_TABLES_KNOWN = {
    "portfolio": 1, "evidence / Event study": 1,
    "evidence / Out-of-sample scorecard": 3, "weekly-review": 1,
    "methodology / Channels & defaults": 1, "methodology / Look-through": 1,
    "methodology / Provenance": 1,
}
"""Data grids (drawn on a canvas) that, at 1440 px on 2 Dec 2026 (after the tables were
reworked: none left on the Overview, Holding, Risk or the events table), were wider than their box, so
some columns sat behind a sideways scroll. The tables are being reworked (human headers, key
columns first); this count may only go down: lower it as they are fixed, down to none."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    home = tmp_path_factory.mktemp("layout") / "home"
    _two_weekly_snapshots(home)
    with streamlit_server(home) as url:
        yield url


def _two_weekly_snapshots(home: Path) -> None:
    """So that the Weekly review page draws its diff and trend charts too."""
    catalog = load_catalog()
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    later = sample.copy()
    later.holdings = later.holdings[later.holdings["symbol"] != "INTC"].reset_index(drop=True)
    for book, when in ((sample, WEEK1), (later, WEEK2)):
        take_snapshot(evaluate_book(book, catalog), catalog, home=home,
                      now=lambda when=when: when.replace(tzinfo=UTC))


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _context(browser, requests_seen: list[str], **options):  # type: ignore[no-untyped-def]
    """A fresh browser context that records every URL its pages ask for."""
    context = browser.new_context(**options)
    context.on("request", lambda r: requests_seen.append(r.url))
    return context


def _off_the_machine(urls: list[str]) -> list[str]:
    return sorted({u for u in urls if urlsplit(u).scheme not in ("data", "blob", "about")
                   and urlsplit(u).hostname not in LOCAL_HOSTS})


def _open(page, server: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + path)
    _settle(page)


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """The run has finished, every chart has drawn, and the charts' texts stopped changing
    (Streamlit draws a chart, then redraws it at its container's width)."""
    wait_for_app(page, 90_000)
    wait_for_charts(page)
    count = "() => document.querySelectorAll('.js-plotly-plot .main-svg text').length"
    last = -1
    for _ in range(40):
        now = page.evaluate(count)
        if now == last:
            return
        last = now
        page.wait_for_timeout(400)


def _tabs(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.inner_text().strip() for t in page.locator("[data-testid='stMain'] [role='tab']").all()]


def _shot(page, setting: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page: Streamlit scrolls inside its own container, so grow the viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], "
        "[data-testid='stMainBlockContainer']\")].map(e => e.scrollHeight), window.innerHeight)")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{setting}-{name}.png"))
    page.set_viewport_size(size)


def _errors(page) -> int:  # type: ignore[no-untyped-def]
    return (page.locator("[data-testid='stException']").count()
            + page.locator("[data-testid='stAlertContentError']").count())


def test_the_probe_sees_cut_labels(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """The measurement itself: a label cut by its box, one shortened with an ellipsis, a chart
    text past its chart's edge and a grid wider than its box are all reported."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        _open(page, server, "/")
        before = {(c["kind"], c["text"]) for c in page.evaluate(CUT_TEXTS)}
        page.evaluate("""() => {
          const main = document.querySelector("[data-testid='stMainBlockContainer']");
          main.insertAdjacentHTML("afterbegin",
            '<div style="width:60px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">'
            + 'A scenario label far too long</div><p>Diffusion rule 2.0 resc…</p>'
            + '<div data-testid="stDataFrame"><table><tr><th role="columnheader">Share of ES'
            + '</th></tr></table><div class="dvn-scroller" style="width:100px;overflow:auto">'
            + '<div style="width:300px;height:5px"></div></div></div>');
          const svg = document.querySelector(".js-plotly-plot .main-svg");
          const t = document.createElementNS("http://www.w3.org/2000/svg", "text");
          t.setAttribute("x", "-200"); t.setAttribute("y", "20"); t.textContent = "NVDA far left";
          svg.appendChild(t);
        }""")
        after = {(c["kind"], c["text"]) for c in page.evaluate(CUT_TEXTS)}
    finally:
        context.close()
    new = after - before
    assert {text for _, text in new} == {"A scenario label far too long",
                                         "Diffusion rule 2.0 resc…", "NVDA far left",
                                         "Share of ES"}
    assert any(kind.startswith(WIDE_TABLE) for kind, _ in new)


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_text_is_cut_off_at_1440(browser, server: str, name: str, path: str) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    context = _context(browser, asked, viewport=DESKTOP)
    page = context.new_page()
    found: list[tuple[str, dict[str, str]]] = []
    try:
        _open(page, server, path)
        assert _errors(page) == 0, f"{name}: an error box"
        found += [(name, c) for c in page.evaluate(CUT_TEXTS)]
        _shot(page, "1440", name)
        for i, tab in enumerate(_tabs(page)[1:], start=1):
            page.locator("[data-testid='stMain'] [role='tab']").nth(i).click()
            _settle(page)
            assert _errors(page) == 0, f"{name} / {tab}: an error box"
            if tab == HEATMAP_TAB:  # the desktop heatmap writes its numbers; the phone's does not
                assert page.evaluate(HEATMAP_CELL_TEXTS) > 0
            found += [(f"{name} / {tab}", c) for c in page.evaluate(CUT_TEXTS)]
            _shot(page, "1440", f"{name}-{re.sub(r'[^a-z0-9]+', '-', tab.lower()).strip('-')}")
    finally:
        context.close()
    cut = [f"{where}: {c['kind']}: {c['text']!r}" for where, c in found
           if not c["kind"].startswith(WIDE_TABLE)]
    assert cut == [], "texts cut off at 1440 px:\n" + "\n".join(cut)
    wide: dict[str, list[str]] = {}
    for where, c in found:
        if c["kind"].startswith(WIDE_TABLE):
            wide.setdefault(where, []).append(f"{c['kind']}: {c['text']!r}")
    grown = {where: tables for where, tables in wide.items()
             if len(tables) > WIDE_TABLES_KNOWN.get(where, 0)}
    assert grown == {}, f"more tables than before hide columns behind a sideways scroll: {grown}"
    assert _off_the_machine(asked) == [], f"{name}: requests off the machine: {_off_the_machine(asked)[:5]}"


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_phone_starts_with_the_content_not_the_sidebar(browser, server: str, name: str,  # type: ignore[no-untyped-def]
                                                       path: str) -> None:
    asked: list[str] = []
    context = _context(browser, asked, viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True,
                       has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        _open(page, server, path)
        assert _errors(page) == 0, f"{name}: an error box on a phone"
        covers = page.evaluate(SIDEBAR_COVERS)
        assert covers < 0.1, f"{name}: the sidebar covers {covers:.0%} of the first screen"
        _shot(page, "390", name)
        if name == "overview":
            page.get_by_role("tab", name=HEATMAP_TAB).click()
            _settle(page)
            assert page.locator(".st-key-heatmap .js-plotly-plot").count() == 1
            assert page.evaluate(HEATMAP_CELL_TEXTS) == 0, "numbers on the phone heatmap"
    finally:
        context.close()
    assert _off_the_machine(asked) == [], f"{name}: requests off the machine: {_off_the_machine(asked)[:5]}"


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_dark_theme_renders_every_page_on_a_dark_background(browser, server: str, name: str,  # type: ignore[no-untyped-def]
                                                            path: str) -> None:
    asked: list[str] = []
    context = _context(browser, asked, viewport=DESKTOP, color_scheme="dark")
    page = context.new_page()
    try:
        _open(page, server, path)
        assert _errors(page) == 0, f"{name}: an error box in the dark theme"
        luminance = page.evaluate(BACKGROUND)
        assert luminance < 0.2, f"{name}: background luminance {luminance:.2f}, not dark"
        _shot(page, "dark", name)
    finally:
        context.close()
    assert _off_the_machine(asked) == [], f"{name}: requests off the machine: {_off_the_machine(asked)[:5]}"
