"""Registration's answers to what happens to events (liaison.events.signals)."""
from __future__ import annotations

from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.registration import registrations


@event_signals.seats_changing.connect
def apply_seat_changes(event: Event, **changes: int | None) -> None:
    """A new capacity or organization cap goes through the seat lock: capacity first (it may
    refuse, or promote), then the cap (checked against what organizations already hold)."""
    if "capacity" in changes:
        registrations.change_capacity(event, changes["capacity"])
    if "org_cap" in changes:
        registrations.change_org_cap(event, changes["org_cap"])
