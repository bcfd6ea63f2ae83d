"""Registrations of users at events, and the attendance outcome each confirmed one ends with.

The outcome (attended / partial with minutes / absent) is a column of the registration, not a
row of its own: it belongs to the registration and follows it (a cancelled or declined
registration has none). `liaison.records` sets outcomes by hand, closes attendance and counts
the hours; check-in (`checkin`) marks `attended`.

An event's registration questions and each registration's answers sit here too
(`RegistrationQuestion`, `RegistrationAnswer`); their rules are in `questions`."""
from __future__ import annotations

import enum
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.i18n import localized
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
    RegistrationStage.organization: _l("Awaiting the organization's focal point"),
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
    answers: Mapped[list[RegistrationAnswer]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )

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


class QuestionKind(enum.StrEnum):
    text = "text"
    textarea = "textarea"
    choice = "choice"
    multi = "multi"
    checkbox = "checkbox"
    number = "number"
    date = "date"

    @property
    def label(self) -> str:
        return str(QUESTION_KIND_LABELS[self])


QUESTION_KIND_LABELS = {
    QuestionKind.text: _l("Short text"),
    QuestionKind.textarea: _l("Long text"),
    QuestionKind.choice: _l("One choice"),
    QuestionKind.multi: _l("Several choices"),
    QuestionKind.checkbox: _l("Tick box"),
    QuestionKind.number: _l("Number"),
    QuestionKind.date: _l("Date"),
}


@dataclass(frozen=True)
class Choice:
    """One option of a choice or multi question. An answer stores the English text."""

    en: str
    zh: str | None = None

    @property
    def label(self) -> str:
        return localized(self.en, self.zh)


class RegistrationQuestion(db.Model):
    """One question of an event's registration form, asked in both languages. Answers to a
    question marked `personal` are deleted a while after the event (questions.purge_...)."""

    __table_args__ = (CheckConstraint("position >= 0", name="position_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind]
    label: Mapped[str] = mapped_column(String(300))
    label_zh: Mapped[str | None] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    personal: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    choices_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    answers: Mapped[list[RegistrationAnswer]] = relationship(
        back_populates="question", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def display_label(self) -> str:
        return localized(self.label, self.label_zh)

    @property
    def choices(self) -> list[Choice]:
        return [Choice(c["en"], c.get("zh")) for c in json.loads(self.choices_json or "[]")]

    @choices.setter
    def choices(self, items) -> None:
        self.choices_json = json.dumps(
            [{"en": c.en, "zh": c.zh} for c in items], ensure_ascii=False
        )

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.choice, QuestionKind.multi)

    def __repr__(self) -> str:
        return f"<RegistrationQuestion {self.id} event={self.event_id} {self.kind}>"


class RegistrationAnswer(db.Model):
    """A registrant's answer to one question, as JSON: text, a list of choices, true/false,
    a number, or a date as YYYY-MM-DD."""

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("registration_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value_json: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[RegistrationQuestion] = relationship(back_populates="answers")

    @property
    def value(self):
        return json.loads(self.value_json)

    @value.setter
    def value(self, value) -> None:
        self.value_json = json.dumps(value, ensure_ascii=False)
