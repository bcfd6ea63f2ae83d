"""Browser harness: the app served on a loopback port by a thread, driven by Playwright with
Debian's Chromium. Reuse it: `live_server` (base_url, app, url(path)), `browser`, `page`, and
`log_in(page, user)`.

The live app is the suite's `app` fixture (a fresh SQLite file per test), so the factories
(`make_user`, `make_event`, ...) write data the browser sees; commit before navigating.
CSRF protection is on, as in production. Tests here are marked `browser`; they skip with a
reason when Chromium or Playwright is missing.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test (`-m "not browser"` leaves it out)."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    app: object
    base_url: str

    def url(self, path: str = "/") -> str:
        return self.base_url + path


@pytest.fixture
def live_server(app):
    """The test's app on http://127.0.0.1:<free port>, served by a thread until the test ends."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser(pytestconfig):
    # tests/i18n imports this fixture too, and pytest loads this file under two module names:
    # keep the one Playwright on the session's config, since a second sync_playwright() fails.
    running = getattr(pytestconfig, "_liaison_browser", None)
    if running is not None:
        yield running
        return
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pytestconfig._liaison_browser = browser
        try:
            yield browser
        finally:
            pytestconfig._liaison_browser = None
            browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (own cookies) per test, at a laptop-sized viewport."""
    context = browser.new_context(
        base_url=live_server.base_url,
        viewport={"width": 1366, "height": 900},
        locale="en-GB",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def log_in(page, user, password: str = PASSWORD) -> None:
    """Log in through the real form at /auth/login."""
    page.goto("/auth/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, "log-in failed"


@pytest.fixture
def login_as(page):
    """`login_as(user)` logs the page's browser in as `user` through the log-in form."""

    def do(user, password: str = PASSWORD):
        log_in(page, user, password)
        return user

    return do


def log_out(page) -> None:
    """Forget the session (a new identity for the next log-in)."""
    page.context.clear_cookies()
