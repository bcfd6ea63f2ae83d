"""Reserved seats under real concurrency: 200 people at once — 145 pressing "Register" on the
page, 55 nominated by five focal points through the API — against a 60-seat event of which 20
are reserved for Shenzhen Customs, served by four gunicorn worker processes sharing one
database (the test's SQLite file, or PostgreSQL when TEST_DATABASE_URL points there). Then a
real `flask worker --once` process releases the reserve and promotes the waiting list.

Exact counts: 10 Shenzhen officers fill 10 reserved seats, 40 others the open seats, 150 wait;
every status equals a replay of the queue (first come, first served, the reserve filled only by
Shenzhen); after the release the first 10 in the queue move up: 60 confirmed, 140 waiting.
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from extensions import db
from liaison.accounts.apitokens import issue_token
from liaison.accounts.models import Organization, OrgKind, Role, User
from liaison.accounts.passwords import hash_password
from liaison.core.types import utcnow
from liaison.registration.models import Allocation, Registration, RegistrationStatus
from tests.registrations.test_stress import Server, session_cookie

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CAPACITY, RESERVED = 60, 20
BRAND, SHANGHAI_SELF, SHANGHAI_NOMINATED, SHENZHEN_SELF, SHENZHEN_NOMINATED = 100, 40, 50, 5, 5
S = RegistrationStatus


class StressServer(Server):
    """The registration stress test's gunicorn, on this test's app module."""

    def __init__(self, database_url: str, tmp_path: Path):
        super().__init__(database_url, tmp_path, lock_disabled=False,
                         app_spec="tests.orgs.stress_app:create()")

    def api_post(self, path: str, token: str, body: dict) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("POST", path, body=json.dumps(body),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()


@pytest.fixture
def world(app, make_event, make_user):
    password = hash_password("stress test password")
    brand = Organization(name="Brand Co", kind=OrgKind.rights_holder)
    national = Organization(name="National Customs", kind=OrgKind.customs)
    shanghai = Organization(name="Shanghai Customs", kind=OrgKind.customs, parent=national)
    shenzhen = Organization(name="Shenzhen Customs", kind=OrgKind.customs, parent=national)
    db.session.add_all([brand, national, shanghai, shenzhen])

    def people(org, prefix, n, **fields):
        made = [User(email=f"{prefix}{i}@stress.test", display_name=f"{prefix} {i}",
                     password_hash=password, organization=org, role=Role.participant, **fields)
                for i in range(n)]
        db.session.add_all(made)
        return made

    w = {
        "self": people(brand, "brand", BRAND) + people(shanghai, "sh-self", SHANGHAI_SELF)
        + people(shenzhen, "sz-self", SHENZHEN_SELF),
        "nominated": people(shanghai, "sh-nom", SHANGHAI_NOMINATED)
        + people(shenzhen, "sz-nom", SHENZHEN_NOMINATED),
        "focal_points": people(national, "fp", 5, focal_point=True),
    }
    organizer = make_user(role=Role.organizer, org=brand)
    event = make_event(organizer=organizer, capacity=CAPACITY, venue="Hall")
    db.session.add(Allocation(event=event, organization=shenzhen, seats=RESERVED,
                              release_at=event.start_at - timedelta(days=1)))
    db.session.commit()
    tokens = [issue_token(fp, "stress")[1] for fp in w["focal_points"]]
    db.session.commit()
    w.update(event=event.id, shenzhen=shenzhen.id, tokens=tokens,
             cookies=[session_cookie(app, u) for u in w["self"]])
    return w


def stampede(server: StressServer, w: dict) -> list[int]:
    """Everyone at the same moment: page registrations and the focal points' nominations."""
    event_id = w["event"]
    calls = [lambda c=c: server.request("POST", f"/events/{event_id}/register", c)[0]
             for c in w["cookies"]]
    calls += [lambda i=i, u=u.id: server.api_post(f"/api/v1/events/{event_id}/nominations",
                                                  w["tokens"][i % 5], {"user_id": u})
              for i, u in enumerate(w["nominated"])]
    statuses = [0] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        barrier.wait()
        try:
            statuses[i] = calls[i]()
        except OSError as error:
            statuses[i] = -1
            print("request failed:", error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def replay(queue: list[tuple[Registration, int]], shenzhen: int, open_seats: int,
           reserved: int) -> list[RegistrationStatus]:
    """First come, first served, with the reserve filled only (and first) by Shenzhen."""
    expected = []
    for _registration, org_id in queue:
        if org_id == shenzhen and reserved > 0:
            reserved -= 1
            expected.append(S.confirmed)
        elif open_seats > 0:
            open_seats -= 1
            expected.append(S.confirmed)
        else:
            expected.append(S.waitlisted)
    return expected


def queue_of(event_id: int) -> list[tuple[Registration, int]]:
    db.session.rollback()
    return list(db.session.execute(
        select(Registration, User.organization_id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event_id)
        .order_by(Registration.created_at, Registration.id)
    ).tuples())


def test_two_hundred_registrations_and_nominations_with_reserved_seats(app, world, tmp_path):
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.rollback()
    server = StressServer(database_url, tmp_path)
    try:
        statuses = stampede(server, world)
        log = server.output()
    finally:
        server.stop()
    pages, api = statuses[: len(world["cookies"])], statuses[len(world["cookies"]):]
    assert all(300 <= s < 400 for s in pages), (sorted(set(pages)), log)
    assert all(s == 201 for s in api), (sorted(set(api)), log)

    queue = queue_of(world["event"])
    people = len(world["self"]) + len(world["nominated"])
    assert len(queue) == people == 200
    assert len({r.user_id for r, _ in queue}) == people
    assert sum(1 for r, _ in queue if r.nominated_by_id is not None) == 55
    statuses = [r.status for r, _ in queue]
    assert statuses.count(S.confirmed) == 50 and statuses.count(S.waitlisted) == 150
    reserved_fill = sum(1 for r, org in queue
                        if r.status == S.confirmed and org == world["shenzhen"])
    assert reserved_fill == SHENZHEN_SELF + SHENZHEN_NOMINATED == 10
    assert statuses == replay(queue, world["shenzhen"], CAPACITY - RESERVED, RESERVED)

    first_waiting = [r.user_id for r, _ in queue if r.status == S.waitlisted][:10]
    seated_before = {r.user_id for r, _ in queue if r.status == S.confirmed}
    # The release time comes; a real worker process releases the reserve and promotes.
    db.session.execute(update(Allocation).values(release_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    db.session.remove()
    env = dict(os.environ, LIAISON_ENV="testing", STRESS_DATABASE_URL=database_url)
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tests.orgs.stress_app:create", "worker",
         "--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
    assert "release_allocations" in worker.stdout

    after = queue_of(world["event"])
    statuses = [r.status for r, _ in after]
    assert statuses.count(S.confirmed) == 60 and statuses.count(S.waitlisted) == 140
    promoted = {r.user_id for r, _ in after if r.status == S.confirmed} - seated_before
    assert promoted == set(first_waiting)
    assert db.session.scalar(select(Allocation.released_at)) is not None
