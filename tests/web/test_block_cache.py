"""Signed-in readers' event page and event list keep their own blocks in the block cache
(blueprints/core/pagecache.cached_blocks): a second view reads the generation token and the
reader, not the page's rows, and is what a fresh rendering gives; the reader's name, menus,
flashed messages and CSRF token are always their own; readers of one standing share a list,
readers of another never see it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from blueprints.core import pagecache as web_pagecache
from blueprints.core.pagecache import BLOCKS, EXTENSION, FRAGMENTS
from extensions import db
from liaison.core.types import utcnow
from liaison.events.models import Classification
from liaison.registration.models import Registration, RegistrationStatus
from tests.web.test_page_cache import get, normalized

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fresh(app, client, url) -> str:
    for name in (EXTENSION, FRAGMENTS, BLOCKS):
        app.extensions[name]._entries.clear()
    return normalized(client.get(url).data)


@pytest.fixture
def event(make_event):
    return make_event(title="Spotting fake bearings", capacity=10)


@pytest.mark.parametrize("page", ["/events/", "/events/{id}"])
def test_a_readers_second_view_comes_from_the_blocks(app, client, event, make_user, login,
                                                       page):
    login(make_user(display_name="Rita Reader"))
    url = page.format(id=event.id)
    first, rendered_with = get(client, url)
    second, served_with = get(client, url)
    assert normalized(second.data) == normalized(first.data) == fresh(app, client, url)
    # the reader and their organization, the token, and for the list the reader's standing
    assert served_with <= 4 < rendered_with
    assert "Spotting fake bearings" in second.text and "Rita Reader" in second.text
    assert second.headers["Cache-Control"] == "no-store"


def test_each_reader_sees_their_own_registration(app, client, event, make_user, login):
    registered, other = make_user(display_name="Reg Istered"), make_user(display_name="Ot Her")
    db.session.add(Registration(event=event, user=registered,
                                status=RegistrationStatus.confirmed))
    db.session.commit()
    url = f"/events/{event.id}"
    pages = {}
    for _round in range(2):  # the second round is served from the blocks
        for user in (registered, other):
            login(user)
            pages[user.id] = normalized(get(client, url)[0].data)
            assert pages[user.id] == normalized(client.get(url).data)
    assert "Reg Istered" in pages[registered.id] and "Ot Her" not in pages[registered.id]
    cancel = f"/registrations/{event.registrations[0].id}/cancel"
    assert cancel in pages[registered.id] and cancel not in pages[other.id]


def test_a_flashed_message_shows_on_a_page_from_the_blocks(client, event, make_user, login):
    login(make_user())
    url = f"/events/{event.id}"
    get(client, url)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your answers were saved.")]
    page, statements = get(client, url)
    assert "Your answers were saved." in page.text and statements <= 4
    assert "Your answers were saved." not in get(client, url)[0].text  # shown once


def test_the_csrf_token_of_a_page_from_the_blocks_is_the_sessions_own(
    app, client, event, make_user, login, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = login(make_user())
    registration = Registration(event=event, user=user, status=RegistrationStatus.confirmed)
    db.session.add(registration)
    db.session.commit()
    url = f"/events/{event.id}"
    first = get(client, url)[0].text
    other = app.test_client()  # the same reader on another device: another session
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
    page = other.get(url)
    assert normalized(page.data) == normalized(first.encode())
    assert web_pagecache.PLACEHOLDER not in page.text
    token = TOKEN.search(page.text).group(1)
    assert token != TOKEN.search(first).group(1)  # signed from the other session's secret
    refused = client.post(f"/registrations/{registration.id}/cancel",
                          data={"csrf_token": token})
    assert refused.status_code == 400  # not the first session's
    response = other.post(f"/registrations/{registration.id}/cancel",
                          data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.cancelled


def test_readers_of_one_standing_share_the_list_and_others_do_not(
    app, client, make_event, make_user, make_org, login
):
    make_event(title="Open bearings clinic")
    secret = make_event(title="Closed-door casework", classification=Classification.restricted)
    customs = make_org("Ningbo Customs")
    a, b, c = (make_user(org=customs, display_name=name) for name in ("Ann", "Bo", "Cy"))
    db.session.add(Registration(event=secret, user=c, status=RegistrationStatus.confirmed))
    db.session.commit()
    login(a)
    first, rendered_with = get(client, "/events/")
    login(b)
    shared, served_with = get(client, "/events/")
    assert served_with < rendered_with and "Bo" in shared.text
    assert "Open bearings clinic" in shared.text and "Closed-door casework" not in shared.text
    login(c)  # registered for the restricted event: another standing
    own = get(client, "/events/")[0].text
    assert "Closed-door casework" in own and own.count("event-card") > shared.text.count(
        "event-card")


def test_the_quarter_hour_renews_the_event_page(client, event, make_user, login, monkeypatch):
    login(make_user())
    url = f"/events/{event.id}"
    get(client, url)
    assert get(client, url)[1] <= 4
    later = utcnow() + timedelta(minutes=15)
    monkeypatch.setattr(web_pagecache, "utcnow", lambda: later)
    assert get(client, url)[1] > 4  # rendered again: a meeting's "today" may have moved


def test_pages_that_are_not_shown_are_not_kept(app, client, make_event, make_user, login):
    draft = make_event(status="draft")
    login(make_user())
    for _ in range(2):
        assert client.get(f"/events/{draft.id}").status_code == 404
    assert len(app.extensions[BLOCKS]) == 0


def test_an_answer_written_anywhere_updates_the_registrants_page(client, event, make_user,
                                                                   login):
    from sqlalchemy import text

    from liaison.registration.models import QuestionKind, RegistrationQuestion

    user = login(make_user())
    question = RegistrationQuestion(event=event, kind=QuestionKind.text, label="Your unit",
                                    required=True)
    registration = Registration(event=event, user=user, status=RegistrationStatus.confirmed)
    db.session.add_all([question, registration])
    db.session.commit()
    url = f"/events/{event.id}"
    assert "Answer now" in get(client, url)[0].text
    assert get(client, url)[1] <= 4
    db.session.execute(text(  # behind the application's back: the trigger renews the token
        "INSERT INTO registration_answer (registration_id, question_id, value_json, answered_at)"
        " VALUES (:r, :q, '\"Port of Ningbo\"', CURRENT_TIMESTAMP)"),
        {"r": registration.id, "q": question.id})
    db.session.commit()
    assert "Answer now" not in get(client, url)[0].text


def test_pages_of_those_who_may_manage_events_are_rendered_for_them(app, client, event, login):
    login(event.organizers[0])
    url = f"/events/{event.id}"
    get(client, url)
    assert get(client, url)[1] > 4  # messages and download counts: no generation follows them
    assert len(app.extensions[BLOCKS]) == 0
