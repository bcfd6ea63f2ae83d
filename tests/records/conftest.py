"""Fixtures for the records: an event that is on now, with confirmed attendees."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration.models import Registration, RegistrationStatus


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def participant(make_user, make_org):
    def make(org=None, kind: OrgKind = OrgKind.customs, **fields):
        return make_user(role=Role.participant, org=org or make_org(kind=kind), **fields)

    return make


@pytest.fixture
def session_with(make_event, participant):
    """A 3-hour event yesterday (01:00–04:00 UTC, so on one local day) with `n` confirmed
    registrations."""

    def make(n: int = 3, **fields):
        yesterday = now().replace(hour=1, minute=0, second=0) - timedelta(days=1)
        fields.setdefault("start", yesterday)
        fields.setdefault("timezone", "UTC")
        fields.setdefault("hours", 3)
        event = make_event(**fields)
        regs = []
        for _ in range(n):
            reg = Registration(event=event, user=participant(), status=RegistrationStatus.confirmed)
            db.session.add(reg)
            regs.append(reg)
        db.session.commit()
        return event, regs

    return make
