"""Rule 6 under real concurrency: 200 people press "Register" at once on a 50-seat event,
served by four gunicorn worker processes sharing one database (the test's SQLite file, or
PostgreSQL when TEST_DATABASE_URL points there).

Each request is a real POST with the participant's own session cookie, signed with the app's
SECRET_KEY exactly as a log-in would have made it. A control run with SEAT_LOCK_DISABLED=1
(test-only: count before locking, plus a short pause) must overbook, which proves that the test
can see the race the lock prevents.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extensions import db
from liaison.accounts.models import Role, User
from liaison.accounts.passwords import hash_password
from liaison.events.models import Event
from liaison.registration.models import Registration, RegistrationStatus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 200
SEATS = 50
WORKERS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(app, user: User) -> str:
    """The session cookie Flask-Login would set after this user logged in."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


class Server:
    """gunicorn with several sync workers on a free loopback port, for one database."""

    def __init__(self, database_url: str, tmp_path: Path, *, lock_disabled: bool,
                 app_spec: str = "tests.registrations.stress_app:create()"):
        self.port = free_port()
        conf = tmp_path / "gunicorn.conf.py"
        conf.write_text("# empty: the stress test sets everything on the command line\n")
        env = dict(os.environ, STRESS_DATABASE_URL=database_url, LIAISON_ENV="testing",
                   SEAT_LOCK_DISABLED="1" if lock_disabled else "0")
        self.log = open(tmp_path / f"gunicorn-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", str(conf),
             "--workers", str(WORKERS), "--worker-class", "sync", "--backlog", "512",
             "--timeout", "60", "--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT),
             app_spec],
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

    def request(self, method: str, path: str, cookie: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Cookie": f"session={cookie}"} if cookie else {}
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def stampede(server: Server, event_id: int, cookies: list[str]) -> list[int]:
    """Every participant presses Register at the same moment; returns the HTTP statuses."""
    statuses: list[int] = [0] * len(cookies)
    barrier = threading.Barrier(len(cookies))

    def press(i: int) -> None:
        barrier.wait()
        try:
            statuses[i] = server.request("POST", f"/events/{event_id}/register", cookies[i])[0]
        except OSError as error:  # a refused or reset connection counts as an error
            statuses[i] = -1
            print("request failed:", error)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


CONTROL_ATTEMPTS = 3


def queue_of(event_id: int) -> list[Registration]:
    db.session.rollback()  # a fresh snapshot: the workers committed after our last read
    return list(db.session.scalars(
        db.select(Registration).where(Registration.event_id == event_id)
        .order_by(Registration.created_at, Registration.id)
    ))


@pytest.fixture
def crowd(app, make_event, make_org, make_user):
    """A 50-seat event and 200 participants (with their session cookies), committed."""
    organizer = make_user(role=Role.organizer)
    org = make_org()
    password_hash = hash_password("stress test password")
    users = [
        User(email=f"stress{i}@example.test", display_name=f"Participant {i}",
             password_hash=password_hash, organization=org, role=Role.participant)
        for i in range(PEOPLE)
    ]
    db.session.add_all(users)
    db.session.commit()

    def event() -> Event:
        return make_event(organizer=organizer, capacity=SEATS)

    return event, [session_cookie(app, u) for u in users]


def test_two_hundred_simultaneous_registrations_never_overbook(app, crowd, tmp_path):
    make, cookies = crowd
    event_id = make().id
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.rollback()
    server = Server(database_url, tmp_path, lock_disabled=False)
    try:
        statuses = stampede(server, event_id, cookies)
        log = server.output()
    finally:
        server.stop()
    assert all(200 <= s < 400 for s in statuses), (sorted(set(statuses)), log)

    queue = queue_of(event_id)
    assert len(queue) == PEOPLE
    assert len({r.user_id for r in queue}) == PEOPLE  # nobody twice
    confirmed = [r for r in queue if r.status == RegistrationStatus.confirmed]
    waiting = [r for r in queue if r.status == RegistrationStatus.waitlisted]
    assert len(confirmed) == SEATS and len(waiting) == PEOPLE - SEATS
    # First come, first served: the first 50 places in the queue hold the seats, and ids
    # (handed out under the same lock) follow the queue order.
    assert all(r.status == RegistrationStatus.confirmed for r in queue[:SEATS])
    assert [r.id for r in queue] == sorted(r.id for r in queue)


def test_control_without_the_lock_overbooks(app, crowd, tmp_path):
    """The same stampede with SEAT_LOCK_DISABLED=1 must overbook, or the test above is blind.

    Whether unlocked requests collide depends on how the workers get scheduled, so the
    control has up to three stampedes (each at a fresh event) to show the race once."""
    make, cookies = crowd
    results = []
    for attempt in range(CONTROL_ATTEMPTS):
        event_id = make().id
        db.session.rollback()
        server = Server(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, lock_disabled=True)
        try:
            statuses = stampede(server, event_id, cookies)
        finally:
            server.stop()
        confirmed = [r for r in queue_of(event_id) if r.status == RegistrationStatus.confirmed]
        results.append((len(confirmed), sorted(set(statuses))))
        print(f"control run {attempt + 1}: {len(confirmed)} confirmed for {SEATS} seats")
        if len(confirmed) > SEATS:
            return
    pytest.fail(f"no overbooking without the lock in {CONTROL_ATTEMPTS} stampedes: {results}")
