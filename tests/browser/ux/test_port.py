"""Finding 1: `make run` takes PORT, and the links in the mail it prints point there.

scripts/run-dev (what `make run` runs) is started for real on a free port other than 5000,
with the demo loaded; a new person signs up in the browser (at each width, in each language)
and the confirmation link printed by the worker leads back to that port, where they choose
their password and are logged in.
Before the fix the server listened on 5000 whatever PORT said, and links said 5000."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.browser.ux.conftest import HEIGHTS, SCREENS, assert_fits

ROOT = Path(__file__).resolve().parents[3]
LINK = re.compile(r"http://[^\s/]+/auth/confirm/[A-Za-z0-9._-]+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunDev:
    """scripts/run-dev in its own process group, its output collected line by line."""

    def __init__(self, port: int, database: Path):
        env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}",
               "LIAISON_ENV": "development", "PYTHONUNBUFFERED": "1"}
        env.pop("BASE_URL", None)
        env.pop("TEST_DATABASE_URL", None)
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        for step in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + step, cwd=ROOT, env=env, check=True, capture_output=True,
                           timeout=120)
        self.output: list[str] = []
        self.process = subprocess.Popen(
            ["scripts/run-dev"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def links_for(self, email: str) -> list[str]:
        text = "".join(self.output)
        at = text.rfind(f"Envelope-To: {email}")
        return LINK.findall(text[at:]) if at >= 0 else []

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def run_dev(tmp_path_factory):
    port = free_port()
    assert port != 5000
    server = RunDev(port, tmp_path_factory.mktemp("run-dev") / "dev.sqlite")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.process.poll() is None, "".join(server.output)
                time.sleep(0.3)
        else:
            pytest.fail(f"nothing listens on PORT={port}:\n" + "".join(server.output))
        server.port = port
        yield server
    finally:
        server.stop()


def test_run_dev_refuses_a_port_that_is_not_a_number():
    done = subprocess.run(["scripts/run-dev"], cwd=ROOT, env={**os.environ, "PORT": "80a"},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "PORT must be a number" in done.stderr


@pytest.mark.parametrize(("width", "lang"), SCREENS, ids=[f"{w}px-{lg}" for w, lg in SCREENS])
def test_mail_links_follow_the_port(browser, run_dev, width, lang):
    base = f"http://127.0.0.1:{run_dev.port}"
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": HEIGHTS[width]},
        extra_http_headers={"Accept-Language": "zh-CN" if lang == "zh" else "en"},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        email = f"new.{lang}.{width}@example.com"
        page.goto("/auth/signup")
        assert_fits(page)
        page.fill("#email", email)
        page.fill("#display_name", "Port Tester")
        page.select_option("#organization_id", label="National Customs Administration"
                           if lang == "en" else "国家海关总署")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        deadline = time.monotonic() + 90  # the worker's first passes send the demo's mail too
        while not run_dev.links_for(email) and time.monotonic() < deadline:
            time.sleep(0.5)
        links = run_dev.links_for(email)
        assert links, (f"no confirmation mail printed; the page said:\n"
                       f"{page.locator('main').inner_text()}\n" + "".join(run_dev.output[-40:]))
        assert all(link.startswith(base + "/") for link in links), links
        page.goto(links[0])
        page.wait_for_load_state()
        assert page.url.startswith(base)
        page.fill("#new_password", "a long enough password")  # chosen on the link's page
        page.fill("#confirm", "a long enough password")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#nav-account").inner_text() == "Port Tester"  # logged in
    finally:
        context.close()
