"""Registration's answers to what happens to events and accounts (liaison.events.signals,
liaison.accounts.signals)."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from liaison.accounts import signals as account_signals
from liaison.accounts.models import Organization, User
from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.registration import audience, registrations


@event_signals.seats_changing.connect
def apply_seat_changes(event: Event, **changes: int | None) -> None:
    """A new capacity or organization cap goes through the seat lock: capacity first (it may
    refuse, or promote), then the cap (checked against what organizations already hold)."""
    if "capacity" in changes:
        registrations.change_capacity(event, changes["capacity"])
    if "org_cap" in changes:
        registrations.change_org_cap(event, changes["org_cap"])


@event_signals.audience_changed.connect
def drop_those_the_audience_excludes(event: Event) -> None:
    audience.exclude(event)


@account_signals.membership_changed.connect
def drop_what_the_membership_no_longer_admits(user: User, **_kw) -> None:
    audience.exclude_for_users({user.id})


@account_signals.organization_kind_changed.connect
def drop_what_the_new_kind_no_longer_admits(organization: Organization) -> None:
    members = select(User.id).where(User.organization_id == organization.id)
    audience.exclude_for_users(set(db.session.scalars(members)))
