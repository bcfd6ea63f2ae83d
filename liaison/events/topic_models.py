"""The topic vocabulary's models: a topic (stable slug, English and Chinese labels, a status)
and every name that finds it. Events point at topics through `EventTopic` (events/models.py);
the rules are in events/topics.py."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.i18n import localized
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import User


class TopicStatus(enum.StrEnum):
    accepted = "accepted"  # part of the vocabulary
    proposed = "proposed"  # typed by an organizer, waiting for an administrator
    merged = "merged"  # folded into another topic; its slug and names resolve to that one

    @property
    def label(self) -> str:
        return str(TOPIC_STATUS_LABELS[self])


TOPIC_STATUS_LABELS = {
    TopicStatus.accepted: _l("In the vocabulary"),
    TopicStatus.proposed: _l("Proposed"),
    TopicStatus.merged: _l("Merged"),
}


class Topic(db.Model):
    """One entry of the topic vocabulary. The slug never changes (feeds, bookmarks and API
    clients hold it): renaming changes the labels, merging points the slug at the survivor."""

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    label_en: Mapped[str] = mapped_column(String(80))
    label_zh: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[TopicStatus] = mapped_column(default=TopicStatus.accepted, index=True)
    merged_into: Mapped[str | None] = mapped_column(
        ForeignKey("topic.slug", ondelete="SET NULL"), index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    names: Mapped[list[TopicName]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="TopicName.key"
    )
    proposed_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        """The label in the reader's language (the English one when no Chinese is known)."""
        return localized(self.label_en, self.label_zh)

    @property
    def aliases(self) -> list[str]:
        """Other names that find this topic (former labels, merged topics', typed variants)."""
        return [n.text for n in self.names if n.kind == TopicNameKind.alias]

    @property
    def is_proposed(self) -> bool:
        return self.status == TopicStatus.proposed

    def __repr__(self) -> str:
        return f"<Topic {self.slug} {self.label_en!r} {self.status}>"


class TopicNameKind(enum.StrEnum):
    slug = "slug"
    label = "label"
    alias = "alias"


class TopicName(db.Model):
    """Every text that names a topic, for matching what people type (either language,
    any case, old spellings): `key` is the text with spaces collapsed and case folded
    (topics.match_key), unique across the vocabulary, so a name finds at most one topic."""

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    topic_slug: Mapped[str] = mapped_column(
        ForeignKey("topic.slug", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TopicNameKind]
    text: Mapped[str] = mapped_column(String(100))

    topic: Mapped[Topic] = relationship(back_populates="names")
