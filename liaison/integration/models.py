"""The worker's schedule (one row per periodic job: when it runs next, who runs it) and
webhooks (subscriptions and their deliveries)."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from liaison.core.types import utcnow

if TYPE_CHECKING:
    from liaison.accounts.models import User

URL_MAX = 2000


class Job(db.Model):
    """A periodic job's schedule and last outcome. Its lease (holder, expiry) says which worker
    is running it; a worker claims a job only when it is due and nobody holds a live lease, so
    two workers never run it at once, and a crashed worker's lease simply runs out."""

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    interval_seconds: Mapped[int]
    next_run_at: Mapped[datetime]
    lease_holder: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)

    @property
    def is_running(self) -> bool:
        return self.lease_holder is not None

    def __repr__(self) -> str:
        return f"<Job {self.name} next={self.next_run_at:%Y-%m-%d %H:%M:%S} by={self.lease_holder}>"


class DeliveryStatus(enum.StrEnum):
    queued = "queued"  # waiting for its (next) attempt
    sending = "sending"  # claimed by a worker
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # attempts spent, or a permanent refusal: "send again" requeues it

    @property
    def label(self) -> str:
        return str(DELIVERY_STATUS_LABELS[self])


DELIVERY_STATUS_LABELS = {
    DeliveryStatus.queued: _l("Queued"),
    DeliveryStatus.sending: _l("Sending"),
    DeliveryStatus.delivered: _l("Delivered"),
    DeliveryStatus.failed: _l("Failed"),
}


class WebhookSubscription(db.Model):
    """An owner's URL that hears about the event types it lists, signed with its secret
    (Standard Webhooks). It hears only what its owner may see: an organizer's the events they
    organize, an admin's everything. A run of failed attempts switches it off; its owner
    switches it on again."""

    __table_args__ = (
        CheckConstraint("consecutive_failures >= 0", name="failures_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event types as ",event.published,registration.created," so one LIKE finds the listeners.
    event_types_csv: Mapped[str] = mapped_column(String(500))
    # The `whsec_...` signing secret: kept as given, because signing needs it (never shown
    # again after creation).
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]

    owner: Mapped[User] = relationship()

    @property
    def event_types(self) -> list[str]:
        return [t for t in self.event_types_csv.split(",") if t]

    @event_types.setter
    def event_types(self, types) -> None:
        unique = sorted(set(types))
        self.event_types_csv = "," + ",".join(unique) + "," if unique else ""

    def listens_to(self, event_type: str) -> bool:
        return f",{event_type}," in self.event_types_csv

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to recognise it (`whsec_abcd…`), not enough to use it."""
        return self.secret[:10] + "…"

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.id} {self.url} active={self.active}>"


class WebhookDelivery(db.Model):
    """One message to one subscription: written in the transaction of the change it reports,
    then sent by the worker, retried with back-off. `message_id` (the `webhook-id` header) and
    `payload` (the exact body signed) are fixed at queue time, so every retry and every
    "send again" is the same message to the receiver, which may deduplicate on the id."""

    __table_args__ = (
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_subscription_id_id", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(default=DeliveryStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_attempt_at: Mapped[datetime | None]
    response_status: Mapped[int | None]  # the receiver's HTTP status of the last attempt
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    subscription: Mapped[WebhookSubscription] = relationship()

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.status}>"
