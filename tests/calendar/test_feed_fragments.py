"""Feeds assembled from stored per-event entries, answered from remembered versions, equal a
cold build after every kind of change (issue 22, targets 2-4).

The reference is the whole-feed path that owes nothing to the stores: `feeds.public_feed` /
`feeds.personal_feed` and `ical.build_calendar` on the rows as they are now. Every change is
made after the feed was served once (entries stored, version remembered), through the ORM
or with plain SQL behind the domain's back (`updated_at` untouched); then a conditional
request with the old ETag must get either a 304 when the cold build is the same bytes, or a
200 whose body is exactly the cold build."""
from __future__ import annotations

import gzip
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from blueprints.core.i18n import CATALOGS
from extensions import db
from liaison.accounts.models import Organization, Role, User
from liaison.calendar import assembly, feedcache, feeds, feedtokens, ical, serve
from liaison.core.types import utcnow
from liaison.events.models import Event, EventTopic, Topic, event_organizer
from liaison.events.topics import ensure_topic
from liaison.registration.models import Registration, RegistrationStatus

KINDS = ("public", "public-zh", "personal")


@pytest.fixture(autouse=True)
def empty_stores(app):
    feedcache.forget_all()
    assembly.forget_all()
    serve.forget_downloads()
    yield
    feedcache.forget_all()
    assembly.forget_all()
    serve.forget_downloads()


@pytest.fixture
def world(app, make_user, make_event, make_org):
    host = make_org("Host Org", name_zh="主办方")
    organizer = make_user(role=Role.organizer, org=host)
    reader = make_user()
    events = [make_event(organizer=organizer, topics=["fakes"], title_zh=f"培训 {i}")
              for i in range(4)]
    for event in events[:3]:
        db.session.add(Registration(event=event, user=reader, status=RegistrationStatus.confirmed))
    db.session.commit()
    return {"host": host, "organizer": organizer, "reader": reader, "events": events}


def _path(app, world, kind: str) -> str:
    if kind == "personal":
        url = feedtokens.calendar_url(world["reader"], app.config["BASE_URL"])
        db.session.commit()
        return url.removeprefix(app.config["BASE_URL"])
    return "/calendar/public.ics" + ("?lang=zh" if kind == "public-zh" else "")


def _cold(app, world, kind: str) -> bytes:
    """The feed built whole, from the rows as they are now, with no store involved."""
    db.session.expire_all()
    base, grace, now = app.config["BASE_URL"], 30, utcnow()
    with app.test_request_context():
        if kind == "personal":
            user = db.session.get(User, world["reader"].id)
            with force_locale(CATALOGS.get(user.language, "en")):
                feed = feeds.personal_feed(user, now=now, grace_days=grace)
                return ical.build_calendar(
                    feed.events, base_url=base, name=feed.name,
                    viewer_statuses=feed.viewer_statuses, show_online_for=feed.show_online_for,
                )
        with force_locale(CATALOGS["zh" if kind == "public-zh" else "en"]):
            feed = feeds.public_feed(feeds.PublicFilters(), now=now, grace_days=grace)
            return ical.build_calendar(feed.events, base_url=base, name=feed.name)


def _sql(statement) -> None:
    db.session.execute(statement)
    db.session.commit()
    db.session.expire_all()


def _orm(change) -> None:
    change()
    db.session.commit()
    db.session.expire_all()


T_EVENT, T_ORG, T_REG, T_USER = (Event.__table__, Organization.__table__,
                                 Registration.__table__, User.__table__)


def _changes(world) -> dict:
    """label -> change; each alters something some feed shows."""
    first, last = world["events"][0], world["events"][-1]
    one = T_EVENT.c.id == first.id
    reader_reg = (T_REG.c.event_id == first.id) & (T_REG.c.user_id == world["reader"].id)
    return {
        "title (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(title="Renamed")),
        "title (orm)": lambda: _orm(lambda: setattr(db.session.get(Event, first.id), "title",
                                                    "Renamed by the ORM")),
        "title_zh (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(title_zh="新标题")),
        "start (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(
            start_at=first.start_at - timedelta(hours=1))),
        "end (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(
            end_at=first.end_at + timedelta(hours=1))),
        "order (sql)": lambda: _sql(sa.update(T_EVENT).where(T_EVENT.c.id == last.id).values(
            start_at=first.start_at - timedelta(days=1),
            end_at=first.start_at - timedelta(days=1, hours=-1))),
        "cancel (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(
            status="cancelled", cancelled_at=utcnow())),
        "audience (sql)": lambda: _sql(sa.update(T_EVENT).where(one).values(
            audience_csv=",customs,")),
        "classification participants (sql)": lambda: _sql(
            sa.update(T_EVENT).where(one).values(classification="participants")),
        "classification restricted (sql)": lambda: _sql(
            sa.update(T_EVENT).where(one).values(classification="restricted")),
        "topic added (sql)": lambda: _sql(sa.insert(EventTopic.__table__).values(
            event_id=first.id, topic_slug=ensure_topic("New topic").slug)),
        "topic label_zh (sql)": lambda: _sql(sa.update(Topic.__table__).values(
            label_zh="假货")),
        "host name_zh (sql)": lambda: _sql(sa.update(T_ORG).where(
            T_ORG.c.id == world["host"].id).values(name_zh="新主办方")),
        "registration waitlisted (sql)": lambda: _sql(sa.update(T_REG).where(
            reader_reg).values(status="waitlisted")),
        "registration cancelled (sql)": lambda: _sql(sa.update(T_REG).where(
            reader_reg).values(status="cancelled")),
        "registration new (orm)": lambda: _orm(lambda: db.session.add(Registration(
            event_id=last.id, user_id=world["reader"].id,
            status=RegistrationStatus.confirmed))),
        "organizer (sql)": lambda: _sql(sa.insert(event_organizer).values(
            event_id=last.id, user_id=world["reader"].id)),
        "reader language (sql)": lambda: _sql(sa.update(T_USER).where(
            T_USER.c.id == world["reader"].id).values(language="zh")),
        "organizer role (sql)": lambda: _sql(sa.update(T_USER).where(
            T_USER.c.id == world["reader"].id).values(role="organizer")),
    }


CHANGES = [  # the keys of `_changes`, spelled out for the test ids
    "title (sql)", "title (orm)", "title_zh (sql)", "start (sql)", "end (sql)", "order (sql)",
    "cancel (sql)", "audience (sql)", "classification participants (sql)",
    "classification restricted (sql)", "topic added (sql)", "topic label_zh (sql)",
    "host name_zh (sql)", "registration waitlisted (sql)", "registration cancelled (sql)",
    "registration new (orm)", "organizer (sql)", "reader language (sql)",
    "organizer role (sql)",
]


@pytest.mark.parametrize("label", CHANGES)
@pytest.mark.parametrize("kind", KINDS)
def test_stored_fragments_equal_a_cold_build_after_each_change(app, client, world, kind,
                                                               label):
    path = _path(app, world, kind)
    first = client.get(path)
    assert first.status_code == 200
    assert first.data == _cold(app, world, kind)  # assembled == built whole, before any change
    etag = first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    _changes(world)[label]()
    cold = _cold(app, world, kind)
    served = client.get(path, headers={"If-None-Match": etag})
    if served.status_code == 304:
        assert cold == first.data, f"{label}: a 304 for a feed whose content changed"
    else:
        assert served.status_code == 200
        assert served.data == cold, label
        if cold != first.data:  # (a new tag for the same bytes only costs one download)
            assert served.headers["ETag"] != etag, label
    again = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.data) == cold, label


def test_one_changed_event_builds_one_entry(app, client, world, monkeypatch):
    paths = [_path(app, world, kind) for kind in KINDS]
    for path in paths:
        client.get(path)
    built = []
    real = assembly.make_entry

    def counting(event, **options):
        built.append(event.id)
        return real(event, **options)

    monkeypatch.setattr(assembly, "make_entry", counting)
    changed = world["events"][1]
    _sql(sa.update(T_EVENT).where(T_EVENT.c.id == changed.id).values(title="Only this one"))
    for kind, path in zip(KINDS, paths, strict=True):
        built.clear()
        assert client.get(path).data == _cold(app, world, kind)
        assert built == [changed.id], kind


def _statements(engine):
    found: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            found.append(statement)

    return found, count


@pytest.mark.parametrize("kind", KINDS)
def test_a_304_and_a_stored_200_read_no_event_row(app, client, world, kind, monkeypatch):
    path = _path(app, world, kind)
    etag = client.get(path).headers["ETag"]

    def no_build(*_args, **_kwargs):
        raise AssertionError("nothing changed: nothing may be built")

    monkeypatch.setattr(serve, "build", no_build)
    monkeypatch.setattr(assembly, "make_entry", no_build)
    statements, count = _statements(db.engine)
    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-None-Match": etag[:-1] + '-gz"'}).status_code == 304
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    touching_events = [s for s in statements if re.search(r"\b(FROM|JOIN) event\b", s)]
    assert touching_events == []
    # The token per request, and for a personal feed the owner by their token's hash.
    assert len(statements) == 3 * (2 if kind == "personal" else 1), statements


def test_gzip_is_stored_beside_the_plain_body(app, client, world):
    plain = client.get("/calendar/public.ics", headers={"Accept-Encoding": "identity"})
    packed = client.get("/calendar/public.ics", headers={"Accept-Encoding": "gzip, deflate"})
    refused = client.get("/calendar/public.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in refused.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data == refused.data
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
    # Either tag of the same content is current.
    for tag in (plain.headers["ETag"], packed.headers["ETag"]):
        assert client.get("/calendar/public.ics", headers={"If-None-Match": tag}).status_code == 304
    stored = list(Path(app.config["FEED_CACHE_DIR"]).glob("*.ics.gz"))
    assert len(stored) == 1 and gzip.decompress(stored[0].read_bytes()) == plain.data


def test_single_event_ics_is_conditional_and_stored(app, client, world, login, monkeypatch):
    event = world["events"][0]
    path = f"/events/{event.id}.ics"
    first = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(first.data)
    assert body == client.get(path).data and b"BEGIN:VEVENT" in body
    etag = first.headers["ETag"]
    built = []
    real = ical.build_calendar
    monkeypatch.setattr(ical, "build_calendar", lambda *a, **k: built.append(1) or real(*a, **k))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path).data == body
    assert built == []
    _sql(sa.update(T_EVENT).where(T_EVENT.c.id == event.id).values(title="Renamed in SQL"))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"Renamed in SQL" in changed.data
    assert built == [1]
    # Another reader (signed in, registered) gets their own copy, not the visitor's.
    _sql(sa.update(T_EVENT).where(T_EVENT.c.id == event.id).values(
        online_url="https://meet.example/only-for-registrants"))
    assert b"only-for-registrants" not in client.get(path).data
    login(world["reader"])
    theirs = client.get(path)
    assert theirs.status_code == 200 and b"only-for-registrants" in theirs.data
    _sql(sa.update(T_EVENT).where(T_EVENT.c.id == event.id).values(status="draft"))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 404


def test_changes_cover_every_label(world):
    assert list(_changes(world)) == CHANGES


def test_readers_alike_share_entries(app, client, world, make_user, monkeypatch):
    """Two participants registered alike get the same entries (the key holds what the VEVENT
    shows of its reader, not who they are), and each still gets exactly their cold build."""
    other = make_user()
    for event in world["events"][:3]:
        db.session.add(Registration(event=event, user=other, status=RegistrationStatus.confirmed))
    db.session.commit()
    client.get(_path(app, world, "personal"))
    built = []
    monkeypatch.setattr(assembly, "make_entry", lambda event, **o: built.append(event.id))
    theirs = feedtokens.calendar_url(other, app.config["BASE_URL"])
    db.session.commit()
    served = client.get(theirs.removeprefix(app.config["BASE_URL"]))
    assert built == []
    assert served.data == _cold(app, {"reader": other}, "personal")
