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
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import Organization, User
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


class RegistrationStage(enum.StrEnum):
    """Whose approval a pending registration waits for: the registrant's organization (its
    focal points, when it asks for two-stage approval) or the event's host (its organizers)."""

    organization = "organization"
    host = "host"

    @property
    def label(self) -> str:
        return str(REGISTRATION_STAGE_LABELS[self])


REGISTRATION_STAGE_LABELS = {
    RegistrationStage.organization: _l("Awaiting your organization's focal point"),
    RegistrationStage.host: _l("Awaiting the organizers"),
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
    # Why an organizer declined it, as they wrote it; the declined mail carries it.
    decline_reason: Mapped[str | None] = mapped_column(Text)
    attendance: Mapped[AttendanceOutcome | None]
    attended_minutes: Mapped[int | None]  # only for `partial`
    checkin_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_checkin_token)
    # The focal point who nominated the registrant (None: they registered themselves).
    nominated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    # For a pending registration, whose approval it waits for; None otherwise.
    stage: Mapped[RegistrationStage | None]

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    nominated_by: Mapped[User | None] = relationship(foreign_keys=[nominated_by_id])

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


class Allocation(db.Model):
    """Seats of an event reserved for an organization (and its descendant offices) until
    `release_at`: they count against capacity, only its people fill them, and once the worker
    releases them (`released_at`) they are ordinary seats again. See seats.Seats."""

    __table_args__ = (
        UniqueConstraint("event_id", "organization_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    seats: Mapped[int]
    release_at: Mapped[datetime] = mapped_column(index=True)
    released_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def is_held(self) -> bool:
        """Still reserved (the worker has not released it)."""
        return self.released_at is None
