"""Registrations of users at events, and the attendance they turn into."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint, text
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


class Registration(db.Model):
    """A user's place at an event. One row per user and event (rule 2), reused on re-registering;
    `created_at` is the place in the queue, so re-registering after a cancellation resets it."""

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registration_event_id_status_created_at", "event_id", "status", "created_at"),
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

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION_STATUSES

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} user={self.user_id} {self.status}>"


class Attendance(db.Model):
    """A user's presence at an event, recorded at check-in, with the hours it counts for."""

    __table_args__ = (UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    hours: Mapped[float]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
