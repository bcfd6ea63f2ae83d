"""Actions followed up: carry-over to the next meetings of a series, "Our actions", closing
(who and when), and the reminder job before the due date and when overdue."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.mail.models import OutboxMessage
from liaison.meetings import actions, minutes
from liaison.meetings.models import ActionItem, ActionStatus
from liaison.meetings.reminders import remind_actions
from tests.meetings.conftest import next_meeting


def _circulated(cast):
    minutes.circulate(cast.meeting, by=cast.organizer)
    db.session.commit()
    return db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()


def test_open_actions_carry_over_to_later_meetings_until_closed(cast, written):
    nxt = next_meeting(cast)
    assert actions.carried_over(nxt) == []  # drafted, not circulated: not followed up yet
    consignees, guides = _circulated(cast)
    assert actions.carried_over(nxt) == [consignees, guides]
    third = next_meeting(cast)
    assert actions.carried_over(third) == [consignees, guides]  # every later meeting
    assert actions.carried_over(cast.meeting) == []  # never the meeting's own, nor earlier
    actions.set_status(guides, "done", by=cast.brand_person)
    db.session.commit()
    assert actions.carried_over(third) == [consignees]
    actions.set_status(consignees, "dropped", by=cast.organizer)
    db.session.commit()
    assert actions.carried_over(nxt) == []
    actions.set_status(consignees, "open", by=cast.officer)  # reopened: back on the list
    db.session.commit()
    assert consignees.closed_at is None and actions.carried_over(nxt) == [consignees]


def test_closing_records_who_and_when_and_only_owners_and_organizers_may(cast, written):
    consignees, guides = _circulated(cast)
    for stranger in (cast.brand_person, cast.outsider):
        with pytest.raises(NotAllowed):
            actions.set_status(consignees, "done", by=stranger)
    with pytest.raises(ValidationFailed):
        actions.set_status(consignees, "finished", by=cast.officer)
    before = datetime.now(UTC)
    actions.set_status(consignees, ActionStatus.done, by=cast.officer)
    assert consignees.closed_by_id == cast.officer.id and consignees.closed_at >= before
    actions.set_status(guides, "done", by=cast.customs_organizer)  # an organizer of the meeting
    assert guides.closed_by_id == cast.customs_organizer.id


def test_our_actions_sorts_open_due_soon_overdue_and_closed(cast, written):
    consignees, guides = _circulated(cast)
    today = date.today()
    consignees.due_on = today - timedelta(days=1)
    guides.due_on = today + timedelta(days=3)
    db.session.commit()

    def ids(org_ids, which):
        return [a.id for a in db.session.scalars(
            actions.for_organizations(org_ids, which, today)).unique()]

    customs_tree = actions.descendant_ids(cast.customs.id)
    assert set(customs_tree) == {cast.customs.id, cast.office.id}
    assert ids(customs_tree, "open") == [consignees.id]  # the office's action, seen from above
    assert ids([cast.brand.id], "due_soon") == [guides.id]
    assert ids([cast.office.id], "overdue") == [consignees.id]
    assert ids([cast.brand.id], "overdue") == []
    assert actions.counts_for(customs_tree, today) == {
        "open": 1, "due_soon": 0, "overdue": 1, "closed": 0}
    actions.set_status(guides, "done", by=cast.brand_person)
    assert ids([cast.brand.id], "closed") == [guides.id]
    assert ids([cast.brand.id], "open") == []


def _reminders():
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.in_(("action_due", "action_overdue"))).order_by(OutboxMessage.id)
    ).all()


def test_reminders_before_the_due_date_and_when_overdue_each_once(cast, written):
    consignees, guides = _circulated(cast)
    now = datetime.now(UTC)
    today = now.astimezone(cast.meeting.zone).date()
    consignees.due_on = today + timedelta(days=2)
    guides.due_on = today + timedelta(days=10)
    db.session.commit()

    assert remind_actions(now) == 1  # the owner person only; the other is not due yet
    db.session.commit()
    (due,) = _reminders()
    assert due.recipient == cast.officer.email and due.kind == "action_due"
    assert "Send the list of suspicious consignees." in due.body_text
    assert remind_actions(now) == 0  # never twice for one due date
    db.session.commit()

    # Three days later it is overdue: the owner and the meeting's organizers hear.
    later = now + timedelta(days=3)
    assert remind_actions(later) == 3
    db.session.commit()
    overdue = [m for m in _reminders() if m.kind == "action_overdue"]
    assert {m.recipient for m in overdue} == {
        cast.officer.email, cast.organizer.email, cast.customs_organizer.email}
    assert remind_actions(later) == 0

    # A new due date makes the reminders due again; a closed action gets none.
    consignees.due_on = today + timedelta(days=4)
    db.session.commit()
    assert remind_actions(later) == 1
    actions.set_status(consignees, "done", by=cast.officer)
    consignees.due_on = today + timedelta(days=5)
    db.session.commit()
    assert remind_actions(later) == 0


def test_without_an_owner_person_the_organizations_organizers_hear(cast, written, make_user):
    _consignees, guides = _circulated(cast)
    from liaison.accounts.models import Role

    brand_organizer = make_user("organizer@brand.test", Role.organizer, cast.brand)
    guides.due_on = date.today() + timedelta(days=1)
    db.session.commit()
    remind_actions(datetime.now(UTC))
    db.session.commit()
    assert [m.recipient for m in _reminders()] == [brand_organizer.email]


def test_a_focal_point_of_the_owner_hears_before_its_organizers(cast, written, make_user):
    from liaison.accounts.models import Role

    _consignees, guides = _circulated(cast)
    make_user("organizer@brand.test", Role.organizer, cast.brand)
    focal = make_user("focal@brand.test", Role.participant, cast.brand, focal_point=True)
    guides.due_on = date.today() + timedelta(days=1)
    db.session.commit()
    remind_actions(datetime.now(UTC))
    db.session.commit()
    assert [m.recipient for m in _reminders()] == [focal.email]
    actions.set_status(guides, "done", by=focal)  # a focal point may close it too
    assert guides.closed_by_id == focal.id


def test_the_worker_runs_the_reminders_as_a_job(cast, written):
    """jobs.py lists remind_actions; one worker pass runs it like any due job."""
    from liaison.integration.worker import Worker

    consignees, _guides = _circulated(cast)
    consignees.due_on = date.today() + timedelta(days=1)
    db.session.commit()
    lines: list[str] = []
    Worker(echo=lines.append, worker_id="test").run_pass()
    assert any(line.startswith("job remind_actions: 1") for line in lines), lines
    assert [m.kind for m in _reminders()] == ["action_due"]
