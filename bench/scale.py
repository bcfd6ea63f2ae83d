"""Issue 22, target 6: the scale check on PostgreSQL. 20,000 upcoming events as
`bench.common.seed` makes them (half with topics), 1,000 past trainings with topics, an
audience and closed attendance, 5,000 users across a few organizations and 200,000
registrations (COPY), then:

- targets 2-5 (bench/calendar.py's `measure`: the 304 of a conditional feed request, the
  rebuild after one change against a cold build, gzip, one event's .ics under gunicorn) at
  that size: public feeds of 20,000 events, the personal feed of the user with 2,000
  registrations;
- the SQL statements of the pages people use (upcoming list and event page, anonymous and
  signed in; My registrations; the attendee list as its organizer; the public and the
  personal feed, built; the exchange board; the training record), each counted after one
  warming request, on the small data set (`seed(2000, 300, 200)` plus the same kinds of
  rows at a small size, in a database of its own) and on the scale set for a user with 40
  registrations and for the user with 2,000: PASS when no page's count grows;
- for the record, in-process CPU per request (time.process_time over 20 requests, Flask
  test client, page cache off) of the signed-in pages at both sizes.

Command (it needs PostgreSQL; without BENCH_SCALE_DATABASE_URL the suite reports one FAIL
saying so), one line:
    scripts/with-postgres sh -c 'BENCH_SCALE_DATABASE_URL=$TEST_DATABASE_URL
        BENCH_ONLY=scale .venv/bin/python -m bench'
BENCH_SCALE_ROUNDS (default 2) sets the calendar measurements' rounds.
"""
from __future__ import annotations

import gc
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.common import Dataset, create_database, make_app, seed, sign_in, tempdir
from bench.feeds import counting
from bench.result import Result

COMMAND = ("scripts/with-postgres sh -c 'BENCH_SCALE_DATABASE_URL=$TEST_DATABASE_URL "
           "BENCH_ONLY=scale .venv/bin/python -m bench'")
CPU_REQUESTS = 20
AUDIENCES = (",customs,", ",customs,law_enforcement,", ",customs,rights_holder,",
             ",law_enforcement,")


@dataclass(frozen=True)
class Size:
    name: str
    events: int  # upcoming, from `seed`
    personal: int  # the reader's upcoming registrations, from `seed`
    attendees: int  # of the big event, from `seed`
    past: int  # past trainings with an audience, topics and closed attendance
    past_of_reader: int  # past trainings the reader attended
    users: int  # in all
    registrations: int  # in all
    typical: int  # registrations of the typical user


SMALL = Size("small", 2000, 300, 200, 20, 5, 600, 3000, 10)
SCALE = Size("scale", 20_000, 1980, 500, 1000, 20, 5000, 200_000, 40)
# The scale set's reader has 1,980 + 20 = 2,000 registrations.


def _log(message: str) -> None:
    print(f"   scale: {message}", flush=True)


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY rows into `table` on the session's connection (psycopg 3)."""
    from extensions import db

    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build(size: Size) -> dict:
    """Everything of `size` in the app context's empty database; returns the ids the pages
    need. The upcoming events are `seed`'s (ORM); the rest are bulk inserts and COPY."""
    from extensions import db
    from liaison.accounts.models import Organization, OrgKind, Role, User
    from liaison.events.models import Event, EventKind, EventStatus, EventTopic, event_organizer
    from liaison.events.topics import ensure_topic
    from liaison.registration.models import Registration, new_checkin_token

    rng = random.Random(22)
    began = time.perf_counter()
    data: Dataset = seed(size.events, size.personal, size.attendees)
    _log(f"{size.name}: seed({size.events}, {size.personal}, {size.attendees}) "
         f"in {time.perf_counter() - began:.1f} s")
    from bench import exchange

    exchange.seed(30, 10, random.Random(17))  # the board's postings, the same at both sizes
    orgs = [Organization(name=f"Customs District {i}", kind=OrgKind.customs) for i in range(3)]
    orgs += [Organization(name=f"Rights Holder {i}", kind=OrgKind.rights_holder)
             for i in range(2)]
    orgs.append(Organization(name="Economic Crime Police", kind=OrgKind.law_enforcement))
    db.session.add_all(orgs)
    db.session.flush()
    existing = db.session.scalar(sa.select(sa.func.count(User.id)))
    db.session.execute(sa.insert(User), [
        {"email": f"member{i}@bench.test", "display_name": f"Member {i}", "password_hash": "x",
         "organization_id": orgs[i % len(orgs)].id, "role": Role.participant}
        for i in range(size.users - existing)])
    kinds = {o.id: o.kind for o in orgs}
    members = db.session.execute(sa.select(User.id, User.organization_id).where(
        User.email.like("member%@bench.test")).order_by(User.id)).all()
    _log(f"{size.name}: {size.users - existing} members in {len(orgs)} organizations "
         f"({time.perf_counter() - began:.1f} s)")
    slugs = [ensure_topic(f"topic {k}").slug for k in range(7)]
    host_id = db.session.get(User, data.organizer_id).organization_id
    day0 = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    past = []
    for i in range(size.past):
        start = day0 - timedelta(days=2 + i % 700, hours=i % 5)
        past.append({"kind": EventKind.training, "title": f"Past training {i}",
                     "description": "Seizures in the postal channel.",
                     "host_organization_id": host_id,
                     "audience_csv": AUDIENCES[i % len(AUDIENCES)], "start_at": start,
                     "end_at": start + timedelta(hours=3), "timezone": "Asia/Shanghai",
                     "venue": "Hall", "capacity": 200, "status": EventStatus.published,
                     "sequence": 0, "created_by_id": data.organizer_id,
                     "attendance_closed_at": start + timedelta(days=1)})
    db.session.execute(sa.insert(Event), past)
    past_ids = list(db.session.scalars(sa.select(Event.id).where(
        Event.title.like("Past training %")).order_by(Event.id)))
    db.session.execute(sa.insert(EventTopic), [
        {"event_id": e, "topic_slug": s} for e in past_ids for s in rng.sample(slugs, 2)])
    db.session.execute(sa.insert(event_organizer), [
        {"event_id": e, "user_id": data.organizer_id} for e in past_ids])
    open_to = {kind: [e for i, e in enumerate(past_ids)
                      if f",{kind}," in AUDIENCES[i % len(AUDIENCES)]]
               for kind in set(kinds.values()) | {OrgKind.customs}}
    upcoming = list(db.session.scalars(sa.select(Event.id).where(
        Event.id != data.big_event_id, Event.title.like("Recognising %"))))
    now = datetime.now(UTC)
    columns = ["event_id", "user_id", "status", "created_at", "updated_at", "attendance",
               "attended_minutes", "checkin_token", "invite_offset"]

    def row(event_id, user_id, status, attendance=None):
        at = now - timedelta(minutes=rng.randrange(500_000))
        return (event_id, user_id, status, at, at, attendance,
                90 if attendance == "partial" else None, new_checkin_token(), 0)

    def outcome():
        roll = rng.random()
        return "attended" if roll < .85 else "partial" if roll < .93 else "absent"

    def status():
        roll = rng.random()
        return "confirmed" if roll < .85 else "waitlisted" if roll < .92 else "cancelled"

    rows = [row(e, data.feed_user_id, "confirmed", outcome())
            for e in rng.sample(open_to[OrgKind.customs], size.past_of_reader)]
    have = size.personal + size.attendees + len(rows)
    per = (size.registrations - have - size.typical) / (len(members) - 1)
    typical = members[0][0]
    for k, (user_id, org_id) in enumerate(members):
        n = size.typical if k == 0 else int(per * k) - int(per * (k - 1))
        n_past = min(n // 5, len(open_to[kinds[org_id]]))
        chosen = rng.sample(upcoming, n - n_past - (k == 0))
        if k == 0:  # the typical user is confirmed for the big event, as the reader is
            chosen.append(data.big_event_id)
        rows += [row(e, user_id, "confirmed" if e == data.big_event_id else status())
                 for e in chosen]
        rows += [row(e, user_id, "confirmed", outcome())
                 for e in rng.sample(open_to[kinds[org_id]], n_past)]
    table = Registration.__table__.name
    for start in range(0, len(rows), 50_000):
        _copy(table, columns, rows[start:start + 50_000])
        _log(f"{size.name}: {start + len(rows[start:start + 50_000]):,} of {len(rows):,} "
             f"registrations copied ({time.perf_counter() - began:.1f} s)")
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for name, model in (("events", Event), ("users", User),
                                  ("registrations", Registration))}
    mine = dict(db.session.execute(sa.select(Registration.user_id, sa.func.count()).where(
        Registration.user_id.in_([typical, data.feed_user_id])).group_by(
        Registration.user_id)).all())
    seconds = time.perf_counter() - began
    _log(f"{size.name}: built in {seconds:.1f} s: {counts}; the reader has "
         f"{mine[data.feed_user_id]} registrations, the typical user {mine[typical]}")
    return {"data": data, "typical": typical, "counts": counts, "seconds": seconds,
            "mine": mine}


def pages(app, built: dict, users: dict[str, int]) -> list[tuple[str, str | None, str]]:
    """(label, signed-in user's get_id() or None, path) of the counted pages."""
    from extensions import db
    from liaison.accounts.models import User
    from liaison.calendar import feedtokens

    data = built["data"]
    with app.app_context():
        organizer = db.session.get(User, data.organizer_id).get_id()
        found = [("upcoming list", None, "/events/"),
                 ("event page", None, f"/events/{data.event_id}"),
                 ("public feed (built)", None, "/calendar/public.ics"),
                 ("attendee list (organizer)", organizer,
                  f"/events/{data.big_event_id}/registrations")]
        for who, user_id in users.items():
            user = db.session.get(User, user_id)
            found += [(f"upcoming list (signed in) [{who}]", user.get_id(), "/events/"),
                      (f"event page (signed in) [{who}]", user.get_id(),
                       f"/events/{data.big_event_id}"),
                      (f"my registrations [{who}]", user.get_id(), "/registrations/mine"),
                      (f"training record [{who}]", user.get_id(), "/me/training-record"),
                      (f"exchange board [{who}]", user.get_id(), "/exchange/"),
                      (f"personal feed (built) [{who}]", None,
                       f"/calendar/{feedtokens.calendar_token(user)}.ics")]
        db.session.commit()
        db.session.remove()
    return found


def _forget(cache) -> None:
    """No feed, download or record kept: the counted request computes its page."""
    from liaison.calendar import assembly, feedcache, serve
    from liaison.records import memo

    feedcache.forget_all()
    assembly.forget_all()
    serve.forget_downloads()
    memo.clear()
    for path in cache.glob("*.ics*"):
        path.unlink()


def _client(app, user):
    client = app.test_client()  # one per request: nothing kept between them
    if user is not None:
        sign_in(client, user)
    return client


def measure_pages(app, found) -> dict[str, tuple[int, float | None]]:
    """{label: (SQL statements, CPU ms per request or None for the anonymous ones)}."""
    from pathlib import Path

    from extensions import db

    with app.app_context():
        engine = db.engine
    cache = Path(app.config["FEED_CACHE_DIR"])
    figures = {}
    for label, user, path in found:
        assert _client(app, user).get(path).status_code == 200, (label, path)  # warm
        _forget(cache)
        with counting(engine) as statements:
            response = _client(app, user).get(path)
        assert response.status_code == 200, (label, response.status_code, response.location)
        cpu = None
        if user is not None:
            signed_in = _client(app, user)
            began = time.process_time()
            for _ in range(CPU_REQUESTS):
                signed_in.get(path)
            cpu = (time.process_time() - began) / CPU_REQUESTS * 1000
        figures[label] = (len(statements), cpu)
    return figures


def _database(url: str, name: str) -> str:
    """A new database `name` on the server of `url` (dropped first when it exists)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def one_size(url: str, size: Size, folder) -> tuple[dict, dict]:
    from extensions import db

    create_database(url)
    app = make_app(url, FEED_CACHE_DIR=str(folder / f"cache-{size.name}"),
                   PAGE_CACHE_ENTRIES=0)
    with app.app_context():
        built = build(size)
        db.session.remove()
    gc.collect()
    users = {f"{built['mine'][built['data'].feed_user_id]:,} registrations":
             built["data"].feed_user_id}
    if size is SCALE:
        users = {f"{built['mine'][built['typical']]} registrations": built["typical"],
                 **users}
    began = time.perf_counter()
    figures = measure_pages(app, pages(app, built, users))
    _log(f"{size.name}: pages counted and timed in {time.perf_counter() - began:.0f} s")
    with app.app_context():
        db.engine.dispose()
    return built, figures


def _page(label: str) -> str:
    return label.split(" [")[0]


def _shown(rows) -> str:
    """"12 for the user with 40 registrations, 12 for ..." (who, when the label says)."""
    return ", ".join(f"{n} for the user with {label.split(' [')[1][:-1]}" if " [" in label
                     else str(n) for label, n in rows)


def compare(small: dict, scale: dict) -> list[Result]:
    results = []
    for page in dict.fromkeys(_page(label) for label in scale):
        few = [(label, n) for label, (n, _cpu) in small.items() if _page(label) == page]
        many = [(label, n) for label, (n, _cpu) in scale.items() if _page(label) == page]
        base = max(n for _label, n in few)
        top = max(n for _label, n in many)
        results.append(Result(f"22.6 {page}: SQL statements do not grow at scale",
                              f"small set {_shown(few)}; scale set {_shown(many)}",
                              top / base, top <= base))
    return results


def cpu_lines(small: dict, scale: dict) -> None:
    print("   scale: CPU per request, in process (ms, process_time over "
          f"{CPU_REQUESTS} requests, page cache off):", flush=True)
    for label, (_n, cpu) in scale.items():
        if cpu is None:
            continue
        page, who = _page(label), label[len(_page(label)):]
        before = [c for lbl, (_n, c) in small.items() if _page(lbl) == page and c is not None]
        print(f"     {page}{who}: {cpu:.1f} ms at scale, {before[0]:.1f} ms on the small set",
              flush=True)


def run() -> list[Result]:
    url = os.environ.get("BENCH_SCALE_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return [Result("22.6 scale check on PostgreSQL",
                       "not run: BENCH_SCALE_DATABASE_URL names no PostgreSQL database; "
                       f"run {COMMAND}",
                       None, False)]
    folder = tempdir()
    began = time.perf_counter()
    _small_built, small = one_size(_database(url, "liaison_scale_small"), SMALL, folder)
    _log(f"small set done in {time.perf_counter() - began:.0f} s")
    built, large = one_size(url, SCALE, folder)
    results = compare(small, large)
    cpu_lines(small, large)
    from bench import calendar
    from extensions import db
    from liaison.accounts.models import User
    from liaison.calendar import feedtokens

    data = built["data"]
    app = make_app(url, FEED_CACHE_DIR=str(folder / "cache"))
    with app.app_context():
        reader = db.session.get(User, data.feed_user_id)
        personal = f"/calendar/{feedtokens.calendar_token(reader)}.ics"
        db.session.commit()
        db.session.remove()
    with app.test_client() as client:
        body = client.get(personal).data
    _log(f"the personal feed has {body.count(b'BEGIN:VEVENT')} events")
    results += calendar.measure(app, url, folder, data, personal,
                                public_events=SCALE.events,
                                personal_events=body.count(b"BEGIN:VEVENT"),
                                rounds=int(os.environ.get("BENCH_SCALE_ROUNDS", "2")))
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
