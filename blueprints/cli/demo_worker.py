"""Demo data of the worker's area (issue 20): a cancellation reason, a declined registration
with its reason, a message to attendees and a webhook with a short delivery log. Idempotent:
each piece is looked up first. Writes rows directly: no mail is queued, nothing is sent."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.types import utcnow
from liaison.events.models import Event, EventStatus
from liaison.integration import payloads, webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from liaison.notifications.models import EventMessage
from liaison.registration.models import Registration, RegistrationStatus

PORT_VISIT = "Port visit: container inspection at Yangshan Deep-Water Port"
DETENTION = "The detention procedure: what rights holders must do within three working days"
TRANSFER = "From administrative case to criminal case: transfer standards"
FORUM = "Annual brand protection forum"
HOOK_URL = "https://hooks.example.org/liaison/brand-alliance"


def _event(title: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.title == title))


def _reasons(users: dict[str, User]) -> None:
    port = _event(PORT_VISIT)
    if port is not None and port.status == EventStatus.cancelled and not port.cancellation_reason:
        port.cancellation_reason = ("A typhoon warning closes Yangshan port that week. "
                                    "We will announce a new date.")
    detention = _event(DETENTION)
    jonas = users["jonas"]
    if detention is not None and db.session.scalar(select(Registration.id).where(
            Registration.event_id == detention.id, Registration.user_id == jonas.id)) is None:
        made = utcnow() - timedelta(days=3)
        db.session.add(Registration(
            event=detention, user=jonas, status=RegistrationStatus.declined, created_at=made,
            updated_at=made,
            decline_reason="Places go to rights holders with a trademark recorded with customs; "
                           "please record yours first (see the recordation workshop)."))


def _message(users: dict[str, User]) -> None:
    transfer = _event(TRANSFER)
    subject = "Please bring two anonymised case files"
    if transfer is None or db.session.scalar(select(EventMessage.id).where(
            EventMessage.event_id == transfer.id, EventMessage.subject == subject)):
        return
    message = EventMessage(
        event=transfer, sent_by=users["organizer"], subject=subject,
        body="Dear colleagues,\n\nfor the case clinic in the afternoon, please bring two "
             "anonymised case files\nwhere the transfer threshold was in doubt.\n\nLi Na",
        subject_zh="请携带两份匿名化的案卷",
        body_zh="各位同事：\n\n下午的案例研讨，请携带两份移送标准存疑的匿名化案卷。\n\n李娜",
        recipients=sum(r.status == RegistrationStatus.confirmed for r in transfer.registrations),
        created_at=utcnow() - timedelta(days=1))
    message.statuses = [RegistrationStatus.confirmed]
    db.session.add(message)


def _webhook(users: dict[str, User]) -> None:
    owner = users["organizer"]
    forum = _event(FORUM)
    if forum is None or db.session.scalar(select(WebhookSubscription.id).where(
            WebhookSubscription.owner_id == owner.id, WebhookSubscription.url == HOOK_URL)):
        return
    now = utcnow()
    # Switched off by its owner: a demo must not try to reach hooks.example.org.
    hook = WebhookSubscription(owner=owner, url=HOOK_URL, secret=webhooks.new_secret(),
                               description="The association's member CRM (demo)", active=False,
                               disabled_at=now, created_at=now - timedelta(days=14))
    hook.event_types = ["event.published", "event.updated", "event.cancelled",
                        "registration.created", "registration.updated"]
    body = payloads.envelope("event.published", payloads.event_data(forum),
                             now - timedelta(days=2))
    db.session.add_all([hook, WebhookDelivery(
        subscription=hook, event_type="event.published", message_id="msg_demo0000000001",
        payload=body, status=DeliveryStatus.delivered, attempts=1, response_status=200,
        response_excerpt="ok", created_at=now - timedelta(days=2),
        last_attempt_at=now - timedelta(days=2), delivered_at=now - timedelta(days=2)),
        WebhookDelivery(
        subscription=hook, event_type="event.updated", message_id="msg_demo0000000002",
        payload=payloads.envelope("event.updated", payloads.event_data(
            forum, changes={"venue": ("", forum.venue)}), now - timedelta(days=1)),
        status=DeliveryStatus.failed, attempts=10, response_status=503,
        response_excerpt="Service Unavailable", last_error="HTTP 503",
        created_at=now - timedelta(days=1), last_attempt_at=now - timedelta(hours=20))])


def seed(users: dict[str, User]) -> None:
    """Add what is missing; run after the events and registrations exist."""
    _reasons(users)
    _message(users)
    _webhook(users)
    db.session.flush()
