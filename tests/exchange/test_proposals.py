"""Proposals: who may propose, answer and withdraw; accepting makes the draft training the SPEC
describes; the request then follows its training's status."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.events import lifecycle
from liaison.events.models import EventKind, EventStatus
from liaison.exchange import postings, proposals, signals
from liaison.exchange.models import OfferStatus, ProposalStatus, RequestStatus, Side
from liaison.mail.models import OutboxMessage
from tests.exchange.conftest import soon


@pytest.fixture
def world(customs_focal, brand_focal, post_request, post_offer):
    class World:
        pass

    w = World()
    w.customs, w.brand = customs_focal, brand_focal
    w.request = post_request(customs_focal, topics=["product-identification", "batteries"],
                             earliest=soon(20), latest=soon(80), expected_participants=40,
                             timezone="Asia/Shanghai", city="Shenzhen", mode="in_person")
    w.offer = post_offer(brand_focal, topics=["product-identification", "chargers"],
                         available_from=soon(25), cities=["深圳"], mode="either")
    return w


def test_the_offering_side_proposes_and_the_requesting_side_is_told(world):
    proposal = proposals.propose(world.request, world.offer, by=world.brand,
                                 message="We can bring samples.")
    db.session.commit()
    assert proposal.side == Side.offer and proposal.status == ProposalStatus.proposed
    assert proposal.opening_message == "We can bring samples."
    mail = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.recipient for m in mail] == [world.customs.email]
    assert "We can bring samples." in mail[0].body_text


def test_outsiders_cannot_propose_and_a_pair_waits_once(world, make_focal, make_user):
    stranger = make_focal(OrgKind.judiciary)
    with pytest.raises(NotAllowed):
        proposals.propose(world.request, world.offer, by=stranger, message="Hi")
    member = make_user(org=world.brand.organization, role=Role.participant)
    if hasattr(member, "focal_point"):
        with pytest.raises(NotAllowed):
            proposals.propose(world.request, world.offer, by=member, message="Hi")
    with pytest.raises(ValidationFailed) as error:
        proposals.propose(world.request, world.offer, by=world.brand, message="  ")
    assert "message" in error.value.fields
    proposals.propose(world.request, world.offer, by=world.brand, message="First")
    db.session.commit()
    with pytest.raises(Conflict):
        proposals.propose(world.request, world.offer, by=world.customs, message="Second")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(
        proposals.Proposal)) == 1


def test_proposed_dates_must_come_together_and_lie_ahead(world):
    later = datetime.now(UTC) + timedelta(days=30)
    with pytest.raises(ValidationFailed) as error:
        proposals.propose(world.request, world.offer, by=world.brand, message="x", start=later)
    assert "end" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        proposals.propose(world.request, world.offer, by=world.brand, message="x",
                          start=later, end=later - timedelta(hours=1))
    assert "end" in error.value.fields
    past = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        proposals.propose(world.request, world.offer, by=world.brand, message="x",
                          start=past, end=past + timedelta(hours=2))
    assert "start" in error.value.fields


def test_only_the_other_side_answers_and_only_the_proposer_withdraws(world):
    proposal = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    db.session.commit()
    with pytest.raises(NotAllowed):
        proposals.accept(proposal, by=world.brand)
    with pytest.raises(NotAllowed):
        proposals.decline(proposal, by=world.brand)
    with pytest.raises(NotAllowed):
        proposals.withdraw(proposal, by=world.customs)
    proposals.withdraw(proposal, by=world.brand)
    db.session.commit()
    assert proposal.status == ProposalStatus.withdrawn
    with pytest.raises(Conflict):
        proposals.accept(proposal, by=world.customs)


def test_accepting_makes_the_draft_training_both_focal_points_organize(world):
    heard = []

    def hear(proposal, **kwargs):
        heard.append((proposal, kwargs["event"]))

    proposal = proposals.propose(world.request, world.offer, by=world.brand,
                                 message="We can bring samples.")
    db.session.commit()
    with signals.proposal_accepted.connected_to(hear):
        event = proposals.accept(proposal, by=world.customs)
    db.session.commit()

    assert heard == [(proposal, event)]
    assert event.kind == EventKind.training and event.status == EventStatus.draft
    assert event.host_organization_id == world.offer.organization_id
    assert event.audience == [OrgKind.customs]
    assert event.topics == ["batteries", "chargers", "product-identification"]
    assert event.title == world.request.title and event.capacity == 40
    assert {u.id for u in event.organizers} == {world.customs.id, world.brand.id}
    assert lifecycle.can_manage(event, world.brand) and lifecycle.can_manage(event, world.customs)
    assert proposal.event_id == event.id and proposal.status == ProposalStatus.accepted
    assert world.request.status == RequestStatus.matched
    # No date was proposed: the first shared day, 09:00-12:00 in the requester's zone.
    zone = ZoneInfo("Asia/Shanghai")
    assert event.timezone == "Asia/Shanghai"
    assert event.start_at.astimezone(zone) == datetime.combine(soon(25), time(9), zone)
    assert event.end_at.astimezone(zone) == datetime.combine(soon(25), time(12), zone)
    assert proposal.placeholder_start == event.start_at  # "date to confirm"
    assert event.venue == "Shenzhen"  # in person, in the request's city


def test_a_proposed_date_is_kept(world):
    zone = ZoneInfo("Europe/Berlin")
    start = datetime.combine(soon(40), time(14), zone)
    proposal = proposals.propose(world.request, world.offer, by=world.customs, message="Then?",
                                 start=start.replace(tzinfo=None),
                                 end=(start + timedelta(hours=3)).replace(tzinfo=None),
                                 timezone="Europe/Berlin")
    db.session.commit()
    event = proposals.accept(proposal, by=world.brand)
    db.session.commit()
    assert event.start_at == start.astimezone(UTC) and event.timezone == "Europe/Berlin"
    assert proposal.placeholder_start is None


def test_a_request_is_matched_once(world, make_focal, make_org, post_offer):
    other = make_focal(make_org("Second brand", OrgKind.rights_holder))
    second_offer = post_offer(other)
    first = proposals.propose(world.request, world.offer, by=world.brand, message="A")
    second = proposals.propose(world.request, second_offer, by=other, message="B")
    db.session.commit()
    proposals.accept(first, by=world.customs)
    db.session.commit()
    with pytest.raises(Conflict):
        proposals.accept(second, by=world.customs)
    db.session.rollback()
    assert second.status == ProposalStatus.proposed
    with pytest.raises(Conflict):
        proposals.propose(world.request, second_offer, by=other, message="Again")


def test_a_paused_offer_cannot_be_accepted(world):
    proposal = proposals.propose(world.request, world.offer, by=world.customs, message="Hi")
    postings.set_offer_status(world.offer, OfferStatus.paused, by=world.brand)
    db.session.commit()
    with pytest.raises(Conflict):
        proposals.accept(proposal, by=world.brand)


def test_the_request_follows_its_training(world):
    proposal = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    event = proposals.accept(proposal, by=world.customs)
    db.session.commit()
    lifecycle.publish_event(event, by=world.brand)
    db.session.commit()
    assert world.request.status == RequestStatus.scheduled
    assert world.request.scheduled_at is not None
    lifecycle.unpublish_event(event, by=world.customs)
    assert world.request.status == RequestStatus.matched
    lifecycle.publish_event(event, by=world.customs)
    assert world.request.status == RequestStatus.scheduled
    lifecycle.cancel_event(event, by=world.customs)
    db.session.commit()
    assert world.request.status == RequestStatus.open
    assert world.request.scheduled_at is None


def test_cancelling_the_draft_reopens_the_request(world):
    proposal = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    event = proposals.accept(proposal, by=world.customs)
    lifecycle.cancel_event(event, by=world.brand)
    db.session.commit()
    assert world.request.status == RequestStatus.open


def test_delivered_when_its_attendance_closes(world):
    from liaison.records.attendance import close_attendance

    proposal = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    event = proposals.accept(proposal, by=world.customs)
    lifecycle.publish_event(event, by=world.brand)
    db.session.commit()
    assert world.request.status == RequestStatus.scheduled
    close_attendance(event, by=world.customs, now=event.end_at + timedelta(hours=1))
    db.session.commit()
    assert world.request.status == RequestStatus.delivered
    assert world.request.delivered_at is not None


def test_the_thread_is_for_both_sides_while_it_is_alive(world, make_focal):
    proposal = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    proposals.add_message(proposal, by=world.customs, body="Can you come in April?")
    db.session.commit()
    assert [m.body for m in proposal.messages] == ["Hi", "Can you come in April?"]
    with pytest.raises(NotAllowed):
        proposals.add_message(proposal, by=make_focal(OrgKind.judiciary), body="Me too")
    proposals.decline(proposal, by=world.customs, message="Not this year.")
    db.session.commit()
    assert proposal.messages[-1].body == "Not this year."
    with pytest.raises(Conflict):
        proposals.add_message(proposal, by=world.brand, body="Why?")


def test_incoming_and_outgoing(world):
    mine = proposals.propose(world.request, world.offer, by=world.brand, message="Hi")
    db.session.commit()

    def ids(user, direction):
        return list(db.session.scalars(
            proposals.involving(user, direction=direction).with_only_columns(
                proposals.Proposal.id)))

    assert ids(world.brand, "outgoing") == [mine.id] and ids(world.brand, "incoming") == []
    assert ids(world.customs, "incoming") == [mine.id] and ids(world.customs, "outgoing") == []
    assert ids(world.customs, None) == [mine.id]
