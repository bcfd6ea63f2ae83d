"""What changed about an event, as the lines of a change notice a person reads: each field
attendees hear about, old and new, times in the reader's zone and format (liaison.core.when);
the online link only for confirmed attendees, the description only as "updated"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from liaison.accounts.models import User
from liaison.core import when
from liaison.events.models import Classification, EventStatus

# The event fields whose change attendees hear about, in the order they are listed.
CHANGE_LABELS = {
    "title": _l("Title"),
    "start": _l("Starts"),
    "end": _l("Ends"),
    "timezone": _l("Time zone"),
    "venue": _l("Place"),
    "online_url": _l("Online meeting link"),
    "status": _l("Status"),
    "classification": _l("Classification"),
    "description": _l("Description"),
}
_TIME_FIELDS = {"start", "end"}


def format_when(value: datetime, zone: str) -> str:
    """"Monday, May 4, 2026, 14:00 Beijing time (UTC+8)" in the current locale: the pages'
    format (liaison.core.when) with the full date."""
    return when.format_when(value, zone, "full_datetime")


@dataclass
class Change:
    label: str
    old: str
    new: str


def _show(field: str, value, zone: str) -> str:
    if value is None or value == "":
        return _("(none)")
    if field in _TIME_FIELDS and isinstance(value, datetime):
        return format_when(value, zone)
    if field == "status":
        return EventStatus(value).label
    if field == "classification":
        return Classification(value).label
    return str(value)


def describe_changes(changes: dict, user: User, *, confirmed: bool) -> list[Change]:
    """field -> (old, new) as lines a person reads, times in their zone; the online link only
    for confirmed attendees, the description only as "updated"."""
    lines = []
    for field, label in CHANGE_LABELS.items():
        if field not in changes:
            continue
        if field == "online_url" and not confirmed:
            continue
        old, new = changes[field]
        if field == "description":
            lines.append(Change(str(label), _("updated"), _("see the event page")))
            continue
        zone = user.timezone
        lines.append(Change(str(label), _show(field, old, zone), _show(field, new, zone)))
    return lines
