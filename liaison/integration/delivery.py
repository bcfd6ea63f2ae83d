"""Sending webhook deliveries: the worker's side of liaison/integration/webhooks.py.

The outbox's shape (liaison/mail/outbox.py) with HTTP as the transport: due rows of active
subscriptions are claimed in a short committed transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite); each is signed the Standard Webhooks way and POSTed
to the address `targets` checked, with no transaction open while the receiver answers; then it
is marked delivered (2xx) or given another attempt after an exponential back-off
(WEBHOOK_BACKOFF_SECONDS doubling, at most WEBHOOK_BACKOFF_MAX_SECONDS), up to
WEBHOOK_MAX_ATTEMPTS. A claim is a lease: a row left `sending` by a dead worker is claimed
again after LEASE. Every failed attempt adds to the subscription's run of failures, and any
success ends it; at WEBHOOK_DISABLE_AFTER the subscription is switched off and its owner is
mailed (what was queued waits for it to be switched on again).
"""
from __future__ import annotations

import http.client
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from standardwebhooks.webhooks import Webhook

from extensions import db
from liaison.accounts.models import locale_for
from liaison.core.database import begin_immediate, is_sqlite
from liaison.core.types import utcnow
from liaison.integration import targets
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from liaison.mail import mime, outbox

LEASE = timedelta(minutes=5)  # far longer than a request's deadline (2 x WEBHOOK_TIMEOUT)
USER_AGENT = "Liaison-Webhooks/1.0"


@dataclass
class WebhookReport:
    delivered: int = 0
    retry: int = 0
    failed: int = 0
    disabled: int = 0  # subscriptions switched off by this run
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.delivered + self.retry + self.failed

    def __str__(self) -> str:
        text = f"delivered {self.delivered}, retry {self.retry}, failed {self.failed}"
        return text + (f", {self.disabled} subscriptions switched off" if self.disabled else "")


def backoff(attempts: int) -> timedelta:
    """After the 1st, 2nd, 3rd ... failed attempt: base, 2 x base, 4 x base ..., capped."""
    config = current_app.config
    seconds = config["WEBHOOK_BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["WEBHOOK_BACKOFF_MAX_SECONDS"]))


def signed_headers(delivery: WebhookDelivery, secret: str, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers over the exact body. The library wants a UTC datetime
    (it replaces, not converts, the zone); the header carries the same whole second."""
    at = now.astimezone(UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(math.floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery.message_id, at, delivery.payload),
    }


def _due(now: datetime):
    active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    return and_(
        WebhookDelivery.subscription_id.in_(active),
        or_(
            and_(WebhookDelivery.status == DeliveryStatus.queued,
                 WebhookDelivery.next_attempt_at <= now),
            and_(WebhookDelivery.status == DeliveryStatus.sending,
                 WebhookDelivery.claimed_at < now - LEASE),
        ),
    )


def claim_batch(limit: int, worker_id: str, now: datetime) -> list[int]:
    """Take up to `limit` due deliveries as ours, in their own committed transaction."""
    session = db.session
    query = (select(WebhookDelivery.id).where(_due(now))
             .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit))
    session.commit()
    if is_sqlite(session):
        begin_immediate(session)
    else:
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
            .values(status=DeliveryStatus.sending, claimed_at=now, claimed_by=worker_id,
                    attempts=WebhookDelivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return ids


@dataclass
class Outcome:
    status: int | None = None
    excerpt: str | None = None
    error: str | None = None
    skipped: bool = False  # the subscription was switched off after the claim: not tried

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


def attempt(delivery_id: int) -> Outcome:
    """Sign and send one claimed delivery; no database transaction is held meanwhile. The
    signature's timestamp is the wall clock's (receivers check it against theirs), whatever
    clock schedules the attempts."""
    config = current_app.config
    delivery = db.session.get(WebhookDelivery, delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        db.session.commit()
        return Outcome(skipped=True)
    url, secret = subscription.url, subscription.secret
    body = delivery.payload.encode("utf-8")
    headers = signed_headers(delivery, secret, utcnow())
    db.session.commit()
    try:
        target = targets.resolve(url, allow_private=config["WEBHOOK_ALLOW_PRIVATE"])
        answer = targets.post(target, body, headers, timeout=config["WEBHOOK_TIMEOUT"])
    except targets.TargetRefused as refused:
        return Outcome(error=refused.message)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Outcome(error=f"{type(error).__name__}: {error}"[:1000])
    outcome = Outcome(status=answer.status, excerpt=answer.excerpt)
    if not outcome.ok:
        outcome.error = _("HTTP %(status)d", status=answer.status)
        if 300 <= answer.status < 400:
            outcome.error += " " + _("(redirects are not followed: give the final address)")
    return outcome


def _write_transaction() -> None:
    db.session.commit()
    if is_sqlite(db.session):
        begin_immediate(db.session)


def settle(delivery_id: int, worker_id: str, outcome: Outcome, now: datetime,
           report: WebhookReport) -> None:
    """Record the attempt on the delivery and on its subscription's run of failures."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery.status != DeliveryStatus.sending or delivery.claimed_by != worker_id:
        return  # the lease was lost meanwhile: the new holder settles it
    subscription = delivery.subscription
    if outcome.skipped:
        _release([delivery_id], worker_id)
        return
    delivery.last_attempt_at = now
    delivery.response_status = outcome.status
    delivery.response_excerpt = (outcome.excerpt or "")[: targets.EXCERPT] or None
    delivery.claimed_at = None
    if outcome.ok:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = now
        delivery.last_error = None
        subscription.consecutive_failures = 0
        subscription.last_success_at = now
        report.delivered += 1
        return
    delivery.last_error = (outcome.error or "")[:1000]
    if delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.failed
        report.failed += 1
    else:
        delivery.status = DeliveryStatus.queued
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        report.retry += 1
    report.errors.append(delivery.last_error)
    db.session.execute(
        update(WebhookSubscription).where(WebhookSubscription.id == subscription.id)
        .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1,
                last_failure_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(subscription)
    limit = current_app.config["WEBHOOK_DISABLE_AFTER"]
    if subscription.active and subscription.consecutive_failures >= limit:
        _switch_off(subscription, delivery.last_error, now)
        report.disabled += 1


def _switch_off(subscription: WebhookSubscription, last_error: str, now: datetime) -> None:
    """Too many failures in a row: off, and the owner is told (in their language) why and how
    to switch it on again."""
    owner = subscription.owner
    subscription.active = False
    subscription.disabled_at = now
    with force_locale(locale_for(owner)):
        subscription.disabled_reason = _(
            "%(n)d attempts in a row failed; the last: %(error)s",
            n=subscription.consecutive_failures, error=last_error)[:500]
        subject = _("Webhook switched off: %(url)s", url=subscription.url[:200])
        name = mime.clean_header(owner.name)
        values = dict(subject=subject, recipient=owner, recipient_name=name,
                      subscription=subscription, failures=subscription.consecutive_failures,
                      last_error=last_error,
                      link=f"{current_app.config['BASE_URL']}/webhooks/{subscription.id}")
        text = render_template("email/webhook_disabled.txt", **values)
        html = render_template("email/webhook_disabled.html", **values)
    outbox.queue(kind="webhook_disabled", recipient=owner.email, recipient_name=name,
                 subject=subject, body_text=text, body_html=html, user_id=owner.id)


def _release(ids: list[int], worker_id: str) -> None:
    """Hand back claimed deliveries never tried (the worker is stopping): no attempt spent."""
    if ids:
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claimed_by == worker_id,
                   WebhookDelivery.status == DeliveryStatus.sending)
            .values(status=DeliveryStatus.queued, claimed_at=None,
                    attempts=WebhookDelivery.attempts - 1)
            .execution_options(synchronize_session=False)
        )


def deliver(*, worker_id: str, batch: int | None = None, limit: int | None = None,
            clock: Callable[[], datetime] = utcnow,
            progress: Callable[[WebhookReport], None] | None = None) -> WebhookReport:
    """Send everything due (at most `limit`), one short transaction per delivery. `progress`
    runs after each; if it raises (the worker stopping), the untried rest is handed back."""
    batch = batch or current_app.config["WEBHOOK_BATCH"]
    report = WebhookReport()
    while limit is None or report.total < limit:
        size = batch if limit is None else min(batch, limit - report.total)
        ids = claim_batch(size, worker_id, clock())
        if not ids:
            break
        position = 0
        try:
            for position, delivery_id in enumerate(ids):  # noqa: B007 (read in except)
                outcome = attempt(delivery_id)
                _write_transaction()
                settle(delivery_id, worker_id, outcome, clock(), report)
                db.session.commit()
                if progress:
                    progress(report)
        except BaseException:
            db.session.rollback()
            try:
                _release(ids[position + 1:], worker_id)
                db.session.commit()
            except Exception:  # noqa: BLE001 - the lease takes care of them
                db.session.rollback()
            raise
    return report
