"""Creating and changing events: validation, the sequence rule, publishing, cancelling, copies.

Series live in `liaison.event_series` and are re-exported here; the visibility query lives in
`liaison.event_queries`. Everything only flushes: the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison import notifications, registrations
from liaison.errors import Conflict, NotAllowed, ValidationFailed
from liaison.event_queries import visible_events  # noqa: F401  (part of this interface)
from liaison.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Event,
    EventKind,
    EventStatus,
    EventTopic,
    Organization,
    OrgKind,
    Registration,
    User,
)
from liaison.types import utcnow

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
VENUE_MAX = 300
URL_MAX = 500
TOPIC_MAX = 80
TOPICS_MAX = 12

# Changes that a calendar must see: they raise the sequence number (RFC 5545 SEQUENCE).
CALENDAR_FIELDS = frozenset({"start", "end", "timezone", "venue", "online_url", "status"})


@dataclass
class EventInput:
    """What an organizer types. `start`, `end` and the registration window may be naive (wall
    time in `timezone`) or aware (an instant); the domain stores them in UTC."""

    kind: EventKind | str
    title: str
    host_organization_id: int | None
    start: datetime | None
    end: datetime | None
    timezone: str
    description: str = ""
    topics: list[str] | str = field(default_factory=list)
    audience: list[OrgKind | str] = field(default_factory=list)
    venue: str | None = None
    online_url: str | None = None
    capacity: int | None = None
    org_cap: int | None = None
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    requires_approval: bool = False
    co_organizer_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_event(cls, event: Event) -> EventInput:
        """The input that would recreate `event` (local wall times in its zone)."""
        zone = event.zone
        return cls(
            kind=event.kind,
            title=event.title,
            host_organization_id=event.host_organization_id,
            start=event.start_at.astimezone(zone),
            end=event.end_at.astimezone(zone),
            timezone=event.timezone,
            description=event.description,
            topics=list(event.topics),
            audience=list(event.audience),
            venue=event.venue,
            online_url=event.online_url,
            capacity=event.capacity,
            org_cap=event.org_cap,
            registration_opens=_local(event.registration_opens_at, zone),
            registration_closes=_local(event.registration_closes_at, zone),
            requires_approval=event.requires_approval,
            co_organizer_ids=[u.id for u in event.organizers if u.id != event.created_by_id],
        )


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return value.astimezone(zone) if value else None


@cache
def iana_zones() -> frozenset[str]:
    """Every IANA zone name that zoneinfo knows (tzdata is pinned, so this is stable)."""
    return frozenset(available_timezones())


def clean_topics(raw: list[str] | str) -> list[str]:
    """Topics trimmed, inner spaces collapsed, empty ones dropped, de-duplicated ignoring case
    (the first spelling wins)."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for item in items:
        name = " ".join(str(item).split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def _instant(value: datetime | None, zone: ZoneInfo | None) -> datetime | None:
    """Naive = wall time in the event's zone; aware = already an instant. Returned in UTC."""
    if value is None or zone is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _clean_url(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(value)
    return value


def validate(data: EventInput) -> dict:
    """Every rule of shape and range at once; raises ValidationFailed naming each bad field.
    Returns the clean values keyed as the change dict is (start/end in UTC)."""
    errors: dict[str, str] = {}
    values: dict = {}

    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = _("Give the event a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title can be at most %(n)d characters.", n=TITLE_MAX)
    values["title"] = title

    description = (data.description or "").replace("\r\n", "\n").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _(
            "The description can be at most %(n)d characters.", n=DESCRIPTION_MAX
        )
    values["description"] = description

    try:
        values["kind"] = EventKind(data.kind)
    except ValueError:
        errors["kind"] = _("Choose a training or an exchange meeting.")

    host = db.session.get(Organization, data.host_organization_id) if isinstance(
        data.host_organization_id, int) else None
    if host is None:
        errors["host_organization_id"] = _("Choose the host organization.")
    values["host_organization_id"] = data.host_organization_id

    try:
        values["audience"] = sorted({OrgKind(k) for k in data.audience or ()})
    except ValueError:
        errors["audience"] = _("Choose organization kinds from the list.")

    topics = clean_topics(data.topics or [])
    if any(len(t) > TOPIC_MAX for t in topics):
        errors["topics"] = _("Each topic can be at most %(n)d characters.", n=TOPIC_MAX)
    elif len(topics) > TOPICS_MAX:
        errors["topics"] = _("Give at most %(n)d topics.", n=TOPICS_MAX)
    values["topics"] = topics

    zone = None
    if data.timezone in iana_zones():
        zone = ZoneInfo(data.timezone)
    else:
        errors["timezone"] = _("Choose a time zone from the list, such as Asia/Shanghai.")
    values["timezone"] = data.timezone

    start, end = _instant(data.start, zone), _instant(data.end, zone)
    if data.start is None:
        errors["start"] = _("Give the start date and time.")
    if data.end is None:
        errors["end"] = _("Give the end date and time.")
    elif start and end and end <= start:
        errors["end"] = _("The end must be after the start.")
    values["start"], values["end"] = start, end

    venue = " ".join((data.venue or "").split()) or None
    if venue and len(venue) > VENUE_MAX:
        errors["venue"] = _("The venue can be at most %(n)d characters.", n=VENUE_MAX)
    values["venue"] = venue
    try:
        values["online_url"] = _clean_url(data.online_url)
    except ValueError:
        errors["online_url"] = _(
            "The online link must be a web address starting with http:// or https://."
        )
    else:
        if values["online_url"] and len(values["online_url"]) > URL_MAX:
            errors["online_url"] = _("The online link can be at most %(n)d characters.", n=URL_MAX)
    if not venue and not values.get("online_url") and "online_url" not in errors:
        errors["venue"] = _("Give a venue, an online link, or both.")

    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = _("Capacity must be at least 1; leave it empty for no limit.")
    values["capacity"] = data.capacity
    if data.org_cap is not None and data.org_cap < 1:
        errors["org_cap"] = _(
            "The limit per organization must be at least 1; leave it empty for no limit."
        )
    values["org_cap"] = data.org_cap

    opens = _instant(data.registration_opens, zone)
    closes = _instant(data.registration_closes, zone)
    if closes and end and closes > end:
        errors["registration_closes"] = _("Registration must close before the event ends.")
    if opens and closes and opens >= closes:
        errors["registration_opens"] = _("Registration must open before it closes.")
    elif opens and end and opens >= end:
        errors["registration_opens"] = _("Registration must open before the event ends.")
    values["registration_opens"], values["registration_closes"] = opens, closes
    values["requires_approval"] = bool(data.requires_approval)

    ids = sorted(set(data.co_organizer_ids or ()))
    if ids:
        found = db.session.scalars(select(User).where(User.id.in_(ids))).all()
        if len(found) != len(ids) or not all(u.can_organize and u.active for u in found):
            errors["co_organizer_ids"] = _(
                "Co-organizers must be active organizers or administrators."
            )
    values["co_organizer_ids"] = ids

    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return values


def can_manage(event: Event, user) -> bool:
    """Admins manage every event; organizers only those they created or co-organize."""
    return event.is_organized_by(user)


def _require_manage(event: Event, user) -> None:
    if not can_manage(event, user):
        raise NotAllowed(_("Only the organizers of this event can change it."))


def _require_open(event: Event) -> None:
    if event.is_cancelled:
        raise Conflict(_("This event is cancelled and can no longer be changed."))


def _current(event: Event) -> dict:
    """The event's values keyed like `validate` returns them, for comparison."""
    return {
        "title": event.title,
        "description": event.description,
        "kind": event.kind,
        "host_organization_id": event.host_organization_id,
        "audience": sorted(event.audience),
        "topics": list(event.topics),
        "timezone": event.timezone,
        "start": event.start_at,
        "end": event.end_at,
        "venue": event.venue,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "org_cap": event.org_cap,
        "registration_opens": event.registration_opens_at,
        "registration_closes": event.registration_closes_at,
        "requires_approval": event.requires_approval,
        "co_organizer_ids": sorted(u.id for u in event.organizers if u.id != event.created_by_id),
    }


def _assign(event: Event, values: dict, creator: User | None) -> None:
    """Write clean values onto the event (capacity and org cap are the caller's business)."""
    event.title = values["title"]
    event.description = values["description"]
    event.kind = values["kind"]
    event.host_organization_id = values["host_organization_id"]
    event.audience = values["audience"]
    event.timezone = values["timezone"]
    event.start_at, event.end_at = values["start"], values["end"]
    event.venue, event.online_url = values["venue"], values["online_url"]
    event.registration_opens_at = values["registration_opens"]
    event.registration_closes_at = values["registration_closes"]
    event.requires_approval = values["requires_approval"]
    if [r.name for r in event.topic_rows] != values["topics"]:
        # Replace rows whole: a case-only rename would otherwise clash on the primary key.
        event.topic_rows = []
        db.session.flush()
        event.topic_rows = [EventTopic(name=t) for t in values["topics"]]
    others = db.session.scalars(select(User).where(User.id.in_(values["co_organizer_ids"]))).all()
    keep = [u for u in event.organizers if creator is not None and u.id == creator.id]
    event.organizers = keep + [u for u in others if creator is None or u.id != creator.id]


def _touch(event: Event, changed: set[str]) -> None:
    """The sequence rule: calendar-relevant changes raise `sequence`; any change stamps it."""
    if not changed:
        return
    if changed & CALENDAR_FIELDS:
        event.sequence = (event.sequence or 0) + 1
    event.updated_at = utcnow()


def create_event(data: EventInput, *, by: User) -> Event:
    """Organizers and admins create drafts; the creator becomes the first organizer."""
    if not getattr(by, "can_organize", False):
        raise NotAllowed(_("Only organizers and administrators can create events."))
    values = validate(data)
    event = Event(
        status=EventStatus.draft,
        sequence=0,
        created_by=by,
        capacity=values["capacity"],
        org_cap=values["org_cap"],
    )
    event.organizers = [by]
    db.session.add(event)
    _assign(event, values, by)
    db.session.flush()
    return event


def update_event(event: Event, data: EventInput, *, by: User) -> dict[str, tuple]:
    """Apply an edit; returns field -> (old, new). Time, zone, place and status changes raise
    the sequence; capacity goes through `registrations.change_capacity` (it promotes)."""
    _require_manage(event, by)
    _require_open(event)
    values = validate(data)
    before = _current(event)
    changes = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    if "capacity" in changes:
        # First, while nothing else is pending: it takes the seat lock and may promote.
        registrations.change_capacity(event, values["capacity"])
    if "org_cap" in changes:
        # Same lock; a lower cap is checked against what organizations hold, a higher promotes.
        registrations.change_org_cap(event, values["org_cap"])
    creator = event.created_by
    _assign(event, values, creator)
    _touch(event, set(changes))
    db.session.flush()
    if event.is_published and set(changes) & CALENDAR_FIELDS:
        notifications.event_changed(event, changes)
    return changes


def _set_status(event: Event, status: EventStatus) -> dict[str, tuple]:
    old = event.status
    event.status = status
    _touch(event, {"status"})
    db.session.flush()
    return {"status": (old, status)}


def publish_event(event: Event, *, by: User) -> dict[str, tuple]:
    """A draft becomes visible to its audience and open for registration."""
    _require_manage(event, by)
    _require_open(event)
    if event.is_published:
        raise Conflict(_("This event is already published."))
    changes = _set_status(event, EventStatus.published)
    if _has_active_registrations(event):
        # Registrants of an event taken back to draft get it back in their calendars.
        notifications.event_changed(event, changes)
    return changes


def _has_active_registrations(event: Event) -> bool:
    return db.session.scalar(
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        )
        .limit(1)
    ) is not None


def unpublish_event(event: Event, *, by: User) -> dict[str, tuple]:
    """A published event goes back to draft: hidden from everyone but its organizers."""
    _require_manage(event, by)
    _require_open(event)
    if not event.is_published:
        raise Conflict(_("Only a published event can be taken back to draft."))
    changes = _set_status(event, EventStatus.draft)
    notifications.event_changed(event, changes)
    return changes


def cancel_event(event: Event, *, by: User) -> Event:
    """Cancelling is final: status cancelled, stamped, sequence raised, registrants told."""
    _require_manage(event, by)
    _require_open(event)
    was_published = event.is_published
    event.cancelled_at = utcnow()
    _set_status(event, EventStatus.cancelled)
    if was_published:
        notifications.event_cancelled(event)
    return event


def duplicate_event(event: Event, *, by: User) -> Event:
    """A new draft with the same details (not its registrations, series or status)."""
    _require_manage(event, by)
    data = EventInput.from_event(event)
    data.co_organizer_ids = [u.id for u in event.organizers if u.id != by.id]
    return create_event(data, by=by)



def create_series(data: EventInput, frequency, count: int, *, by: User) -> list[Event]:
    """Repeat an event weekly, every two weeks or monthly, `count` times in all (drafts)."""
    from liaison import event_series  # it builds on this module's functions

    return event_series.create_series(data, frequency, count, by=by)


def update_series_from(event: Event, data: EventInput, *, by: User) -> dict[int, dict]:
    """Apply an edit to this occurrence and every later one of its series."""
    from liaison import event_series

    return event_series.update_series_from(event, data, by=by)


def cancel_series_from(event: Event, *, by: User) -> list[Event]:
    """Cancel this occurrence and every later one of its series ("the remaining series")."""
    from liaison import event_series

    return event_series.cancel_series_from(event, by=by)
