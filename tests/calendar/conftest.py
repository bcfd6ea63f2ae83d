"""Calendar test helpers: real parsers (icalendar, ical.js under node, a Radicale server on
loopback) and checks every generated document must pass."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.calendar.icalcheck import JS_DIR


@pytest.fixture(autouse=True)
def _in_app(app):
    """Every calendar test runs inside a fresh app and database (the factories need it)."""
    yield app


def validators_required() -> bool:
    """In CI (CI=true, or .ci/run's REQUIRE_VALIDATORS=1) a missing validator is a failure:
    a skipped interop test there would pass a break silently (issue 15, finding 13)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or (
        os.environ.get("REQUIRE_VALIDATORS") == "1"
    )


def missing(reason: str):
    if validators_required():
        pytest.fail(f"{reason} (required here: CI or REQUIRE_VALIDATORS=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def icaljs():
    """Run ical.js (pinned in tests/calendar/js/package.json) on a document; returns its JSON."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing("node and npm are needed to run ical.js (scripts/install-system-deps)")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, timeout=300,
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            missing(f"npm ci could not install ical.js: {done.stderr.strip()[-500:]}")

    def run(data: bytes) -> dict:
        done = subprocess.run(
            [node, str(JS_DIR / "parse.mjs")], input=data, capture_output=True, timeout=60,
            cwd=JS_DIR,
        )
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)

    return run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real Radicale CalDAV server on loopback; `put(collection, uid, item)` stores one item
    and returns the HTTP status (201/204 stored, 4xx refused)."""
    root = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    config = root / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {root / 'data'}\n[logging]\nlevel = warning\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    base = f"http://127.0.0.1:{port}"
    auth = "Basic " + base64.b64encode(b"tester:x").decode()

    def request(method: str, path: str, body: bytes | None = None, ctype: str | None = None):
        req = urllib.request.Request(base + path, data=body, method=method)
        req.add_header("Authorization", auth)
        if ctype:
            req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("Radicale did not start: " + process.stderr.read().decode())
        collections: set[str] = set()

        def put(collection: str, uid: str, item: bytes) -> int:
            """Store one item in its own calendar; CalDAV allows one resource per UID."""
            if collection not in collections:
                status, _body = request("MKCALENDAR", f"/tester/{collection}/")
                assert status == 201, status
                collections.add(collection)
            name = base64.urlsafe_b64encode(uid.encode()).decode().rstrip("=")
            status, _body = request("PUT", f"/tester/{collection}/{name}.ics", item,
                                    "text/calendar")
            return status

        def get_all(collection: str) -> bytes:
            return request("GET", f"/tester/{collection}/")[1]

        put.get_all = get_all
        yield put
    finally:
        process.terminate()
        process.wait(timeout=10)
