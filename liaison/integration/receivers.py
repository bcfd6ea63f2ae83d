"""Webhooks for what happens below: each domain signal becomes deliveries in the sender's
transaction (liaison.core.signals), for the subscriptions that may hear about it.

Types whose signals belong to packages not yet present (attendance.closed and
certificate.issued from records, proposal.accepted from exchange) are connected here when
those packages declare them."""
from __future__ import annotations

from extensions import db
from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.integration import payloads, webhooks
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
