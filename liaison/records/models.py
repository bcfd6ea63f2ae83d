"""The tables of the records: who closed and reopened attendance, and when."""
from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text
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
