"""Minutes: outcomes, the draft -> circulated -> approved flow, locking, versions and history,
and the actions they make live."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.mail.models import OutboxMessage
from liaison.meetings import actions, minutes
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from liaison.meetings.models import ActionItem, ActionStatus, MinutesStatus, OutcomeKind
from tests.meetings.conftest import decision_and_two_actions, two_items


def test_outcomes_are_recorded_per_agenda_item(cast, written):
    items, draft = written
    saved = minutes.with_content(draft.id)
    assert [i.agenda_item_id for i in saved.items] == [items[0].id, items[1].id]
    assert saved.items[0].title == "Seizures at Shanghai port"  # copied from the agenda
    assert saved.items[0].title_zh == "上海口岸查扣情况"
    kinds = [[o.kind for o in i.outcomes] for i in saved.items]
    assert kinds == [[OutcomeKind.decision, OutcomeKind.action],
                     [OutcomeKind.information, OutcomeKind.action]]
    action = saved.items[0].outcomes[1].action
    assert action.owner_organization_id == cast.office.id
    assert action.owner_user_id == cast.officer.id
    assert action.status == ActionStatus.open and not action.live


def test_every_bad_field_is_named_and_nothing_is_written(cast):
    items = two_items(cast)
    bad = [MinutesItemInput(agenda_item_id=items[0].id, outcomes=[
        OutcomeInput(kind="verdict", text="x"),
        OutcomeInput(kind="action", text="", owner_organization_id=999_999, due_on=None),
        OutcomeInput(kind="action", text="Send it", owner_organization_id=cast.brand.id,
                     owner_user_id=cast.officer.id, due_on=date.today()),
    ]), MinutesItemInput(agenda_item_id=987_654)]
    with pytest.raises(ValidationFailed) as raised:
        minutes.save(cast.meeting, bad, by=cast.organizer)
    assert set(raised.value.fields) == {
        "items.0.outcomes.0.kind", "items.0.outcomes.1.text",
        "items.0.outcomes.1.owner_organization_id", "items.0.outcomes.1.due_on",
        "items.0.outcomes.2.owner_user_id", "items.1.agenda_item_id", "items.1.title",
    }
    db.session.rollback()
    assert minutes.current(cast.meeting) is None
    assert db.session.scalar(select(ActionItem.id)) is None


def test_only_organizers_write_minutes(cast):
    items = two_items(cast)
    for who in (cast.officer, cast.brand_person, cast.outsider):
        with pytest.raises(NotAllowed):
            minutes.save(cast.meeting, decision_and_two_actions(cast, items), by=who)
    minutes.save(cast.meeting, decision_and_two_actions(cast, items), by=cast.admin)


def test_circulating_mails_attendees_organizers_and_owners_with_decisions_and_actions(
    cast, written
):
    minutes.circulate(cast.meeting, by=cast.organizer)
    db.session.commit()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "minutes_circulated")).all()
    assert {m.recipient for m in mails} == {
        cast.officer.email, cast.brand_person.email, cast.organizer.email,
        cast.customs_organizer.email,
    }
    english = next(m for m in mails if m.recipient == cast.brand_person.email)
    assert english.subject == "Minutes for review: Q1 exchange"
    for text in ("Share seizure data monthly.", "Send 20 printed guides to Shanghai.",
                 "Send the list of suspicious consignees.", "Lindqvist Outdoor"):
        assert text in english.body_text
    assert "The new guide covers zips" not in english.body_text  # information is not listed
    chinese = next(m for m in mails if m.recipient == cast.officer.email)
    assert chinese.subject.startswith("会议纪要")
    assert "每月共享查扣数据。" in chinese.body_text  # the Chinese text for a Chinese reader
    assert all(a.live for a in db.session.scalars(select(ActionItem)))


def test_approved_minutes_are_locked_and_reopen_starts_a_new_version(cast, written):
    items, first = written
    with pytest.raises(Conflict):
        minutes.approve(cast.meeting, by=cast.organizer)  # a draft is circulated first
    minutes.circulate(cast.meeting, by=cast.organizer)
    with pytest.raises(Conflict):  # what was mailed is not rewritten
        minutes.save(cast.meeting, decision_and_two_actions(cast, items), by=cast.organizer)
    minutes.approve(cast.meeting, by=cast.organizer)
    db.session.commit()
    assert first.status == MinutesStatus.approved and first.is_locked
    with pytest.raises(Conflict) as raised:
        minutes.save(cast.meeting, decision_and_two_actions(cast, items), by=cast.organizer)
    assert raised.value.status == 409
    with pytest.raises(Conflict):
        minutes.circulate(cast.meeting, by=cast.organizer)

    second = minutes.reopen(cast.meeting, by=cast.organizer)
    db.session.commit()
    assert second.version == 2 and second.status == MinutesStatus.draft
    edited = minutes.inputs_for(cast.meeting, second)
    edited[0].notes = "312 parcels detained; 40 released after checks."
    minutes.save(cast.meeting, edited, by=cast.organizer)
    db.session.commit()
    history = minutes.versions(cast.meeting)
    assert [(m.version, m.status) for m in history] == [
        (1, MinutesStatus.approved), (2, MinutesStatus.draft)]
    assert history[0].items[0].notes == "312 parcels detained."  # the record stays as it was
    assert history[1].items[0].notes.endswith("after checks.")
    # The actions are the same ones in both versions (one identity, followed up once).
    first_ids = {o.action_id for i in history[0].items for o in i.outcomes if o.action_id}
    second_ids = {o.action_id for i in history[1].items for o in i.outcomes if o.action_id}
    assert first_ids == second_ids and len(first_ids) == 2


def test_a_circulated_action_cannot_vanish_from_a_later_version(cast, written):
    minutes.circulate(cast.meeting, by=cast.organizer)
    minutes.approve(cast.meeting, by=cast.organizer)
    second = minutes.reopen(cast.meeting, by=cast.organizer)
    db.session.commit()
    edited = minutes.inputs_for(cast.meeting, second)
    edited[1].outcomes = edited[1].outcomes[:1]  # the brand's action taken out
    with pytest.raises(ValidationFailed) as raised:
        minutes.save(cast.meeting, edited, by=cast.organizer)
    assert any(key.startswith("actions.") for key in raised.value.fields)


def test_a_draft_action_taken_out_again_is_gone(cast, written):
    _items, draft = written
    edited = minutes.inputs_for(cast.meeting, draft)
    edited[1].outcomes = edited[1].outcomes[:1]
    minutes.save(cast.meeting, edited, by=cast.organizer)
    db.session.commit()
    assert db.session.scalars(select(ActionItem.text)).all() == [
        "Send the list of suspicious consignees."]


def test_a_new_version_changes_an_actions_due_date_and_its_status_changes_any_time(
    cast, written
):
    minutes.circulate(cast.meeting, by=cast.organizer)
    minutes.approve(cast.meeting, by=cast.organizer)
    db.session.commit()
    action = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).first()
    actions.set_status(action, "done", by=cast.officer)  # locked minutes, live action
    db.session.commit()
    assert action.closed_by_id == cast.officer.id and action.closed_at is not None
    second = minutes.reopen(cast.meeting, by=cast.organizer)
    edited = minutes.inputs_for(cast.meeting, second)
    later = date.today() + timedelta(days=60)
    edited[0].outcomes[1] = replace(edited[0].outcomes[1], due_on=later)
    minutes.save(cast.meeting, edited, by=cast.organizer)
    db.session.commit()
    assert action.due_on == later and action.status == ActionStatus.done
    assert minutes.versions(cast.meeting)[0].items[0].outcomes[1].due_on != later
