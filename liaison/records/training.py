"""Training records: a person's sessions, hours, topics and certificates. Only attendance
that counts (attended, or partial) on events that were not cancelled, at the hours `hours`
credits; one query however long the record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from extensions import db
from liaison.accounts.models import User
from liaison.events.models import Event, EventStatus
from liaison.records.hours import credited_hours_sql
from liaison.records.models import Certificate
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

COUNTED = (AttendanceOutcome.attended, AttendanceOutcome.partial)


@dataclass(frozen=True)
class RecordItem:
    """One session in a person's record."""

    event: Event
    registration: Registration
    hours: float
    certificate_code: str | None

    @property
    def attendance(self) -> AttendanceOutcome:
        return self.registration.attendance


@dataclass(frozen=True)
class PersonRecord:
    user: User
    items: list[RecordItem]

    @property
    def total_hours(self) -> float:
        return round(sum(item.hours for item in self.items), 2)

    @property
    def topics(self) -> list[str]:
        """The slugs of the topics trained in, most recent first."""
        return list(dict.fromkeys(slug for item in self.items for slug in item.event.topics))

    @property
    def topic_labels(self) -> list[str]:
        """The same topics in the reader's language."""
        terms = {t.slug: t.label for item in self.items for t in item.event.topic_terms}
        return [terms[slug] for slug in self.topics]


def counted_attendance():
    """The WHERE clause of attendance a record counts (Registration joined to Event)."""
    return and_(
        Registration.status == RegistrationStatus.confirmed,
        Registration.attendance.in_(COUNTED),
        Event.status != EventStatus.cancelled,
    )


def person_record(user: User, *, start: datetime | None = None,
                  end: datetime | None = None, limit: int | None = None) -> PersonRecord:
    """The sessions a person attended (optionally from `start` to before `end`; the latest
    `limit` only when given), latest first, each with its credited hours and current
    certificate code."""
    query = (
        select(Registration, Event, credited_hours_sql(), Certificate.code)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(Certificate, and_(Certificate.registration_id == Registration.id,
                                     Certificate.revoked_at.is_(None)))
        .where(Registration.user_id == user.id, counted_attendance())
        .order_by(Event.start_at.desc(), Event.id.desc())
        .options(selectinload(Event.topic_rows))
    )
    if start is not None:
        query = query.where(Event.start_at >= start)
    if end is not None:
        query = query.where(Event.start_at < end)
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    items = [RecordItem(event, registration, round(float(hours or 0), 2), code)
             for registration, event, hours, code in rows]
    return PersonRecord(user, items)


def hours_in_all(user: User) -> tuple[int, float]:
    """How many sessions a person's record holds and their hours, as `PersonRecord` adds them
    up (each session's hours rounded, then the sum), without loading the sessions."""
    hours = db.session.scalars(
        select(credited_hours_sql())
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, counted_attendance())
    ).all()
    return len(hours), round(sum(round(float(h or 0), 2) for h in hours), 2)
