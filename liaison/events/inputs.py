"""What an organizer types about an event, and every rule of shape and range it must meet.

`validate` checks all fields at once and raises ValidationFailed naming each bad one; the
forms and the API both call it, so a rule is written once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, OrgKind, User
from liaison.core.errors import ValidationFailed
from liaison.events import topics as vocabulary
from liaison.events.models import Classification, Event, EventKind

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
VENUE_MAX = 300
URL_MAX = 500
TOPIC_MAX = 80
TOPICS_MAX = 12


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
    title_zh: str | None = None
    description_zh: str | None = None
    # Slugs, or labels and aliases in either language; what names nothing is proposed.
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
    classification: Classification | str = Classification.public
    credit_hours: float | None = None

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
            title_zh=event.title_zh,
            description_zh=event.description_zh,
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
            classification=event.classification,
            credit_hours=event.credit_hours,
        )


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return value.astimezone(zone) if value else None


@cache
def iana_zones() -> frozenset[str]:
    """Every IANA zone name that zoneinfo knows (tzdata is pinned, so this is stable)."""
    return frozenset(available_timezones())


def clean_topics(raw: list[str] | str) -> list[str]:
    """Topics trimmed, inner spaces collapsed, empty ones dropped, de-duplicated ignoring case
    (the first spelling wins). Typed text splits at commas, Chinese ones (，、) included."""
    items = re.split(r"[,，、]", raw) if isinstance(raw, str) else list(raw)
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


def validate(data: EventInput, *, current_organizer_ids=()) -> dict:
    """Every rule of shape and range at once; raises ValidationFailed naming each bad field.
    Returns the clean values keyed as the change dict is (start/end in UTC). A co-organizer
    already on the event (`current_organizer_ids`) may stay after losing the organizer role:
    they manage nothing any more, and their event stays editable."""
    errors: dict[str, str] = {}
    values: dict = {}

    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = _("Give the event a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title can be at most %(n)d characters.", n=TITLE_MAX)
    values["title"] = title

    title_zh = " ".join((data.title_zh or "").split())
    if len(title_zh) > TITLE_MAX:
        errors["title_zh"] = _("The title can be at most %(n)d characters.", n=TITLE_MAX)
    values["title_zh"] = title_zh or None

    for name in ("description", "description_zh"):
        text = (getattr(data, name) or "").replace("\r\n", "\n").strip()
        if len(text) > DESCRIPTION_MAX:
            errors[name] = _(
                "The description can be at most %(n)d characters.", n=DESCRIPTION_MAX
            )
        values[name] = text if name == "description" else text or None

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
    # Slugs the typed topics name, then a Proposal for each that names nothing yet.
    values["topics"] = vocabulary.match(topics) if "topics" not in errors else topics

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
        kept = set(current_organizer_ids)
        allowed = all(u.can_organize and u.active for u in found if u.id not in kept)
        if len(found) != len(ids) or not allowed:
            errors["co_organizer_ids"] = _(
                "Co-organizers must be active organizers or administrators."
            )
    values["co_organizer_ids"] = ids

    try:
        values["classification"] = Classification(data.classification or "public")
    except ValueError:
        errors["classification"] = _("Choose public, participants only or restricted.")
    values["credit_hours"] = _credit_hours(data.credit_hours, start, end, zone, errors)

    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return values


def _credit_hours(hours, start, end, zone, errors: dict) -> float | None:
    """Hours a full attendance credits: more than 0 and at most the duration; required when the
    event lasts more than a day (a two-day workshop is not 32 hours)."""
    if hours is None:
        if start and end and zone and _spans_days(start, end, zone):
            errors["credit_hours"] = _("This event spans several days: give the hours of "
                                       "training it credits.")
        return None
    try:
        hours = round(float(hours), 2)
    except (TypeError, ValueError):
        errors["credit_hours"] = _("Give the credited hours as a number.")
        return None
    duration = (end - start).total_seconds() / 3600 if start and end and end > start else None
    if not hours > 0 or (duration is not None and hours > duration + 1e-9):
        errors["credit_hours"] = _("Credited hours must be more than 0 and at most the event's "
                                   "length.")
    return hours


def _spans_days(start: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """Longer than a day (as Event.spans_days): an evening session past midnight is one
    session; 09:00 to 17:00 the next day is a two-day workshop."""
    return end - start > timedelta(days=1)
