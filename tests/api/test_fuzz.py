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
from liaison.registration import registrations


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
    for event in (published, approval):
        registrations.register(event, participant)
        db.session.commit()
    return token_for(organizer)


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
