"""Fixtures for event tests: people in each role and a valid EventInput to tweak."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from liaison.accounts.models import OrgKind, Role
from liaison.events.lifecycle import EventInput


def next_month_at(hour: int, minute: int = 0, days: int = 30) -> datetime:
    """A naive wall-clock time some days ahead (read in the event's zone by the domain)."""
    day = (datetime.now() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def rights_holder_org(make_org):
    return make_org("Acme Brands", kind=OrgKind.rights_holder)


@pytest.fixture
def customs_org(make_org):
    return make_org("Shanghai Customs", kind=OrgKind.customs)


@pytest.fixture
def organizer(make_user, rights_holder_org):
    return make_user("org@acme.test", role=Role.organizer, org=rights_holder_org,
                     display_name="Olivia Organizer")


@pytest.fixture
def other_organizer(make_user, make_org):
    return make_user("other@assoc.test", role=Role.organizer,
                     org=make_org("Brand Association", kind=OrgKind.association))


@pytest.fixture
def admin(make_user, make_org):
    return make_user("admin@liaison.test", role=Role.admin,
                     org=make_org("Liaison Office", kind=OrgKind.other))


@pytest.fixture
def customs_officer(make_user, customs_org):
    return make_user("officer@customs.test", role=Role.participant, org=customs_org)


@pytest.fixture
def police_officer(make_user, make_org):
    return make_user("officer@police.test", role=Role.participant,
                     org=make_org("City Police", kind=OrgKind.law_enforcement))


@pytest.fixture
def event_input(organizer):
    """A valid input: a rights holder trains customs, next month 10:00–12:00 Shanghai time."""

    def make(**overrides) -> EventInput:
        base = EventInput(
            kind="training",
            title="How to recognise genuine Acme goods",
            host_organization_id=organizer.organization_id,
            start=next_month_at(10),
            end=next_month_at(12),
            timezone="Asia/Shanghai",
            description="Line one.\nLine two.",
            topics=["product identification"],
            audience=[OrgKind.customs],
            venue="Customs House, Room 3",
        )
        return replace(base, **overrides)

    return make


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test here works on a fresh database inside the app context."""
    yield app
