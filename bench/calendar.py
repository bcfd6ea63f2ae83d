"""Issue 22, targets 2-5: the calendar where programs poll it (2,000 public events, a personal
feed of the same 2,000, in this process through the Flask test client, medians of interleaved
rounds; the single event's .ics under gunicorn with wrk).

2. A matching If-None-Match answered without reading an event row, at most 10% of what a
   cached 200 cost before this work: the body already stored, but the feed re-checked by its
   fingerprint over every row (today's path whenever the content generation token moved, so
   measured the same way, after an unrelated write). The cached 200 with nothing moved is
   printed for the record.
3. After one event changes, the rebuild at most 10% of a cold build (every store emptied),
   for the public feed in English and Chinese and for the personal feed.
4. gzip at least 8x smaller for the 2,000-event feed (stored beside the plain body).
5. One event's .ics at least 8x Indico's 61.4 req/s (issue 22's measurement on this machine;
   Indico cannot run here), anonymous, gunicorn with 2 sync workers.
"""
from __future__ import annotations

import gzip
import os
import re
import statistics
import time

import sqlalchemy as sa

from bench.common import create_database, gunicorn, make_app, seed, tempdir, wrk
from bench.feeds import counting
from bench.result import Result

# BENCH_CALENDAR_EVENTS=20000 BENCH_CALENDAR_ROUNDS=2 is the scale check (target 6: "the
# same at 20,000"); the personal feed stays at most 2,000 events (one person's sessions).
PUBLIC_EVENTS = int(os.environ.get("BENCH_CALENDAR_EVENTS", "2000"))
PERSONAL_EVENTS = min(PUBLIC_EVENTS, 2000)  # "at 2,000 events": as large as the public one
NOT_MODIFIED_SHARE = 0.10
REBUILD_SHARE = 0.10
GZIP_FACTOR = 8
INDICO_ICS_RPS = 61.4
ICS_FACTOR = 8
ROUNDS = int(os.environ.get("BENCH_CALENDAR_ROUNDS", "5"))


def _forget(folder) -> None:
    """A new process on an empty store: nothing in memory, no file."""
    from liaison.calendar import assembly, feedcache, serve

    feedcache.forget_all()
    assembly.forget_all()
    serve.forget_downloads()
    for path in (folder / "cache").glob("*.ics*"):
        path.unlink()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _get(client, path, status=200, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == status, (path, response.status_code)
    return response


def _touch_other(app, user_id: int) -> None:
    """A write no feed shows (a user's display name), which still moves the token."""
    from extensions import db
    from liaison.accounts.models import User

    with app.app_context():
        db.session.execute(sa.update(User.__table__).where(User.__table__.c.id == user_id)
                           .values(display_name=f"Olga {time.monotonic_ns()}"))
        db.session.commit()


def _retitle(app, event_id: int) -> None:
    """One event changes (through the ORM, as an organizer's edit does)."""
    from extensions import db
    from liaison.events.models import Event

    with app.app_context():
        event = db.session.get(Event, event_id)
        event.title = f"Recognising counterfeit goods, edited {time.monotonic_ns()}"
        db.session.commit()


def _conditional(app, client, folder, label, path, other_user, rounds=ROUNDS) -> Result:
    etag = _get(client, path).headers["ETag"]
    with app.app_context():
        from extensions import db

        with counting(db.engine) as statements:
            _get(client, path, 304, **{"If-None-Match": etag})
    on_events = [s for s in statements if re.search(r"\b(FROM|JOIN) event\b", s)]
    not_modified, cached, verified = [], [], []
    for _round in range(rounds):
        not_modified += [_timed(lambda: _get(client, path, 304, **{"If-None-Match": etag}))
                         for _ in range(20)]
        cached += [_timed(lambda: _get(client, path)) for _ in range(5)]
        _touch_other(app, other_user)
        verified.append(_timed(lambda: _get(client, path)))
    nm, ok, ver = (statistics.median(x) for x in (not_modified, cached, verified))
    ratio = nm / ver / NOT_MODIFIED_SHARE
    return Result(
        f"22.2 {label}: 304 reads no event row, <= {NOT_MODIFIED_SHARE:.0%} of a cached 200 "
        "re-checked by fingerprint",
        f"304 {nm * 1000:.2f} ms, {len(statements)} SQL ({len(on_events)} on event rows); "
        f"cached 200 re-checked (after an unrelated write) {ver * 1000:.2f} ms = "
        f"{nm / ver:.1%}; for the record: cached 200 with nothing moved {ok * 1000:.2f} ms",
        ratio,
        ratio <= 1 and not on_events,
    )


def _rebuild(app, client, folder, label, path, event_ids, rounds=ROUNDS) -> Result:
    cold, rebuilt = [], []
    for round_ in range(rounds):
        _forget(folder)
        cold.append(_timed(lambda: _get(client, path)))
        _retitle(app, event_ids[round_ % len(event_ids)])
        rebuilt.append(_timed(lambda: _get(client, path)))
    cold_s, rebuilt_s = statistics.median(cold), statistics.median(rebuilt)
    ratio = rebuilt_s / cold_s / REBUILD_SHARE
    return Result(
        f"22.3 {label}: rebuild after one event changed <= {REBUILD_SHARE:.0%} of a cold build",
        f"cold build {cold_s * 1000:.1f} ms, rebuild {rebuilt_s * 1000:.1f} ms = "
        f"{rebuilt_s / cold_s:.1%}",
        ratio,
        ratio <= 1,
    )


def _compression(client, path, events=PUBLIC_EVENTS) -> Result:
    plain = _get(client, path, **{"Accept-Encoding": "identity"}).data
    packed = _get(client, path, **{"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain
    factor = len(plain) / len(packed.data)
    return Result(
        f"22.4 public feed, {events} events: gzip >= {GZIP_FACTOR}x smaller",
        f"{len(plain):,} bytes plain, {len(packed.data):,} gzipped = {factor:.1f}x smaller",
        GZIP_FACTOR / factor,
        factor >= GZIP_FACTOR,
    )


def _single_ics(url: str, event_id: int) -> Result:
    limit = ICS_FACTOR * INDICO_ICS_RPS
    with gunicorn(url, workers=2) as (base, _pid):
        target = f"{base}/events/{event_id}.ics"
        wrk(target, seconds=1, connections=4)
        runs = [wrk(target, seconds=5, connections=4) for _ in range(3)]
    rps = statistics.median(r.rps for r in runs)
    errors = sum(r.errors for r in runs)
    p50 = statistics.median(r.p50_ms for r in runs)
    return Result(
        f"22.5 one event's .ics: >= {ICS_FACTOR}x Indico's {INDICO_ICS_RPS} req/s "
        f"(= {limit:.0f} req/s)",
        f"{rps:.0f} req/s (p50 {p50:.1f} ms, gunicorn 2 sync workers, anonymous) = "
        f"{rps / INDICO_ICS_RPS:.1f}x Indico; non-2xx/socket errors {errors}",
        limit / rps,
        rps >= limit and errors == 0,
    )


def run() -> list[Result]:
    from extensions import db
    from liaison.accounts.models import User
    from liaison.calendar import feedtokens

    folder = tempdir()
    # PostgreSQL: scripts/with-postgres sh -c 'BENCH_CALENDAR_DATABASE_URL=$TEST_DATABASE_URL ...'
    url = os.environ.get("BENCH_CALENDAR_DATABASE_URL") or f"sqlite:///{folder / 'calendar.sqlite'}"
    create_database(url)
    app = make_app(url, FEED_CACHE_DIR=str(folder / "cache"))
    with app.app_context():
        data = seed(PUBLIC_EVENTS, PERSONAL_EVENTS, 0)
        if db.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum keeps
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        user = db.session.get(User, data.feed_user_id)
        personal = f"/calendar/{feedtokens.calendar_token(user)}.ics"
        db.session.commit()
        db.session.remove()
    return measure(app, url, folder, data, personal)


def measure(app, url, folder, data, personal, *, public_events=PUBLIC_EVENTS,
            personal_events=PERSONAL_EVENTS, rounds=ROUNDS) -> list[Result]:
    """Targets 2-5 on a seeded database at `url` that `app` serves (its FEED_CACHE_DIR is
    `folder`/cache): `data` from `seed`, `personal` the feed user's personal feed path.
    bench/scale.py calls it at 20,000 events on PostgreSQL."""
    from extensions import db

    first = data.big_event_id  # the first event: in both feeds
    edited = [first + 10 * k for k in range(rounds)]
    feeds = [
        (f"public feed, {public_events} events", "/calendar/public.ics"),
        (f"public feed (zh), {public_events} events", "/calendar/public.ics?lang=zh"),
        (f"personal feed, {personal_events} events", personal),
    ]
    client = app.test_client()
    results = [_conditional(app, client, folder, label, path, data.organizer_id, rounds)
               for label, path in feeds]
    results += [_rebuild(app, client, folder, label, path, edited, rounds)
                for label, path in feeds]
    results.append(_compression(client, "/calendar/public.ics", public_events))
    with app.app_context():
        db.engine.dispose()
    results.append(_single_ics(url, data.event_id))
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
