"""Mail for what happens to events and registrations: each signal becomes notices in the outbox,
in the sender's transaction (liaison.core.signals)."""
from __future__ import annotations

from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.notifications import notices
from liaison.registration import signals as registration_signals
from liaison.registration.models import Registration


@registration_signals.registration_changed.connect
def tell_registrant(registration: Registration, *, news: str) -> None:
    notices.registration_changed(registration, news)


@event_signals.event_published.connect
def tell_registrants_of_return(event: Event, *, changes: dict) -> None:
    if notices.has_active_registrations(event):
        notices.event_changed(event, changes)


@event_signals.event_changed.connect
def tell_registrants_of_change(event: Event, *, changes: dict) -> None:
    notices.event_changed(event, changes)


@event_signals.event_cancelled.connect
def tell_registrants_of_cancellation(event: Event) -> None:
    notices.event_cancelled(event)
