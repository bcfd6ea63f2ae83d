"""Target 1: feeds with 2,000 (public) and 300 (personal) events, through the app (Flask test
client in this process), against serializing the same events with the icalendar library alone
in the same process; and the 304 of a matching If-None-Match (SQL statements and time)."""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa

from bench.common import Dataset, create_database, make_app, seed, tempdir
from bench.result import Result

PUBLIC_EVENTS = 2000
PERSONAL_EVENTS = 300
WARM_LIMIT = 1.2
NOT_MODIFIED_QUERIES = 2
NOT_MODIFIED_SHARE = 0.05


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        # Transaction control (SQLite's explicit BEGIN) is not a query.
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def plain_events(events) -> list[dict]:
    """The events as plain values: what the icalendar-only baseline serializes."""
    return [
        {
            "uid": f"event-{e.id}@127.0.0.1", "stamp": e.updated_at, "created": e.created_at,
            "sequence": e.sequence, "start": e.start_at.astimezone(e.zone),
            "end": e.end_at.astimezone(e.zone), "summary": e.title,
            "description": f"{e.description}\nDetails: http://127.0.0.1:8000/events/{e.id}",
            "location": e.venue or "", "url": f"http://127.0.0.1:8000/events/{e.id}",
        }
        for e in events
    ]


def icalendar_alone(rows: list[dict]) -> bytes:
    """The floor: one VEVENT per event with the same properties, icalendar's own to_ical."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    for row in rows:
        vevent = VEvent()
        vevent.add("uid", row["uid"])
        vevent.add("dtstamp", row["stamp"].astimezone(UTC))
        vevent.add("last-modified", row["stamp"].astimezone(UTC))
        vevent.add("created", row["created"].astimezone(UTC))
        vevent.add("sequence", row["sequence"])
        vevent.add("dtstart", row["start"])
        vevent.add("dtend", row["end"])
        vevent.add("summary", row["summary"])
        vevent.add("description", row["description"])
        vevent.add("location", row["location"])
        vevent.add("url", row["url"])
        vevent.add("status", "CONFIRMED")
        vevent.add("class", "PUBLIC")
        vevent.add("transp", "OPAQUE")
        cal.add_component(vevent)
    return cal.to_ical()


def _timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _measure(app, client, folder, label: str, path: str, rows, repeat: int) -> list[Result]:
    """Cold, warm and 304 timings of one feed against icalendar alone on the same events."""
    from extensions import db
    from liaison.calendar import assembly, feedcache

    results = []
    def cold():
        feedcache.forget_all()  # a new process on an empty store: no body, version or entry
        assembly.forget_all()
        for path_ in (folder / "cache").glob("*.ics*"):
            path_.unlink()
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    def warm():
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    def warm_no_memory():
        feedcache._memory.clear()
        warm()

    # Side by side, interleaved, so noise hits both.
    floor = _timed(lambda: icalendar_alone(rows), repeat)
    cold_s = _timed(cold, repeat)
    warm()
    warm_s = _timed(warm, repeat * 5)
    file_s = _timed(warm_no_memory, repeat * 5)
    floor = min(floor, _timed(lambda: icalendar_alone(rows), repeat))
    worst_warm = max(warm_s, file_s)
    results.append(Result(
        f"1 {label}: warm (cached body) <= {WARM_LIMIT}x icalendar alone",
        f"icalendar alone {floor * 1000:.1f} ms; app warm {warm_s * 1000:.1f} ms "
        f"(body from file {file_s * 1000:.1f} ms); app cold build {cold_s * 1000:.1f} ms "
        f"= {cold_s / floor:.2f}x",
        worst_warm / floor / WARM_LIMIT,
        worst_warm <= WARM_LIMIT * floor,
    ))

    etag = client.get(path).headers["ETag"]
    with app.app_context(), counting(db.engine) as statements:
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304, response.status_code
    queries = len(statements)

    def not_modified():
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    nm_s = _timed(not_modified, repeat * 5)
    results.append(Result(
        f"1 {label}: 304 <= {NOT_MODIFIED_QUERIES} SQL and < 5% of a full response",
        f"{queries} SQL, {nm_s * 1000:.2f} ms = {nm_s / cold_s:.2%} of a full (built) "
        f"response, {nm_s / warm_s:.0%} of a cached 200",
        max(queries / NOT_MODIFIED_QUERIES, nm_s / cold_s / NOT_MODIFIED_SHARE),
        queries <= NOT_MODIFIED_QUERIES and nm_s < NOT_MODIFIED_SHARE * cold_s,
    ))
    return results


def run() -> list[Result]:
    from extensions import db
    from liaison.accounts.models import User
    from liaison.calendar import feeds, feedtokens
    from liaison.core.types import utcnow

    folder = tempdir()
    url = f"sqlite:///{folder / 'feeds.sqlite'}"
    create_database(url)
    app = make_app(url, FEED_CACHE_DIR=str(folder / "cache"))
    results = []
    with app.app_context():
        data: Dataset = seed(PUBLIC_EVENTS, PERSONAL_EVENTS, 0)
        user = db.session.get(User, data.feed_user_id)
        personal_path = f"/calendar/{feedtokens.calendar_token(user)}.ics"
        db.session.commit()
        with app.test_request_context():
            public_rows = plain_events(
                feeds.public_feed(feeds.PublicFilters(), now=utcnow(), grace_days=30).events)
            personal_rows = plain_events(
                feeds.personal_feed(user, now=utcnow(), grace_days=30).events)
        db.session.remove()
    assert len(public_rows) == PUBLIC_EVENTS and len(personal_rows) == PERSONAL_EVENTS
    client = app.test_client()

    for label, path, rows, repeat in (
        (f"public feed, {PUBLIC_EVENTS} events", "/calendar/public.ics", public_rows, 3),
        (f"personal feed, {PERSONAL_EVENTS} events", personal_path, personal_rows, 7),
    ):
        results += _measure(app, client, folder, label, path, rows, repeat)
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
