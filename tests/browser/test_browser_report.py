"""The weekly review report opened from disk in headless Chromium: its charts render offline.

Skips locally without Chromium; ``EXPOSURE_REQUIRE_BROWSER=1`` turns the skip into a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exposure.evaluation.book import evaluate_book
from exposure.holdings.load import load_portfolio
from exposure.model.catalog import load_catalog
from exposure.review.diff import diff_snapshots
from exposure.review.report import report_html, write_report
from exposure.review.snapshot import build_snapshot
from exposure.workspace import SAMPLE_PORTFOLIO
from tests.browser_harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.review_util import WEEK1, WEEK2

pytestmark = pytest.mark.browser


def test_report_file_renders_its_charts_offline(tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    catalog = load_catalog()
    sample = load_portfolio(SAMPLE_PORTFOLIO)
    later = sample.copy()
    later.holdings = later.holdings[later.holdings["symbol"] != "INTC"].reset_index(drop=True)
    old = build_snapshot(evaluate_book(sample, catalog), catalog, taken_at=WEEK1)
    new = build_snapshot(evaluate_book(later, catalog), catalog, taken_at=WEEK2,
                         note="<script>window.__xss = 1</script>")
    path = write_report(tmp_path / "report.html",
                        report_html(new, catalog, diff_snapshots(old, new, catalog.events.values())))

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                    headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 2400})
            page.on("request", lambda r: requests.append(r.url))
            page_errors: list[str] = []
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            page.wait_for_function(
                "() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=30_000)
            assert page.locator(".js-plotly-plot").count() >= 2
            assert page.locator(".js-plotly-plot .main-svg").count() >= 2  # drawn, not just divs
            assert page.evaluate("() => window.__xss") is None  # the note stayed text
            assert page.get_by_text("<script>window.__xss = 1</script>").count() == 1
            assert page_errors == []
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "weekly-review-report.png"))
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(("file://", "data:", "blob:"))]
    assert outside == [], f"the report fetched from outside: {outside[:5]}"
