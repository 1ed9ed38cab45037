"""Browser test harness: a real ``streamlit run`` on a free loopback port and Debian's Chromium
driven by Playwright. When the server dies or times out, its output is printed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("EXPOSURE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-dev-shm-usage",
]


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(home: Path, timeout: float = 60.0) -> Iterator[str]:
    """Start the app; yield its base URL; stop exactly the process started."""
    port = free_port()
    log = home.parent / f"streamlit-{port}.log"
    env = {**os.environ, "EXPOSURE_HOME": str(home), "EXPOSURE_OFFLINE": "1",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy in {timeout}s:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.returncode not in (0, -15, None):
            print(log.read_text())


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
