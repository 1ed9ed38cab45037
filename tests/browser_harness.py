"""Browser test harness: a real ``streamlit run`` on a free loopback port and Debian's Chromium
driven by Playwright (the server start and the browser flags are the benchmarks' own,
``bench/browser_util.py``). When the server dies or times out, its output is shown."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser_util import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerFailed, serve

ARTIFACTS = ROOT / "artifacts"
__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "require_browser", "streamlit_server",
           "wait_for_app", "wait_for_charts"]


def require_browser() -> None:
    """Skip (locally) or fail (CI: EXPOSURE_REQUIRE_BROWSER=1) when Chromium is missing."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright for Python is not installed"
    if missing:
        if os.environ.get("EXPOSURE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here: {missing}")
        pytest.skip(missing)


@contextmanager
def streamlit_server(home: Path, timeout: float = 60.0) -> Iterator[str]:
    """Start the app offline with workspace ``home``; yield its base URL; stop exactly the
    process started. A server that exits or never becomes healthy fails the test with its log."""
    try:
        with serve(ROOT / "app.py", home, timeout) as url:
            yield url
    except ServerFailed as exc:
        pytest.fail(str(exc.code))


def wait_for_app(page, timeout_ms: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script run has finished and stays finished for 600 ms.

    Right after a navigation the app reports ``notRunning`` before its first run starts, and a
    widget change reruns after a debounce, so one look at the state is not enough.
    """
    selector = "[data-testid='stApp'][data-test-script-state='notRunning']"
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_timeout(250)
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        idle = page.locator(selector).count() == 1 and page.locator(
            "[data-testid='stMain'] h1").count() > 0
        now = time.monotonic()
        if idle:
            quiet_since = quiet_since or now
            if now - quiet_since >= 0.6:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(100)
    raise AssertionError(f"the app did not finish its run within {timeout_ms} ms")


def wait_for_charts(page, minimum: int = 0, timeout_ms: int = 60_000) -> int:  # type: ignore[no-untyped-def]
    """Wait until at least ``minimum`` plotly charts exist and every one of them has drawn;
    return how many there are."""
    page.wait_for_function(
        "n => { const all = document.querySelectorAll(\"[data-testid='stPlotlyChart']\");"
        " const drawn = document.querySelectorAll(\"[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg\");"
        " return all.length >= n && drawn.length >= all.length; }", arg=minimum, timeout=timeout_ms)
    return page.locator("[data-testid='stPlotlyChart']").count()
