"""gunicorn, configured by gunicorn.conf.py, really serves the app from several workers."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

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
