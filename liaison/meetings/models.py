"""Exchange-meeting records: the agenda, minutes in versions, their outcomes, the action items
that are followed up across a series, and materials (files) on events and in organizations'
libraries."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.i18n import localized
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import Organization, User
    from liaison.events.models import Event

TITLE_MAX = 200
PRESENTER_MAX = 120
TEXT_MAX = 5000
NOTES_MAX = 20_000


class MinutesStatus(enum.StrEnum):
    draft = "draft"
    circulated = "circulated"
    approved = "approved"

    @property
    def label(self) -> str:
        return str(MINUTES_STATUS_LABELS[self])


MINUTES_STATUS_LABELS = {
    MinutesStatus.draft: _l("Draft"),
    MinutesStatus.circulated: _l("Circulated"),
    MinutesStatus.approved: _l("Approved"),
}


class OutcomeKind(enum.StrEnum):
    information = "information"
    decision = "decision"
    action = "action"

    @property
    def label(self) -> str:
        return str(OUTCOME_KIND_LABELS[self])


OUTCOME_KIND_LABELS = {
    OutcomeKind.information: _l("Information"),
    OutcomeKind.decision: _l("Decision"),
    OutcomeKind.action: _l("Action"),
}


class ActionStatus(enum.StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"

    @property
    def label(self) -> str:
        return str(ACTION_STATUS_LABELS[self])


ACTION_STATUS_LABELS = {
    ActionStatus.open: _l("Open"),
    ActionStatus.done: _l("Done"),
    ActionStatus.dropped: _l("Dropped"),
}


class MaterialVisibility(enum.StrEnum):
    """Who may download a material, widest first."""

    public = "public"
    registrants = "registrants"
    attendees = "attendees"
    organizers = "organizers"

    @property
    def label(self) -> str:
        return str(MATERIAL_VISIBILITY_LABELS[self])

    @property
    def rank(self) -> int:
        """0 for the widest (public); a higher rank lets fewer people in."""
        return list(MaterialVisibility).index(self)


MATERIAL_VISIBILITY_LABELS = {
    MaterialVisibility.public: _l("Everyone who can see the event"),
    MaterialVisibility.registrants: _l("Registrants"),
    MaterialVisibility.attendees: _l("Attendees (confirmed)"),
    MaterialVisibility.organizers: _l("Organizers only"),
}


class AgendaItem(db.Model):
    """One point of a meeting's agenda, in order (`position`), with its presenter and time."""

    __table_args__ = (
        CheckConstraint(
            "duration_minutes IS NULL OR (duration_minutes >= 1 AND duration_minutes <= 1440)",
            name="duration_range",
        ),
        Index("ix_agenda_item_event_id_position", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_zh: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    presenter: Mapped[str | None] = mapped_column(String(PRESENTER_MAX))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    duration_minutes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def display_title(self) -> str:
        """The reader's language, with a fallback to the other."""
        return localized(self.title, self.title_zh)


class Minutes(db.Model):
    """One version of a meeting's minutes: draft -> circulated -> approved (locked). Reopening
    starts the next version as a draft; earlier versions stay as they were (the history)."""

    __table_args__ = (UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    status: Mapped[MinutesStatus] = mapped_column(default=MinutesStatus.draft)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    circulated_at: Mapped[datetime | None]
    circulated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    circulated_by: Mapped[User | None] = relationship(foreign_keys=[circulated_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list[MinutesItem]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesItem.position"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.draft

    @property
    def is_locked(self) -> bool:
        """Approved minutes are never written again (409); `reopen` starts a new version."""
        return self.status == MinutesStatus.approved

    def outcomes_of(self, kind: OutcomeKind) -> list[Outcome]:
        """Every outcome of one kind, in the order of the minutes."""
        return [o for item in self.items for o in item.outcomes if o.kind == kind]

    @property
    def decisions(self) -> list[Outcome]:
        return self.outcomes_of(OutcomeKind.decision)

    @property
    def action_outcomes(self) -> list[Outcome]:
        return self.outcomes_of(OutcomeKind.action)


class MinutesItem(db.Model):
    """The notes on one agenda item (or on "other business") in one version of the minutes.
    The title is copied, so an agenda edited later leaves past minutes as they were."""

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_zh: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    notes: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="items")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Outcome.position"
    )

    @property
    def display_title(self) -> str:
        return localized(self.title, self.title_zh)


class Outcome(db.Model):
    """Information, a decision or an action recorded under one minutes item. An action's
    owner and due date as they read in this version are copied here; the live action (status,
    closing) is its ActionItem, shared by every version that records it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("minutes_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[OutcomeKind]
    text: Mapped[str] = mapped_column(Text)
    text_zh: Mapped[str | None] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True
    )
    owner_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL")
    )
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]

    item: Mapped[MinutesItem] = relationship(back_populates="outcomes")
    action: Mapped[ActionItem | None] = relationship()
    owner_organization: Mapped[Organization | None] = relationship()
    owner_user: Mapped[User | None] = relationship()

    @property
    def display_text(self) -> str:
        return localized(self.text, self.text_zh)


class ActionItem(db.Model):
    """Something an organization agreed to do at a meeting, followed up until done or dropped:
    listed in "Our actions", reminded before and after its due date, carried to the next
    meetings of the series while open. `live` once its minutes were circulated."""

    __table_args__ = (
        Index("ix_action_item_owner_organization_id_status_due_on",
              "owner_organization_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_zh: Mapped[str | None] = mapped_column(Text)
    owner_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(default=ActionStatus.open)
    live: Mapped[bool] = mapped_column(default=False, server_default=sql_text("false"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The due date each reminder was sent for: a new due date makes both due again.
    reminded_soon_for: Mapped[date | None]
    reminded_overdue_for: Mapped[date | None]

    event: Mapped[Event] = relationship()
    owner_organization: Mapped[Organization] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def display_text(self) -> str:
        return localized(self.text, self.text_zh)

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.open

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    def is_due_soon(self, today: date, days: int) -> bool:
        return self.is_open and 0 <= (self.due_on - today).days <= days


class Material(db.Model):
    """A file on an event (with who may download it) or in an organization's library (for its
    people to reuse on their events). New versions keep the old ones."""

    __table_args__ = (
        CheckConstraint(
            "(event_id IS NULL) <> (organization_id IS NULL)", name="one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_zh: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    visibility: Mapped[MaterialVisibility] = mapped_column(default=MaterialVisibility.registrants)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("material.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material", cascade="all, delete-orphan",
        order_by="MaterialVersion.number",
    )

    @property
    def display_title(self) -> str:
        return localized(self.title, self.title_zh)

    @property
    def current(self) -> MaterialVersion:
        return self.versions[-1]


class MaterialVersion(db.Model):
    """One uploaded file of a material. The bytes live outside the database and `static/`, in
    MATERIALS_DIR, named by their SHA-256 (never by anything a user typed)."""

    __table_args__ = (UniqueConstraint("material_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"))
    number: Mapped[int]
    filename: Mapped[str] = mapped_column(String(TITLE_MAX))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    material: Mapped[Material] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()
    downloads: Mapped[MaterialDownloads] = relationship(
        cascade="all, delete-orphan", single_parent=True, lazy="joined"
    )

    @property
    def download_count(self) -> int:
        return self.downloads.count if self.downloads is not None else 0


class MaterialDownloads(db.Model):
    """How often a version was downloaded, for its owners. A table of its own: counting a
    download must not renew the content generation (pages never show it to visitors)."""

    version_id: Mapped[int] = mapped_column(
        ForeignKey("material_version.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(default=0, server_default=sql_text("0"))
