"""Shared bench plumbing: the bench app config, seeded databases, gunicorn and wrk by pid.

Every server binds 127.0.0.1 on a free port, is started here and stopped here by its pid;
every request loop is bounded in count and in time.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET = "bench-secret-key-not-for-production-0123456789"
START = datetime(2031, 3, 2, 1, 0, tzinfo=UTC)  # far enough ahead that every event is upcoming


def bench_config(database_url: str, **extra):
    """Production settings (no debug, no testing) plus BENCH_ROUTES and the bench database."""
    from config import Config

    attrs = {
        "ENV_NAME": "bench",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://127.0.0.1:8000",
        "BENCH_ROUTES": True,
        "MAIL_BACKEND": "console",
        "SESSION_COOKIE_SECURE": False,
        **extra,
    }
    return type("BenchConfig", (Config,), attrs)


def make_app(database_url: str, **extra):
    from app import create_app

    return create_app(bench_config(database_url, **extra))


def sign_in(client, user_id: str) -> None:
    """Sign a Flask test client in as `user_id` (`User.get_id()`), without the log-in form."""
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tempdir() -> Path:
    """A scratch folder for one benchmark's databases and caches, removed when the run ends."""
    path = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@dataclass
class Dataset:
    """Ids the benchmarks need, from `seed`."""

    event_id: int  # a public event, the one the event page and reference page show
    big_event_id: int  # 500 registrations
    organizer_id: int
    feed_user_id: int  # registered for `personal_events` events
    attendee_id: int


def seed(n_public: int, n_personal: int, n_attendees: int) -> Dataset:
    """Published events open to all (half with topics), one user registered for
    `n_personal` of them, one event with `n_attendees` confirmed registrations.
    Call inside an app context on an empty, created schema."""
    from extensions import db
    from liaison.accounts.models import Organization, OrgKind, Role, User
    from liaison.events.models import Event, EventKind, EventStatus, EventTopic
    from liaison.events.topics import ensure_topic
    from liaison.registration.models import Registration, RegistrationStatus

    host = Organization(name="Brand Protection Alliance", name_zh="品牌保护联盟",
                        kind=OrgKind.rights_holder)
    customs = Organization(name="Shanghai Customs", name_zh="上海海关", kind=OrgKind.customs)
    db.session.add_all([host, customs])
    organizer = User(email="organizer@bench.test", display_name="Olga Organizer",
                     password_hash="x", organization=host, role=Role.organizer)
    feed_user = User(email="reader@bench.test", display_name="Rita Reader",
                     password_hash="x", organization=customs)
    db.session.add_all([organizer, feed_user])
    db.session.flush()
    zones = ["Asia/Shanghai", "Europe/Brussels", "America/New_York"]
    slugs = [ensure_topic(f"topic {k}").slug for k in range(7)] + [ensure_topic("shared").slug]
    events = []
    for i in range(n_public):
        start = START + timedelta(hours=5 * i)
        event = Event(
            kind=EventKind.training if i % 2 else EventKind.exchange_meeting,
            title=f"Recognising counterfeit goods, part {i}",
            description="How to tell genuine products from fakes.\nBring your questions.",
            host_organization=host, start_at=start, end_at=start + timedelta(hours=2),
            timezone=zones[i % 3], venue=f"Room {i % 40}", online_url="https://meet.example/x",
            capacity=1000, status=EventStatus.published, created_by=organizer,
        )
        event.organizers = [organizer]
        if i % 2:
            event.topic_rows = [EventTopic(topic_slug=slugs[i % 7]),
                                EventTopic(topic_slug=slugs[7])]
        events.append(event)
    db.session.add_all(events)
    db.session.flush()
    db.session.add_all(
        Registration(event=e, user=feed_user, status=RegistrationStatus.confirmed)
        for e in events[:n_personal]
    )
    big = events[0]
    attendees = [
        User(email=f"att{i}@bench.test", display_name=f"Attendee {i}", password_hash="x",
             organization=customs)
        for i in range(n_attendees)
    ]
    db.session.add_all(attendees)
    db.session.flush()
    db.session.add_all(
        Registration(event=big, user=u, status=RegistrationStatus.confirmed) for u in attendees
    )
    db.session.commit()
    return Dataset(
        event_id=events[min(3, len(events) - 1)].id,
        big_event_id=big.id,
        organizer_id=organizer.id,
        feed_user_id=feed_user.id,
        attendee_id=attendees[0].id if attendees else feed_user.id,
    )


def create_database(url: str) -> None:
    """A fresh schema at `url` (the bench's own SQLite file, or a throw-away PostgreSQL)."""
    from extensions import db

    app = make_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
            db.session.commit()
        db.create_all()
        db.engine.dispose()


# --- gunicorn ---------------------------------------------------------------------------------


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, threads: int = 1, extra_env=None,
             max_requests: int = 0, root: Path = ROOT):
    """gunicorn serving bench.wsgi on loopback; yields (base url, master pid); stopped by pid.
    `root`: the source tree to serve (another commit's worktree for a baseline)."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "PYTHONPATH": str(root),
        **(extra_env or {}),
    }
    cmd = [
        GUNICORN, "-c", str(ROOT / "bench" / "gunicorn_bench.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync",
        "--max-requests", str(max_requests), "--log-level", "warning",
        "bench.wsgi:app",
    ]
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; log in {log.name}") from None
                time.sleep(0.2)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        if "Traceback" not in Path(log.name).read_text(errors="replace"):
            os.unlink(log.name)  # kept only when a worker failed, to read afterwards
        else:
            print(f"   gunicorn errors logged in {log.name}", flush=True)


def worker_pids(master_pid: int) -> list[int]:
    """Children of the gunicorn master (its workers)."""
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, *, seconds: int = 8, connections: int = 8, threads: int = 2,
        cookie: str | None = None) -> WrkResult:
    """wrk --latency against one URL (with a Cookie header when given); bounded by `seconds`."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", "10s", *headers, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        errors += int(bad.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return WrkResult(rps, p50, p99, requests, errors)
