"""The app served by real gunicorn worker processes, for tests of what only shows with several
processes at once (atomic limits, simultaneous requests, bodies that must not be read).

`Served(app, tmp_path, **settings)` starts gunicorn (sync workers) on a free loopback port for
the test's own database (its SQLite file, or PostgreSQL in the PostgreSQL pass) with the test
configuration plus `settings`; `request()` speaks raw HTTP to it; `stop()` ends it by its pid.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create():
    """gunicorn's app factory: TestConfig on SERVED_DATABASE_URL with SERVED_SETTINGS."""
    from app import create_app
    from config import TestConfig

    class Served(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ["SERVED_DATABASE_URL"]

    for name, value in json.loads(os.environ.get("SERVED_SETTINGS", "{}")).items():
        setattr(Served, name, value)
    return create_app(Served)


def session_cookie(app, user) -> str:
    """The session cookie Flask-Login would set after this user logged in."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


class Served:
    def __init__(self, app, tmp_path: Path, *, workers: int = 4, **settings):
        self.port = free_port()
        conf = tmp_path / "gunicorn-empty.conf.py"
        conf.write_text("# empty: everything is on the command line\n")
        env = dict(os.environ, SERVED_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                   SERVED_SETTINGS=json.dumps(settings), LIAISON_ENV="testing")
        self.log = open(tmp_path / f"gunicorn-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", str(conf),
             "--workers", str(workers), "--worker-class", "sync", "--backlog", "512",
             "--timeout", "60", "--no-control-socket", "--bind", f"127.0.0.1:{self.port}",
             "--chdir", str(ROOT),
             "tests.security.served:create()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer:\n{self.output()}")

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-6000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
