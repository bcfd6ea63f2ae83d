"""Reserved seats (allocations): an event's organizers hold N seats for an organization and its
descendant offices until a release time.

Held seats count against capacity and only that organization's people fill them (the cap per
organization still applies); `seats.Seats` does the counting, under the one seat lock. Creating,
resizing, moving the release time and removing all take the lock; the room to reserve is what
neither confirmed people nor other reserves hold. From `release_at` the worker's
`release_allocations` job releases them: they become ordinary seats and the waiting list is
promoted into them (until then they still count, so the queue keeps its order).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.registration.models import Allocation
from liaison.registration.registrations import _promote
from liaison.registration.seats import Seats, count_seats, lock_seats

SEATS_MAX = 100_000


def _require_manager(event: Event, by: User) -> None:
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can reserve seats."))


def _check(event: Event, organization: Organization | None, seats: int | None,
           release_at: datetime | None, *, now: datetime) -> None:
    fields = {}
    if organization is None:
        fields["organization_id"] = _("Choose an organization from the list.")
    if seats is None or not 1 <= seats <= SEATS_MAX:
        fields["seats"] = _("Reserve from 1 to %(max)d seats.", max=SEATS_MAX)
    if release_at is None:
        fields["release_at"] = _("Give the date and time the seats are released.")
    elif release_at <= now:
        fields["release_at"] = _("The release time must be in the future.")
    elif release_at > event.start_at:
        fields["release_at"] = _("Release the seats before the event starts.")
    if fields:
        raise ValidationFailed(_("Some fields need attention."), fields=fields)
    if event.capacity is None:
        raise Conflict(_("This event has no capacity, so there is nothing to reserve: every "
                       "seat is free to all."), code="no_capacity")
    if event.is_cancelled:
        raise Conflict(_("This event is cancelled."), code="event_cancelled")


def _require_room(seats: Seats, allocation_id: int) -> None:
    """Reserved and confirmed seats together must fit the capacity; the message says how many
    seats this reserve may have at most."""
    capacity = seats.event.capacity
    if capacity is None or seats.confirmed + seats.held_back <= capacity:
        return
    filled = seats.filled()
    others = sum(max(r.seats - filled[r.allocation_id], 0)
                 for r in seats.reserves if r.allocation_id != allocation_id)
    most = capacity - seats.confirmed - others + filled.get(allocation_id, 0)
    message = _("At most %(room)d seats can be reserved here: the others are taken or reserved.",
                room=max(most, 0))
    raise ValidationFailed(message, fields={"seats": message}, code="not_enough_seats")


def reserve(event: Event, organization: Organization | None, seats: int | None,
            release_at: datetime | None, *, by: User) -> Allocation:
    """Hold `seats` seats for `organization` (and its offices) until `release_at`. One
    allocation per organization and event."""
    _require_manager(event, by)
    now = utcnow()
    _check(event, organization, seats, release_at, now=now)
    lock_seats(event)
    allocation = db.session.scalar(select(Allocation).where(
        Allocation.event_id == event.id, Allocation.organization_id == organization.id))
    if allocation is not None and allocation.is_held:
        message = _("%(org)s already has reserved seats here: change them instead.",
                    org=organization.display_name)
        raise Conflict(message, code="already_reserved",
                       fields={"organization_id": message})
    if allocation is None:  # (a released one is held again: one row per organization)
        allocation = Allocation(event=event, organization=organization)
        db.session.add(allocation)
    allocation.seats, allocation.release_at, allocation.released_at = seats, release_at, None
    allocation.created_by_id, allocation.created_at = by.id, now
    db.session.flush()
    _require_room(count_seats(event), allocation.id)
    return allocation


def change(allocation: Allocation, *, seats: int | None = None,
           release_at: datetime | None = None, by: User) -> Allocation:
    """Resize a reserve or move its release time (a released one can be held again by giving
    a new release time); fewer seats promote the waiting list into the rest."""
    event = allocation.event
    _require_manager(event, by)
    now = utcnow()
    new_seats = allocation.seats if seats is None else seats
    new_release = allocation.release_at if release_at is None else release_at
    _check(event, allocation.organization, new_seats, new_release, now=now)
    lock_seats(event)
    db.session.refresh(allocation)
    allocation.seats, allocation.release_at = new_seats, new_release
    if release_at is not None:
        allocation.released_at = None
    db.session.flush()
    counted = count_seats(event)
    _require_room(counted, allocation.id)
    _promote(counted)
    db.session.flush()
    return allocation


def remove(allocation: Allocation, *, by: User) -> None:
    """Stop reserving: the seats are free to all, and the waiting list moves into them."""
    event = allocation.event
    _require_manager(event, by)
    lock_seats(event)
    db.session.delete(allocation)
    db.session.flush()
    _promote(count_seats(event))
    db.session.flush()


def release_allocations(now: datetime) -> int:
    """The worker's job: allocations whose release time has come stop holding seats, and each
    event's waiting list is promoted into them. Returns how many were released."""
    due = db.session.execute(
        select(Allocation.id, Allocation.event_id)
        .where(Allocation.released_at.is_(None), Allocation.release_at <= now)
        .order_by(Allocation.event_id, Allocation.id)
    ).all()
    released = 0
    for event_id in sorted({event_id for _id, event_id in due}):
        event = db.session.get(Event, event_id)
        lock_seats(event)
        still = db.session.scalars(select(Allocation).where(
            Allocation.event_id == event_id, Allocation.released_at.is_(None),
            Allocation.release_at <= now))
        for allocation in still:
            allocation.released_at = now
            released += 1
        db.session.flush()
        _promote(count_seats(event))
        db.session.flush()
    return released


@dataclass(frozen=True)
class Reserved:
    """One allocation as its event page shows it: "3 of 5 reserved seats filled"."""

    allocation: Allocation
    filled: int

    @property
    def seats(self) -> int:
        return self.allocation.seats


def reserved_seats(event: Event) -> list[Reserved]:
    """The event's held allocations with how many of their seats are filled (no lock: for pages)."""
    allocations = db.session.scalars(
        select(Allocation).where(Allocation.event_id == event.id,
                                 Allocation.released_at.is_(None))
        .order_by(Allocation.id)
    ).all()
    if not allocations:
        return []
    filled = count_seats(event).filled()
    return [Reserved(a, min(filled.get(a.id, 0), a.seats)) for a in allocations]
