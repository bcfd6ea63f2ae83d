"""The tables of the records: who closed and reopened attendance, and when."""
from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import User


class AttendanceAction(enum.StrEnum):
    closed = "closed"
    reopened = "reopened"


class AttendanceLogEntry(db.Model):
    """Every closing and reopening of an event's attendance: who, when, and (for a reopening,
    an administrator's action) why."""

    __tablename__ = "attendance_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    action: Mapped[AttendanceAction]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), default="")

    by: Mapped[User | None] = relationship()


class Certificate(db.Model):
    """A certificate of attendance: what was true when it was issued (names, title, date,
    hours, issuers, in English and Chinese), an unguessable code anyone may verify, and the PDF
    the worker renders. Revoking keeps the row (the code then reads revoked); a reissue is a
    new row with a new code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str | None] = mapped_column(String(120))
    organization: Mapped[str] = mapped_column(String(200))
    organization_zh: Mapped[str | None] = mapped_column(String(200))
    event_title: Mapped[str] = mapped_column(String(200))
    event_title_zh: Mapped[str | None] = mapped_column(String(200))
    event_start: Mapped[datetime]
    event_timezone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[float]
    issuer: Mapped[str] = mapped_column(String(200))
    issuer_zh: Mapped[str | None] = mapped_column(String(200))
    # Co-hosts as JSON [[name, name_zh], ...]: a snapshot, not a relation.
    co_issuers_json: Mapped[str] = mapped_column(Text, default="[]")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    rendered_at: Mapped[datetime | None] = mapped_column(index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def co_issuers(self) -> list[tuple[str, str | None]]:
        return [(en, zh) for en, zh in json.loads(self.co_issuers_json or "[]")]

    def localized(self, field: str, language: str | None = None) -> str:
        """A snapshot field in a language ('zh' or 'en'), falling back to English."""
        language = language or self.language
        english = getattr(self, field)
        if language == "zh":
            return getattr(self, f"{field}_zh", None) or english
        return english


class ScanResult(enum.StrEnum):
    checked_in = "checked_in"  # this scan checked the person in
    already = "already"        # they were checked in before (the time is on the registration)
    unknown = "unknown"        # no registration of this event has that code
    refused = "refused"        # a rule said no (window, not confirmed, closed); `message` says


class CheckinScan(db.Model):
    """One scan or tap from a check-in device, kept by its nonce (a random id the device gives
    it): a retry of the same nonce answers the stored result and never counts twice."""

    __tablename__ = "checkin_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    result: Mapped[ScanResult]
    message: Mapped[str] = mapped_column(String(300), default="")


class QuestionKind(enum.StrEnum):
    rating = "rating"  # 1 to 5
    choice = "choice"  # one of the options
    multi = "multi"    # any of the options
    text = "text"


class SurveyQuestion(db.Model):
    """One question of an event's feedback survey, with bilingual labels and options."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(40), default="")  # "overall" feeds the reports
    kind: Mapped[QuestionKind]
    label: Mapped[str] = mapped_column(String(300))
    label_zh: Mapped[str | None] = mapped_column(String(300))
    # Options as JSON [[en, zh], ...] (choice and multi).
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    required: Mapped[bool] = mapped_column(default=False)

    @property
    def options(self) -> list[tuple[str, str | None]]:
        return [(en, zh) for en, zh in json.loads(self.options_json or "[]")]


class SurveyInvitation(db.Model):
    """An attendee's invitation to an event's survey: mailed once (`sent_at`, by the worker),
    answered once (`responded_at`) — also when the answer is anonymous."""

    __tablename__ = "survey_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    responded_at: Mapped[datetime | None]


class SurveyResponse(db.Model):
    """One answered survey. `registration_id` is empty when the attendee chose to answer
    anonymously; `overall` copies the overall rating for the reports."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    overall: Mapped[int | None]

    @property
    def answers(self) -> dict[str, object]:
        return json.loads(self.answers_json or "{}")


class RecordCell(db.Model):
    """The closed attendance of one UTC month, summed for one trainee organization along one
    dimension (liaison/records/summary.py): `dim` "all" (key ""), "topic" (a topic slug),
    "host_kind" (an organization kind) or "host" (a host organization's id, hours only). The
    people and sessions behind each sum are kept as packed id arrays, so that distinct counts
    over any run of months stay exact. Rebuilt month by month when attendance closes or
    reopens; the organization record and the reports read these instead of every
    registration."""

    __tablename__ = "record_cell"
    __table_args__ = (
        Index("ix_record_cell_dim_month_org", "dim", "month", "trainee_org_id"),
        # in the order the hours are summed (liaison/records/tally.py), covering them
        Index("ix_record_cell_sums", "dim", "trainee_org_id", "key", "month", "hours",
              "registrations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int]  # year * 100 + month of the events' start, UTC
    trainee_org_id: Mapped[int]
    dim: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(80), default="")
    hours: Mapped[float]
    registrations: Mapped[int]
    users: Mapped[bytes | None] = mapped_column(LargeBinary)
    events: Mapped[bytes | None] = mapped_column(LargeBinary)


class RecordPerson(db.Model):
    """One person's closed attendance in one UTC month (`month` YYYYMM), or in all months
    (`month` 0): summed hours and registrations, with the organization they belonged to when it
    was summarized. The organization record's people."""

    __tablename__ = "record_person"
    __table_args__ = (Index("ix_record_person_org_month", "trainee_org_id", "month", "user_id",
                            "hours", "registrations"),
                      Index("ix_record_person_month_user", "month", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    month: Mapped[int]
    trainee_org_id: Mapped[int]
    hours: Mapped[float]
    registrations: Mapped[int]


class SummarizedEvent(db.Model):
    """An event whose closed attendance is in `record_cell`; the rest is read live."""

    __tablename__ = "record_summarized_event"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(index=True)
