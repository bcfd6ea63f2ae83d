"""Target 2: the SQL statements each page runs, at a small and a large size of the same data;
the count must not grow (N+1 loads, per-row lookups and per-row counts would show here)."""
from __future__ import annotations

from bench.common import create_database, make_app, seed, sign_in, tempdir
from bench.feeds import counting
from bench.result import Result

SMALL = (5, 5, 5)  # public events, the reader's registrations, attendees of the big event
LARGE = (2000, 300, 500)


def page_counts(sizes, folder, name: str) -> dict[str, int]:
    """{page: SQL statements} for one database of `sizes`."""
    from extensions import db
    from liaison.accounts.models import User
    from liaison.calendar import assembly, feedcache, feedtokens

    url = f"sqlite:///{folder / (name + '.sqlite')}"
    create_database(url)
    # Page cache off: these are the statements of a rendering (a served copy runs one).
    app = make_app(url, FEED_CACHE_DIR=str(folder / f"cache-{name}"), PAGE_CACHE_ENTRIES=0)
    counts = {}
    with app.app_context():
        data = seed(*sizes)
        reader = db.session.get(User, data.feed_user_id)
        organizer = db.session.get(User, data.organizer_id)
        personal = f"/calendar/{feedtokens.calendar_token(reader)}.ics"
        db.session.commit()
        reader, organizer = reader.get_id(), organizer.get_id()
        pages = [
            ("upcoming list", None, "/events/"),
            ("upcoming list (signed in)", reader, "/events/"),
            ("calendar", reader, "/events/calendar?month=2031-03"),
            ("event page", None, f"/events/{data.event_id}"),
            ("event page (signed in)", reader, f"/events/{data.big_event_id}"),
            ("attendee list", organizer, f"/events/{data.big_event_id}/registrations"),
            ("my registrations", reader, "/registrations/mine"),
            ("public feed (built)", None, "/calendar/public.ics"),
            ("personal feed (built)", None, personal),
        ]
        engine = db.engine
        db.session.remove()
    # Outside the app context: each request gets its own, as under gunicorn (a shared one
    # would keep Flask-Login's cached user between requests).
    for label, user, path in pages:
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        feedcache.forget_all()  # built: no body, version or entry remembered
        assembly.forget_all()
        with counting(engine) as statements:
            response = client.get(path)
        assert response.status_code == 200, (label, response.status_code, response.location)
        counts[label] = len(statements)
    engine.dispose()
    return counts


def run() -> list[Result]:
    folder = tempdir()
    small = page_counts(SMALL, folder, "small")
    large = page_counts(LARGE, folder, "large")
    results = []
    for label in small:
        results.append(Result(
            f"2 {label}: SQL statements do not grow with the data",
            f"{small[label]} at {SMALL}, {large[label]} at {LARGE} "
            "(public events, reader's registrations, attendees)",
            large[label] / small[label],
            large[label] <= small[label],
        ))
    return results


if __name__ == "__main__":
    for result in run():
        print(result.line())
