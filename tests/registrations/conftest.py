"""Fixtures for the registration tests: a participant factory with an organization kind."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration.models import Registration, RegistrationStatus


@pytest.fixture
def participant(make_user, make_org):
    """A new participant, by default in a new customs organization."""

    def make(org=None, kind: OrgKind = OrgKind.customs, **fields):
        return make_user(role=Role.participant, org=org or make_org(kind=kind), **fields)

    return make


@pytest.fixture
def statuses():
    """Every registration of an event as {user_id: status}, straight from the database."""

    def read(event) -> dict[int, RegistrationStatus]:
        db.session.expire_all()
        rows = db.session.scalars(
            db.select(Registration).where(Registration.event_id == event.id)
        ).all()
        return {r.user_id: r.status for r in rows}

    return read


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test here works on a fresh database inside the app context."""
    yield app


@pytest.fixture
def news(monkeypatch):
    """Record what registrants are told, as (registration id, news), instead of queueing mail:
    the rules tests check who is told what; the mail tests check the mail itself."""
    from liaison.notifications import notices

    told: list[tuple[int, str]] = []

    def record(registration, what):
        assert what in notices.REGISTRATION_NEWS
        told.append((registration.id, what))

    monkeypatch.setattr(notices, "registration_changed", record)
    return told
