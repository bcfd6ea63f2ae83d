"""The SEQUENCE one attendee sees never goes down, even when their place goes and comes back,
or the event is withdrawn to draft and published again: calendar programs ignore an invite
whose SEQUENCE is not above the last one they applied."""
from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Role
from liaison.events import lifecycle
from liaison.mail.models import OutboxMessage
from liaison.registration import registrations


def invites_for(user) -> list[tuple[str, int, str]]:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.ical.is_not(None))
        .order_by(OutboxMessage.id)
    )
    result = []
    for row in rows:
        calendar = Calendar.from_ical(row.ical)
        vevent = next(iter(calendar.walk("VEVENT")))
        result.append((str(calendar["METHOD"]), int(vevent["SEQUENCE"]), str(vevent["UID"])))
    return result


def assert_rising(invites):
    sequences = [seq for _method, seq, _uid in invites]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences), invites
    assert len({uid for _m, _s, uid in invites}) == 1


def test_cancel_then_register_again_gets_a_higher_sequence(make_event, make_user):
    event = make_event(capacity=5)
    person = make_user()
    registration = registrations.register(event, person)
    db.session.commit()
    registrations.cancel_registration(registration, by=person)
    db.session.commit()
    registrations.register(event, person)
    db.session.commit()

    invites = invites_for(person)
    assert [m for m, _s, _u in invites] == ["REQUEST", "CANCEL", "REQUEST"]
    assert_rising(invites)
    assert invites[0][1] == event.sequence


def test_event_change_after_a_comeback_still_rises(make_event, make_user):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=5, venue="Shanghai Customs, Room 301")
    person = make_user()
    registration = registrations.register(event, person)
    db.session.commit()
    registrations.cancel_registration(registration, by=person)
    registrations.register(event, person)
    db.session.commit()

    data = lifecycle.EventInput.from_event(event)
    data.start = event.start_at + timedelta(hours=1)
    data.end = event.end_at + timedelta(hours=1)
    lifecycle.update_event(event, data, by=organizer)
    db.session.commit()

    invites = invites_for(person)
    assert [m for m, _s, _u in invites] == ["REQUEST", "CANCEL", "REQUEST", "REQUEST"]
    assert_rising(invites)


def test_unpublish_withdraws_and_republish_restores(make_event, make_user):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=5, venue="Shanghai Customs, Room 301")
    person = make_user()
    registrations.register(event, person)
    db.session.commit()
    lifecycle.unpublish_event(event, by=organizer)
    db.session.commit()
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()

    invites = invites_for(person)
    assert [m for m, _s, _u in invites] == ["REQUEST", "CANCEL", "REQUEST"]
    assert_rising(invites)
