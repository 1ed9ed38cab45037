"""What the browser benchmarks share: a ``streamlit run`` on a free loopback port (offline, a
throw-away workspace), Debian's Chromium for Playwright, and an in-page probe that records when
the first metric and the first drawn plotly chart appear.

Timings come from the page itself (``performance.now()``, milliseconds since the navigation
started), recorded by a MutationObserver, so Playwright's polling does not add to them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("EXPOSURE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1500, "height": 1000}

METRIC = "[data-testid='stMetric']"
"""A metric card (Streamlit 1.67 renders ``st.metric`` as ``div[data-testid=stMetric]``)."""
CHART = "[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg"
"""A plotly chart that has drawn (plotly adds ``.main-svg`` when it paints)."""

PROBE = """
(() => {
  window.__bench = {metric: null, chart: null, last: 0, ran: null, done: null};
  const look = () => {
    const b = window.__bench;
    b.last = performance.now();
    const app = document.querySelector("[data-testid='stApp']");
    const state = app && app.getAttribute('data-test-script-state');
    if (b.ran === null && state === 'running') b.ran = performance.now();
    if (b.ran !== null && b.done === null && state === 'notRunning') b.done = performance.now();
    if (b.metric === null && document.querySelector(__METRIC__)) b.metric = performance.now();
    if (b.chart === null && document.querySelector(__CHART__)) b.chart = performance.now();
  };
  const start = () => {
    look();
    new MutationObserver(look).observe(document.documentElement,
                                       {childList: true, subtree: true, attributes: true});
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, {once: true});
})();
""".replace("__METRIC__", json.dumps(METRIC)).replace("__CHART__", json.dumps(CHART))
"""Init script for every page of a context: ``window.__bench.metric`` / ``.chart`` hold the
ms since navigation start at which the first metric / drawn chart appeared, ``.last`` the time
of the latest change to the page, ``.ran`` / ``.done`` when the page first said the server's
script run started / finished (what is left after ``.done`` is the browser's own work)."""


class ServerFailed(SystemExit):
    """The server exited or never became healthy; the message holds its output. A benchmark
    exits with it; the browser tests turn it into a test failure."""


def require_chromium() -> None:
    """Exit with a clear line when the browser or Playwright is missing."""
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise SystemExit("playwright for Python is not installed") from exc


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def workspace() -> Path:
    """A throw-away workspace (``EXPOSURE_HOME``) for the servers of one benchmark run."""
    return Path(tempfile.mkdtemp(prefix="bench-browser-")) / "home"


@contextmanager
def serve(script: Path, home: Path, timeout: float = 60.0,
          extra_env: Mapping[str, str] | None = None) -> Iterator[str]:
    """``streamlit run script`` offline on a free loopback port (from the repository root, so
    it reads the same ``.streamlit/config.toml``); yield its URL; stop exactly that process.
    ``extra_env`` is added to the server's environment (a ``PYTHONPATH`` in it goes first)."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    log = home.parent / f"streamlit-{script.stem}-{port}.log"
    extra = dict(extra_env or {})
    env = {**os.environ, "EXPOSURE_HOME": str(home), "EXPOSURE_OFFLINE": "1",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [
               extra.pop("PYTHONPATH", None), str(ROOT), os.environ.get("PYTHONPATH")])),
           **extra}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise ServerFailed(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(f"streamlit did not become healthy in {timeout}s:\n"
                                 f"{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.returncode not in (0, -15, None):  # died, not stopped: show why
            print(log.read_text())


def page_paths() -> dict[str, str]:
    """Every page of the app and its URL path: ``{"Overview": "/", "Portfolio": "/Portfolio",
    ...}`` (``pages/3_Holding.py`` is served at ``/Holding``)."""
    out = {"Overview": "/"}
    for path in sorted((ROOT / "pages").glob("*.py")):
        name = path.stem.split("_", 1)[1] if path.stem[:1].isdigit() else path.stem
        out[name] = f"/{name}"
    return out


def idle(page, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script run has finished and stayed finished for 600 ms."""
    selector = "[data-testid='stApp'][data-test-script-state='notRunning']"
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_timeout(250)
    quiet: float | None = None
    while time.monotonic() < deadline:
        now = time.monotonic()
        if page.locator(selector).count() == 1 and page.locator(
                "[data-testid='stMain'] h1").count() > 0:
            quiet = quiet or now
            if now - quiet >= 0.6:
                return
        else:
            quiet = None
        page.wait_for_timeout(100)
    raise TimeoutError(f"the app did not finish its run within {timeout_ms} ms")


def survey(browser, url: str, settle_s: float = 3.0, timeout_ms: int = 120_000) -> set[str]:  # type: ignore[no-untyped-def]
    """Which of ``metric`` and ``chart`` the page at ``url`` shows once it has settled (its run
    finished and nothing on the page changed for ``settle_s``); also warms the server."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(url)
        idle(page, timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            quiet = page.evaluate("() => performance.now() - window.__bench.last")
            if quiet >= settle_s * 1000:
                break
            page.wait_for_timeout(200)
        got = page.evaluate("() => window.__bench")
        return {k for k in ("metric", "chart") if got[k] is not None}
    finally:
        context.close()


def first_paint(browser, url: str, expect: set[str],  # type: ignore[no-untyped-def]
                timeout_ms: int = 90_000, script: list[tuple[float, float]] | None = None
                ) -> tuple[float | None, float | None]:
    """Open ``url`` in a fresh browser context (a new Streamlit session) and return the
    seconds from navigation start to the first metric and to the first drawn chart, waiting
    for those in ``expect`` (what :func:`survey` found); None for the others. ``script``, if
    given, gets the seconds at which the server's run was seen starting and finishing."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            got = page.evaluate("() => window.__bench") or {}
            if all(got.get(k) is not None for k in expect):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: no {' and '.join(sorted(expect))} within "
                                   f"{timeout_ms} ms")
            page.wait_for_timeout(50)
        if script is not None and got.get("ran") is not None and got.get("done") is not None:
            script.append((got["ran"] / 1000, got["done"] / 1000))
        return tuple(got[k] / 1000 if k in expect else None  # type: ignore[return-value]
                     for k in ("metric", "chart"))
    finally:
        context.close()
