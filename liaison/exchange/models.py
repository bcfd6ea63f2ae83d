"""Training requests and offers, their topics and cities, proposals and their messages, and the
alert digest's watermark per focal point."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.accounts.models import OrgKind, localized
from liaison.core.types import utcnow
from liaison.exchange.columns import csv_kinds, mask_languages

if TYPE_CHECKING:
    from liaison.accounts.models import Organization, User
    from liaison.events.models import Event


class Mode(enum.StrEnum):
    in_person = "in_person"
    online = "online"
    either = "either"

    @property
    def label(self) -> str:
        return str(MODE_LABELS[self])

    @property
    def allows_in_person(self) -> bool:
        return self != Mode.online

    @property
    def allows_online(self) -> bool:
        return self != Mode.in_person


MODE_LABELS = {
    Mode.in_person: _l("In person"),
    Mode.online: _l("Online"),
    Mode.either: _l("In person or online"),
}


class RequestStatus(enum.StrEnum):
    open = "open"
    matched = "matched"  # a proposal was accepted: a draft training exists
    scheduled = "scheduled"  # that training is published
    delivered = "delivered"  # its attendance is closed
    withdrawn = "withdrawn"
    expired = "expired"

    @property
    def label(self) -> str:
        return str(REQUEST_STATUS_LABELS[self])


REQUEST_STATUS_LABELS = {
    RequestStatus.open: _l("Open"),
    RequestStatus.matched: _l("Matched"),
    RequestStatus.scheduled: _l("Scheduled"),
    RequestStatus.delivered: _l("Delivered"),
    RequestStatus.withdrawn: _l("Withdrawn"),
    RequestStatus.expired: _l("Expired"),
}


class OfferStatus(enum.StrEnum):
    open = "open"
    paused = "paused"
    closed = "closed"

    @property
    def label(self) -> str:
        return str(OFFER_STATUS_LABELS[self])


OFFER_STATUS_LABELS = {
    OfferStatus.open: _l("Open"),
    OfferStatus.paused: _l("Paused"),
    OfferStatus.closed: _l("Closed"),
}


class ProposalStatus(enum.StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return str(PROPOSAL_STATUS_LABELS[self])


PROPOSAL_STATUS_LABELS = {
    ProposalStatus.proposed: _l("Waiting for an answer"),
    ProposalStatus.accepted: _l("Accepted"),
    ProposalStatus.declined: _l("Declined"),
    ProposalStatus.withdrawn: _l("Withdrawn"),
}


class Side(enum.StrEnum):
    """Which organization of a pair acts: the one asking or the one offering."""

    request = "request"
    offer = "offer"

    @property
    def other(self) -> Side:
        return Side.offer if self == Side.request else Side.request


class _Posting:
    """What requests and offers share: bilingual text, languages and topics (read-only)."""

    @property
    def display_title(self) -> str:
        return localized(self.title, self.title_zh)

    @property
    def display_description(self) -> str:
        return localized(self.description, self.description_zh)

    @property
    def languages(self) -> list[str]:
        return mask_languages(self.language_mask)

    @property
    def topics(self) -> list[str]:
        return [row.slug for row in self.topic_rows]


class RequestTopic(db.Model):
    """A topic of a request, by the vocabulary's slug (rows, so overlap is a join in SQL)."""

    __table_args__ = (Index("ix_request_topic_slug", "slug", "request_id"),)

    request_id: Mapped[int] = mapped_column(
        ForeignKey("training_request.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(ForeignKey("topic.slug"), primary_key=True)


class OfferTopic(db.Model):
    """A topic slug of an offer; the slug index drives matching from a request's topics."""

    __table_args__ = (Index("ix_offer_topic_slug", "slug", "offer_id"),)

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("training_offer.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(ForeignKey("topic.slug"), primary_key=True)


class OfferCity(db.Model):
    """A city where an offer can train in person: `key` is language- and case-independent
    (liaison.exchange.cities), so 深圳 and "shenzhen" meet in an equality the index answers."""

    __table_args__ = (Index("ix_offer_city_key", "key", "offer_id"),)

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("training_offer.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # as typed, for cities the gazetteer lacks
    position: Mapped[int] = mapped_column(default=0)


class TrainingRequest(_Posting, db.Model):
    """An organization asks for training: what, from which kinds of trainers, when, where,
    in which languages. Open requests expire on `expires_on`."""

    __table_args__ = (
        CheckConstraint("latest >= earliest", name="window_ordered"),
        CheckConstraint("language_mask BETWEEN 1 AND 3", name="languages_known"),
        CheckConstraint(
            "expected_participants IS NULL OR expected_participants >= 1",
            name="participants_positive",
        ),
        Index("ix_training_request_status_org", "status", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str | None] = mapped_column(Text)
    # Organization kinds wanted as trainers (kinds_csv; "" = any).
    trainer_kinds_csv: Mapped[str] = mapped_column(String(200), default="")
    earliest: Mapped[date]
    latest: Mapped[date]
    mode: Mapped[Mode]
    city: Mapped[str | None] = mapped_column(String(120))
    city_key: Mapped[str | None] = mapped_column(String(120), index=True)
    language_mask: Mapped[int]
    expected_participants: Mapped[int | None]
    # The requesting organization's zone: a proposed date without a time lands here.
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[RequestStatus] = mapped_column(default=RequestStatus.open)
    expires_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    matched_at: Mapped[datetime | None]
    scheduled_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()
    topic_rows: Mapped[list[RequestTopic]] = relationship(
        cascade="all, delete-orphan", order_by="RequestTopic.slug"
    )

    @property
    def trainer_kinds(self) -> list[OrgKind]:
        return csv_kinds(self.trainer_kinds_csv)

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.open

    def __repr__(self) -> str:
        return f"<TrainingRequest {self.id} {self.title!r} {self.status}>"


class TrainingOffer(_Posting, db.Model):
    """An organization offers to train: what, whom, where (cities, online), in which
    languages, from when until when (either bound may be open)."""

    __table_args__ = (
        CheckConstraint(
            "available_from IS NULL OR available_until IS NULL "
            "OR available_until >= available_from",
            name="window_ordered",
        ),
        CheckConstraint("language_mask BETWEEN 1 AND 3", name="languages_known"),
        Index("ix_training_offer_status_org", "status", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str | None] = mapped_column(Text)
    # Organization kinds they can train (kinds_csv; "" = any).
    audience_kinds_csv: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[Mode]
    language_mask: Mapped[int]
    available_from: Mapped[date | None]
    available_until: Mapped[date | None]
    status: Mapped[OfferStatus] = mapped_column(default=OfferStatus.open)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()
    topic_rows: Mapped[list[OfferTopic]] = relationship(
        cascade="all, delete-orphan", order_by="OfferTopic.slug"
    )
    city_rows: Mapped[list[OfferCity]] = relationship(
        cascade="all, delete-orphan", order_by="OfferCity.position"
    )

    @property
    def audience_kinds(self) -> list[OrgKind]:
        return csv_kinds(self.audience_kinds_csv)

    @property
    def cities(self) -> list[str]:
        return [row.name for row in self.city_rows]

    @property
    def city_keys(self) -> set[str]:
        return {row.key for row in self.city_rows}

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.open

    def __repr__(self) -> str:
        return f"<TrainingOffer {self.id} {self.title!r} {self.status}>"


class Proposal(db.Model):
    """A focal point of one side proposes a request–offer pair (optionally with a date); a
    focal point of the other side accepts or declines; the proposer may withdraw. At most one
    proposal of a pair waits for an answer at a time (the partial unique index)."""

    __table_args__ = (
        Index(
            "uq_proposal_waiting_pair",
            "request_id",
            "offer_id",
            unique=True,
            sqlite_where=text("status = 'proposed'"),
            postgresql_where=text("status = 'proposed'"),
        ),
        CheckConstraint(
            "(start_at IS NULL AND end_at IS NULL) OR (end_at > start_at)", name="dates_ordered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("training_request.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("training_offer.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[Side]  # the proposer's side
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[ProposalStatus] = mapped_column(default=ProposalStatus.proposed, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The training an acceptance created: the one link between an event and the exchange
    # (the API's event fields `request_id`, `offer_id` come from here).
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), unique=True
    )
    # The start the draft training got when no date was proposed: while the event still starts
    # then, its date is "to confirm" (nothing to clear when someone edits it).
    placeholder_start: Mapped[datetime | None]

    request: Mapped[TrainingRequest] = relationship()
    offer: Mapped[TrainingOffer] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    event: Mapped[Event | None] = relationship()
    messages: Mapped[list[ProposalMessage]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalMessage.id",
    )

    @property
    def is_waiting(self) -> bool:
        return self.status == ProposalStatus.proposed

    @property
    def opening_message(self) -> str:
        return self.messages[0].body if self.messages else ""

    def organization_id_of(self, side: Side) -> int:
        return self.request.organization_id if side == Side.request else self.offer.organization_id

    def __repr__(self) -> str:
        return f"<Proposal {self.id} r{self.request_id} o{self.offer_id} {self.status}>"


class ProposalMessage(db.Model):
    """One message of a proposal's thread (the first is the proposer's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class ExchangeDigest(db.Model):
    """Per focal point: when the last match digest went out (at most one a day) and up to
    when new requests and offers have been looked at for them."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    last_sent_at: Mapped[datetime | None]
    seen_until: Mapped[datetime]
