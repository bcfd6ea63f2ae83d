"""SEQUENCE in what subscribers and invitees receive, driven by the real events functions;
and the page partials (add-to-calendar links, the account page's feed box)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string

from extensions import db
from liaison.accounts.models import Role
from liaison.calendar import feedtokens, ical
from liaison.events.lifecycle import EventInput, cancel_event, update_event
from tests.calendar.icalcheck import parse_strict

BASE = "http://liaison.test"


def _sequence(event) -> int:
    data = ical.build_calendar([event], base_url=BASE)
    return int(parse_strict(data).walk("VEVENT")[0]["SEQUENCE"])


def _stamp(event):
    return parse_strict(ical.build_calendar([event], base_url=BASE)).walk("VEVENT")[0].decoded(
        "DTSTAMP")


@pytest.fixture
def organizer(make_user):
    return make_user(role=Role.organizer)


@pytest.mark.parametrize(
    ("change", "rises"),
    [
        (lambda d: setattr(d, "title", d.title + " (typo fixed)"), False),
        (lambda d: setattr(d, "description", "Bring two samples."), False),
        (lambda d: setattr(d, "start", d.start + timedelta(hours=1)), True),
        (lambda d: setattr(d, "end", d.end + timedelta(minutes=30)), True),
        (lambda d: setattr(d, "venue", "Hall B, Customs House"), True),
        (lambda d: setattr(d, "timezone", "Europe/Berlin"), True),
    ],
    ids=["title", "description", "start", "end", "venue", "timezone"],
)
def test_sequence_rises_on_time_place_status_not_on_a_title_fix(make_event, organizer, change,
                                                                rises):
    event = make_event(organizer=organizer, venue="Hall A")
    before, stamp = _sequence(event), _stamp(event)
    data = EventInput.from_event(event)
    change(data)
    update_event(event, data, by=organizer)
    db.session.commit()
    assert _sequence(event) == before + (1 if rises else 0)
    # Either way the stamp moves, so clients that compare DTSTAMP see the new text.
    assert _stamp(event) >= stamp
    invite = parse_strict(ical.build_invite(event, "a@b.test", "A", method="REQUEST",
                                            base_url=BASE, organizer_email="o@liaison.test"))
    assert int(invite.walk("VEVENT")[0]["SEQUENCE"]) == _sequence(event)


def test_cancelling_raises_the_sequence_and_marks_it(make_event, organizer):
    event = make_event(organizer=organizer)
    before = _sequence(event)
    cancel_event(event, by=organizer)
    db.session.commit()
    vevent = parse_strict(ical.build_calendar([event], base_url=BASE)).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == before + 1
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_event_links_partial(app, make_event):
    event = make_event(title="Spotting fakes", timezone="Europe/Berlin",
                       online_url="https://meet.example.net/secret", venue=None)
    with app.test_request_context("/"):
        html = render_template_string('{% include "calendar/_event_links.html" %}', event=event)
    assert f'href="/events/{event.id}.ics"' in html
    assert "https://meet.example.net/secret" not in html
    google = [p for p in html.split('"') if p.startswith("https://calendar.google.com")][0]
    query = parse_qs(urlsplit(google.replace("&amp;", "&")).query)
    start = event.start_at.strftime("%Y%m%dT%H%M%SZ")
    end = event.end_at.strftime("%Y%m%dT%H%M%SZ")
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Spotting fakes"]
    assert query["dates"] == [f"{start}/{end}"] and query["ctz"] == ["Europe/Berlin"]
    assert f"{BASE}/events/{event.id}" in query["details"][0]
    assert "meet.example.net" not in str(query)  # urlencoded, so the check on `html` can't see it
    outlook = [p for p in html.split('"') if p.startswith("https://outlook.office.com")][0]
    query = parse_qs(urlsplit(outlook.replace("&amp;", "&")).query)
    assert query["subject"] == ["Spotting fakes"]
    assert query["startdt"] == [event.start_at.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert query["enddt"] == [event.end_at.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert "meet.example.net" not in str(query)


def test_account_feed_partial_shows_working_addresses(app, client, make_user):
    user = make_user()
    user.calendar_token_hash = None  # a row from before the hook, or a stale hash
    db.session.commit()
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(user)
        html = render_template_string('{% include "calendar/_account_feed.html" %}')
    token = feedtokens.calendar_token(user)
    https = f"{BASE}/calendar/{token}.ics"
    assert f'value="{https}"' in html
    assert f'href="webcal://liaison.test/calendar/{token}.ics"' in html
    assert ("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fliaison.test"
            f"%2Fcalendar%2F{token}.ics") in html
    assert 'action="/account/calendar-token/rotate"' in html and 'name="csrf_token"' in html
    db.session.rollback()  # the hash was committed by the partial, not left pending
    assert client.get(f"/calendar/{token}.ics").status_code == 200
