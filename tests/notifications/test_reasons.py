"""A reason on declining a registration and on cancelling an event, by form and API, carried by
the mails (in the recipient's language's layout) and shown where it matters."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import EventStatus
from liaison.mail.models import OutboxMessage
from liaison.registration import registrations
from liaison.registration.models import RegistrationStatus as S

REASON = "The room holds only customs officers this time.\nPlease try the March session."


@pytest.fixture
def world(make_org, make_user, make_event, registered):
    class World:
        pass

    w = World()
    w.organizer = make_user("org@example.test", Role.organizer,
                            make_org("Association", OrgKind.association))
    w.event = make_event(organizer=w.organizer, title="Detention procedure", venue="Room 1",
                         requires_approval=True)
    w.person = make_user("chen@example.test", language="zh", display_name="Chen Jie",
                         org=make_org("Brand", OrgKind.rights_holder))
    w.registration = registered(w.event, w.person, S.pending)
    w.other = registered(w.event, make_user("anna@example.test"), S.confirmed)
    return w


def mail(kind: str, recipient: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == kind, OutboxMessage.recipient == recipient)).one()


def test_declining_with_a_reason_tells_it(app, client, login, world):
    login(world.organizer)
    client.post(f"/events/{world.event.id}/registrations/{world.registration.id}/decline",
                data={"reason": f"  {REASON}  "})
    db.session.expire_all()
    assert world.registration.status == S.declined
    assert world.registration.decline_reason == REASON
    sent = mail("registration_declined", "chen@example.test")
    assert "报名" in sent.subject  # the layout in their language
    assert REASON in sent.body_text and "Please try the March session." in sent.body_html


def test_declining_without_a_reason_says_nothing_of_one(app, world):
    registrations.decline(world.registration, by=world.organizer, reason="   ")
    db.session.commit()
    assert world.registration.decline_reason is None
    assert "原因" not in mail("registration_declined", "chen@example.test").body_text


def test_a_new_registration_after_a_decline_forgets_the_reason(app, world):
    registrations.decline(world.registration, by=world.organizer, reason=REASON)
    db.session.commit()
    registrations.register(world.event, world.person)
    db.session.commit()
    assert world.registration.status == S.pending and world.registration.decline_reason is None


def test_cancelling_with_a_reason_tells_everyone_and_shows_it(app, client, login, world):
    login(world.organizer)
    page = client.get(f"/events/{world.event.id}").text
    assert 'name="reason"' in page  # the cancel form asks for one
    response = client.post(f"/events/{world.event.id}/cancel", data={"reason": REASON},
                           follow_redirects=True)
    assert "Event cancelled" in response.text
    assert "Please try the March session." in response.text  # shown on the event page
    db.session.expire_all()
    assert world.event.status == EventStatus.cancelled
    for recipient in ("chen@example.test", "anna@example.test"):
        assert REASON in mail("event_cancelled", recipient).body_text


def test_a_too_long_reason_is_refused_and_nothing_changes(app, client, login, world):
    login(world.organizer)
    response = client.post(f"/events/{world.event.id}/cancel", data={"reason": "x" * 2001},
                           follow_redirects=True)
    assert "Use at most 2000 characters." in response.text
    db.session.expire_all()
    assert world.event.status == EventStatus.published
    with pytest.raises(ValidationFailed):
        registrations.decline(world.registration, by=world.organizer, reason="x" * 2001)
    db.session.rollback()
    assert world.registration.status == S.pending
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_api_takes_a_reason_or_no_body(app, world, api_as):
    api = api_as(world.organizer)
    response = api.post(f"/registrations/{world.registration.id}/decline",
                        json={"reason": REASON})
    assert response.status_code == 200 and response.json["decline_reason"] == REASON
    response = api.post(f"/registrations/{world.other.id}/decline")  # no body at all
    assert response.status_code == 200 and response.json["decline_reason"] is None
    response = api.post(f"/events/{world.event.id}/cancel", json={"reason": 5})
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]
    response = api.post(f"/events/{world.event.id}/cancel", json={"why": "x"})
    assert response.status_code == 422
    response = api.post(f"/events/{world.event.id}/cancel", data="reason",
                        headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    response = api.post(f"/events/{world.event.id}/cancel", json={"reason": "Typhoon."})
    assert response.status_code == 200
    assert response.json["cancellation_reason"] == "Typhoon."
    assert response.json["status"] == "cancelled"


def test_a_series_cancelled_from_here_carries_the_reason(app, world, event_input_series):
    first, second, third = event_input_series
    lifecycle.cancel_series_from(second, by=world.organizer, reason="Budget cut.")
    db.session.commit()
    assert first.cancellation_reason is None
    assert second.cancellation_reason == third.cancellation_reason == "Budget cut."


@pytest.fixture
def event_input_series(world):
    from datetime import UTC, datetime, timedelta

    from liaison.events.models import SeriesFrequency

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    data = lifecycle.EventInput.from_event(world.event)
    data.start, data.end = start, start + timedelta(hours=2)
    events = lifecycle.create_series(data, SeriesFrequency.weekly, 3, by=world.organizer)
    db.session.commit()
    return events
