"""Webhook subscriptions and what they hear.

Who may subscribe: organizers and admins. What a subscription hears: an admin's, every event;
anyone else's, the events its owner organizes (and, for proposals, their organization's).
Only active subscriptions of active owners get deliveries; a switched-off subscription keeps
what was queued before and gets it when switched on again, but hears nothing new meanwhile.

`queue` writes one delivery per listening subscription in the caller's transaction (the
receivers in `receivers` call it for the domain signals), so a change that rolls back sends
nothing. The subscriptions are read once per transaction, however many signals it sends.
"""
from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import User
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events import lifecycle
from liaison.events.models import Event
from liaison.integration import payloads, targets
from liaison.integration.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)

# The types a subscription can ask for, as SPEC names them, with what they mean.
EVENT_TYPES = {
    "event.published": _l("An event is published"),
    "event.updated": _l("A published event changes (or goes back to draft)"),
    "event.cancelled": _l("An event is cancelled"),
    "registration.created": _l("Someone registers"),
    "registration.updated": _l("A registration changes: approved, declined, moved, promoted, "
                               "cancelled"),
    "attendance.closed": _l("Attendance of an event is closed"),
    "certificate.issued": _l("A certificate is issued"),
    "proposal.accepted": _l("A training proposal is accepted"),
}
DESCRIPTION_MAX = 200
_LISTENERS = "liaison.webhook_listeners"
_CREATED = "liaison.webhook_created_registrations"


def may_subscribe(user: User) -> bool:
    """Organizers and admins (an organizer who is a focal point also hears proposals)."""
    return bool(user.active and user.can_organize)


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _max_per_owner() -> int:
    return current_app.config["WEBHOOK_MAX_PER_OWNER"]


def _clean(url: str | None, event_types: Iterable[str] | None, description: str | None,
           *, current: WebhookSubscription | None = None) -> dict:
    """Shape and target checks; ValidationFailed names each bad field."""
    fields: dict[str, str] = {}
    values: dict = {}
    if url is not None:
        try:
            values["url"] = targets.check_shape(url)
            if current is None or values["url"] != current.url:
                allow = current_app.config["WEBHOOK_ALLOW_PRIVATE"]
                targets.resolve(values["url"], allow_private=allow)
        except targets.TargetRefused as refused:
            fields["url"] = refused.message
    if event_types is not None:
        chosen = list(dict.fromkeys(event_types))
        unknown = [t for t in chosen if t not in EVENT_TYPES]
        if unknown:
            fields["events"] = _("Unknown event type: %(type)s. Choose from: %(types)s.",
                                 type=unknown[0], types=", ".join(EVENT_TYPES))
        elif not chosen:
            fields["events"] = _("Choose at least one kind of event to hear about.")
        values["event_types"] = chosen
    if description is not None:
        description = description.strip()
        if len(description) > DESCRIPTION_MAX:
            fields["description"] = _("Use at most %(n)d characters.", n=DESCRIPTION_MAX)
        values["description"] = description
    if fields:
        raise ValidationFailed(_("Some fields are not valid."), fields=fields)
    return values


def create_subscription(owner: User, *, url: str, event_types: Iterable[str],
                        description: str = "") -> tuple[WebhookSubscription, str]:
    """A new active subscription and its secret (returned here once, shown once)."""
    if not may_subscribe(owner):
        raise NotAllowed(_("Only organizers and administrators can add webhooks."))
    values = _clean(url, list(event_types), description)
    count = db.session.scalar(select(func.count()).select_from(WebhookSubscription)
                              .where(WebhookSubscription.owner_id == owner.id))
    if count >= _max_per_owner():
        raise ValidationFailed(
            _("You already have %(n)d webhooks, the most one account may have. Delete one "
              "you no longer use first.", n=count), code="too_many_webhooks")
    secret = new_secret()
    subscription = WebhookSubscription(owner=owner, url=values["url"], secret=secret,
                                       description=values["description"], active=True)
    subscription.event_types = values["event_types"]
    db.session.add(subscription)
    db.session.flush()
    forget_listeners(db.session)
    return subscription, secret


def _require_owner(subscription: WebhookSubscription, by: User) -> None:
    if subscription.owner_id != by.id:
        raise NotAllowed(_("Only the owner of this webhook can change it."))


def update_subscription(subscription: WebhookSubscription, *, by: User, url: str | None = None,
                        event_types: Iterable[str] | None = None, description: str | None = None,
                        active: bool | None = None) -> WebhookSubscription:
    """Change what was given. Switching on clears the failure count and sends what waited."""
    _require_owner(subscription, by)
    values = _clean(url, None if event_types is None else list(event_types), description,
                    current=subscription)
    if "url" in values:
        subscription.url = values["url"]
    if "event_types" in values:
        subscription.event_types = values["event_types"]
    if "description" in values:
        subscription.description = values["description"]
    if active is True and not subscription.active:
        _switch_on(subscription)
    elif active is False and subscription.active:
        subscription.active = False
        subscription.disabled_at = utcnow()
        subscription.disabled_reason = None  # switched off by its owner, not by failures
    subscription.updated_at = utcnow()
    db.session.flush()
    forget_listeners(db.session)
    return subscription


def _switch_on(subscription: WebhookSubscription) -> None:
    now = utcnow()
    subscription.active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.disabled_reason = None
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id,
               WebhookDelivery.status == DeliveryStatus.queued)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


def delete_subscription(subscription: WebhookSubscription, *, by: User) -> None:
    """Gone with its delivery log; nothing more is sent to it."""
    _require_owner(subscription, by)
    db.session.execute(sa.delete(WebhookDelivery)
                       .where(WebhookDelivery.subscription_id == subscription.id))
    db.session.delete(subscription)
    db.session.flush()
    forget_listeners(db.session)


def send_again(delivery: WebhookDelivery, *, by: User) -> WebhookDelivery:
    """Queue a delivery again, now, with a fresh set of attempts: the same message (same
    webhook-id and body), so a receiver that already has it can tell."""
    _require_owner(delivery.subscription, by)
    delivery.status = DeliveryStatus.queued
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.claimed_at = None
    delivery.claimed_by = None
    db.session.flush()
    return delivery


def subscriptions_of(user: User):
    return (select(WebhookSubscription).where(WebhookSubscription.owner_id == user.id)
            .order_by(WebhookSubscription.id))


def deliveries_of(subscription: WebhookSubscription, status: DeliveryStatus | None = None):
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return query.order_by(WebhookDelivery.id.desc())


def prune_log(now: datetime) -> int:
    """A periodic job: delivered and failed deliveries older than WEBHOOK_LOG_DAYS leave the
    log (queued ones stay, whatever their age). Returns how many were removed."""
    cutoff = now - timedelta(days=current_app.config["WEBHOOK_LOG_DAYS"])
    result = db.session.execute(
        sa.delete(WebhookDelivery)
        .where(WebhookDelivery.status.in_((DeliveryStatus.delivered, DeliveryStatus.failed)),
               WebhookDelivery.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# -- who hears what ------------------------------------------------------------------------


def _listeners(session: Session) -> list[WebhookSubscription]:
    """Active subscriptions of active owners, read once per transaction."""
    cached = session.info.get(_LISTENERS)
    if cached is None:
        cached = list(session.scalars(
            select(WebhookSubscription)
            .join(User, User.id == WebhookSubscription.owner_id)
            .where(WebhookSubscription.active.is_(True), User.active.is_(True))
            .options(selectinload(WebhookSubscription.owner))
            .order_by(WebhookSubscription.id)
        ))
        session.info[_LISTENERS] = cached
    return cached


def forget_listeners(session: Session) -> None:
    session.info.pop(_LISTENERS, None)


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _end_of_transaction(session: Session) -> None:
    session.info.pop(_LISTENERS, None)
    session.info.pop(_CREATED, None)


def hears(subscription: WebhookSubscription, *, event: Event | None = None,
          organization_ids: Iterable[int] = ()) -> bool:
    """Whether this subscription's owner may hear about it: admins everything, organizers
    their events, focal points the proposals of their organizations (and offices below)."""
    owner = subscription.owner
    if not may_subscribe(owner):
        return False
    if owner.is_admin:
        return True
    if event is not None and lifecycle.can_manage(event, owner):
        return True
    return owner.acts_as_focal_point and any(
        membership.is_focal_point_for(owner, org_id) for org_id in organization_ids)


def queue(event_type: str, data: dict, *, event: Event | None = None,
          organization_ids: Iterable[int] = ()) -> list[WebhookDelivery]:
    """One delivery per subscription that listens to `event_type` and may hear about it, in
    the caller's transaction."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    organization_ids = list(organization_ids)
    listening = [s for s in _listeners(db.session) if s.listens_to(event_type)
                 and hears(s, event=event, organization_ids=organization_ids)]
    if not listening:
        return []
    now = utcnow()
    body = payloads.envelope(event_type, data, now)
    deliveries = [
        WebhookDelivery(subscription_id=s.id, event_type=event_type, payload=body,
                        message_id=f"msg_{uuid.uuid4().hex}", status=DeliveryStatus.queued,
                        attempts=0, next_attempt_at=now, created_at=now)
        for s in listening
    ]
    db.session.add_all(deliveries)
    return deliveries


def note_created(session: Session, registration_id: int) -> None:
    """registration.created was queued for it in this transaction (see `consume_created`)."""
    session.info.setdefault(_CREATED, set()).add(registration_id)


def consume_created(session: Session, registration_id: int) -> bool:
    """True (once) when the registration was created in this transaction: its first
    registration_changed is part of registration.created, not a registration.updated."""
    created = session.info.get(_CREATED, set())
    if registration_id in created:
        created.discard(registration_id)
        return True
    return False
