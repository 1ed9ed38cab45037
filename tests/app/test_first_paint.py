"""The first-paint pause: once per page and browser session, never for AppTest or the CLI."""

from __future__ import annotations

import time

from exposure.ui.first_paint import ENV, PAUSE_S, pause_seconds
from tests.apptest_util import page

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"}


def test_a_browser_session_pauses_once_per_page() -> None:
    state: dict[str, object] = {}
    assert pause_seconds("Overview", state, BROWSER, env={}) == PAUSE_S
    assert pause_seconds("Overview", state, BROWSER, env={}) == 0.0  # a rerun never waits
    assert pause_seconds("Holding", state, BROWSER, env={}) == PAUSE_S
    assert pause_seconds("Overview", {}, BROWSER, env={}) == PAUSE_S  # a new session does


def test_no_user_agent_no_pause_and_the_setting_turns_it_off() -> None:
    assert pause_seconds("Overview", {}, {}, env={}) == 0.0
    assert pause_seconds("Overview", {}, BROWSER, env={ENV: "0"}) == 0.0
    assert pause_seconds("Overview", {}, BROWSER, env={ENV: "0.2"}) == 0.2
    assert pause_seconds("Overview", {}, BROWSER, env={ENV: "60"}) == 2.0  # capped
    assert pause_seconds("Overview", {}, BROWSER, env={ENV: "soon"}) == PAUSE_S


def test_apptest_runs_of_the_overview_do_not_wait(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, "2")
    page().run()  # warm the process caches
    started = time.perf_counter()
    at = page().run()
    assert time.perf_counter() - started < 2.0
    assert not at.exception and at.metric
