"""What a webhook says: `{"type", "timestamp", "data"}` (the Standard Webhooks envelope), with
`data` in the shapes the OpenAPI document's `webhooks` describe (blueprints/api/schemas.py,
`Webhook*` models; a test holds the two together). Pure builders: no queries beyond the
objects' own relationships, no request."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import current_app

from liaison.events.models import Event
from liaison.registration.models import Registration


def iso(value: datetime | None, zone=UTC) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def event_url(event_id: int) -> str:
    return f"{current_app.config['BASE_URL']}/events/{event_id}"


def event_data(event: Event, *, changes: dict | None = None) -> dict:
    """The event as its organizers see it (the online link included); `changed`, for
    event.updated, names the fields that changed."""
    zone = event.zone
    data = {
        "id": event.id,
        "url": event_url(event.id),
        "kind": str(event.kind),
        "title": event.title,
        "description": event.description or "",
        "topics": list(event.topics),
        "host_organization_id": event.host_organization_id,
        "audience": [str(kind) for kind in event.audience],
        "start": iso(event.start_at, zone),
        "end": iso(event.end_at, zone),
        "timezone": event.timezone,
        "venue": event.venue,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "requires_approval": bool(event.requires_approval),
        "status": str(event.status),
        "sequence": event.sequence,
        "cancellation_reason": event.cancellation_reason,
    }
    if changes is not None:
        data["changed"] = sorted(changes)
    return data


def registration_data(registration: Registration, *, change: str | None = None) -> dict:
    """The registration with its person (organizers see both on the attendee list) and, for
    registration.updated, what happened (`change`: approved, declined, promoted, ...)."""
    user = registration.user
    event = registration.event
    data = {
        "id": registration.id,
        "event_id": registration.event_id,
        "event_title": event.title,
        "event_url": event_url(registration.event_id),
        "status": str(registration.status),
        "created_at": iso(registration.created_at),
        "updated_at": iso(registration.updated_at),
        "checked_in_at": iso(registration.checked_in_at),
        "decline_reason": registration.decline_reason,
        "user": {
            "id": user.id,
            "name": user.display_name,
            "name_zh": user.display_name_zh,
            "email": user.email,
            "organization_id": user.organization_id,
        },
    }
    if change is not None:
        data["change"] = change
    return data


def envelope(event_type: str, data: dict, timestamp: datetime) -> str:
    """The exact body that is signed and sent (compact JSON, UTF-8 text as is)."""
    return json.dumps(
        {"type": event_type, "timestamp": iso(timestamp), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )
