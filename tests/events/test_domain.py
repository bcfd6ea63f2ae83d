"""The event domain without HTTP: validation messages, the sequence rule, status changes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import Event, EventStatus
from liaison.notifications import notices
from liaison.registration import registrations
from liaison.registration.models import Registration, RegistrationStatus
from tests.events.conftest import next_month_at


@pytest.fixture
def spy(monkeypatch):
    """Record what the notifications module is asked to tell registrants."""
    calls = []
    monkeypatch.setattr(notices, "event_changed",
                        lambda event, changes: calls.append(("changed", event.id, changes)))
    monkeypatch.setattr(notices, "event_cancelled",
                        lambda event: calls.append(("cancelled", event.id, None)))
    return calls


def fields_of(excinfo) -> dict:
    return excinfo.value.fields


def test_create_makes_a_draft_in_utc_with_the_creator_as_organizer(event_input, organizer):
    event = lifecycle.create_event(event_input(), by=organizer)
    db.session.commit()
    assert event.status == EventStatus.draft and event.sequence == 0
    assert event.organizers == [organizer] and event.created_by == organizer
    # 10:00 in Shanghai (UTC+8, no DST) is 02:00 UTC.
    assert event.start_at.tzinfo is not None and event.start_at.hour == 2
    assert event.local_start.hour == 10
    assert event.audience == [OrgKind.customs]
    assert event.topics == ["product-identification"]


def test_aware_start_is_taken_as_an_instant(event_input, organizer):
    start = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    event = lifecycle.create_event(
        event_input(start=start, end=start + timedelta(hours=1), timezone="Europe/Brussels"),
        by=organizer,
    )
    assert event.start_at == start and event.local_start.hour == 10


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the event a title."),
        ({"title": "x" * 201}, "title", "The title can be at most 200 characters."),
        ({"kind": "party"}, "kind", "Choose a training or an exchange meeting."),
        ({"host_organization_id": 99999}, "host_organization_id", "Choose the host organization."),
        ({"audience": ["pirates"]}, "audience", "Choose organization kinds from the list."),
        ({"timezone": "Mars/Olympus"}, "timezone",
         "Choose a time zone from the list, such as Asia/Shanghai."),
        ({"timezone": "CST"}, "timezone",
         "Choose a time zone from the list, such as Asia/Shanghai."),
        ({"start": None}, "start", "Give the start date and time."),
        ({"end": None}, "end", "Give the end date and time."),
        ({"end": next_month_at(9)}, "end", "The end must be after the start."),
        ({"end": next_month_at(10)}, "end", "The end must be after the start."),
        ({"online_url": "ftp://files.example/x"}, "online_url",
         "The online link must be a web address starting with http:// or https://."),
        ({"online_url": "javascript:alert(1)"}, "online_url",
         "The online link must be a web address starting with http:// or https://."),
        ({"online_url": "meet.example.com/abc"}, "online_url",
         "The online link must be a web address starting with http:// or https://."),
        ({"venue": "", "online_url": ""}, "venue", "Give a venue, an online link, or both."),
        ({"venue": "v" * 301}, "venue", "The venue can be at most 300 characters."),
        ({"capacity": 0}, "capacity", "Capacity must be at least 1; leave it empty for no limit."),
        ({"capacity": -5}, "capacity", "Capacity must be at least 1; leave it empty for no limit."),
        ({"org_cap": 0}, "org_cap",
         "The limit per organization must be at least 1; leave it empty for no limit."),
        ({"registration_closes": next_month_at(13)}, "registration_closes",
         "Registration must close before the event ends."),
        ({"registration_opens": next_month_at(9), "registration_closes": next_month_at(8)},
         "registration_opens", "Registration must open before it closes."),
        ({"registration_opens": next_month_at(12, 30)}, "registration_opens",
         "Registration must open before the event ends."),
        ({"topics": ["t" * 81]}, "topics", "Each topic can be at most 80 characters."),
        ({"topics": [f"topic {i}" for i in range(13)]}, "topics", "Give at most 12 topics."),
        ({"description": "d" * 20_001}, "description",
         "The description can be at most 20000 characters."),
    ],
)
def test_each_rule_has_a_clear_message_and_writes_nothing(
    event_input, organizer, overrides, field, message
):
    with pytest.raises(ValidationFailed) as excinfo:
        lifecycle.create_event(event_input(**overrides), by=organizer)
    assert fields_of(excinfo)[field] == message
    db.session.rollback()
    assert db.session.query(Event).count() == 0


def test_co_organizers_must_be_organizers(event_input, organizer, customs_officer):
    with pytest.raises(ValidationFailed) as excinfo:
        lifecycle.create_event(event_input(co_organizer_ids=[customs_officer.id]), by=organizer)
    assert fields_of(excinfo)["co_organizer_ids"] == (
        "Co-organizers must be active organizers, administrators or focal points."
    )


def test_several_problems_are_reported_together(event_input, organizer):
    with pytest.raises(ValidationFailed) as excinfo:
        lifecycle.create_event(event_input(title="", capacity=0, timezone="nowhere"), by=organizer)
    assert {"title", "capacity", "timezone"} <= set(fields_of(excinfo))


def test_topics_are_trimmed_deduplicated_and_empty_ones_dropped(event_input, organizer):
    event = lifecycle.create_event(
        event_input(topics="  Postal  channel , postal CHANNEL,, recordation ,  ,Recordation"),
        by=organizer,
    )
    assert event.topics == ["postal-channel", "recordation"]
    assert [t.label_en for t in event.topic_terms] == ["Postal channel", "recordation"]


def test_participants_cannot_create(event_input, customs_officer):
    with pytest.raises(NotAllowed):
        lifecycle.create_event(event_input(), by=customs_officer)


def test_only_organizers_of_the_event_and_admins_manage_it(
    event_input, organizer, other_organizer, admin, customs_officer
):
    event = lifecycle.create_event(event_input(co_organizer_ids=[other_organizer.id]), by=organizer)
    assert lifecycle.can_manage(event, organizer)
    assert lifecycle.can_manage(event, other_organizer)  # co-organizer
    assert lifecycle.can_manage(event, admin)
    assert not lifecycle.can_manage(event, customs_officer)
    assert not lifecycle.can_manage(event, None)
    lone = lifecycle.create_event(event_input(), by=organizer)
    assert not lifecycle.can_manage(lone, other_organizer)
    for action in (lifecycle.publish_event, lifecycle.cancel_event, lifecycle.duplicate_event):
        with pytest.raises(NotAllowed):
            action(lone, by=other_organizer)
    with pytest.raises(NotAllowed):
        lifecycle.update_event(lone, event_input(title="Hijacked"), by=customs_officer)


def test_title_and_description_fixes_do_not_raise_the_sequence(event_input, organizer, spy):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    sequence, stamp = event.sequence, event.updated_at
    changes = lifecycle.update_event(
        event, event_input(title="Typo fixed", description="Better."), by=organizer
    )
    assert set(changes) == {"title", "description"}
    assert event.sequence == sequence
    assert event.updated_at > stamp
    assert spy == []  # nothing calendar-relevant: nobody is mailed


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": next_month_at(9), "end": next_month_at(12)}, "start"),
        ({"end": next_month_at(13)}, "end"),
        ({"timezone": "Asia/Tokyo"}, "timezone"),
        ({"venue": "Another room"}, "venue"),
        ({"online_url": "https://meet.example/abc"}, "online_url"),
    ],
)
def test_calendar_relevant_changes_raise_the_sequence_and_notify(
    event_input, organizer, spy, overrides, field
):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    sequence = event.sequence
    changes = lifecycle.update_event(event, event_input(**overrides), by=organizer)
    assert field in changes
    assert event.sequence == sequence + 1
    assert spy == [("changed", event.id, changes)]


def test_a_change_to_a_draft_raises_the_sequence_but_mails_nobody(event_input, organizer, spy):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.update_event(event, event_input(venue="Elsewhere"), by=organizer)
    assert event.sequence == 1 and spy == []


def test_saving_unchanged_values_changes_nothing(event_input, organizer):
    event = lifecycle.create_event(event_input(), by=organizer)
    db.session.commit()
    stamp = event.updated_at
    assert lifecycle.update_event(event, lifecycle.EventInput.from_event(event), by=organizer) == {}
    assert event.sequence == 0 and event.updated_at == stamp


def test_status_changes_raise_the_sequence(event_input, organizer, spy):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    assert event.status == EventStatus.published and event.sequence == 1
    with pytest.raises(Conflict):
        lifecycle.publish_event(event, by=organizer)
    lifecycle.unpublish_event(event, by=organizer)
    assert event.status == EventStatus.draft and event.sequence == 2
    assert spy[-1][0] == "changed"
    with pytest.raises(Conflict):
        lifecycle.unpublish_event(event, by=organizer)


def test_cancel_is_final_stamped_and_tells_registrants(event_input, organizer, spy):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    lifecycle.cancel_event(event, by=organizer)
    assert event.status == EventStatus.cancelled and event.cancelled_at is not None
    assert event.sequence == 2
    assert spy == [("cancelled", event.id, None)]
    with pytest.raises(Conflict):
        lifecycle.update_event(event, event_input(title="Revived"), by=organizer)
    with pytest.raises(Conflict):
        lifecycle.publish_event(event, by=organizer)


def test_capacity_cannot_fall_below_the_confirmed_count(
    event_input, organizer, make_user, customs_org
):
    event = lifecycle.create_event(event_input(capacity=5), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    for _ in range(3):
        registrations.register(event, make_user(org=customs_org))
    db.session.commit()
    with pytest.raises(ValidationFailed) as excinfo:
        lifecycle.update_event(event, event_input(capacity=2), by=organizer)
    assert fields_of(excinfo)["capacity"] == (
        "3 people are already confirmed; capacity can't be lower."
    )
    db.session.rollback()
    assert db.session.get(Event, event.id).capacity == 5
    lifecycle.update_event(event, event_input(capacity=3), by=organizer)
    assert event.capacity == 3


def test_raising_capacity_promotes_from_the_waiting_list(
    event_input, organizer, make_user, customs_org
):
    event = lifecycle.create_event(event_input(capacity=1), by=organizer)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    registrations.register(event, make_user(org=customs_org))
    waiting = registrations.register(event, make_user(org=customs_org))
    db.session.commit()
    assert waiting.status == RegistrationStatus.waitlisted
    lifecycle.update_event(event, event_input(capacity=2), by=organizer)
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.confirmed


def test_duplicate_is_a_fresh_draft_with_the_same_details(
    event_input, organizer, other_organizer, make_user, customs_org
):
    event = lifecycle.create_event(
        event_input(co_organizer_ids=[other_organizer.id], capacity=20, topics=["a", "b"]),
        by=organizer,
    )
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    registrations.register(event, make_user(org=customs_org))
    db.session.commit()
    copy = lifecycle.duplicate_event(event, by=other_organizer)
    db.session.commit()
    assert copy.id != event.id and copy.status == EventStatus.draft and copy.sequence == 0
    # "Copy of …", moved by whole weeks into the future: same weekday, same local time.
    assert (copy.title, copy.timezone, copy.capacity) == (
        "Copy of " + event.title, event.timezone, 20)
    moved = copy.start_at - event.start_at
    assert moved >= timedelta(weeks=1) and moved % timedelta(weeks=1) == timedelta(0)
    assert copy.end_at - copy.start_at == event.end_at - event.start_at
    assert (copy.topics, copy.audience) == (["a", "b"], event.audience)
    assert copy.created_by == other_organizer
    assert {u.id for u in copy.organizers} == {organizer.id, other_organizer.id}
    assert copy.registrations == []


def test_admin_may_manage_any_event(event_input, organizer, admin, make_user):
    event = lifecycle.create_event(event_input(), by=organizer)
    lifecycle.publish_event(event, by=admin)
    lifecycle.update_event(event, event_input(title="Edited by admin"), by=admin)
    assert event.title == "Edited by admin"
    assert [u.id for u in event.organizers] == [organizer.id]  # the creator stays
    assert make_user(role=Role.organizer).can_organize
