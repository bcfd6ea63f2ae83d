"""The agenda (order, identity, validation, what attendees hear about a change) and quarterly
series with "add the next meeting"."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import Classification, EventStatus, SeriesFrequency
from liaison.events.series import occurrence_dates
from liaison.mail.models import OutboxMessage
from liaison.meetings import agenda, planning
from liaison.meetings.agenda import AgendaItemInput
from liaison.notifications import notices
from liaison.registration.models import Registration
from tests.meetings.conftest import two_items


def _future(cast):
    cast.meeting.start_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    cast.meeting.end_at = cast.meeting.start_at + timedelta(hours=2)
    db.session.commit()


def test_reordering_keeps_each_items_identity(cast):
    first, second = two_items(cast)
    moved = agenda.set_agenda(cast.meeting, [
        AgendaItemInput.from_item(second), AgendaItemInput.from_item(first),
        AgendaItemInput(title="Any other business"),
    ], by=cast.organizer, notify=False)
    db.session.commit()
    assert [i.id for i in moved[:2]] == [second.id, first.id]
    assert [i.title for i in agenda.agenda_of(cast.meeting)] == [
        "Identification guide", "Seizures at Shanghai port", "Any other business"]


def test_bad_items_are_named_and_nothing_is_written(cast):
    two_items(cast)
    with pytest.raises(ValidationFailed) as raised:
        agenda.set_agenda(cast.meeting, [
            AgendaItemInput(title=" "), AgendaItemInput(title="x" * 201),
            AgendaItemInput(title="ok", duration_minutes=0, organization_id=999_999),
            AgendaItemInput(title="not ours", id=999_999),
        ], by=cast.organizer)
    assert set(raised.value.fields) == {"items.0.title", "items.1.title",
                                        "items.2.duration_minutes", "items.2.organization_id",
                                        "items.3.id"}
    db.session.rollback()
    assert len(agenda.agenda_of(cast.meeting)) == 2
    with pytest.raises(NotAllowed):
        agenda.set_agenda(cast.meeting, [], by=cast.officer)


def test_a_published_meetings_agenda_change_is_mailed_without_a_new_invite(cast):
    _future(cast)
    sequence = cast.meeting.sequence
    two_items(cast)
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")).all()
    assert {m.recipient for m in mails} == {cast.officer.email, cast.brand_person.email}
    assert all(m.ical is None for m in mails)
    english = next(m for m in mails if m.recipient == cast.brand_person.email)
    assert "09:" not in english.subject and "Identification guide — Anna Keller" in \
        english.body_text
    assert cast.meeting.sequence == sequence  # not a calendar change
    # Saving the same agenda again tells nobody anything new.
    agenda.set_agenda(cast.meeting, [AgendaItemInput.from_item(i)
                                     for i in agenda.agenda_of(cast.meeting)], by=cast.organizer)
    assert len(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")).all()) == 2


def test_the_invite_summarizes_the_agenda_but_a_restricted_one_carries_nothing(cast):
    _future(cast)
    two_items(cast, notify=False)
    registration = db.session.scalar(select(Registration).where(
        Registration.user_id == cast.brand_person.id))
    notices.registration_changed(registration, "confirmed")
    vevent = Calendar.from_ical(db.session.scalars(select(OutboxMessage.ical)).all()[-1]) \
        .walk("VEVENT")[0]
    start = cast.meeting.start_at.astimezone(ZoneInfo("Asia/Shanghai"))
    description = str(vevent["DESCRIPTION"])
    assert f"{start:%H:%M} Seizures at Shanghai port — Chen Jie, Shanghai Customs (30 min)" \
        in description
    later = start + timedelta(minutes=30)
    assert f"{later:%H:%M} Identification guide — Anna Keller" in description
    cast.meeting.classification = Classification.restricted
    notices.registration_changed(registration, "confirmed")
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    vevent = Calendar.from_ical(last.ical).walk("VEVENT")[0]
    assert "DESCRIPTION" not in vevent and str(vevent["CLASS"]) == "CONFIDENTIAL"
    assert last.subject.startswith("[Restricted] ")


def test_quarterly_dates_keep_the_day_of_the_month():
    first = datetime(2026, 11, 30).date()
    assert [str(d) for d in occurrence_dates(first, SeriesFrequency.quarterly, 4)] == [
        "2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30"]


def test_add_the_next_meeting_makes_a_quarterly_series_and_copies_the_agenda(cast):
    two_items(cast, notify=False)
    local = cast.meeting.start_at.astimezone(cast.meeting.zone)
    nxt = planning.plan_next(cast.meeting, by=cast.customs_organizer)
    db.session.commit()
    assert cast.meeting.series.frequency == SeriesFrequency.quarterly
    assert nxt.series_id == cast.meeting.series_id and nxt.status == EventStatus.draft
    nxt_local = nxt.start_at.astimezone(nxt.zone)
    assert (nxt_local.time(), nxt_local.tzinfo.key) == (local.time(), "Asia/Shanghai")
    months = (nxt_local.year - local.year) * 12 + nxt_local.month - local.month
    assert months == 3
    assert [i.title for i in agenda.agenda_of(nxt)] == [
        "Seizures at Shanghai port", "Identification guide"]
    assert {u.id for u in nxt.organizers} == {cast.organizer.id, cast.customs_organizer.id}
    third = planning.plan_next(nxt, by=cast.organizer)  # after the last one, whichever asked
    db.session.commit()
    assert third.start_at > nxt.start_at and cast.meeting.series.count == 3
    with pytest.raises(NotAllowed):
        planning.plan_next(nxt, by=cast.officer)


def test_a_series_can_be_created_quarterly_from_the_start(cast, organizer_input):
    created = lifecycle.create_series(organizer_input, "quarterly", 4, by=cast.organizer)
    months = [e.start_at.astimezone(e.zone).month for e in created]
    assert [(m - months[0]) % 12 for m in months] == [0, 3, 6, 9]


@pytest.fixture
def organizer_input(cast):
    start = datetime.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=10)
    return lifecycle.EventInput(
        kind="exchange_meeting", title="Quarterly exchange", host_organization_id=cast.assoc.id,
        start=start, end=start + timedelta(hours=2), timezone="Asia/Shanghai", venue="Room 2",
    )
