"""Target 4: 300 simultaneous API registrations for 100 seats under gunicorn (4 sync workers)
on SQLite and on PostgreSQL: exactly 100 confirmed, 200 waitlisted, no errors; time to drain
and p99 latency. `python -m bench.rush` runs on BENCH_RUSH_DATABASE_URL (or a SQLite file)
and prints one JSON line; bench/__main__.py runs it once per database (PostgreSQL through
scripts/with-postgres)."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from bench.common import ROOT, create_database, gunicorn, make_app, tempdir
from bench.result import Result

USERS = 300
SEATS = 100
WORKERS = 4
DEADLINE_S = 120


def prepare(url: str) -> tuple[int, list[str]]:
    """One published event with SEATS seats, USERS people with an API token each."""
    from datetime import timedelta

    from extensions import db
    from liaison.accounts.apitokens import issue_token
    from liaison.accounts.models import Organization, OrgKind, Role, User
    from liaison.core.types import utcnow
    from liaison.events.models import Event, EventKind, EventStatus

    create_database(url)
    app = make_app(url)
    with app.app_context():
        host = Organization(name="Rush Host", kind=OrgKind.rights_holder)
        customs = Organization(name="Rush Customs", kind=OrgKind.customs)
        organizer = User(email="rush-organizer@bench.test", display_name="Organizer",
                         password_hash="x", organization=host, role=Role.organizer)
        start = utcnow().replace(microsecond=0) + timedelta(days=30)
        event = Event(kind=EventKind.training, title="Popular training", description="",
                      host_organization=host, start_at=start, end_at=start + timedelta(hours=2),
                      timezone="Asia/Shanghai", capacity=SEATS, status=EventStatus.published,
                      created_by=organizer, venue="Hall")
        event.organizers = [organizer]
        users = [User(email=f"rush{i}@bench.test", display_name=f"Rusher {i}",
                      password_hash="x", organization=customs) for i in range(USERS)]
        db.session.add_all([event, *users])
        db.session.flush()
        tokens = [issue_token(user, "bench")[1] for user in users]
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id, tokens


def _post(base: str, path: str, token: str, barrier: threading.Barrier, out: list, index: int):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE_S)
    try:
        conn.connect()
        barrier.wait(timeout=60)
        started = time.perf_counter()
        conn.request("POST", path, body=b"", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        out[index] = (response.status, time.perf_counter() - started, started, body[:200])
    except Exception as error:  # noqa: BLE001 - a failed request is a measured error
        out[index] = (0, float("nan"), time.perf_counter(), repr(error).encode())
    finally:
        conn.close()


def rush(url: str) -> dict:
    """Run the rush against `url`; returns the figures as a dict."""
    from sqlalchemy import create_engine, text

    event_id, tokens = prepare(url)
    out: list = [None] * USERS
    with gunicorn(url, workers=WORKERS) as (base, _pid):
        barrier = threading.Barrier(USERS + 1)
        threads = [
            threading.Thread(target=_post, args=(
                base, f"/api/v1/events/{event_id}/registrations", token, barrier, out, i))
            for i, token in enumerate(tokens)
        ]
        for thread in threads:
            thread.start()
        barrier.wait(timeout=60)
        began = time.perf_counter()
        for thread in threads:
            thread.join(timeout=DEADLINE_S)
        drained = time.perf_counter() - began
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT status, count(*) FROM registration WHERE event_id = :e GROUP BY status"),
            {"e": event_id}).all())
    engine.dispose()
    statuses = [r[0] if r else 0 for r in out]
    latencies = sorted(r[1] for r in out if r and r[0] == 201)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None
    errors = [r[3].decode(errors="replace") for r in out if not r or r[0] != 201]
    return {
        "database": url.split(":", 1)[0],
        "confirmed": int(rows.get("confirmed", 0)),
        "waitlisted": int(rows.get("waitlisted", 0)),
        "created_201": statuses.count(201),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "drain_s": round(drained, 3),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "p99_ms": round(p99 * 1000, 1) if p99 is not None else None,
    }


def _result(figures: dict) -> Result:
    ok = (figures["confirmed"] == SEATS and figures["errors"] == 0
          and figures["created_201"] == USERS)
    return Result(
        f"4 registration rush on {figures['database']}: {USERS} at once for {SEATS} seats, "
        f"exactly {SEATS} confirmed, no errors",
        f"{figures['confirmed']} confirmed, {figures['waitlisted']} waitlisted, "
        f"{figures['created_201']} x 201, {figures['errors']} errors; drained in "
        f"{figures['drain_s']} s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms"
        + (f"; first error: {figures['first_error']}" if figures["first_error"] else ""),
        None,
        ok,
    )


def run() -> list[Result]:
    folder = tempdir()
    results = [_result(rush(f"sqlite:///{folder / 'rush.sqlite'}"))]
    done = subprocess.run(
        [str(ROOT / "scripts" / "with-postgres"), sys.executable, "-m", "bench.rush",
         "--postgres"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("RUSH ")]
    if not line:
        results.append(Result(
            "4 registration rush on postgresql", "did not run: " +
            (done.stderr.strip().splitlines() or ["no output"])[-1], None, False))
    else:
        results.append(_result(json.loads(line[-1][5:])))
    return results


if __name__ == "__main__":
    if "--postgres" in sys.argv:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            sys.exit("no PostgreSQL (run under scripts/with-postgres)")
        print("RUSH " + json.dumps(rush(url)), flush=True)
    else:
        for result in run():
            print(result.line())
