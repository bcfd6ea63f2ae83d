"""Where a registration stands in its event's queue: its place on the waiting list, and
whether it waits for its organization's cap rather than for a seat."""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from extensions import db
from liaison.events.models import Event
from liaison.registration.models import Registration, RegistrationStatus
from liaison.registration.seats import count_seats

S = RegistrationStatus


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in the queue (ordered by created_at, then id); None when not waiting."""
    if registration.status != S.waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == S.waitlisted,
            or_(
                Registration.created_at < registration.created_at,
                and_(Registration.created_at == registration.created_at,
                     Registration.id < registration.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def waitlist_positions(event: Event) -> dict[int, int]:
    """Registration id -> place in the event's waiting list, for lists of attendees."""
    ids = db.session.scalars(
        select(Registration.id)
        .where(Registration.event_id == event.id, Registration.status == S.waitlisted)
        .order_by(Registration.created_at, Registration.id)
    ).all()
    return {reg_id: place for place, reg_id in enumerate(ids, start=1)}


def org_cap_reached(registration: Registration) -> bool:
    """Waiting because the organization holds all its seats, not for lack of seats."""
    event = registration.event
    if registration.status != S.waitlisted or event.org_cap is None:
        return False
    return count_seats(event).org_full(registration.user.organization_id)
