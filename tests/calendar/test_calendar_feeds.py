"""The feeds and downloads over HTTP: who sees what, conditional requests, tokens, headers."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from config import TestConfig
from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.calendar import feedtokens
from liaison.events.models import EventStatus
from liaison.registration.models import Registration, RegistrationStatus
from tests.calendar.icalcheck import parse_strict

ONLINE = "https://meet.example.net/secret-room"


def _uids(response) -> set[int]:
    cal = parse_strict(response.data)
    return {int(str(v["UID"]).split("@")[0].removeprefix("event-")) for v in cal.walk("VEVENT")}


def _by_id(response) -> dict[int, object]:
    cal = Calendar.from_ical(response.data)
    return {int(str(v["UID"]).split("@")[0][6:]): v for v in cal.walk("VEVENT")}


def _feed_path(app, user) -> str:
    url = feedtokens.calendar_url(user, app.config["BASE_URL"])
    db.session.commit()
    return url.removeprefix(app.config["BASE_URL"])


def _assert_feed_headers(response, *, private: bool) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"].startswith('"') and not response.headers["ETag"].startswith(
        'W/')
    assert response.headers["Last-Modified"]
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    cache = response.headers["Cache-Control"]
    assert cache.startswith("private") if private else cache.startswith("public")


# --- public feed -----------------------------------------------------------------------------


def test_public_feed_holds_only_published_events_open_to_all(client, make_event):
    now = datetime.now(UTC)
    shown = make_event(online_url=ONLINE)
    draft = make_event(status=EventStatus.draft)
    restricted = make_event(audience=[OrgKind.customs])
    old = make_event(start=now - timedelta(days=120))
    recently_cancelled = make_event(status=EventStatus.cancelled,
                                    cancelled_at=now - timedelta(days=2))
    long_cancelled = make_event(status=EventStatus.cancelled,
                                cancelled_at=now - timedelta(days=31))
    response = client.get("/calendar/public.ics")
    _assert_feed_headers(response, private=False)
    assert _uids(response) == {shown.id, recently_cancelled.id}
    assert draft.id and restricted.id and old.id and long_cancelled.id
    events = _by_id(response)
    assert str(events[recently_cancelled.id]["STATUS"]) == "CANCELLED"
    assert str(events[shown.id]["STATUS"]) == "CONFIRMED"
    assert ONLINE.encode() not in response.data  # never in public output
    cal = Calendar.from_ical(response.data)
    assert str(cal["X-WR-CALNAME"]).startswith("Liaison")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data


def test_public_feed_filters(client, make_event, make_org):
    host = make_org(name="Customs Office", kind=OrgKind.customs)
    training = make_event(topics=["postal channel"], host_organization=host)
    meeting = make_event(kind="exchange_meeting", topics=["recordation"])
    assert _uids(client.get("/calendar/public.ics?kind=training")) == {training.id}
    assert _uids(client.get("/calendar/public.ics?kind=exchange_meeting")) == {meeting.id}
    assert _uids(client.get("/calendar/public.ics?topic=Postal%20Channel")) == {training.id}
    assert _uids(client.get(f"/calendar/public.ics?host={host.id}")) == {training.id}
    assert _uids(client.get("/calendar/public.ics?kind=&topic=&host=")) == {training.id, meeting.id}


@pytest.mark.parametrize(
    "query", ["kind=party", "host=abc", "host=999999", "host=-1", "topic=" + "x" * 81,
              "host=1e3", "kind=%00"],
)
def test_public_feed_rejects_bad_filters_with_400(client, query):
    response = client.get(f"/calendar/public.ics?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.data.strip()


# --- personal feed ---------------------------------------------------------------------------


@pytest.fixture
def people(make_user, make_event):
    organizer = make_user(role=Role.organizer)
    me = make_user(role=Role.organizer)  # registers for some events and organizes others
    other = make_user()
    events = {
        "confirmed": make_event(online_url=ONLINE),
        "pending": make_event(online_url=ONLINE),
        "waitlisted": make_event(online_url=ONLINE),
        "cancelled_reg": make_event(),
        "others": make_event(online_url=ONLINE),
        "organized": make_event(organizer=me, online_url=ONLINE + "/mine"),
        "my_draft": make_event(organizer=me, status=EventStatus.draft),
        "unrelated": make_event(organizer=organizer),
    }
    for key, status in [("confirmed", RegistrationStatus.confirmed),
                        ("pending", RegistrationStatus.pending),
                        ("waitlisted", RegistrationStatus.waitlisted),
                        ("cancelled_reg", RegistrationStatus.cancelled)]:
        db.session.add(Registration(event=events[key], user=me, status=status))
    db.session.add(Registration(event=events["others"], user=other,
                                status=RegistrationStatus.confirmed))
    db.session.commit()
    return me, other, events


def test_personal_feed_shows_only_the_owners_events(app, client, people):
    me, other, events = people
    response = client.get(_feed_path(app, me))
    _assert_feed_headers(response, private=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    ids = {events[k].id for k in ("confirmed", "pending", "waitlisted", "organized")}
    assert _uids(response) == ids
    found = _by_id(response)
    assert str(found[events["confirmed"].id]["STATUS"]) == "CONFIRMED"
    assert str(found[events["pending"].id]["STATUS"]) == "TENTATIVE"
    assert str(found[events["waitlisted"].id]["STATUS"]) == "TENTATIVE"
    # The online link: only where I am confirmed or organize.
    assert ONLINE in str(found[events["confirmed"].id]["DESCRIPTION"])
    assert ONLINE + "/mine" in str(found[events["organized"].id]["DESCRIPTION"])
    assert ONLINE not in str(found[events["pending"].id]["DESCRIPTION"])
    assert ONLINE not in str(found[events["waitlisted"].id]["DESCRIPTION"])
    # The other user's feed has their event and none of mine.
    theirs = client.get(_feed_path(app, other))
    assert _uids(theirs) == {events["others"].id}
    assert other.email.encode() not in response.data and me.email.encode() not in theirs.data


def test_a_demoted_organizer_loses_the_online_link_of_their_events(app, client, people):
    """Issue 15, finding 2: the link is an organizer's only while their role organizes."""
    me, _other, events = people
    me.role = Role.participant
    db.session.commit()
    found = _by_id(client.get(_feed_path(app, me)))
    assert events["organized"].id in found  # still their event, in their calendar
    assert ONLINE + "/mine" not in str(found[events["organized"].id]["DESCRIPTION"])
    assert ONLINE in str(found[events["confirmed"].id]["DESCRIPTION"])  # a confirmed seat


def test_event_cancelled_while_registered_stays_as_cancelled_then_drops(app, client, people):
    me, _other, events = people
    from liaison.events.lifecycle import cancel_event

    event = events["confirmed"]
    cancel_event(event, by=event.organizers[0])
    db.session.commit()
    path = _feed_path(app, me)
    found = _by_id(client.get(path))
    assert str(found[event.id]["STATUS"]) == "CANCELLED"
    assert ONLINE not in str(found[event.id]["DESCRIPTION"])
    event.cancelled_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()
    assert event.id not in _uids(client.get(path))


def test_unknown_or_malformed_token_is_a_plain_404(client):
    for path in ["/calendar/" + "A" * 43 + ".ics", "/calendar/nope.ics", "/calendar/%00.ics"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "text/plain"
        assert b"<a" not in response.data and b"http" not in response.data
        assert "Cookie" not in response.headers.get("Vary", "")


def test_inactive_user_feed_is_404(app, client, make_user):
    user = make_user()
    path = _feed_path(app, user)
    assert client.get(path).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_rotating_the_token_kills_the_old_url(app, client, login, make_user):
    user = make_user()
    old = _feed_path(app, user)
    assert client.get(old).status_code == 200
    login(user)
    response = client.post("/account/calendar-token/rotate")
    assert response.status_code == 302
    db.session.expire_all()
    new = _feed_path(app, user)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_rotate_needs_login_and_csrf(app, client, login, make_user):
    assert client.post("/account/calendar-token/rotate").status_code in (302, 401)
    user = make_user()
    old = _feed_path(app, user)
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/account/calendar-token/rotate").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert client.get(old).status_code == 200


def test_token_is_long_derived_and_stored_hashed(app, make_user):
    user = make_user()
    token = feedtokens.calendar_token(user)
    assert len(token) >= 43  # 256 bits of HMAC output, urlsafe base64
    assert token not in (user.calendar_token_hash or "")
    assert feedtokens.calendar_token(user) == token  # stable: the page can always show it
    assert feedtokens.user_for_calendar_token(token) == user
    assert feedtokens.user_for_calendar_token(token[:-1] + ("A" if token[-1] != "A" else "B")) \
        is None
    app.config["SECRET_KEY"] = "another key"
    assert feedtokens.user_for_calendar_token(token) is None


def test_a_new_users_url_works_without_a_commit_by_the_viewer(app, client, make_user):
    user = make_user()
    url = feedtokens.calendar_url(user, app.config["BASE_URL"])  # as GET /api/v1/me does
    db.session.rollback()
    assert client.get(url.removeprefix(app.config["BASE_URL"])).status_code == 200


# --- conditional requests --------------------------------------------------------------------


@pytest.mark.parametrize("personal", [False, True])
def test_etag_304_then_200_after_a_change(app, client, make_user, make_event, personal):
    from liaison.events.lifecycle import EventInput, update_event

    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer)
    path = _feed_path(app, organizer) if personal else "/calendar/public.ics"
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    # If-Modified-Since alone: 304 while nothing changed.
    since = first.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304
    # With both, If-None-Match decides (a stale ETag gets the new body).
    assert client.get(path, headers={"If-None-Match": '"stale"',
                                     "If-Modified-Since": since}).status_code == 200

    data = EventInput.from_event(event)
    data.venue = "Room 12"
    update_event(event, data, by=organizer)
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"Room 12" in changed.data


def test_if_modified_since_sees_an_event_leaving_the_feed(app, client, make_event):
    event = make_event()
    first = client.get("/calendar/public.ics")
    since = first.headers["Last-Modified"]
    time.sleep(1.1)  # HTTP dates have whole seconds
    event.audience = [OrgKind.customs]
    event.updated_at = datetime.now(UTC)
    db.session.commit()
    response = client.get("/calendar/public.ics", headers={"If-Modified-Since": since})
    assert response.status_code == 200
    assert event.id not in _uids(response)


# --- the session stays untouched -------------------------------------------------------------


def test_feeds_never_vary_on_cookie_even_with_a_session(app, client, login, make_user, make_event):
    user = make_user()
    make_event()
    path = _feed_path(app, user)
    login(user)
    for url in ["/calendar/public.ics", path, "/calendar/public.ics?kind=bad"]:
        response = client.get(url)
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert "Set-Cookie" not in response.headers, url


# --- downloads ------------------------------------------------------------------------------


def test_download_follows_the_event_page_rules(app, client, login, make_user, make_event, make_org):
    organizer = make_user(role=Role.organizer)
    draft = make_event(organizer=organizer, status=EventStatus.draft)
    restricted = make_event(audience=[OrgKind.judiciary], online_url=ONLINE)
    public = make_event(online_url=ONLINE)
    assert client.get(f"/events/{draft.id}.ics").status_code == 404
    assert client.get(f"/events/{restricted.id}.ics").status_code == 404
    assert client.get("/events/999999.ics").status_code == 404
    response = client.get(f"/events/{public.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="event-{public.id}.ics"')
    cal = parse_strict(response.data)
    assert "METHOD" not in cal
    assert _uids(response) == {public.id}
    assert ONLINE.encode() not in response.data
    # The organizer downloads their draft; a judge may download the restricted event.
    login(organizer)
    assert client.get(f"/events/{draft.id}.ics").status_code == 200
    judge = make_user(org=make_org(kind=OrgKind.judiciary))
    login(judge)
    assert client.get(f"/events/{restricted.id}.ics").status_code == 200
    # A confirmed attendee's own download carries the link.
    db.session.add(Registration(event=restricted, user=judge, status=RegistrationStatus.confirmed))
    db.session.commit()
    assert ONLINE.encode() in client.get(f"/events/{restricted.id}.ics").data


# --- rate limit on guessing ------------------------------------------------------------------


def test_unknown_token_guessing_is_rate_limited(app, make_user):
    from app import create_app

    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]  # the same database
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    user = make_user()
    good = _feed_path(app, user)
    limited = create_app(Limited)
    try:
        client = limited.test_client()
        codes = [client.get(f"/calendar/{'B' * 42}{i % 10}.ics").status_code for i in range(31)]
        assert codes[:30] == [404] * 30
        assert codes[30] == 429
        # The owner of a real token behind the same address is not locked out.
        assert client.get(good).status_code == 200
        # Another address has its own budget.
        other = client.get("/calendar/" + "C" * 43 + ".ics",
                           environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 404
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


# --- query count -----------------------------------------------------------------------------


def _queries(app, client, path) -> int:
    from sqlalchemy import event as sa_event

    count = 0

    def bump(*_args):
        nonlocal count
        count += 1

    sa_event.listen(db.engine, "before_cursor_execute", bump)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", bump)
    return count


def test_feeds_use_a_fixed_number_of_queries(app, client, make_user, make_event, make_org):
    me = make_user()
    path = _feed_path(app, me)

    def add(n):
        for _ in range(n):
            event = make_event(host_organization=make_org(), topics=["a", "b"])
            db.session.add(Registration(event=event, user=me, status=RegistrationStatus.confirmed))
        db.session.commit()
        db.session.expunge_all()

    add(2)
    few = (_queries(app, client, "/calendar/public.ics"), _queries(app, client, path))
    add(15)
    many = (_queries(app, client, "/calendar/public.ics"), _queries(app, client, path))
    assert many == few
