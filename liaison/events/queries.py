"""Which events a viewer may see, and the list filters, as composable SELECTs.

Everything returns a `Select` so pages, feeds and the API paginate and eager-load it their way.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from liaison.accounts.models import Organization
from liaison.core.database import contains_pattern
from liaison.events import topics
from liaison.events.direction import parse_direction_key
from liaison.events.models import (
    Classification,
    Event,
    EventKind,
    EventStatus,
    EventTopic,
    event_organizer,
)

# The registration table by name: `registration` sits above `events`, but whether the viewer
# is a registrant decides where a restricted event is listed (the rule belongs here).
_registration = sa.table(
    "registration", sa.column("event_id"), sa.column("user_id"), sa.column("status")
)
_ACTIVE = ("pending", "confirmed", "waitlisted")  # registration.ACTIVE_REGISTRATION_STATUSES


def _organized_by(user_id: int):
    return exists().where(
        event_organizer.c.event_id == Event.id, event_organizer.c.user_id == user_id
    )


def _registered(user_id: int):
    return exists().where(
        _registration.c.event_id == Event.id,
        _registration.c.user_id == user_id,
        _registration.c.status.in_(_ACTIVE),
    )


def visible_events(viewer, *, direct: bool = False) -> Select:
    """Anonymous visitors see non-draft events open to all; signed-in users see non-draft
    events open to all or to their organization's kind (only once the organization has
    verified their membership: pending and rejected members see what visitors see), plus every
    event they manage (organize, while their role still organizes);
    administrators see everything. Drafts are never shown to anyone else. Cancelled events stay
    visible (their page says so; calendar entries link to it); lists of upcoming events show
    published ones only (`upcoming`).

    Classification (liaison.events.classification): a `restricted` event never reaches
    anonymous visitors, and lists (the default) show it only to its registrants (an active
    registration), organizers and administrators. `direct=True` is for one event asked for
    by its id (its page, its .ics, the API's GET): there a signed-in member of its audience
    reaches it too, with title, time and place, so a person sent the link can register."""
    stmt = select(Event)
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return stmt.where(
            Event.status != EventStatus.draft,
            Event.audience_csv == "",
            Event.classification != Classification.restricted,
        )
    if viewer.is_admin:
        return stmt
    kind = viewer.audience_kind  # None until the organization has verified the membership
    in_audience = Event.audience_csv == ""
    if kind is not None:
        in_audience = or_(in_audience, Event.audience_csv.contains(f",{kind},"))
    seen = and_(Event.status != EventStatus.draft, in_audience)
    if not direct:
        seen = and_(
            seen,
            or_(Event.classification != Classification.restricted, _registered(viewer.id)),
        )
    if viewer.can_co_organize:  # lifecycle.can_manage's rule: a demoted organizer sees no drafts
        seen = or_(seen, _organized_by(viewer.id))
    return stmt.where(seen)


def list_standing(viewer) -> tuple:
    """Everything `visible_events(viewer)` (a list, not `direct`) depends on besides the rows
    of events, as one hashable value: viewers with equal standings see the same events. One
    small query, for the restricted events the viewer is registered for."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return ("visitor",)
    if viewer.is_admin:
        return ("admin",)
    restricted = tuple(db.session.scalars(
        select(_registration.c.event_id)
        .join(Event, Event.id == _registration.c.event_id)
        .where(_registration.c.user_id == viewer.id,
               _registration.c.status.in_(_ACTIVE),
               Event.classification == Classification.restricted)
        .order_by(_registration.c.event_id)
    ))
    return (viewer.audience_kind, viewer.id if viewer.can_co_organize else None, restricted)


def organized_by(user) -> Select:
    """Events the user created or co-organizes ("My events")."""
    return select(Event).where(_organized_by(user.id))


def with_details(stmt: Select) -> Select:
    """Eager-load what cards and pages show, in a fixed number of queries whatever the count."""
    return stmt.options(
        selectinload(Event.host_organization),
        selectinload(Event.topic_rows),
        selectinload(Event.organizers),
    )


def for_cards(stmt: Select) -> Select:
    """Eager-load what an event card shows (host and topics; not the organizers): the host
    joined into the same statement, the topics in one more."""
    return stmt.options(joinedload(Event.host_organization), selectinload(Event.topic_rows))


def filter_events(
    stmt: Select,
    *,
    kind: str | None = None,
    direction: str | None = None,
    topic: str | None = None,
    host_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    q: str | None = None,
) -> Select:
    """Narrow a SELECT of events; unknown values narrow to nothing rather than erroring.
    `q` matches titles, and descriptions of public events only (classification)."""
    if kind:
        try:
            stmt = stmt.where(Event.kind == EventKind(kind))
        except ValueError:
            stmt = stmt.where(False)
    if direction:
        pair = parse_direction_key(direction)
        if pair is None:
            stmt = stmt.where(False)
        else:
            host_kind, audience_kind = pair
            stmt = stmt.where(
                Event.host_organization_id.in_(
                    select(Organization.id).where(Organization.kind == host_kind)
                )
            )
            if audience_kind is None:
                stmt = stmt.where(Event.audience_csv == "")
            else:
                stmt = stmt.where(Event.audience_csv.contains(f",{audience_kind},"))
    if topic and topic.strip():
        # A slug, or any name of a topic in either language (old free tags included).
        stmt = stmt.where(
            exists().where(
                EventTopic.event_id == Event.id,
                EventTopic.topic_slug.in_(topics.names_select(topic)),
            )
        )
    if host_id:
        stmt = stmt.where(Event.host_organization_id == host_id)
    if starts_from:
        stmt = stmt.where(Event.end_at >= starts_from)
    if starts_before:
        stmt = stmt.where(Event.start_at < starts_before)
    if q and q.strip():
        # The description is searched only where every viewer may read it (classification):
        # a match would otherwise tell what a hidden description says.
        pattern = contains_pattern(q.strip().lower())
        stmt = stmt.where(
            or_(
                func.lower(Event.title).like(pattern, escape="\\"),
                func.lower(Event.title_zh).like(pattern, escape="\\"),
                and_(
                    Event.classification == Classification.public,
                    or_(
                        func.lower(Event.description).like(pattern, escape="\\"),
                        func.lower(Event.description_zh).like(pattern, escape="\\"),
                    ),
                ),
            )
        )
    return stmt


def upcoming(stmt: Select, now: datetime) -> Select:
    """Published events that have not ended yet, soonest first."""
    return stmt.where(Event.status == EventStatus.published, Event.end_at >= now).order_by(
        Event.start_at, Event.id
    )


def direction_rows(viewer, now: datetime) -> list[tuple]:
    """(host kind, audience csv) of upcoming visible events: the direction filter's choices."""
    visible = upcoming(visible_events(viewer), now).order_by(None).subquery()
    rows = select(Organization.kind, visible.c.audience_csv).join(
        visible, visible.c.host_organization_id == Organization.id
    ).distinct()
    return list(db.session.execute(rows).all())
