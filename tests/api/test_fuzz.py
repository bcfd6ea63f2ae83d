"""Schemathesis against the served OpenAPI document: generated requests (valid and invalid)
for every operation, as a seeded organizer; no 500s, no response that breaks the schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from config import TestConfig
from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventStatus
from liaison.registration import questions, registrations


@pytest.fixture
def fuzz_token(app, make_org, make_user, make_event, token_for):
    """An organizer's token, with events (published, draft, approval-only) and registrations
    around so generated ids hit real rows as well as missing ones."""
    customs = make_org("Customs", OrgKind.customs)
    organizer = make_user("organizer@example.test", Role.organizer, customs)
    # A focal point's token reaches the member, nomination and reserved-seat rules (below).
    office = make_org("Customs Office", OrgKind.customs, parent_id=customs.id)
    make_user("waiting@example.test", Role.participant, office, membership="pending")
    make_user("colleague@example.test", Role.participant, office)
    participant = make_user("p@example.test", Role.participant, make_org("Brand",
                                                                          OrgKind.rights_holder))
    published = make_event(organizer=organizer, capacity=5, venue="Room 1", topics=["postal"])
    make_event(organizer=organizer, status=EventStatus.draft, venue="Room 2")
    approval = make_event(organizer=organizer, requires_approval=True, venue="Room 3")
    # Questions on the approval event, so generated answers meet real ones.
    for kind, choices in (("choice", "Yes | 是\nNo | 否"), ("number", ""), ("date", "")):
        questions.add_question(approval, questions.QuestionInput(
            kind=kind, label=f"A {kind}", choices=choices), by=organizer)
    for event in (published, approval):
        registrations.register(event, participant)
        db.session.commit()
    _exchange_rows(organizer, make_org, make_user)
    _meeting_records(published, organizer, customs)
    return token_for(organizer)


def _exchange_rows(organizer, make_org, make_user):
    """The organizer is customs' focal point, with a request, a brand's offer and a waiting
    proposal of the pair, so the exchange endpoints meet real rows as well as missing ones."""
    from datetime import UTC, datetime, timedelta

    from liaison.events.topics import ensure_topic
    from liaison.exchange import postings, proposals
    from liaison.exchange.inputs import OfferInput, RequestInput

    ensure_topic("recordation")
    organizer.focal_point = True
    brand_focal = make_user("brand.focal@example.test", Role.participant,
                            make_org("Brand focal", OrgKind.rights_holder), focal_point=True)
    today = datetime.now(UTC).date()
    request = postings.create_request(RequestInput(
        organization_id=organizer.organization_id, title="Need", topics=["recordation"],
        earliest=today, latest=today + timedelta(days=60), mode="online", languages=["en"]),
        by=organizer)
    offer = postings.create_offer(OfferInput(
        organization_id=brand_focal.organization_id, title="Offer", topics=["recordation"],
        mode="online", languages=["en"]), by=brand_focal)
    proposals.propose(request, offer, by=brand_focal, message="Hello")


def _meeting_records(event, organizer, owner) -> None:
    """An agenda and circulated minutes with an action, so meeting endpoints hit real rows."""
    from datetime import date

    from liaison.meetings import agenda, minutes
    from liaison.meetings.agenda import AgendaItemInput
    from liaison.meetings.minutes import MinutesItemInput, OutcomeInput

    (item,) = agenda.set_agenda(event, [AgendaItemInput(title="Seizures")], by=organizer)
    minutes.save(event, [MinutesItemInput(agenda_item_id=item.id, outcomes=[OutcomeInput(
        kind="action", text="Send the list", owner_organization_id=owner.id,
        due_on=date(2031, 1, 1))])], by=organizer)
    minutes.circulate(event, by=organizer)
    db.session.commit()


def _served_schema():
    """The document as the app serves it (no database needed to serve it). Each test then
    sends its cases to that test's own app and database (`app=` below)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(TestConfig))


schema = _served_schema()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_keeps_its_schema(case, app, fuzz_token):
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )


@pytest.fixture
def focal_token(fuzz_token, make_user, token_for):
    """A focal point (and organizer) of the customs office, co-organizing the published
    event: member, nomination, substitution and reserved-seat calls reach their rules."""
    from sqlalchemy import select

    from liaison.accounts.models import Organization
    from liaison.events.models import Event

    office = db.session.scalar(select(Organization).where(Organization.name == "Customs Office"))
    focal = make_user("focal@example.test", Role.organizer, office, focal_point=True)
    for event in db.session.scalars(select(Event)):
        event.organizers.append(focal)
    db.session.commit()
    return token_for(focal)


orgs_schema = schema.include(path_regex="members|nominations|substitute|allocations")


@orgs_schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_member_and_seat_calls_as_a_focal_point(case, app, focal_token):
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {focal_token}"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
    )
