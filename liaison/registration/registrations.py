"""Registration rules 1–6 of SPEC: register, cancel, approve, decline, move, capacity
(check-in is in `checkin`).

Every function that changes who holds a seat starts with `seats.lock_seats(event)` (lock,
recount), acts on the counts it returns, ends with `_promote` (nobody waits while a seat they
fit is free) and flushes; the caller commits.

Decision (organization cap): SPEC rule 4 says a reached organization cap waitlists, it does not
refuse. So `register` never raises `org_cap_reached`; it waitlists, and `org_cap_reached(reg)`
lets pages say "Your organization's N seats are taken; you are on the waiting list".
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.membership import is_focal_point_for, may_act_for
from liaison.accounts.models import Organization, User
from liaison.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from liaison.core.reasons import clean_reason
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.registration import signals
from liaison.registration.eligibility import check_can_register
from liaison.registration.models import Registration, RegistrationStage, RegistrationStatus
from liaison.registration.queue import org_cap_reached, waitlist_position, waitlist_positions
from liaison.registration.seats import (
    SeatCounts,
    Seats,
    count_seats,
    lock_seats,
    seat_counts,
)

__all__ = [
    "MOVABLE",
    "SeatCounts",
    "approve",
    "cancel_registration",
    "change_capacity",
    "change_org_cap",
    "check_can_register",
    "decline",
    "move",
    "org_cap_reached",
    "register",
    "registration_for",
    "seat_counts",
    "waitlist_position",
    "waitlist_positions",
]

S = RegistrationStatus
MOVABLE = (S.confirmed, S.waitlisted, S.pending)


def registration_for(event: Event, user: User) -> Registration | None:
    """The user's registration row for the event, whatever its status."""
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    )


def would_wait(event: Event, user: User) -> bool:
    """Registering now would waitlist `user` (rule 4: no seat fits them), as far as an
    unlocked count can tell (reserved seats included); a registration that waits for an
    approval first never says so in advance."""
    if event.requires_approval or needs_organization_stage(user):
        return False
    return not count_seats(event).fits(user.organization_id)


def register(event: Event, user: User) -> Registration:
    """Rules 1–4: refuse with the reason, return an active registration as it is, otherwise
    pending (approval needed), confirmed (a seat fits) or waitlisted, at the back of the queue."""
    check_can_register(event, user)  # refuse early, before waiting for the lock
    seats = lock_seats(event)
    check_can_register(event, user)  # the event may have changed while we waited
    registration = registration_for(event, user)
    if registration is not None and registration.is_active:
        registration.placed_now = False
        return registration  # rule 2: registering twice is harmless
    if registration is None:
        registration = Registration(event=event, user=user, status=S.pending)
        db.session.add(registration)
    news = place(seats, registration, organization_stage=needs_organization_stage(user))
    signals.registration_changed.send(registration, news=news)
    return registration


def needs_organization_stage(user: User) -> bool:
    """Two-stage approval: the registrant's organization asks its focal points to approve its
    people's own registrations first."""
    return bool(user.organization.focal_point_approval)


def place(seats: Seats, registration: Registration, *, organization_stage: bool,
          nominated_by: User | None = None) -> str:
    """Rules 3–4 for a new place, at the back of the queue (its `created_at`): pending at the
    organization stage (two-stage approval), pending for the organizers (the event needs
    approval), confirmed while a seat fits (rule 4, reserved seats included), else
    waitlisted. Flushes; returns the news to send."""
    user = registration.user
    now = utcnow()
    registration.created_at = now  # the place in the queue: a re-registration goes to the back
    registration.updated_at = now
    registration.clear_attendance()
    registration.nominated_by = nominated_by
    registration.stage = None
    registration.decline_reason = None
    if organization_stage:
        registration.status, registration.stage = S.pending, RegistrationStage.organization
        news = "received"
    elif registration.event.requires_approval:
        registration.status, registration.stage = S.pending, RegistrationStage.host
        news = "received"
    elif seats.fits(user.organization_id):
        registration.status = S.confirmed
        seats.take(user.organization_id)
        news = "confirmed"
    else:
        registration.status = S.waitlisted
        news = "waitlisted"
    registration.placed_now = True
    db.session.flush()
    signals.registration_created.send(registration)
    return news


def cancel_registration(registration: Registration, *, by: User) -> Registration:
    """The registrant or a focal point of their organization (before the event starts), or an
    organizer, cancels; a freed seat goes to the first waitlisted registration that fits
    (rule 5)."""
    event = registration.event
    organizer = can_manage(event, by)
    if registration.user_id != by.id and not organizer and not is_focal_point_for(
        by, registration.user.organization_id
    ):
        raise NotAllowed(_("You can only cancel your own registration."))
    seats = lock_seats(event)
    db.session.refresh(registration)
    if registration.status == S.cancelled:
        return registration
    if not registration.is_active:
        raise Conflict(_("This registration was declined; there is nothing to cancel."))
    if not organizer and event.start_at <= utcnow():
        raise DomainError(
            _("The event has already started, so the registration can no longer be cancelled. "
              "Please contact the organizers."),
            code="event_started",
        )
    _leave(seats, registration, S.cancelled)
    signals.registration_changed.send(registration, news="cancelled")
    _promote(seats)
    db.session.flush()
    return registration


def approve(registration: Registration, *, by: User) -> Registration:
    """Rule 3, in up to two stages. At the organization stage a focal point of the
    registrant's organization (or an admin) approves: the registration then waits for the
    organizers when the event needs approval, or takes a seat. At the host stage an organizer
    approves: confirmed when a seat fits, otherwise waitlisted. The queue position stays the
    time of registration."""
    event = registration.event
    _require_approver(registration, by)
    seats = lock_seats(event)
    db.session.refresh(registration)
    if registration.status in (S.confirmed, S.waitlisted):
        return registration  # already approved
    if registration.status != S.pending:
        raise Conflict(
            _("Only registrations awaiting approval can be approved; this one is %(status)s.",
              status=registration.status.label.lower())
        )
    _require_approver(registration, by)  # the stage may have moved while we waited
    _require_admitted(registration)
    if registration.stage == RegistrationStage.organization and event.requires_approval:
        registration.stage = RegistrationStage.host
        registration.updated_at = utcnow()
        db.session.flush()
        signals.registration_changed.send(registration, news="forwarded")
        return registration
    registration.stage = None
    if seats.fits(registration.user.organization_id):
        _set(registration, S.confirmed)
        seats.take(registration.user.organization_id)
        signals.registration_changed.send(registration, news="approved")
    else:
        _set(registration, S.waitlisted)
        signals.registration_changed.send(registration, news="waitlisted")
    db.session.flush()
    return registration


def decline(registration: Registration, *, by: User, reason: str | None = None) -> Registration:
    """An organizer declines (or, at the organization stage, a focal point of the registrant's
    organization); the person is told `reason`, if given; a confirmed seat freed this way is
    passed on (rule 5)."""
    event = registration.event
    if not (
        can_manage(event, by)
        or (registration.stage == RegistrationStage.organization
            and may_act_for(by, registration.user.organization_id))
    ):
        raise NotAllowed(_("Only the organizers of this event can do this."))
    reason = clean_reason(reason)
    seats = lock_seats(event)
    db.session.refresh(registration)
    if registration.status == S.declined:
        return registration
    if registration.status == S.cancelled:
        raise Conflict(_("This registration was cancelled; there is nothing to decline."))
    registration.decline_reason = reason
    _leave(seats, registration, S.declined)
    signals.registration_changed.send(registration, news="declined")
    _promote(seats)
    db.session.flush()
    return registration


def move(registration: Registration, status: RegistrationStatus, *, by: User) -> Registration:
    """An organizer moves a registration between confirmed, waitlisted and pending; confirming
    still needs a free seat the organization fits, and moving to the waiting list goes to its
    back."""
    event = managed_event(registration, by)
    status = RegistrationStatus(status)
    if status not in MOVABLE:
        raise ValidationFailed(_("Choose confirmed, waiting list or awaiting approval."),
                               fields={"status": _("Not a list a registration can move to.")})
    seats = lock_seats(event)
    db.session.refresh(registration)
    if registration.status not in MOVABLE:
        raise Conflict(_("Cancelled and declined registrations cannot be moved."))
    if registration.status == status:
        return registration
    org_id = registration.user.organization_id
    if status == S.confirmed:
        _require_admitted(registration)
        if seats.free == 0:
            raise Conflict(_("The event is full: %(capacity)d of %(capacity)d seats are taken.",
                             capacity=event.capacity), code="event_full")
        if seats.org_full(org_id):
            raise Conflict(_("This organization already holds its %(cap)d seats.",
                             cap=event.org_cap), code="org_cap_reached")
        if not seats.fits(org_id):
            raise Conflict(_("The free seats are reserved for other organizations."),
                           code="seats_reserved")
        _set(registration, S.confirmed)
        seats.take(org_id)
        signals.registration_changed.send(registration, news="confirmed")
    else:
        was_confirmed = registration.status == S.confirmed
        _set(registration, status)
        registration.clear_attendance()  # outcomes are for the confirmed only
        if was_confirmed:
            seats.release(org_id)
        if status == S.waitlisted:
            registration.created_at = utcnow()
        if status == S.pending:
            registration.stage = RegistrationStage.host
        news = "waitlisted" if status == S.waitlisted else "received"
        signals.registration_changed.send(registration, news=news)
    _promote(seats)
    db.session.flush()
    return registration


def change_capacity(event: Event, capacity: int | None) -> list[Registration]:
    """Capacity can't fall below the confirmed count; raising it promotes from the waiting list.
    Returns the promoted registrations."""
    if capacity is not None and capacity < 1:
        raise ValidationFailed(_("Capacity must be at least 1."),
                               fields={"capacity": _("Capacity must be at least 1.")})
    seats = lock_seats(event)
    if capacity is not None and capacity < seats.confirmed:
        message = _("%(confirmed)d people are already confirmed; capacity can't be lower.",
                    confirmed=seats.confirmed)
        raise ValidationFailed(message, fields={"capacity": message})
    if capacity is not None and capacity < seats.confirmed + seats.held_back:
        message = _("%(confirmed)d people are confirmed and %(reserved)d more seats are "
                    "reserved; capacity can't be lower.", confirmed=seats.confirmed,
                    reserved=seats.held_back)
        raise ValidationFailed(message, fields={"capacity": message})
    event.capacity = capacity
    promoted = _promote(seats)
    db.session.flush()
    return promoted


def change_org_cap(event: Event, org_cap: int | None) -> list[Registration]:
    """The cap per organization can't fall below what an organization already holds;
    raising or removing it promotes. Returns the promoted registrations."""
    if org_cap is not None and org_cap < 1:
        raise ValidationFailed(_("The cap per organization must be at least 1."),
                               fields={"org_cap": _("Must be at least 1.")})
    seats = lock_seats(event)
    most = max(seats.by_org.values(), default=0)
    if org_cap is not None and org_cap < most:
        message = _("One organization already holds %(most)d confirmed seats; the cap can't "
                    "be lower.", most=most)
        raise ValidationFailed(message, fields={"org_cap": message})
    event.org_cap = org_cap
    promoted = _promote(seats)
    db.session.flush()
    return promoted


# -- internals ---------------------------------------------------------------------------


def managed_event(registration: Registration, by: User) -> Event:
    """The registration's event, if `by` may manage it; NotAllowed otherwise."""
    event = registration.event
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can do this."))
    return event


def _require_admitted(registration: Registration) -> None:
    """Rule 1 again before a seat is given: the audience may have changed since."""
    if not registration.event.admits(registration.user):
        raise Conflict(
            _("%(name)s is no longer in this event's audience, so cannot have a seat.",
              name=registration.user.name),
            code="not_in_audience",
        )


def _set(registration: Registration, status: RegistrationStatus) -> None:
    registration.status = status
    registration.updated_at = utcnow()
    if status != S.pending:
        registration.stage = None


def _require_approver(registration: Registration, by: User) -> None:
    """At the organization stage, a focal point of the registrant's organization (or an admin)
    approves; otherwise the event's organizers."""
    if registration.stage == RegistrationStage.organization:
        if not may_act_for(by, registration.user.organization_id):
            raise NotAllowed(
                _("This registration waits for a focal point of %(org)s first.",
                  org=registration.user.organization.display_name),
                code="awaits_organization",
            )
        return
    managed_event(registration, by)


def _leave(seats: Seats, registration: Registration, status: RegistrationStatus) -> None:
    """Leaving the lists takes the outcome with it: attendance follows the registration."""
    if registration.status == S.confirmed:
        seats.release(registration.user.organization_id)
    _set(registration, status)
    registration.clear_attendance()


def _promote(seats: Seats) -> list[Registration]:
    """Rule 5: confirm waitlisted registrations in queue order, skipping those no free seat
    fits (their organization at its cap, or only other organizations' reserved seats left)
    and people the audience no longer admits (rule 1, checked again now), until no seat is
    free."""
    promoted: list[Registration] = []
    if seats.free == 0:
        return promoted
    db.session.flush()
    event = seats.event
    waiting = db.session.execute(
        select(Registration, User, Organization)
        .join(User, User.id == Registration.user_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(Registration.event_id == event.id, Registration.status == S.waitlisted)
        .order_by(Registration.created_at, Registration.id)
    ).all()
    for registration, user, _org in waiting:
        if seats.free == 0:
            break
        org_id = user.organization_id
        if not seats.fits(org_id) or not event.admits(user):
            continue
        _set(registration, S.confirmed)
        seats.take(org_id)
        promoted.append(registration)
        signals.registration_changed.send(registration, news="promoted")
    return promoted
