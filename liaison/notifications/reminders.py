"""Reminders: one mail per confirmed registration, about a day before the start, never twice."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from liaison.accounts.models import User
from liaison.core.types import utcnow
from liaison.events.models import Event, EventStatus
from liaison.notifications import notices
from liaison.registration.models import Registration, RegistrationStatus

# Reminders go to events starting within this window after the run; run `send-reminders`
# hourly and each confirmed attendee hears once, about a day before the start.
REMINDER_WINDOW = timedelta(hours=24)


def send_reminders(now: datetime | None = None, *, window: timedelta = REMINDER_WINDOW) -> int:
    """Queue one reminder per confirmed registration of a published event starting within
    `window` from now, to people its audience still admits; `reminded_at` is set in the same
    transaction, so never twice."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Registration)
        .join(Event, Registration.event_id == Event.id)
        .where(
            Event.status == EventStatus.published,
            Event.start_at > now,
            Event.start_at <= now + window,
            Registration.status == RegistrationStatus.confirmed,
            Registration.reminded_at.is_(None),
        )
        .options(
            selectinload(Registration.user).selectinload(User.organization),
            selectinload(Registration.event),
        )
        .order_by(Event.start_at, Registration.id)
    ).all()
    queued = 0
    for registration in due:
        if not registration.event.admits(registration.user):
            continue  # rule 1 checked again: the audience no longer admits them
        # Conditional update: a concurrent run that got here first leaves nothing to take.
        taken = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            continue
        set_committed_value(registration, "reminded_at", now)
        user, event = registration.user, registration.event
        if notices.queue_notice("reminder", user, event, registration=registration):
            queued += 1
    return queued
