"""The records' answers to what happens to events (liaison.events.signals): a summarized event
that is cancelled, taken back to draft, moved or re-topicked has its months rebuilt, so the
summary of closed attendance (liaison/records/summary.py) never disagrees with the
registrations."""
from __future__ import annotations

from liaison.events import signals as event_signals
from liaison.events.models import Event
from liaison.records import summary


@event_signals.event_status_changed.connect
def resummarize_on_status(event: Event, **_changes) -> None:
    if summary.is_summarized(event):
        summary.refresh_for(event)


@event_signals.event_updated.connect
def resummarize_on_update(event: Event, changes: dict | None = None, **_kw) -> None:
    changes = changes or {}
    if not ({"start", "end", "topics", "host_organization_id", "credit_hours"} & set(changes)):
        return
    if summary.is_summarized(event):
        before = changes.get("start", (None,))[0]
        summary.refresh_for(event, before if hasattr(before, "year") else None)
