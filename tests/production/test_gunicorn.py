"""gunicorn, configured by gunicorn.conf.py, really serves the app from several workers."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FLASK_"))}
    env.update(
        LIAISON_ENV="production",
        SECRET_KEY="gunicorn-test-secret",
        DATABASE_URL=database_url,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        MAIL_BACKEND="console",
        PYTHONPATH=str(ROOT),
        # Production settings, but never the checkout's instance/feed-cache.
        FEED_CACHE_DIR=os.path.join(tempfile.gettempdir(), "liaison-test-feed-cache"),
    )
    env.update(extra)
    return env


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Gunicorn:
    """A gunicorn master started by the test and stopped by its pid."""

    def __init__(self, env: dict[str, str], *args: str):
        self.port = int(env["BIND"].rsplit(":", 1)[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.process.stdout.read()}")
            try:
                if get(self.url("/healthz"), timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not answer /healthz in time")

    def stop(self) -> str:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.stdout.read()


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )


@pytest.mark.slow
def test_gunicorn_serves_the_app_from_two_workers(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'served.sqlite'}", free_port())
    migrate(env)
    server = Gunicorn(env)
    try:
        server.wait_ready()
        status, body = get(server.url("/healthz"))
        assert status == 200 and json.loads(body) == {"status": "ok"}
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: get(server.url("/healthz"))[0], range(40)))
        assert statuses == [200] * 40
        # Production headers come through gunicorn too.
        with urllib.request.urlopen(server.url("/healthz")) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        # No proxy is trusted (TRUSTED_PROXIES unset): a client claiming HTTPS is not believed.
        spoofed = urllib.request.Request(
            server.url("/healthz"), headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(spoofed) as response:
            assert "Strict-Transport-Security" not in response.headers
    finally:
        log = server.stop()
    assert "Booting worker" in log
    assert log.count("Booting worker") >= 2, log
    assert '"GET /healthz HTTP/1.1" 200' in log  # the access log is on


@pytest.mark.slow
def test_gunicorn_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'x.sqlite'}", free_port())
    del env["SECRET_KEY"]
    server = Gunicorn(env, "--workers", "1")
    try:
        assert server.process.wait(timeout=30) != 0
    finally:
        log = server.stop()
    assert "SECRET_KEY is not set" in log


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL pass: backend pids show whether a connection is shared",
)
def test_preloaded_workers_never_share_a_database_connection(tmp_path):
    """The master opens a connection before forking (preload); each worker must still talk
    to PostgreSQL over its own connection."""
    database = os.environ["TEST_DATABASE_URL"]
    env = production_env(database, free_port(), GUNICORN_PRELOAD="1", GUNICORN_THREADS="1")
    server = Gunicorn(env, "tests.production.preloaded:make_app()")
    try:
        server.wait_ready()
        seen: dict[int, int] = {}
        deadline = time.monotonic() + 20
        with ThreadPoolExecutor(4) as pool:
            while len(seen) < 2 and time.monotonic() < deadline:
                for status, body in pool.map(lambda _: get(server.url("/_backend")), range(8)):
                    assert status == 200, "a worker failed on an inherited connection"
                    answer = json.loads(body)
                    seen.setdefault(answer["worker"], answer["backend"])
        assert len(seen) == 2, f"expected answers from both workers, got {seen}"
        assert len(set(seen.values())) == 2, f"workers shared a PostgreSQL backend: {seen}"
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def flask_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    return done.stdout


class Browser:
    """Just enough of a browser behind a TLS proxy: keeps cookies (Secure ones included,
    since the proxy speaks HTTPS to it) and sends the headers the proxy would add."""

    SITE = "liaison.example"

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def send(self, server: Gunicorn, path: str, data: dict | None = None):
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": self.SITE,
            "X-Forwarded-For": "198.51.100.20",
            "Referer": f"https://{self.SITE}/auth/login",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(server.url(path), data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace"), response.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.slow
def test_two_hosts_share_nothing_but_the_database_and_secret_key(tmp_path):
    """Log in through one host, carry on through the other: sessions and CSRF tokens live in
    signed cookies, so any worker of any host serves the next request."""
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    common = {"TRUSTED_PROXIES": "1"}
    env_a = production_env(database, free_port(), **common)
    env_b = production_env(database, free_port(), **common)
    if database.startswith("postgresql"):
        # An empty schema (a test before may have left the models' tables; the suite's
        # fixtures empty tables instead of dropping them).
        engine = create_engine(database)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
        engine.dispose()
    flask_cli(env_a, "db", "upgrade")  # once, from one place, before the hosts start
    org_id = flask_cli(env_a, "create-org", "Ningbo Customs", "--kind", "customs").split()[-1]
    flask_cli(env_a, "create-user", "officer@customs.example", "--name", "Officer Wang",
              "--org", org_id, "--password", "a long enough password")
    host_a, host_b = Gunicorn(env_a), Gunicorn(env_b)
    try:
        host_a.wait_ready()
        host_b.wait_ready()
        browser = Browser()
        status, page, _ = browser.send(host_a, "/auth/login")
        assert status == 200
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, headers = browser.send(host_b, "/auth/login", {
            "csrf_token": token, "email": "officer@customs.example",
            "password": "a long enough password",
        })
        assert status == 302, "the CSRF token from host A is valid on host B"
        assert "Strict-Transport-Security" in headers  # HTTPS as the proxy reported it
        for server in (host_a, host_b, host_a, host_b):
            status, page, _ = browser.send(server, "/account/")
            assert status == 200 and "Officer Wang" in page
    finally:
        log_a, log_b = host_a.stop(), host_b.stop()
        if database.startswith("postgresql"):
            flask_cli(env_a, "db", "downgrade", "base")
    assert "Traceback" not in log_a + log_b
