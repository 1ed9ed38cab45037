"""The weekly review report opened from disk in headless Chromium, as a reader opens the mailed
file: its charts render offline with their labels (holding tickers, scenario labels, none cut
or overprinting another), and it prints to A4 (no chart wider than the page, no dark
backgrounds, a PDF comes out). Screenshots and the PDF go to ``artifacts/``.

Skips locally without Chromium; ``EXPOSURE_REQUIRE_BROWSER=1`` turns the skip into a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.review.diff import diff_snapshots
from exposure.review.report import report_html, write_report
from exposure.review.snapshot import Snapshot, build_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.browser.layout_probe import TICK_LABELS
from tests.browser_harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.review_util import WEEK1, WEEK2

pytestmark = pytest.mark.browser

A4_PRINTABLE_PX = 718
"""190 mm (A4 less the report's 10 mm @page margins) at 96 px per inch."""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    catalog = load_catalog()
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    later = sample.copy()
    later.holdings = later.holdings[later.holdings["symbol"] != "INTC"].reset_index(drop=True)
    old = build_snapshot(evaluate_book(sample, catalog), catalog, taken_at=WEEK1)
    new = build_snapshot(evaluate_book(later, catalog), catalog, taken_at=WEEK2,
                         note="<script>window.__xss = 1</script>")
    path = write_report(tmp_path_factory.mktemp("report") / "report.html",
                        report_html(new, catalog, diff_snapshots(old, new, catalog.events.values())))
    return path, new


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _open(browser, path: Path, width: int = 1300):  # type: ignore[no-untyped-def]
    """A page on the report with every chart drawn; records requests and script errors."""
    page = browser.new_page(viewport={"width": width, "height": 1400})
    page.requests, page.errors = [], []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 4 && "
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 8", timeout=30_000)
    page.wait_for_timeout(500)
    return page


def test_report_file_renders_its_charts_offline(browser, report) -> None:  # type: ignore[no-untyped-def]
    path, _ = report
    page = _open(browser, path)
    try:
        assert page.locator(".js-plotly-plot .main-svg").count() >= 8  # drawn, not just divs
        assert page.evaluate("() => window.__xss") is None  # the note stayed text
        assert page.get_by_text("<script>window.__xss = 1</script>").count() == 1
        assert page.errors == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "weekly-review-report.png"))
    finally:
        page.close()
    outside = [u for u in page.requests if not u.startswith(("file://", "data:", "blob:"))]
    assert outside == [], f"the report fetched from outside: {outside[:5]}"


def test_report_charts_carry_tickers_and_scenario_labels_none_overlapping(browser, report) -> None:  # type: ignore[no-untyped-def]
    path, snapshot = report
    labels = set(snapshot.scenario_labels().values())
    holdings = snapshot.symbol_frame().drop_duplicates("symbol")
    names = dict(zip(holdings["symbol"].astype(str), holdings["name"].astype(str), strict=True))
    page = _open(browser, path)
    try:
        charts = page.evaluate(TICK_LABELS)
        shots = ARTIFACTS / "report"
        shots.mkdir(parents=True, exist_ok=True)
        for i, plot in enumerate(page.locator(".js-plotly-plot").all()):
            plot.screenshot(path=str(shots / f"chart-{i + 1}.png"))
    finally:
        page.close()
    by_title = {c["title"]: c for c in charts}

    heatmap = next(c for t, c in by_title.items() if t.startswith("Value change by holding"))
    assert set(heatmap["x"]) == labels, "heatmap columns: the scenario labels"
    rows = set(heatmap["y"])
    missing = [s for s, n in names.items() if s not in rows and n not in rows]
    assert missing == [] and len(rows) == len(names), \
        "heatmap rows: every holding, by its ticker (a private company by its name)"
    assert {"NVDA", "TSM", "ASML"} <= rows
    bars = by_title["Portfolio impact per scenario"]
    assert set(bars["y"]) == labels, "scenario bars: the scenario labels"
    change = by_title["Portfolio impact per scenario: previous vs current"]
    assert set(change["y"]) == labels

    for chart in charts:
        for axis in ("x", "y"):
            cut = [t for t in chart[axis] if "…" in t or t.endswith("..") or not t.strip()]
            assert cut == [], f"{chart['title']}: {axis} tick labels cut: {cut}"
        assert chart["overlaps"] == [], f"{chart['title']}: tick labels overprint: {chart['overlaps'][:3]}"


def test_report_prints_to_a4(browser, report) -> None:  # type: ignore[no-untyped-def]
    path, _ = report
    css = path.read_text(encoding="utf-8")
    assert "@media print" in css and "@page" in css
    page = _open(browser, path)  # a desktop window, then "Print"
    try:
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        fit = page.evaluate("""() => ({
          charts: [...document.querySelectorAll('.js-plotly-plot .main-svg')]
                    .map(s => Math.round(s.getBoundingClientRect().width)),
          dark: [...document.querySelectorAll('body, main, .card, th, td, .note')].filter(e => {
            const c = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number);
            const alpha = c.length > 3 ? c[3] : 1;
            return alpha > 0.1 && (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) < 180;
          }).length,
        })""")
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    assert 0 < max(fit["charts"]) <= A4_PRINTABLE_PX, f"a chart wider than an A4 page: {fit}"
    assert fit["dark"] == 0, "dark backgrounds in print"
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 3, f"{pages} PDF pages: sections are not on pages of their own"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "weekly-review-report.pdf").write_bytes(pdf)
