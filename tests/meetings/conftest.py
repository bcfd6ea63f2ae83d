"""A quarterly exchange meeting between customs and rights holders: the people and the helpers
that write an agenda and minutes through the domain."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventKind, EventStatus
from liaison.meetings import agenda, minutes
from liaison.meetings.agenda import AgendaItemInput
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from liaison.registration.models import Registration, RegistrationStatus


class Cast:
    pass


@pytest.fixture
def cast(app, make_org, make_user, make_event):
    c = Cast()
    c.customs = make_org("National Customs", OrgKind.customs, name_zh="海关总署")
    c.office = make_org("Shanghai Customs", OrgKind.customs, parent_id=c.customs.id)
    c.brand = make_org("Lindqvist Outdoor", OrgKind.rights_holder)
    c.assoc = make_org("Brand Alliance", OrgKind.association)
    c.organizer = make_user("organizer@assoc.test", Role.organizer, c.assoc,
                            display_name="Li Na")
    c.customs_organizer = make_user("organizer@customs.test", Role.organizer, c.customs,
                                    display_name="Wang Lei", language="zh")
    c.officer = make_user("officer@sha.test", Role.participant, c.office,
                          display_name="Chen Jie", language="zh")
    c.brand_person = make_user("anna@brand.test", Role.participant, c.brand,
                               display_name="Anna Keller")
    c.outsider = make_user("someone@else.test", Role.participant,
                           make_org("Court", OrgKind.judiciary))
    c.admin = make_user("admin@assoc.test", Role.admin, c.assoc)
    c.meeting = make_event(
        organizer=c.organizer, kind=EventKind.exchange_meeting, title="Q1 exchange",
        audience=[OrgKind.customs, OrgKind.rights_holder], host_organization=c.assoc,
        start=datetime.now(UTC).replace(microsecond=0) - timedelta(days=2), venue="Room 1",
    )
    c.meeting.organizers.append(c.customs_organizer)
    for user in (c.officer, c.brand_person):
        db.session.add(Registration(event=c.meeting, user=user,
                                    status=RegistrationStatus.confirmed))
    db.session.commit()
    return c


def two_items(cast, **extra) -> list:
    """An agenda of two items, written through the domain."""
    items = agenda.set_agenda(cast.meeting, [
        AgendaItemInput(title="Seizures at Shanghai port", title_zh="上海口岸查扣情况",
                        presenter="Chen Jie", organization_id=cast.office.id,
                        duration_minutes=30),
        AgendaItemInput(title="Identification guide", presenter="Anna Keller",
                        organization_id=cast.brand.id, duration_minutes=45),
    ], by=cast.organizer, **extra)
    db.session.commit()
    return items


def decision_and_two_actions(cast, items, *, due=None) -> list[MinutesItemInput]:
    due = due or date.today() + timedelta(days=20)
    return [
        MinutesItemInput(agenda_item_id=items[0].id, notes="312 parcels detained.", outcomes=[
            OutcomeInput(kind="decision", text="Share seizure data monthly.",
                         text_zh="每月共享查扣数据。"),
            OutcomeInput(kind="action", text="Send the list of suspicious consignees.",
                         owner_organization_id=cast.office.id, owner_user_id=cast.officer.id,
                         due_on=due),
        ]),
        MinutesItemInput(agenda_item_id=items[1].id, outcomes=[
            OutcomeInput(kind="information", text="The new guide covers zips and labels."),
            OutcomeInput(kind="action", text="Send 20 printed guides to Shanghai.",
                         owner_organization_id=cast.brand.id, due_on=due),
        ]),
    ]


@pytest.fixture
def written(cast):
    """The agenda and a draft of the minutes with a decision and two actions."""
    items = two_items(cast)
    draft = minutes.save(cast.meeting, decision_and_two_actions(cast, items), by=cast.organizer)
    db.session.commit()
    return items, draft


def next_meeting(cast, start_offset_days=90, status=EventStatus.published):
    """The next occurrence of the meeting's series (planned through the domain)."""
    from liaison.meetings import planning

    created = planning.plan_next(cast.meeting, by=cast.organizer)
    created.status = status
    db.session.commit()
    return created
