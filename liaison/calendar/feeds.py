"""Which events a calendar feed holds, and when that content last changed.

Public feed: published events open to all (empty audience), not restricted (classification),
that ended at most `PUBLIC_PAST_DAYS` ago, filterable by kind, topic and host organization.
Personal feed: events the user has an active registration for (pending and waitlisted become
TENTATIVE; only while the audience still admits them, rule 1) or organizes, drafts excluded,
ended at most `PERSONAL_PAST_DAYS` ago.
Both keep a cancelled event as STATUS:CANCELLED for `grace_days` (FEED_CANCELLED_GRACE_DAYS)
after its cancellation, then drop it: dropping removes it from every subscribed calendar.

`last_modified` is deliberately conservative (the newest change to any event, to the user's
registrations, or the latest moment an event aged out of the window), so a client that only
sends If-Modified-Since never gets a wrong 304; the ETag (from the body) is the exact check.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import (
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union,
)
from sqlalchemy.orm import joinedload, subqueryload

from extensions import db
from liaison.accounts.models import Membership, Organization, User
from liaison.core.database import MAX_ID
from liaison.core.errors import ValidationFailed
from liaison.core.types import UTCDateTime
from liaison.events import topics
from liaison.events.models import (
    Classification,
    Event,
    EventKind,
    EventStatus,
    Topic,
    event_organizer,
)
from liaison.events.queries import filter_events
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStatus,
)

PUBLIC_PAST_DAYS = 90
PERSONAL_PAST_DAYS = 365
TOPIC_MAX = 80


@dataclass(frozen=True)
class PublicFilters:
    """The public feed's ?kind=&topic=&host= after checking."""

    kind: EventKind | None = None
    topic: str | None = None  # as given: a slug, or any name of a topic (old free tags too)
    host: Organization | None = None
    topic_term: Topic | None = None  # the topic it names, if any

    def label(self) -> str:
        parts = [str(self.kind.label)] if self.kind else []
        if self.topic:
            parts.append(self.topic_term.label if self.topic_term else self.topic)
        if self.host:
            parts.append(self.host.name)
        return " · ".join(parts)


@dataclass
class Feed:
    """What `ical.build_calendar` needs, plus the Last-Modified source."""

    name: str
    events: list[Event]
    viewer_statuses: dict[int, RegistrationStatus] = field(default_factory=dict)
    show_online_for: set[int] = field(default_factory=set)
    last_modified: datetime | None = None


def parse_public_filters(args: Mapping[str, str]) -> PublicFilters:
    """Empty values mean "any"; anything else must name a kind, a topic or an organization."""
    kind_raw = (args.get("kind") or "").strip()
    topic = (args.get("topic") or "").strip()
    host_raw = (args.get("host") or "").strip()
    try:
        kind = EventKind(kind_raw) if kind_raw else None
    except ValueError:
        raise ValidationFailed(
            _("Unknown kind. Use one of: %(kinds)s.", kinds=", ".join(k.value for k in EventKind)),
            fields={"kind": _("Unknown kind.")},
        ) from None
    if len(topic) > TOPIC_MAX or any(ord(c) < 32 for c in topic):
        raise ValidationFailed(_("That is not a valid topic."), fields={"topic": _("Invalid.")})
    host = None
    if host_raw:
        if not host_raw.isascii() or not host_raw.isdigit() or len(host_raw) > 12:
            raise ValidationFailed(
                _("The host must be an organization number."), fields={"host": _("Invalid.")}
            )
        number = int(host_raw)
        host = db.session.get(Organization, number) if number <= MAX_ID else None
        if host is None:
            raise ValidationFailed(
                _("There is no organization with that number."), fields={"host": _("Unknown.")}
            )
    return PublicFilters(
        kind=kind, topic=topic or None, host=host, topic_term=topics.resolve(topic)
    )


def _in_grace(now: datetime, grace_days: int):
    """Published, or cancelled less than `grace_days` ago."""
    return _cancelled_since(now - timedelta(days=grace_days))


def _cancelled_since(cutoff):
    """Published, or cancelled at or after `cutoff` (a value or a bind parameter)."""
    cancelled_at = func.coalesce(Event.cancelled_at, Event.updated_at)
    return or_(
        Event.status == EventStatus.published,
        and_(Event.status == EventStatus.cancelled, cancelled_at >= cutoff),
    )


def _details(stmt):
    """Hosts joined in, topics in one more query however many events (selectinload would
    send one query per 500 events)."""
    return stmt.options(
        joinedload(Event.host_organization, innerjoin=True), subqueryload(Event.topic_rows)
    ).order_by(Event.start_at, Event.id)


def _last_modified(now: datetime, grace_days: int, past_days: int, *extra) -> datetime | None:
    """The newest change that could alter a feed: any event's update, an event leaving the
    grace period or the window, plus `extra` instants (the user's registrations)."""
    grace_cutoff = now - timedelta(days=grace_days)
    past_cutoff = now - timedelta(days=past_days)
    cancelled_at = func.coalesce(Event.cancelled_at, Event.updated_at)
    row = db.session.execute(
        select(
            func.max(Event.updated_at),
            func.max(
                type_coerce(
                    case((and_(Event.status == EventStatus.cancelled, cancelled_at < grace_cutoff),
                          cancelled_at)),
                    UTCDateTime(),
                )
            ),
            func.max(type_coerce(case((Event.end_at < past_cutoff, Event.end_at)), UTCDateTime())),
        )
    ).one()
    candidates = [row[0], *extra]
    if row[1] is not None:
        candidates.append(row[1] + timedelta(days=grace_days))
    if row[2] is not None:
        candidates.append(row[2] + timedelta(days=past_days))
    found = [c for c in candidates if c is not None]
    return min(max(found), now) if found else None


def public_select(
    filters: PublicFilters, *, now: datetime, grace_days: int, past_days: int = PUBLIC_PAST_DAYS
):
    """The public feed's events as a SELECT (no ordering, no eager loads)."""
    stmt = select(Event).where(
        Event.audience_csv == "",
        Event.classification != Classification.restricted,
        Event.end_at >= now - timedelta(days=past_days),
        _in_grace(now, grace_days),
    )
    return filter_events(
        stmt,
        kind=filters.kind.value if filters.kind else None,
        topic=filters.topic,
        host_id=filters.host.id if filters.host else None,
    )


def public_name(filters: PublicFilters) -> str:
    """The public feed's calendar name, with its filters, in the current language."""
    label = filters.label()
    name = _("Liaison: public sessions")
    return f"{name} ({label})" if label else name


def personal_name() -> str:
    """The personal feed's calendar name, in the current language."""
    return _("Liaison: my sessions")


def public_feed(
    filters: PublicFilters,
    *,
    now: datetime,
    grace_days: int,
    past_days: int = PUBLIC_PAST_DAYS,
    only: Collection[int] | None = None,
) -> Feed:
    """Published events open to all (cancelled ones during the grace period), filtered;
    `only` narrows it to those event ids (the entries a rebuild lacks)."""
    stmt = public_select(filters, now=now, grace_days=grace_days, past_days=past_days)
    events = _load(stmt, only)
    return Feed(
        name=public_name(filters),
        events=events,
        # A rebuild's entries need no Last-Modified (`public_last_modified` gives the feed's).
        last_modified=None if only is not None else _last_modified(now, grace_days, past_days),
    )


ID_BATCH = 500


def _load(stmt, only: Collection[int] | None) -> list[Event]:
    """The events of `stmt` with their details; only those of `only` when given. Past
    `ID_BATCH` ids the whole feed is loaded and filtered here, so the number of statements
    never grows with the data (and no statement carries thousands of parameters)."""
    if only is not None and len(only) <= ID_BATCH:
        stmt = stmt.where(Event.id.in_(sorted(only)))
    events = list(db.session.scalars(_details(stmt)))
    if only is not None:
        wanted = set(only)
        events = [e for e in events if e.id in wanted]
    return events


def personal_select(
    user: User, *, now: datetime, grace_days: int, past_days: int = PERSONAL_PAST_DAYS
):
    """The personal feed's events as a SELECT (no ordering, no eager loads)."""
    return personal_select_on(
        user.id, now - timedelta(days=past_days), now - timedelta(days=grace_days)
    )


_FEED_USER = User.__table__.alias("feed_user")
_FEED_ORG = Organization.__table__.alias("feed_org")


def _admitted(user_id):
    """Rule 1 as the feed is read: the event is open to all, or the user's verified
    organization's kind is in its audience (a registration the audience no longer admits
    does not put the event, or its meeting link, in their calendar)."""
    kind_in_audience = exists().where(
        _FEED_USER.c.id == user_id,
        _FEED_USER.c.membership == Membership.verified.value,
        _FEED_ORG.c.id == _FEED_USER.c.organization_id,
        Event.audience_csv.contains(literal(",") + _FEED_ORG.c.kind + literal(",")),
    )
    return or_(Event.audience_csv == "", kind_in_audience)


def personal_select_on(user_id, ended_after, cancelled_after):
    """`personal_select` on values or bind parameters (`feedcontent.personal_queries`)."""
    organizes = exists().where(
        event_organizer.c.event_id == Event.id, event_organizer.c.user_id == user_id
    )
    registered = exists().where(
        Registration.event_id == Event.id,
        Registration.user_id == user_id,
        or_(
            and_(Registration.status.in_(ACTIVE_REGISTRATION_STATUSES), _admitted(user_id)),
            # Cancelled together with (or after) the event: it was theirs when it was called off.
            and_(
                Event.status == EventStatus.cancelled,
                Registration.status == RegistrationStatus.cancelled,
                Registration.updated_at >= func.coalesce(Event.cancelled_at, Event.updated_at),
            ),
        ),
    )
    # The same rule, narrowed first to the user's own rows (an index look-up, not a scan).
    theirs = union(
        select(Registration.event_id).where(Registration.user_id == user_id),
        select(event_organizer.c.event_id).where(event_organizer.c.user_id == user_id),
    )
    return select(Event).where(
        Event.id.in_(theirs),
        or_(organizes, registered),
        Event.end_at >= ended_after,
        _cancelled_since(cancelled_after),
    )


def personal_feed(
    user: User,
    *,
    now: datetime,
    grace_days: int,
    past_days: int = PERSONAL_PAST_DAYS,
    only: Collection[int] | None = None,
) -> Feed:
    """The user's registered (active) and organized events; an event cancelled while they
    were registered stays, as cancelled, for the grace period. Never anyone else's. `only`
    narrows it to those event ids (the entries a rebuild lacks)."""
    stmt = personal_select(user, now=now, grace_days=grace_days, past_days=past_days)
    events = _load(stmt, only)
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, Registration.updated_at).where(
            Registration.user_id == user.id
        )
    ).all()
    statuses = {r.event_id: r.status for r in rows if r.status in ACTIVE_REGISTRATION_STATUSES}
    # The online link as an organizer only while their role organizes (lifecycle.can_manage).
    organized = set(
        db.session.scalars(
            select(event_organizer.c.event_id).where(event_organizer.c.user_id == user.id)
        )
    ) if user.can_organize else set()
    online = {
        e.id
        for e in events
        if not e.is_cancelled
        and (e.id in organized or statuses.get(e.id) == RegistrationStatus.confirmed)
    }
    newest_registration = max((r.updated_at for r in rows), default=None)
    return Feed(
        name=personal_name(),
        events=events,
        viewer_statuses={e.id: statuses[e.id] for e in events if e.id in statuses},
        show_online_for=online,
        last_modified=None if only is not None else _last_modified(
            now, grace_days, past_days, newest_registration),
    )


def public_last_modified(
    *, now: datetime, grace_days: int, past_days: int = PUBLIC_PAST_DAYS
) -> datetime | None:
    """The public feed's Last-Modified, as `public_feed` gives it, without loading events."""
    return _last_modified(now, grace_days, past_days)


def personal_last_modified(
    user: User, *, now: datetime, grace_days: int, past_days: int = PERSONAL_PAST_DAYS
) -> datetime | None:
    """The personal feed's Last-Modified, as `personal_feed` gives it, without loading
    events."""
    newest = db.session.scalar(
        select(func.max(Registration.updated_at)).where(Registration.user_id == user.id)
    )
    return _last_modified(now, grace_days, past_days, newest)
