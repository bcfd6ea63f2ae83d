"""Feed bodies are reused only while everything they are made from is unchanged.

Each change below is made behind the domain's back (plain SQL, `updated_at` untouched), so the
tests prove the fingerprint does not lean on anyone remembering to bump a timestamp: after
every change the served body must equal one built from scratch, and its ETag must differ."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from liaison.accounts.models import Organization, Role, User
from liaison.calendar import assembly, feedcache, feeds, feedtokens
from liaison.core.types import utcnow
from liaison.events.models import Event, EventTopic, Topic, event_organizer
from liaison.events.topics import ensure_topic
from liaison.registration.models import Registration, RegistrationStatus


@pytest.fixture(autouse=True)
def cache_dir(app, tmp_path):
    app.config["FEED_CACHE_DIR"] = str(tmp_path / "feed-cache")
    _forget()
    yield tmp_path / "feed-cache"
    _forget()


def _forget() -> None:
    """What a new process knows: nothing in memory (bodies, versions, entries)."""
    feedcache.forget_all()
    assembly.forget_all()


def _path(app, user) -> str:
    url = feedtokens.calendar_url(user, app.config["BASE_URL"])
    db.session.commit()
    return url.removeprefix(app.config["BASE_URL"])


def _fresh(app, client, path, tmp_path) -> bytes:
    """The body built from scratch: an empty store, nothing in memory."""
    saved = app.config["FEED_CACHE_DIR"]
    app.config["FEED_CACHE_DIR"] = str(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
    _forget()
    try:
        return client.get(path).data
    finally:
        app.config["FEED_CACHE_DIR"] = saved
        _forget()


def _sql(statement, **values) -> None:
    db.session.execute(statement, values)
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def world(app, make_user, make_event, make_org):
    host = make_org("Host Org", name_zh="主办方")
    organizer = make_user(role=Role.organizer, org=host)
    reader = make_user()
    events = [make_event(organizer=organizer, topics=["fakes"]) for _ in range(3)]
    for event in events[:2]:
        db.session.add(Registration(event=event, user=reader, status=RegistrationStatus.confirmed))
    db.session.commit()
    return {"host": host, "organizer": organizer, "reader": reader, "events": events}


def _changes(world):
    """(label, change) pairs; each change alters something some feed shows."""
    event = world["events"][0]
    t_event, t_org, t_reg = Event.__table__, Organization.__table__, Registration.__table__
    return [
        ("title", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                               .values(title="Renamed"))),
        ("description", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                                     .values(description="New text"))),
        ("venue", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                               .values(venue="Hall B"))),
        ("start", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                               .values(start_at=event.start_at - timedelta(hours=1)))),
        ("sequence", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                                  .values(sequence=7))),
        ("timezone", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                                  .values(timezone="Europe/Paris"))),
        ("status", lambda: _sql(sa.update(t_event).where(t_event.c.id == event.id)
                                .values(status="cancelled"))),
        ("host name", lambda: _sql(sa.update(t_org).where(t_org.c.id == world["host"].id)
                                   .values(name="Host Org Renamed"))),
        ("topic", lambda: _sql(sa.insert(EventTopic.__table__)
                               .values(event_id=event.id, topic_slug=ensure_topic("New").slug))),
        ("topic label", lambda: _sql(sa.update(Topic.__table__).values(label_en="Fakes, renamed"))),
        ("registration", lambda: _sql(
            sa.update(t_reg).where(t_reg.c.event_id == event.id,
                                   t_reg.c.user_id == world["reader"].id)
            .values(status="waitlisted"))),
        ("organizer", lambda: _sql(sa.insert(event_organizer).values(
            event_id=world["events"][2].id, user_id=world["reader"].id))),
    ]


@pytest.mark.parametrize("index", range(12))
@pytest.mark.parametrize("personal", [False, True])
def test_any_change_gives_a_new_etag_and_the_fresh_body(
    app, client, world, tmp_path, index, personal
):
    path = _path(app, world["reader"]) if personal else "/calendar/public.ics"
    first = client.get(path)
    assert client.get(path).headers["ETag"] == first.headers["ETag"]  # stable while unchanged
    label, change = _changes(world)[index]
    change()
    served = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    fresh = _fresh(app, client, path, tmp_path)
    assert (first.data if served.status_code == 304 else served.data) == fresh, label
    if fresh != first.data:
        assert served.status_code == 200 and served.headers["ETag"] != first.headers["ETag"]
    if label in ("registration", "organizer") and not personal:
        return  # the public feed does not show the reader's own rows
    assert fresh != first.data, f"{label} should show in the feed"


@pytest.mark.parametrize("personal", [False, True])
def test_the_date_window_moves_events_out(app, client, world, tmp_path, monkeypatch, personal):
    path = _path(app, world["reader"]) if personal else "/calendar/public.ics"
    first = client.get(path)
    assert b"BEGIN:VEVENT" in first.data
    past_days = feeds.PERSONAL_PAST_DAYS if personal else feeds.PUBLIC_PAST_DAYS
    later = utcnow() + timedelta(days=7 + past_days + 1)
    monkeypatch.setattr("blueprints.calendar.views.utcnow", lambda: later)
    served = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert served.status_code == 200
    assert served.headers["ETag"] != first.headers["ETag"]
    assert b"BEGIN:VEVENT" not in served.data  # every event ended long before `later`


def test_rotating_the_token_and_changing_language(app, client, world, tmp_path):
    reader = world["reader"]
    old = _path(app, reader)
    first = client.get(old)
    feedtokens.rotate_calendar_token(reader)
    db.session.commit()
    assert client.get(old).status_code == 404
    assert client.get(old, headers={"If-None-Match": first.headers["ETag"]}).status_code == 404
    new = _path(app, reader)
    _sql(sa.update(User.__table__).where(User.__table__.c.id == reader.id).values(language="zh"))
    served = client.get(new, headers={"If-None-Match": first.headers["ETag"]})
    assert served.status_code == 200
    assert served.data == _fresh(app, client, new, tmp_path)
    assert "主办方".encode() in served.data  # the host's Chinese name, in the reader's language


def test_quoting_keeps_different_rows_apart(app, client, world):
    """title "a," + venue "b" and title "a" + venue ",b" must not share a fingerprint."""
    event = world["events"][0]
    keys = []
    for title, venue in (("a,", "b"), ("a", ",b"), ("a'", "'b"), ("a", None)):
        _sql(sa.update(Event.__table__).where(Event.__table__.c.id == event.id)
             .values(title=title, venue=venue))
        keys.append(client.get("/calendar/public.ics").headers["ETag"])
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("personal", [False, True])
def test_304_runs_at_most_two_queries_and_builds_nothing(app, client, world, monkeypatch,
                                                         personal):
    path = _path(app, world["reader"]) if personal else "/calendar/public.ics"
    etag = client.get(path).headers["ETag"]

    def no_build(*_args, **_kwargs):
        raise AssertionError("a matching request must not build the feed")

    monkeypatch.setattr("liaison.calendar.serve.build", no_build)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert len(statements) <= 2, statements
        # A cached 200 builds nothing either.
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_bodies_are_shared_through_the_store(app, client, world, cache_dir, monkeypatch):
    """Another process (same store, empty memory) serves the stored body."""
    body = client.get("/calendar/public.ics").data
    assert len(list(cache_dir.glob("*.ics"))) == 1
    _forget()

    def no_build(*_args, **_kwargs):  # a rebuild would give the same bytes: forbid it
        raise AssertionError("the stored body must be served, not built again")

    monkeypatch.setattr("liaison.calendar.assembly.make_entry", no_build)
    stored = client.get("/calendar/public.ics")
    assert stored.data == body


def test_an_unwritable_store_still_serves_the_feed(app, client, world, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store should be")
    app.config["FEED_CACHE_DIR"] = str(blocker)
    first = client.get("/calendar/public.ics")
    assert first.status_code == 200 and b"BEGIN:VEVENT" in first.data
    assert "feed cache: cannot store" in caplog.text
    _forget()
    assert client.get("/calendar/public.ics").data == first.data  # built again, same bytes
