"""Anonymous visitors' event list and event page come from the page cache, and what they get
is always what a fresh rendering would give: after changes written behind the application's
back, when the clock passes an event's end, per language, per visitor's CSRF token."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import template_rendered
from sqlalchemy import event as sa_event
from sqlalchemy import text

from blueprints.core.pagecache import BLOCKS, EXTENSION, FRAGMENTS, PLACEHOLDER
from extensions import db
from liaison.registration.models import Registration, RegistrationStatus

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def normalized(body: bytes) -> str:
    return CSRF.sub('name="csrf_token" value=""', body.decode())


class Statements:
    """Counts the SQL statements run while a request is served."""

    def __init__(self):
        self.count = 0

    def __call__(self, *_args, **_kw):
        self.count += 1


def get(client, url, **kw):
    counter = Statements()
    sa_event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url, **kw)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, url
    return response, counter.count


def fresh(app, client, url, **kw) -> str:
    """The page rendered from scratch: the same request with the caches emptied first."""
    app.extensions[EXTENSION]._entries.clear()
    app.extensions[FRAGMENTS]._entries.clear()
    app.extensions[BLOCKS]._entries.clear()
    return normalized(client.get(url, **kw).data)


@pytest.fixture
def event(make_event):
    return make_event(title="Spotting fake bearings", topics=["Spare parts"], capacity=10)


PAGES = ("/events/", "/events/{id}", "/events/calendar?month={month}")


@pytest.mark.parametrize("page", PAGES)
def test_the_second_visit_is_served_from_the_cache(app, client, event, page):
    url = page.format(id=event.id, month=f"{event.start_at:%Y-%m}")
    first, rendered_with = get(client, url)
    second, served_with = get(client, url)
    assert normalized(second.data) == normalized(first.data)
    assert served_with == 1 < rendered_with  # the generation token only
    assert "Spotting fake bearings" in second.text


CHANGES = [
    ("UPDATE event SET title = 'Spotting fake ball bearings'", "Spotting fake ball bearings"),
    (
        "UPDATE organization SET name = 'Renamed Host Org' "
        "WHERE id = (SELECT host_organization_id FROM event)",
        "Renamed Host Org",
    ),
    ("UPDATE topic SET label_en = 'Brake pads'", "Brake pads"),
    ("UPDATE event SET title_zh = '识别假冒轴承'", None),  # English page: nothing shows
    ("UPDATE event SET capacity = 7", ('<div class="seats-number">7</div>', "7 seats left of 7")),
    ("UPDATE event SET venue = 'Hall B, Yiwu Customs'", "Hall B, Yiwu Customs"),
    (
        'UPDATE "user" SET display_name = \'Ada Organizer\' '
        "WHERE id IN (SELECT user_id FROM event_organizer)",
        None,
    ),
]


@pytest.mark.parametrize(("statement", "shows"), CHANGES)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewer", ["visitor", "signed in"])
def test_changes_behind_the_apps_back_show_at_once(
    app, client, event, page, statement, shows, viewer, make_user, login
):
    if viewer == "signed in":  # pages rendered for them, event cards from the fragment cache
        login(make_user())
    url = page.format(id=event.id, month=f"{event.start_at:%Y-%m}")
    before = normalized(get(client, url)[0].data)
    db.session.execute(text(statement))
    db.session.commit()
    after = normalized(get(client, url)[0].data)
    assert after == fresh(app, client, url)
    markers = (shows,) if isinstance(shows, str) else shows or ()
    if "calendar" in page and "title" not in statement:
        markers = ()  # the month grid shows titles and times only
    if markers:
        assert any(m in after for m in markers) and not any(m in before for m in markers)
    if "display_name" in statement and "{id}" in page:
        assert "Ada Organizer" in after  # the organizers' names are on the event page


def test_a_new_registration_changes_the_seats_left(app, client, event, make_user):
    url = f"/events/{event.id}"
    assert "10 seats left" in get(client, url)[0].text
    db.session.add(
        Registration(event=event, user=make_user(), status=RegistrationStatus.confirmed)
    )
    db.session.commit()
    page = get(client, url)[0].text
    assert "9 seats left" in page and "10 seats left" not in page


def test_an_unpublished_event_is_gone_for_visitors(client, event):
    assert get(client, f"/events/{event.id}")[0]
    assert "Spotting fake bearings" in get(client, "/events/")[0].text
    db.session.execute(text("UPDATE event SET status = 'draft'"))
    db.session.commit()
    gone = client.get(f"/events/{event.id}")
    assert gone.status_code == 302 and "/auth/login" in gone.headers["Location"]
    assert "Spotting fake bearings" not in get(client, "/events/")[0].text


def test_a_cancelled_event_leaves_the_list_and_its_page_says_so(client, event):
    assert "This event is cancelled." not in get(client, f"/events/{event.id}")[0].text
    assert "Spotting fake bearings" in get(client, "/events/")[0].text
    db.session.execute(text("UPDATE event SET status = 'cancelled'"))
    db.session.commit()
    page = get(client, f"/events/{event.id}")[0].text
    assert "This event is cancelled." in page and "It will not take place." in page
    assert 'class="mb-2 seats-left"' not in page  # no seats on offer any more
    assert "Spotting fake bearings" not in get(client, "/events/")[0].text


def at(monkeypatch, moment: datetime) -> None:
    for where in ("blueprints.events.views.utcnow", "blueprints.core.pagecache.utcnow"):
        monkeypatch.setattr(where, lambda: moment)


def test_an_event_leaves_the_list_when_the_clock_passes_its_end(
    app, client, event, monkeypatch
):
    end = event.end_at
    at(monkeypatch, end - timedelta(minutes=1))
    assert "Spotting fake bearings" in get(client, "/events/")[0].text
    at(monkeypatch, end)  # "upcoming" means it has not ended: still listed at its last instant
    assert "Spotting fake bearings" in get(client, "/events/")[0].text
    at(monkeypatch, end + timedelta(microseconds=1))
    listed = get(client, "/events/")[0].text
    assert "Spotting fake bearings" not in listed
    assert normalized(listed.encode()) == fresh(app, client, "/events/")
    at(monkeypatch, end - timedelta(minutes=1))  # a clock set back finds the earlier page
    assert "Spotting fake bearings" in get(client, "/events/")[0].text


def test_many_events_ending_one_after_another(app, client, make_event, monkeypatch):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    events = [
        make_event(title=f"Session number {i:03d}", start=start + timedelta(hours=i), hours=1)
        for i in range(70)  # more instants than one batch of the period look-up
    ]
    for i in (0, 40, 69):
        at(monkeypatch, events[i].end_at + timedelta(seconds=1))
        listed = get(client, "/events/?page=1")[0].text
        assert f"Session number {i:03d}" not in listed
        assert f"Session number {i + 1:03d}" in listed or i == 69


def test_signed_in_users_get_their_own_page(client, event, make_user, login):
    get(client, "/events/")  # a visitor's page is now cached
    login(make_user(display_name="Grace Participant"))
    page, statements = get(client, "/events/")
    assert "Grace Participant" in page.text and "Log out" in page.text
    assert statements > 1
    assert PLACEHOLDER not in page.text


@contextmanager
def card_renderings(app):
    """Counts how often the event card template is rendered."""
    rendered = []

    def record(_sender, template, context, **_kw):
        if template.name == "events/_card.html":
            rendered.append(context["event"].id)

    template_rendered.connect(record, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record, app)


def test_cards_are_shared_between_viewers_and_languages_kept_apart(
    app, client, event, make_user, login
):
    login(make_user(display_name="First Viewer"))
    # Every viewer exists before the first page: a new user row is a new generation.
    second, third = app.test_client(), app.test_client()
    for viewer, user in ((second, make_user(display_name="Second Viewer")),
                         (third, make_user(display_name="Third Viewer", language="zh"))):
        with viewer.session_transaction() as session:
            session["_user_id"] = user.get_id()
    with card_renderings(app) as rendered:
        get(client, "/events/")
    assert rendered == [event.id]
    with card_renderings(app) as rendered:
        page = get(second, "/events/")[0]
    assert "Second Viewer" in page.text and "Spotting fake bearings" in page.text
    assert rendered == []  # the second viewer's list reused the first one's card
    with card_renderings(app) as rendered:
        chinese = get(third, "/events/")[0].text
    assert "即将举行的培训和交流会" in chinese
    assert rendered == [event.id] and len(app.extensions[FRAGMENTS]) == 2
    assert normalized(chinese.encode()) == fresh(app, third, "/events/")


def test_a_flashed_message_is_not_lost(app, client, event):
    visitor = app.test_client()
    get(visitor, "/events/")  # cached for visitors
    with client.session_transaction() as session:  # a message waiting, as after a redirect
        session["_flashes"] = [("info", "Your message waits here.")]
    assert "Your message waits here." in get(client, "/events/")[0].text
    assert get(visitor, "/events/")[1] == 1  # the cached copy was valid all along


def test_each_visitor_gets_a_working_csrf_token_of_their_own(app, event):
    first, second = app.test_client(), app.test_client()
    tokens = []
    for client in (first, second):
        page = get(client, "/events/")[0].text
        assert PLACEHOLDER not in page
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    assert len(app.extensions[EXTENSION]) == 1
    app.config["WTF_CSRF_ENABLED"] = True  # TestConfig turns it off for the other tests
    response = second.post(
        "/account/language", data={"csrf_token": tokens[1], "language": "zh", "next": "/events/"}
    )
    assert response.status_code == 302
    assert "即将举行" in second.get("/events/").text or "培训" in second.get("/events/").text
    assert first.post(
        "/account/language", data={"csrf_token": "forged", "language": "zh"}
    ).status_code == 400


def test_languages_are_cached_apart(client, event):
    english = get(client, "/events/", headers={"Accept-Language": "en"})[0].text
    chinese = get(client, "/events/", headers={"Accept-Language": "zh-CN"})[0].text
    assert "Upcoming trainings" in english and "即将举行的培训和交流会" in chinese
    for language, first in (("en", english), ("zh-CN", chinese)):
        again, statements = get(client, "/events/", headers={"Accept-Language": language})
        assert statements == 1 and normalized(again.data) == normalized(first.encode())


@pytest.mark.parametrize("app_settings", [{"PAGE_CACHE_ENTRIES": 0}])
def test_it_can_be_turned_off(app, client, event):
    assert EXTENSION not in app.extensions
    assert get(client, "/events/")[1] > 1 and get(client, "/events/")[1] > 1


@pytest.mark.parametrize("app_settings", [{"TEMPLATES_AUTO_RELOAD": True}])
def test_templates_that_may_change_are_never_cached(app):
    assert EXTENSION not in app.extensions


def test_the_calendar_marks_the_new_today_after_midnight(client, monkeypatch):
    evening = datetime(2031, 3, 14, 23, 59, 59, tzinfo=UTC)  # the visitor's zone is UTC
    at(monkeypatch, evening)
    assert marked_today(get(client, "/events/calendar")[0].text) == "14"
    at(monkeypatch, evening + timedelta(seconds=1))
    assert marked_today(get(client, "/events/calendar")[0].text) == "15"


def marked_today(page: str) -> str:
    cell = r'class="[^"]*\btoday\b[^"]*">\s*<div class="day-number">.*?</span>(\d+)<'
    days = re.findall(cell, page)
    assert len(days) == 1, days
    return days[0]
