"""What a webhook says: `{"type", "timestamp", "data"}` (the Standard Webhooks envelope), with
`data` in the shapes the OpenAPI document's `webhooks` describe (blueprints/api/schemas.py,
`Webhook*` models; a test holds the two together). Builders: no request, and no query but
the objects' own relationships (and one GROUP BY for the outcomes of a closed attendance)."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import User
from liaison.events.models import Event
from liaison.records.models import Certificate
from liaison.registration.models import AttendanceOutcome, Registration


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
        "title_zh": event.title_zh,
        "description": event.description or "",
        "description_zh": event.description_zh,
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


def attendance_closed_data(event: Event, *, by: User | None) -> dict:
    """The event, who closed its attendance and when, and how many ended in each outcome."""
    counts = dict(db.session.execute(
        select(Registration.attendance, func.count())
        .where(Registration.event_id == event.id, Registration.attendance.is_not(None))
        .group_by(Registration.attendance)
    ).tuples().all())
    return {
        "event": event_data(event),
        "closed_at": iso(event.attendance_closed_at),
        "closed_by": by.id if by is not None else None,
        "outcomes": {str(outcome): counts.get(outcome, 0) for outcome in AttendanceOutcome},
    }


def certificate_data(certificate: Certificate) -> dict:
    """What the certificate says (its snapshot), and where to check it and fetch its PDF."""
    base = current_app.config["BASE_URL"]
    return {
        "code": certificate.code,
        "verify_url": f"{base}/verify/{certificate.code}",
        "pdf_url": f"{base}/certificates/{certificate.code}.pdf",
        "registration_id": certificate.registration_id,
        "event_id": certificate.event_id,
        "user_id": certificate.user_id,
        "name": certificate.name,
        "name_zh": certificate.name_zh,
        "organization": certificate.organization,
        "event_title": certificate.event_title,
        "event_title_zh": certificate.event_title_zh,
        "event_start": iso(certificate.event_start, ZoneInfo(certificate.event_timezone)),
        "hours": certificate.hours,
        "issuer": certificate.issuer,
        "co_issuers": [en for en, _zh in certificate.co_issuers],
        "issued_at": iso(certificate.issued_at),
    }


def envelope(event_type: str, data: dict, timestamp: datetime) -> str:
    """The exact body that is signed and sent (compact JSON, UTF-8 text as is)."""
    return json.dumps(
        {"type": event_type, "timestamp": iso(timestamp), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )
