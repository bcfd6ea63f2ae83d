"""What people are told when something changes. Domain code calls these inside the same
transaction as the change; they queue mail in the outbox (liaison.outbox), never send.

Filled in by the mail work (issue 6); until then they queue nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from liaison.models import Event, Registration

# What happened to a registration; each has its own message.
REGISTRATION_NEWS = (
    "received",  # pending: awaiting approval
    "confirmed",
    "waitlisted",
    "promoted",  # waitlisted -> confirmed because a seat freed
    "approved",  # pending -> confirmed (or waitlisted when full: then "waitlisted")
    "declined",
    "cancelled",
)


def registration_changed(registration: Registration, news: str) -> None:
    """Tell the registrant what happened to their place (`news` from REGISTRATION_NEWS)."""


def event_changed(event: Event, changes: dict[str, tuple[object, object]]) -> None:
    """Tell every active registrant what changed (field -> (old, new)), with an updated invite."""


def event_cancelled(event: Event) -> None:
    """Tell every active registrant the event is cancelled, with a CANCEL invite."""
