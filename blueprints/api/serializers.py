"""Models -> JSON-ready dicts in the shapes schemas.py documents. Pure: no request, no url_for."""
from __future__ import annotations

from datetime import UTC, datetime

from liaison.accounts.models import Organization, User
from liaison.events.models import Event, Topic
from liaison.registration.models import Registration


def iso(value: datetime | None, zone=UTC) -> str | None:
    """ISO 8601 with an explicit offset, e.g. 2025-06-03T09:30:00+08:00."""
    return value.astimezone(zone).isoformat() if value is not None else None


def event_json(
    event: Event, counts=None, *, show_online_url: bool = False, show_content: bool = True,
    origin: tuple[int, int] | None = None,
) -> dict:
    """One event; `counts` is its SeatCounts (None = no seats taken); the meeting link only
    when the caller organizes or holds a confirmed place (`show_online_url`); the description
    empty when the classification keeps it from the caller (`show_content`)."""
    zone = event.zone
    return {
        "id": event.id,
        "kind": str(event.kind),
        "title": event.title,
        "title_zh": event.title_zh,
        "description": (event.description or "") if show_content else "",
        "description_zh": event.description_zh if show_content else None,
        "topics": list(event.topics),
        "host_organization_id": event.host_organization_id,
        "audience": [str(kind) for kind in event.audience],
        "start": iso(event.start_at, zone),
        "end": iso(event.end_at, zone),
        "timezone": event.timezone,
        "venue": event.venue,
        "online_url": event.online_url if show_online_url else None,
        "capacity": event.capacity,
        "org_cap": event.org_cap,
        "registration_opens": iso(event.registration_opens_at, zone),
        "registration_closes": iso(event.registration_closes_at, zone),
        "requires_approval": bool(event.requires_approval),
        "status": str(event.status),
        "sequence": event.sequence,
        "credit_hours": event.credit_hours,
        "confirmed_count": getattr(counts, "confirmed", 0),
        "waitlist_count": getattr(counts, "waitlisted", 0),
        "cancellation_reason": event.cancellation_reason,
        "classification": str(event.classification),
        "request_id": origin[0] if origin else None,  # (request id, offer id) on the exchange
        "offer_id": origin[1] if origin else None,
    }


def topic_json(topic: Topic) -> dict:
    return {
        "slug": topic.slug,
        "en": topic.label_en,
        "zh": topic.label_zh,
        "proposed": topic.is_proposed,
    }


def registration_json(registration: Registration) -> dict:
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "user_id": registration.user_id,
        "status": str(registration.status),
        "created_at": iso(registration.created_at),
        "checked_in_at": iso(registration.checked_in_at),
        "decline_reason": registration.decline_reason,
        "attendance": str(registration.attendance) if registration.attendance else None,
        "attended_minutes": registration.attended_minutes,
        "answers": {str(a.question_id): a.value for a in registration.answers},
        "nominated_by": registration.nominated_by_id,
        "stage": str(registration.stage) if registration.stage else None,
    }


def organization_json(organization: Organization) -> dict:
    return {
        "id": organization.id,
        "name": organization.name,
        "name_zh": organization.name_zh,
        "kind": str(organization.kind),
        "parent_id": organization.parent_id,
        "city": organization.city,
    }


def me_json(user: User, calendar_url: str) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "organization_id": user.organization_id,
        "role": str(user.role),
        "membership": str(user.membership),
        "focal_point": bool(user.focal_point),
        "language": user.language,
        "timezone": user.timezone,
        "calendar_url": calendar_url,
    }


def page_json(pagination, items: list[dict]) -> dict:
    """The list envelope: items plus page, per_page, total and pages."""
    return {
        "items": items,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
        "pages": pagination.pages,
    }
