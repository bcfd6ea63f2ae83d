"""Registrations of users at events, and the attendance outcome each confirmed one ends with.

The outcome (attended / partial with minutes / absent) is a column of the registration, not a
row of its own: it belongs to the registration and follows it (a cancelled or declined
registration has none). `liaison.records` sets outcomes by hand, closes attendance and counts
the hours; check-in (`checkin`) marks `attended`."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.events.models import Event


class RegistrationStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    declined = "declined"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self])

    @property
    def is_active(self) -> bool:
        """Pending, confirmed and waitlisted registrations are still in play."""
        return self in ACTIVE_REGISTRATION_STATUSES


ACTIVE_REGISTRATION_STATUSES = frozenset(
    {RegistrationStatus.pending, RegistrationStatus.confirmed, RegistrationStatus.waitlisted}
)

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.pending: _l("Awaiting approval"),
    RegistrationStatus.confirmed: _l("Confirmed"),
    RegistrationStatus.waitlisted: _l("On the waiting list"),
    RegistrationStatus.declined: _l("Declined"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}


class AttendanceOutcome(enum.StrEnum):
    attended = "attended"
    partial = "partial"
    absent = "absent"

    @property
    def label(self) -> str:
        return str(ATTENDANCE_OUTCOME_LABELS[self])


ATTENDANCE_OUTCOME_LABELS = {
    AttendanceOutcome.attended: _l("Attended"),
    AttendanceOutcome.partial: _l("Partly attended"),
    AttendanceOutcome.absent: _l("Absent"),
}


def new_checkin_token() -> str:
    """What a registration's QR code holds: 128 random bits, never the registration's id."""
    return secrets.token_urlsafe(16)


class Registration(db.Model):
    """A user's place at an event. One row per user and event (rule 2), reused on re-registering;
    `created_at` is the place in the queue, so re-registering after a cancellation resets it."""

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registration_event_id_status_created_at", "event_id", "status", "created_at"),
        CheckConstraint(
            "attended_minutes IS NULL OR attended_minutes >= 0", name="attended_minutes_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    # Added to the event's SEQUENCE in this person's invites; it rises when we take the event
    # out of their calendar and again when we put it back, so their numbers never go down.
    invite_offset: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    attendance: Mapped[AttendanceOutcome | None]
    attended_minutes: Mapped[int | None]  # only for `partial`
    checkin_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_checkin_token)

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()

    # Not stored: set by `registrations.register` to whether that call made this place (new,
    # or again after a cancellation) rather than returning an active one (rule 2). Decided
    # under the seat lock, so of simultaneous calls exactly one made it (the API's 201).
    placed_now: bool = False

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION_STATUSES

    @property
    def took_part(self) -> bool:
        """Attended or partly attended: what a training record counts."""
        return self.attendance in (AttendanceOutcome.attended, AttendanceOutcome.partial)

    def clear_attendance(self) -> None:
        """No outcome, no check-in: for a registration that leaves the confirmed list."""
        self.attendance = None
        self.attended_minutes = None
        self.checked_in_at = None

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} user={self.user_id} {self.status}>"
