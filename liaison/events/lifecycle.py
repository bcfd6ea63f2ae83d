"""Creating and changing events: the sequence rule, publishing, cancelling, copies.

Input and its validation live in `inputs` (re-exported here), series in `series`, the
visibility query in `queries`. Seats and notices belong to packages above this one, so changes
reach them as signals (`signals`): capacity through the seat lock, news to the registrants.
Everything only flushes: the caller commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.core.errors import Conflict, NotAllowed
from liaison.core.reasons import clean_reason
from liaison.core.signals import send_required
from liaison.core.types import utcnow
from liaison.events import signals, topics
from liaison.events.inputs import (  # noqa: F401  (re-exported: part of this interface)
    DESCRIPTION_MAX,
    TITLE_MAX,
    TOPIC_MAX,
    TOPICS_MAX,
    URL_MAX,
    VENUE_MAX,
    EventInput,
    iana_zones,
    validate,
)
from liaison.events.models import Event, EventStatus, EventTopic
from liaison.events.queries import visible_events  # noqa: F401  (part of this interface)

# Changes that a calendar must see: they raise the sequence number (RFC 5545 SEQUENCE).
# Classification too: it changes the entry's CLASS and whether it carries a description.
# An agenda change does not (liaison.meetings.agenda): it moves no calendar entry.
CALENDAR_FIELDS = frozenset(
    {"start", "end", "timezone", "venue", "online_url", "status", "classification"}
)


def can_manage(event: Event, user) -> bool:
    """THE rule for managing an event, asked by pages, CSV, API, check-in and registrations:
    administrators manage every event; anyone else must be one of its organizers *and* still
    hold a role that organizes — the organizer role, or acting as a focal point (a focal point
    made co-organizer, as after an accepted proposal, manages the event as an organizer
    would). An organizer demoted to participant, or a focal point no longer acting (pending,
    rejected, flag removed), stays on the event's list (it records who ran it) but manages
    nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return (user.can_organize or user.acts_as_focal_point) and event.has_organizer(user)


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
        "title_zh": event.title_zh,
        "description": event.description,
        "description_zh": event.description_zh,
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
        "classification": event.classification,
        "credit_hours": event.credit_hours,
    }


def _assign(event: Event, values: dict, creator: User | None, by: User | None = None) -> None:
    """Write clean values onto the event (capacity and org cap are the caller's business);
    typed topics that name nothing become proposals by `by`."""
    event.title, event.title_zh = values["title"], values["title_zh"]
    event.description, event.description_zh = values["description"], values["description_zh"]
    event.kind = values["kind"]
    event.host_organization_id = values["host_organization_id"]
    event.audience = values["audience"]
    event.timezone = values["timezone"]
    event.start_at, event.end_at = values["start"], values["end"]
    event.venue, event.online_url = values["venue"], values["online_url"]
    event.registration_opens_at = values["registration_opens"]
    event.registration_closes_at = values["registration_closes"]
    event.requires_approval = values["requires_approval"]
    event.classification = values["classification"]
    event.credit_hours = values["credit_hours"]
    slugs = topics.slugs_for(values["topics"], by=by or creator)
    if event.topics != slugs:
        keep = {r.topic_slug: r for r in event.topic_rows if r.topic_slug in slugs}
        event.topic_rows = [keep.get(s) or EventTopic(topic_slug=s) for s in slugs]
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
    _assign(event, values, by, by)
    db.session.flush()
    return event


def update_event(event: Event, data: EventInput, *, by: User) -> dict[str, tuple]:
    """Apply an edit; returns field -> (old, new). Time, zone, place and status changes raise
    the sequence; capacity and the organization cap go through the seat lock first
    (`signals.seats_changing`: it refuses what no longer fits, and promotes); a new audience
    cancels the registrations it no longer admits (`signals.audience_changed`)."""
    _require_manage(event, by)
    _require_open(event)
    values = validate(data, current_organizer_ids=[u.id for u in event.organizers])
    if by.id != event.created_by_id and any(u.id == by.id for u in event.organizers):
        # The form lists co-organizers other than the editor: saving never removes oneself.
        values["co_organizer_ids"] = sorted({*values["co_organizer_ids"], by.id})
    before = _current(event)
    changes = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    seat_changes = {k: changes[k][1] for k in ("capacity", "org_cap") if k in changes}
    if seat_changes:
        # First, while nothing else is pending: the receiver takes the seat lock and may promote.
        send_required(signals.seats_changing, event, **seat_changes)
    creator = event.created_by
    _assign(event, values, creator, by)
    _touch(event, set(changes))
    db.session.flush()
    if "audience" in changes:
        # Those it no longer admits lose their places (and are told) before anyone hears of
        # the other changes: they are no longer registrants of this event.
        send_required(signals.audience_changed, event)
    if event.is_published and set(changes) & CALENDAR_FIELDS:
        signals.event_changed.send(event, changes=changes)
    if event.is_published and changes:
        signals.event_updated.send(event, changes=changes)
    return changes


def _set_status(event: Event, status: EventStatus) -> dict[str, tuple]:
    old = event.status
    event.status = status
    _touch(event, {"status"})
    db.session.flush()
    signals.event_status_changed.send(event, old=old, new=status)
    return {"status": (old, status)}


def publish_event(event: Event, *, by: User) -> dict[str, tuple]:
    """A draft becomes visible to its audience and open for registration."""
    _require_manage(event, by)
    _require_open(event)
    if event.is_published:
        raise Conflict(_("This event is already published."))
    changes = _set_status(event, EventStatus.published)
    signals.event_published.send(event, changes=changes)
    return changes


def unpublish_event(event: Event, *, by: User) -> dict[str, tuple]:
    """A published event goes back to draft: hidden from everyone but its organizers."""
    _require_manage(event, by)
    _require_open(event)
    if not event.is_published:
        raise Conflict(_("Only a published event can be taken back to draft."))
    changes = _set_status(event, EventStatus.draft)
    signals.event_changed.send(event, changes=changes)
    signals.event_updated.send(event, changes=changes)
    return changes


def cancel_event(event: Event, *, by: User, reason: str | None = None) -> Event:
    """Cancelling is final: status cancelled, stamped, sequence raised, registrants told (with
    the organizers' `reason`, if they gave one)."""
    _require_manage(event, by)
    _require_open(event)
    reason = clean_reason(reason)
    was_published = event.is_published
    event.cancelled_at = utcnow()
    event.cancellation_reason = reason
    _set_status(event, EventStatus.cancelled)
    if was_published:
        signals.event_cancelled.send(event)
    return event


COPY_PREFIX = "Copy of "


def copy_title(title: str) -> str:
    """"Copy of <title>", shortened with "…" to stay within TITLE_MAX."""
    room = TITLE_MAX - len(COPY_PREFIX)
    return COPY_PREFIX + (title if len(title) <= room else title[: room - 1].rstrip() + "…")


def copy_shift(start: datetime, now: datetime | None = None) -> timedelta:
    """How far a copy moves: whole weeks (same weekday, same local time), at least one, until
    it starts in the future. A copy never lands on the original's date, or in the past."""
    now = now or utcnow()
    weeks = max(1, -(-(now - start) // timedelta(weeks=1)))
    if start + timedelta(weeks=weeks) <= now:
        weeks += 1
    return timedelta(weeks=weeks)


def duplicate_event(event: Event, *, by: User, now: datetime | None = None) -> Event:
    """A new draft named "Copy of …" with the same details (not its registrations, series or
    status), moved by whole weeks to the first such date in the future, its registration
    window with it."""
    _require_manage(event, by)
    data = EventInput.from_event(event)
    data.co_organizer_ids = [u.id for u in event.organizers if u.id != by.id]
    data.title = copy_title(event.title)
    shift = copy_shift(event.start_at, now)
    # Local wall times plus whole weeks: 09:00 stays 09:00 across a change of summer time.
    data.start, data.end = data.start + shift, data.end + shift
    if data.registration_opens:
        data.registration_opens += shift
    if data.registration_closes:
        data.registration_closes += shift
    return create_event(data, by=by)


def create_series(data: EventInput, frequency, count: int, *, by: User) -> list[Event]:
    """Repeat an event weekly, every two weeks or monthly, `count` times in all (drafts)."""
    from liaison.events import series  # it builds on this module's functions

    return series.create_series(data, frequency, count, by=by)


def update_series_from(event: Event, data: EventInput, *, by: User) -> dict[int, dict]:
    """Apply an edit to this occurrence and every later one of its series."""
    from liaison.events import series

    return series.update_series_from(event, data, by=by)


def cancel_series_from(event: Event, *, by: User, reason: str | None = None) -> list[Event]:
    """Cancel this occurrence and every later one of its series ("the remaining series")."""
    from liaison.events import series

    return series.cancel_series_from(event, by=by, reason=reason)
