"""Training sessions and exchange meetings, with their topics, organizers and series."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.core.i18n import localized
from liaison.core.types import utcnow
from liaison.events.topic_models import (  # noqa: F401  (the vocabulary's models, re-exported)
    TOPIC_STATUS_LABELS,
    Topic,
    TopicName,
    TopicNameKind,
    TopicStatus,
)

if TYPE_CHECKING:
    from liaison.accounts.models import Organization, User
    from liaison.registration.models import Registration

class EventKind(enum.StrEnum):
    training = "training"
    exchange_meeting = "exchange_meeting"

    @property
    def label(self) -> str:
        return str(EVENT_KIND_LABELS[self])


EVENT_KIND_LABELS = {
    EventKind.training: _l("Training"),
    EventKind.exchange_meeting: _l("Exchange meeting"),
}


class EventStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return str(EVENT_STATUS_LABELS[self])


EVENT_STATUS_LABELS = {
    EventStatus.draft: _l("Draft"),
    EventStatus.published: _l("Published"),
    EventStatus.cancelled: _l("Cancelled"),
}


class SeriesFrequency(enum.StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"
    quarterly = "quarterly"

    @property
    def label(self) -> str:
        return str(SERIES_FREQUENCY_LABELS[self])


SERIES_FREQUENCY_LABELS = {
    SeriesFrequency.weekly: _l("Every week"),
    SeriesFrequency.biweekly: _l("Every two weeks"),
    SeriesFrequency.monthly: _l("Every month"),
    SeriesFrequency.quarterly: _l("Every three months"),
}


class Classification(enum.StrEnum):
    """How far an event's content may travel (SPEC "Classification"; the rules of each output
    are in `liaison.events.classification`)."""

    public = "public"
    participants = "participants"
    restricted = "restricted"

    @property
    def label(self) -> str:
        return str(CLASSIFICATION_LABELS[self])

    @property
    def hint(self) -> str:
        return str(CLASSIFICATION_HINTS[self])


CLASSIFICATION_LABELS = {
    Classification.public: _l("Public"),
    Classification.participants: _l("Participants only"),
    Classification.restricted: _l("Restricted"),
}

CLASSIFICATION_HINTS = {
    Classification.public: _l("Anyone who may see the event sees its description, agenda, "
                              "materials and minutes."),
    Classification.participants: _l("Description, agenda, materials and minutes only for "
                                    "registrants and organizers; feeds show title, time and "
                                    "place only."),
    Classification.restricted: _l("As “participants only”, and also left out of public lists "
                                  "and feeds; calendar entries are confidential and mail "
                                  "subjects start with “[Restricted]”."),
}


# Every organizer of an event, the creator included: one table answers "who may manage it".
event_organizer = Table(
    "event_organizer",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class EventSeries(db.Model):
    """Occurrences created together by "repeat weekly / every two weeks / monthly, N times"."""

    __table_args__ = (CheckConstraint("count >= 1", name="count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    frequency: Mapped[SeriesFrequency]
    count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list[Event]] = relationship(
        back_populates="series", order_by="Event.start_at"
    )


class EventTopic(db.Model):
    """An event's topic, by the vocabulary's slug, kept as rows so filters run in SQL."""

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    topic_slug: Mapped[str] = mapped_column(
        ForeignKey("topic.slug"), primary_key=True, index=True
    )

    event: Mapped[Event] = relationship(back_populates="topic_rows")
    # Joined wherever the rows load (cards, pages, feeds): the labels cost no extra query.
    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)


class Event(db.Model):
    """One session or meeting; start and end are stored in UTC, shown in `timezone`."""

    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("org_cap IS NULL OR org_cap >= 1", name="org_cap_positive"),
        CheckConstraint("sequence >= 0", name="sequence_non_negative"),
        CheckConstraint("credit_hours IS NULL OR credit_hours > 0", name="credit_hours_positive"),
        Index("ix_event_status_start_at", "status", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str | None] = mapped_column(Text)
    host_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), index=True
    )
    # Organization kinds that may register, as ",customs,judiciary," ("" = open to all),
    # so "audience includes my kind" is one LIKE in SQL.
    audience_csv: Mapped[str] = mapped_column(String(200), default="")
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None]
    org_cap: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    status: Mapped[EventStatus] = mapped_column(default=EventStatus.draft)
    classification: Mapped[Classification] = mapped_column(
        default=Classification.public, server_default=Classification.public.value
    )
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    # Why the organizers cancelled it, as they wrote it; shown on the page and in the mail.
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # Hours a full attendance credits (None: the duration; required over several days).
    credit_hours: Mapped[float | None]
    # Set when the organizers close attendance (liaison.records); outcomes are then locked.
    attendance_closed_at: Mapped[datetime | None]

    host_organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()
    organizers: Mapped[list[User]] = relationship(secondary=event_organizer)
    series: Mapped[EventSeries | None] = relationship(back_populates="events")
    topic_rows: Mapped[list[EventTopic]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventTopic.topic_slug"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def audience(self) -> list[OrgKind]:
        """The organization kinds that may register; empty means everyone."""
        return [OrgKind(k) for k in self.audience_csv.split(",") if k]

    @audience.setter
    def audience(self, kinds) -> None:
        unique = sorted({OrgKind(k) for k in kinds})
        self.audience_csv = "," + ",".join(unique) + "," if unique else ""

    @property
    def topics(self) -> list[str]:
        """The topics' slugs (what the API and `?topic=` carry)."""
        return [row.topic_slug for row in self.topic_rows]

    @property
    def topic_terms(self) -> list[Topic]:
        """The topics as vocabulary entries, in the reader's alphabetical order."""
        return sorted((row.topic for row in self.topic_rows), key=lambda t: t.label.casefold())

    @property
    def display_title(self) -> str:
        """The title in the reader's language (English when no Chinese title is given)."""
        return localized(self.title, self.title_zh)

    @property
    def display_description(self) -> str:
        """The description in the reader's language, falling back to the other one."""
        return localized(self.description, self.description_zh)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.start_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end_at.astimezone(self.zone)

    @property
    def is_open_to_all(self) -> bool:
        return not self.audience_csv

    def admits_kind(self, kind: OrgKind) -> bool:
        """Rule 1: the audience is empty or includes this organization kind."""
        return not self.audience_csv or f",{kind}," in self.audience_csv

    def admits(self, user) -> bool:
        """Rule 1 with membership: open to all, or the user's *verified* organization kind is
        in the audience (a pending or rejected member belongs to no kind: User.audience_kind)."""
        if not self.audience_csv:
            return True
        kind = user.audience_kind
        return kind is not None and self.admits_kind(kind)

    def has_organizer(self, user) -> bool:
        """The user is on the event's list of organizers (created or co-organizes it). A fact,
        not a permission: who may manage the event is `lifecycle.can_manage`."""
        return user is not None and any(o.id == user.id for o in self.organizers)

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.published

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.cancelled

    def has_started(self, now: datetime | None = None) -> bool:
        return self.start_at <= (now or utcnow())

    def has_ended(self, now: datetime | None = None) -> bool:
        """Finished: seats left and registration no longer mean anything."""
        return self.end_at <= (now or utcnow())

    @property
    def is_public(self) -> bool:
        """Public classification: its content goes wherever the event itself may go."""
        return self.classification == Classification.public

    @property
    def is_restricted(self) -> bool:
        return self.classification == Classification.restricted

    @property
    def duration_hours(self) -> float:
        return round((self.end_at - self.start_at).total_seconds() / 3600, 2)

    @property
    def spans_days(self) -> bool:
        """Lasts more than a day (09:00 to 17:00 the next day: a two-day workshop): its duration
        is no measure of training time, so `credit_hours` must be given. An evening session
        past midnight is one session."""
        return self.end_at - self.start_at > timedelta(days=1)

    @property
    def credited_hours(self) -> float:
        """What full attendance counts for: `credit_hours`, else the duration."""
        return self.credit_hours if self.credit_hours is not None else self.duration_hours

    @property
    def attendance_closed(self) -> bool:
        return self.attendance_closed_at is not None

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.status}>"
