"""Rule 1 after the fact: registrations the audience no longer admits.

Rule 1 admits a user when the event is open to all or their *verified* organization's kind is
in its audience (`Event.admits`). That can stop being true after they registered: organizers
narrow the audience, a membership is rejected or goes back to pending, a member moves to
another organization, an organization changes kind. Then the registrations it no longer
admits are cancelled, under the seat lock, and their owners told (news "excluded", with a
calendar CANCEL when they held a confirmed place); the seats they free go to the waiting list.
One function does it, `exclude`, whatever the cause. Only events that have not started are
touched: a session already held keeps its record.

Promotion, invites, feeds and reminders also check `Event.admits` at the moment they act, so
a place that somehow outlived its audience is never promoted, sent a link or reminded.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import User
from liaison.core.types import utcnow
from liaison.events.models import Event
from liaison.registration import signals
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStatus,
)
from liaison.registration.registrations import _leave, _promote
from liaison.registration.seats import lock_seats

EXCLUDED = "excluded"  # the registration news, see liaison.notifications.notices


def exclude(event: Event, *, user_ids: set[int] | None = None, now: datetime | None = None
            ) -> list[Registration]:
    """Cancel the active registrations of `event` (of `user_ids` only, when given) whose
    owners the audience no longer admits, tell each of them, and give the freed seats to the
    waiting list. Nothing happens once the event has started. Returns the cancelled ones."""
    now = now or utcnow()
    if event.start_at <= now:
        return []
    seats = lock_seats(event)
    stmt = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        )
        .options(selectinload(Registration.user).selectinload(User.organization))
        .order_by(Registration.created_at, Registration.id)
    )
    if user_ids is not None:
        stmt = stmt.where(Registration.user_id.in_(user_ids))
    dropped = [r for r in db.session.scalars(stmt) if not event.admits(r.user)]
    for registration in dropped:
        _leave(seats, registration, RegistrationStatus.cancelled)
        signals.registration_changed.send(registration, news=EXCLUDED)
    if dropped:
        _promote(seats)
    db.session.flush()
    return dropped


def exclude_for_users(user_ids: set[int], *, now: datetime | None = None) -> list[Registration]:
    """`exclude` for some people: at every upcoming event where they hold an active
    registration (events locked one at a time, by id)."""
    now = now or utcnow()
    if not user_ids:
        return []
    event_ids = db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.user_id.in_(user_ids),
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            Event.start_at > now,
            Event.audience_csv != "",  # open to all admits everyone, whatever their standing
        )
        .distinct()
        .order_by(Registration.event_id)
    ).all()
    dropped: list[Registration] = []
    for event_id in event_ids:
        event = db.session.get(Event, event_id)
        dropped += exclude(event, user_ids=user_ids, now=now)
    return dropped
