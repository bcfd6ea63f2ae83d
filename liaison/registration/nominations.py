"""Nominations and substitution: focal points send their people.

A focal point nominates a verified member of their organization or of an office below it: a
registration with `nominated_by`, under every registration rule (rule 1 for the nominee;
confirmed while a seat fits, reserved seats included; otherwise waitlisted; pending for the
organizers when the event needs approval — a nomination skips the organization stage). An
active registration is answered as it is. The nominee is told, with the invite, and may
decline (cancel). `preview` says what nominating would do, writing nothing.

Substitution passes a registration to a colleague of the same organization in one step under
the seat lock: the colleague gets its status, stage and queue position; the nominee's
registration is cancelled. One CANCEL (to the nominee, if they held a seat), one REQUEST (to
the colleague, if confirmed). A focal point of their organization or an organizer does it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.members import member_list
from liaison.accounts.membership import is_focal_point_for, may_act_for
from liaison.accounts.models import Membership, User
from liaison.core.errors import Conflict, DomainError, NotAllowed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event, EventStatus
from liaison.registration import signals
from liaison.registration.models import Registration, RegistrationStatus
from liaison.registration.registrations import (
    check_can_register,
    place,
    registration_for,
)
from liaison.registration.seats import count_seats, lock_seats

S = RegistrationStatus


def _require_nominator(user: User, by: User) -> None:
    """A focal point of the nominee's organization (or an office above it), or an admin; the
    nominee is an active, verified member."""
    if not may_act_for(by, user.organization_id):
        raise NotAllowed(
            _("Only a focal point of %(org)s (or of an office above it) can nominate %(name)s.",
              org=user.organization.display_name, name=user.name),
            code="not_your_member",
        )
    if not user.active or user.membership != Membership.verified:
        raise Conflict(
            _("%(name)s is not a verified member of %(org)s, so cannot be nominated.",
              name=user.name, org=user.organization.display_name),
            code="membership_not_verified",
        )


def nominate(event: Event, user: User, *, by: User) -> tuple[Registration, bool]:
    """Register `user` on a focal point's word. Returns the registration and whether it is new
    (False: their active registration, unchanged)."""
    _require_nominator(user, by)
    check_can_register(event, user)
    seats = lock_seats(event)
    check_can_register(event, user)
    registration = registration_for(event, user)
    if registration is not None and registration.is_active:
        return registration, False
    if registration is None:
        registration = Registration(event=event, user=user, status=S.pending)
        db.session.add(registration)
    place(seats, registration, organization_stage=False, nominated_by=by)
    signals.registration_changed.send(registration, news="nominated")
    return registration, True


@dataclass(frozen=True)
class Outcome:
    """What nominating one person would do: `status` confirmed / waitlisted / pending, or
    `registered` (already: `current` says how), or `refused` with the reason."""

    user: User
    status: str
    reason: str = ""
    current: RegistrationStatus | None = None


def preview(event: Event, people: list[User], *, by: User) -> list[Outcome]:
    """Nominating `people` in this order, as it would turn out now (nothing written, no lock:
    the real nominations may differ if others register meanwhile)."""
    seats = count_seats(event)
    existing = {
        r.user_id: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id,
                Registration.user_id.in_([u.id for u in people]),
            )
        )
    }
    outcomes = []
    for user in people:
        try:
            _require_nominator(user, by)
            check_can_register(event, user)
        except DomainError as error:
            outcomes.append(Outcome(user, "refused", error.message))
            continue
        current = existing.get(user.id)
        if current is not None and current.is_active:
            outcomes.append(Outcome(user, "registered", current=current.status))
        elif event.requires_approval:
            outcomes.append(Outcome(user, "pending"))
        elif seats.fits(user.organization_id):
            seats.take(user.organization_id)
            outcomes.append(Outcome(user, "confirmed"))
        else:
            outcomes.append(Outcome(user, "waitlisted"))
    return outcomes


def colleagues(by: User, *, q: str = "", limit: int = 50) -> list[User]:
    """Verified, active members of the organizations a focal point acts for whose name or
    email contains `q`, by name (the nomination form's search)."""
    stmt = member_list(by, membership=Membership.verified, q=q).where(User.active.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(User.organization)).limit(limit)))


def substitute(registration: Registration, colleague: User, *, by: User) -> Registration:
    """Pass an active registration to a colleague of the same organization: the colleague's
    registration takes its status, stage and queue position; the original is cancelled."""
    event = registration.event
    nominee = registration.user
    if not (can_manage(event, by) or is_focal_point_for(by, nominee.organization_id)):
        raise NotAllowed(_("Only a focal point of the registrant's organization or the "
                           "event's organizers can substitute."))
    if colleague.id == nominee.id:
        raise Conflict(_("Choose someone else to take the place."), code="same_person")
    if colleague.organization_id != nominee.organization_id:
        raise Conflict(
            _("%(name)s is not a member of %(org)s; only a colleague of the same organization "
              "can take the place.", name=colleague.name, org=nominee.organization.display_name),
            code="not_a_colleague",
        )
    if not colleague.active or colleague.membership != Membership.verified:
        raise Conflict(_("%(name)s is not a verified member of %(org)s.", name=colleague.name,
                         org=colleague.organization.display_name),
                       code="membership_not_verified")
    if event.status != EventStatus.published or event.start_at <= utcnow():
        raise Conflict(_("Places can be passed on only before a published event starts."),
                       code="event_not_open")
    if not event.admits(colleague):
        raise Conflict(_("%(name)s is not in this event's audience.", name=colleague.name),
                       code="not_in_audience")
    lock_seats(event)  # same organization: the counts do not change, but nobody moves meanwhile
    db.session.refresh(registration)
    if not registration.is_active:
        raise Conflict(_("This registration is no longer active; there is no place to pass on."))
    taken = registration_for(event, colleague)
    if taken is not None and taken.is_active:
        raise Conflict(_("%(name)s is already registered for this event.", name=colleague.name),
                       code="already_registered")
    if taken is None:
        taken = Registration(event=event, user=colleague, status=S.pending)
        db.session.add(taken)
    now = utcnow()
    taken.status, taken.stage = registration.status, registration.stage
    taken.created_at = registration.created_at  # the queue position passes over
    taken.updated_at = now
    taken.nominated_by = registration.nominated_by or by
    taken.clear_attendance()
    registration.status, registration.stage, registration.updated_at = S.cancelled, None, now
    registration.clear_attendance()
    # Told before the flush, while the change of status is still visible (the CANCEL rule).
    signals.registration_changed.send(registration, news="replaced")
    db.session.flush()
    signals.registration_changed.send(taken, news="substituted")
    return taken
