"""Attendance outcomes by hand, closing and reopening attendance (SPEC "Attendance and
records").

Organizers set outcomes from the start of the event until attendance is closed. Closing marks
every confirmed registration without an outcome `absent`, locks the outcomes, issues the
certificates (rows with their codes; the worker renders the PDFs) and is told to the packages
above through `signals.attendance_closed` (survey invitations follow from the worker's job).
Reopening is an administrator's action, with a reason, and is logged like every closing.

Each action takes the event's seat lock first (as check-in does), so a scan arriving while
attendance closes is either counted before the closing or refused after it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.records import signals, summary
from liaison.records.models import AttendanceAction, AttendanceLogEntry
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus
from liaison.registration.seats import lock_seats

Outcome = AttendanceOutcome


@dataclass(frozen=True)
class OutcomeInput:
    """One outcome to set: attended, partial (with minutes) or absent."""

    outcome: AttendanceOutcome
    minutes: int | None = None


def _require_organizer(event: Event, by: User) -> None:
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can do this."))


def _require_open(event: Event, now: datetime) -> None:
    if event.is_cancelled:
        raise Conflict(_("This event has been cancelled; it has no attendance."),
                       code="event_cancelled")
    if event.attendance_closed:
        raise Conflict(_("Attendance for this event is closed; an administrator can reopen it."),
                       code="attendance_closed")
    if now < event.start_at:
        raise Conflict(
            _("Attendance can be recorded from the start of the event (%(when)s).",
              when=format_datetime(event.start_at, "medium")),
            code="event_not_started",
        )


def check_outcome(event: Event, data: OutcomeInput) -> dict[str, str]:
    """The field messages for an outcome that breaks a rule of shape (empty when it is fine):
    partial needs minutes between 1 and the credited time; the others take none."""
    outcome = data.outcome
    if outcome == Outcome.partial:
        most = round(event.credited_hours * 60)
        if data.minutes is None or not 1 <= data.minutes <= most:
            return {"minutes": _("Give the minutes attended, from 1 to %(most)d.", most=most)}
    elif data.minutes is not None:
        return {"minutes": _("Minutes are given only for partial attendance.")}
    return {}


def set_outcome(registration: Registration, data: OutcomeInput, *, by: User,
                now: datetime | None = None) -> Registration:
    """An organizer records one confirmed registration's outcome while attendance is open."""
    _require_organizer(registration.event, by)
    problem = check_outcome(registration.event, data)
    if problem:
        raise ValidationFailed(next(iter(problem.values())), fields=problem)
    return set_outcomes(registration.event, {registration.id: data}, by=by, now=now)[0]


def set_outcomes(event: Event, outcomes: dict[int, OutcomeInput], *, by: User,
                 now: datetime | None = None) -> list[Registration]:
    """The bulk form of `set_outcome`: every outcome is checked first, and one that breaks a
    rule refuses them all (fields keyed by registration id), so nothing is half written."""
    _require_organizer(event, by)
    now = now or utcnow()
    _require_open(event, now)
    lock_seats(event)
    db.session.refresh(event, ["status", "attendance_closed_at"])
    _require_open(event, now)
    rows = {
        reg.id: reg
        for reg in db.session.scalars(
            select(Registration).where(Registration.event_id == event.id,
                                       Registration.id.in_(list(outcomes)))
        )
    }
    errors: dict[str, str] = {}
    for reg_id, data in outcomes.items():
        registration = rows.get(reg_id)
        if registration is None:
            errors[str(reg_id)] = _("No such registration at this event.")
        elif registration.status != RegistrationStatus.confirmed:
            errors[str(reg_id)] = _("Only confirmed registrations have an outcome.")
        else:
            problem = check_outcome(event, data)
            if problem:
                errors[str(reg_id)] = problem["minutes"]
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(first, fields=errors)
    changed = []
    for reg_id, data in outcomes.items():
        registration = rows[reg_id]
        registration.attendance = data.outcome
        registration.attended_minutes = data.minutes if data.outcome == Outcome.partial else None
        if data.outcome == Outcome.absent:
            registration.checked_in_at = None
        changed.append(registration)
    db.session.flush()
    return changed


def close_attendance(event: Event, *, by: User, now: datetime | None = None) -> int:
    """Close: the rest of the confirmed are absent, outcomes lock, certificates are issued;
    returns how many registrations were marked absent. A multi-day event needs its
    `credit_hours` first (a two-day workshop must not credit 32 hours)."""
    from liaison.records import certificates, surveys  # they build on the outcomes closed here

    _require_organizer(event, by)
    now = now or utcnow()
    _require_open(event, now)
    if event.spans_days and event.credit_hours is None:
        message = _("This event spans several days: set its credited hours before closing "
                    "attendance.")
        raise ValidationFailed(message, code="credit_hours_required",
                               fields={"credit_hours": message})
    lock_seats(event)
    db.session.refresh(event, ["status", "attendance_closed_at"])
    _require_open(event, now)
    unmarked = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
            Registration.attendance.is_(None),
        )
    ).all()
    for registration in unmarked:
        registration.attendance = Outcome.absent
        registration.attended_minutes = None
    event.attendance_closed_at = now
    db.session.add(AttendanceLogEntry(event_id=event.id, action=AttendanceAction.closed,
                                      by_id=by.id, at=now))
    db.session.flush()
    certificates.issue_for_event(event, now=now)
    summary.refresh_for(event)  # the reports read the closed month from the summary
    surveys.invite_attendees(event)  # mailed by the worker's send_survey_invitations
    signals.attendance_closed.send(event, by=by)
    return len(unmarked)


def reopen_attendance(event: Event, *, by: User, reason: str,
                      now: datetime | None = None) -> Event:
    """An administrator reopens closed attendance, saying why; logged. Certificates stay until
    the next closing settles them."""
    if not getattr(by, "is_admin", False):
        raise NotAllowed(_("Only an administrator can reopen attendance."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why attendance is reopened; the reason is kept in the log.")
        raise ValidationFailed(message, fields={"reason": message})
    if len(reason) > 500:
        message = _("Keep the reason under 500 characters.")
        raise ValidationFailed(message, fields={"reason": message})
    lock_seats(event)
    db.session.refresh(event, ["status", "attendance_closed_at"])
    if not event.attendance_closed:
        raise Conflict(_("Attendance for this event is not closed."), code="attendance_open")
    now = now or utcnow()
    event.attendance_closed_at = None
    db.session.add(AttendanceLogEntry(event_id=event.id, action=AttendanceAction.reopened,
                                      by_id=by.id, at=now, reason=reason))
    db.session.flush()
    summary.refresh_for(event)  # its outcomes are open again: read live until it closes
    return event


def attendance_log(event: Event) -> list[AttendanceLogEntry]:
    """The event's closings and reopenings, latest first."""
    return list(db.session.scalars(
        select(AttendanceLogEntry).where(AttendanceLogEntry.event_id == event.id)
        .order_by(AttendanceLogEntry.at.desc(), AttendanceLogEntry.id.desc())
    ))
