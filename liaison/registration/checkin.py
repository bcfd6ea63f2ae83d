"""Check-in on the day: a confirmed registration is checked in once, and becomes an
attendance record with the event's hours (undone by a second tap). Taken under the seat lock,
so a double tap from two phones can't create two records."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import Conflict
from liaison.core.types import utcnow
from liaison.registration.models import Attendance, Registration, RegistrationStatus
from liaison.registration.registrations import managed_event
from liaison.registration.seats import lock_seats


def check_in(registration: Registration, *, by: User) -> Registration:
    """Only confirmed registrations check in; each check-in is an attendance with the hours."""
    event = managed_event(registration, by)
    lock_seats(event)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.confirmed:
        raise Conflict(_("Only confirmed registrations can be checked in."), code="not_confirmed")
    now = utcnow()
    if registration.checked_in_at is None:
        registration.checked_in_at = now
    attendance = _attendance(registration)
    if attendance is None:
        db.session.add(Attendance(user_id=registration.user_id, event_id=event.id,
                                  hours=event.duration_hours, recorded_at=now))
    else:
        attendance.hours = event.duration_hours
    db.session.flush()
    return registration


def undo_check_in(registration: Registration, *, by: User) -> Registration:
    """A wrong tap is undone: no check-in time, no attendance."""
    event = managed_event(registration, by)
    lock_seats(event)
    db.session.refresh(registration)
    registration.checked_in_at = None
    attendance = _attendance(registration)
    if attendance is not None:
        db.session.delete(attendance)
    db.session.flush()
    return registration


def _attendance(registration: Registration) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.user_id == registration.user_id,
            Attendance.event_id == registration.event_id,
        )
    )
