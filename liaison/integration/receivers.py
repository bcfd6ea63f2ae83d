"""Webhooks for what happens below: each domain signal becomes deliveries in the sender's
transaction (liaison.core.signals), for the subscriptions that may hear about it.

proposal.accepted (from exchange) is connected here when that package declares its signal."""
from __future__ import annotations

from extensions import db
from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.integration import payloads, webhooks
from liaison.records import signals as records_signals
from liaison.records.models import Certificate
from liaison.registration import signals as registration_signals
from liaison.registration.models import Registration


@event_signals.event_published.connect
def event_published(event: Event, **_changes) -> None:
    webhooks.queue("event.published", payloads.event_data(event), event=event)


@event_signals.event_updated.connect
def event_updated(event: Event, *, changes: dict) -> None:
    webhooks.queue("event.updated", payloads.event_data(event, changes=changes), event=event)


@event_signals.event_cancelled.connect
def event_cancelled(event: Event) -> None:
    webhooks.queue("event.cancelled", payloads.event_data(event), event=event)


@registration_signals.registration_created.connect
def registration_created(registration: Registration) -> None:
    webhooks.note_created(db.session, registration.id)
    webhooks.queue("registration.created", payloads.registration_data(registration),
                   event=registration.event)


@registration_signals.registration_changed.connect
def registration_updated(registration: Registration, *, news: str, **_extra) -> None:
    if webhooks.consume_created(db.session, registration.id):
        return  # the news of a new place: registration.created already says it
    webhooks.queue("registration.updated",
                   payloads.registration_data(registration, change=news),
                   event=registration.event)


@records_signals.attendance_closed.connect
def attendance_closed(event: Event, *, by=None, **_extra) -> None:
    webhooks.queue("attendance.closed", payloads.attendance_closed_data(event, by=by),
                   event=event)


@records_signals.certificate_issued.connect
def certificate_issued(certificate: Certificate) -> None:
    event = db.session.get(Event, certificate.event_id)
    webhooks.queue("certificate.issued", payloads.certificate_data(certificate), event=event)
