"""Check-in: a confirmed registration is checked in once, inside SPEC's check-in window, and
its outcome becomes `attended` (undone by a second tap). Taken under the seat lock, so two
phones scanning one code at once write one check-in.

The window opens `CHECKIN_OPENS_HOURS` (default 2) before the start and closes at the end of
the local day on which the event ends (in the event's zone); never on a cancelled event, never
after attendance is closed. A scan made offline counts by the time it was scanned (`at`),
which may not lie in the future."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import Conflict, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.models import Event
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus
from liaison.registration.registrations import managed_event
from liaison.registration.seats import lock_seats

# A phone's clock may run a little ahead of the server's; beyond this a scan time is refused.
CLOCK_SKEW = timedelta(minutes=5)
# What a check-in QR code holds: this prefix and the registration's unguessable token, never
# its id (static/js/checkin-offline.js reads the same prefix).
QR_PREFIX = "LIAISON-CHECKIN:"


def qr_text(registration: Registration) -> str:
    """The text of the registration's check-in QR code (ticket page, mail, scanner)."""
    return QR_PREFIX + registration.checkin_token


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    """(opens, closes) in UTC: CHECKIN_OPENS_HOURS before the start, midnight after the local
    day on which the event ends."""
    opens = event.start_at - timedelta(hours=current_app.config["CHECKIN_OPENS_HOURS"])
    last_day = (event.local_end - timedelta(microseconds=1)).date()
    closes = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=event.zone)
    return opens, closes.astimezone(opens.tzinfo)


def check_checkin_allowed(event: Event, at: datetime) -> None:
    """Refuse a check-in at `at`: cancelled event, attendance closed, outside the window."""
    if event.is_cancelled:
        raise Conflict(_("This event has been cancelled; nobody can check in."),
                       code="event_cancelled")
    if event.attendance_closed:
        raise Conflict(_("Attendance for this event is closed; an administrator can reopen it."),
                       code="attendance_closed")
    opens, closes = checkin_window(event)
    if at < opens:
        raise Conflict(
            _("Check-in opens at %(when)s.", when=format_datetime(opens, "medium")),
            code="checkin_not_open",
        )
    if at >= closes:
        raise Conflict(
            _("Check-in closed at %(when)s.", when=format_datetime(closes, "medium")),
            code="checkin_closed",
        )


def check_in(registration: Registration, *, by: User, at: datetime | None = None,
             now: datetime | None = None) -> Registration:
    """Only confirmed registrations, inside the window (judged at the scan time `at`); the
    outcome becomes attended. Checking in twice keeps the first time."""
    event = managed_event(registration, by)
    now = now or utcnow()
    at = at or now
    if at.tzinfo is None or at > now + CLOCK_SKEW:
        raise ValidationFailed(_("The scan time is in the future; check the phone's clock."),
                               fields={"scanned_at": _("Not a time that has passed.")})
    check_checkin_allowed(event, at)
    lock_seats(event)
    db.session.refresh(registration)
    db.session.refresh(event, ["status", "attendance_closed_at"])
    check_checkin_allowed(event, at)  # closing may have happened while we waited
    if registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Only confirmed registrations can be checked in."), code="not_confirmed")
    if registration.checked_in_at is None:
        registration.checked_in_at = at
    registration.attendance = AttendanceOutcome.attended
    registration.attended_minutes = None
    db.session.flush()
    return registration


def undo_check_in(registration: Registration, *, by: User) -> Registration:
    """A wrong tap is undone: no check-in time, no outcome (while attendance is open)."""
    event = managed_event(registration, by)
    lock_seats(event)
    db.session.refresh(registration)
    if event.attendance_closed:
        raise Conflict(_("Attendance for this event is closed; an administrator can reopen it."),
                       code="attendance_closed")
    registration.clear_attendance()
    db.session.flush()
    return registration


def registration_for_token(event: Event, token: str) -> Registration | None:
    """The registration of this event whose QR code holds `token` (None when unknown)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.checkin_token == token
        )
    )
