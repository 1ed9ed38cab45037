"""The team server end to end in Chromium: HAProxy in front of two replicas on PostgreSQL,
sign-in through a real OpenID Connect provider run locally (oidc-provider-mock), a viewer who
can only read, an analyst whose comment survives the death of the replica that served it,
and the anti-framing headers at the proxy."""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator

import pytest

from tests.browser_harness import CHROMIUM, CHROMIUM_ARGS, require_browser, wait_for_app
from tests.pg_harness import require_postgres

pytestmark = pytest.mark.browser


def require_haproxy() -> None:
    if shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy"):
        return
    if os.environ.get("EXPOSURE_REQUIRE_POSTGRES") == "1":
        pytest.fail("the team tests are required here: haproxy is not installed")
    pytest.skip("haproxy is not installed (apt-get install haproxy)")


@pytest.fixture(scope="module")
def team() -> Iterator[object]:
    require_browser()
    require_postgres()
    require_haproxy()
    from bench.team_topology import team_topology

    env = {"EXPOSURE_ROLES": "ann@example.com=analyst", "EXPOSURE_DEFAULT_ROLE": "viewer"}
    with team_topology(replicas=2, env=env) as topo:
        yield topo


@pytest.fixture(scope="module")
def browser(team: object) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def sign_in(page, url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_for_app(page, 60_000)


def sidebar_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_the_proxy_sends_anti_framing_headers(team) -> None:  # type: ignore[no-untyped-def]
    with urllib.request.urlopen(team.url + "/") as resp:
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        assert "STSRV=" in resp.headers["Set-Cookie"]


def test_a_viewer_signs_in_and_can_only_read(team, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(team.url)
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        assert "Sign in with your organisation's account" in page.inner_text("body")
        sign_in(page, team.url, "vic@example.com")
        assert "Signed in as vic@example.com · viewer" in sidebar_text(page)
        page.goto(f"{team.url}/Portfolio")
        wait_for_app(page, 60_000)
        assert page.get_by_role("button", name="Save", exact=True).is_disabled()
    finally:
        context.close()


def test_an_analysts_comment_survives_the_replica_dying(team, browser) -> None:  # type: ignore[no-untyped-def]
    from exposure.review.store import list_snapshots
    from exposure.storage import reviews
    from exposure.storage.access import open_store

    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    try:
        sign_in(page, team.url, "ann@example.com")
        assert "Signed in as ann@example.com · analyst" in sidebar_text(page)
        page.goto(f"{team.url}/Weekly_review")
        wait_for_app(page, 60_000)
        page.get_by_role("button", name="Take snapshot").click()
        wait_for_app(page, 60_000)
        page.get_by_label("Comment", exact=True).fill("Trim NVDA before the vote")
        page.get_by_role("button", name="Add comment").click()
        wait_for_app(page, 60_000)
        assert "Comment #1 saved." in page.inner_text("body")
        assert "Trim NVDA before the vote" in page.inner_text("body")

        served_by = next(c["value"] for c in context.cookies() if c["name"] == "STSRV")
        team.kill_replica(int(served_by.removeprefix("app")) - 1)
        page.reload()
        wait_for_app(page, 90_000)
        assert "Signed in as ann@example.com · analyst" in sidebar_text(page)
        assert "Trim NVDA before the vote" in page.inner_text("body")
        now_served_by = next(c["value"] for c in context.cookies() if c["name"] == "STSRV")
        assert now_served_by != served_by
    finally:
        context.close()
    env = {"EXPOSURE_DATABASE_URL": team.database_url, "EXPOSURE_HOME": str(team.workdir)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        store = open_store(team.workdir / "home", url=team.database_url)
        [info] = list_snapshots(team.workdir / "home")
        notes = reviews.comments(store, info.id)
        assert [(c.author, c.body) for c in notes] == [("ann@example.com",
                                                        "Trim NVDA before the vote")]
        assert info.author == "ann@example.com"
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
