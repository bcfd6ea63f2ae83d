"""An organization's training record, with its descendant offices: who was trained, hours by
quarter, topic, direction and office. Read by its focal points and administrators. Every part
is one GROUP BY over the counted attendance, so the number of queries never grows with the
data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, cast, distinct, func, select
from sqlalchemy.orm import aliased

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization, OrgKind, User
from liaison.core.i18n import localized
from liaison.events.direction import pair_label
from liaison.events.models import Event, EventTopic, Topic
from liaison.records.hours import credited_hours_sql
from liaison.records.training import counted_attendance
from liaison.registration.models import Registration

Trainee = aliased(Organization, name="trainee_org")
Host = aliased(Organization, name="host_org")


@dataclass(frozen=True)
class Bucket:
    """Hours of one group: a topic, a quarter, a direction or an office."""

    key: str
    label: str
    hours: float
    sessions: int
    people: int


@dataclass(frozen=True)
class PersonHours:
    user_id: int
    name: str
    organization: str
    hours: float
    sessions: int


@dataclass(frozen=True)
class OrganizationRecord:
    organization: Organization
    start: date | None
    end: date | None
    people: list[PersonHours]
    by_topic: list[Bucket]
    by_quarter: list[Bucket]
    by_direction: list[Bucket]
    by_office: list[Bucket]

    @property
    def total_hours(self) -> float:
        return round(sum(p.hours for p in self.people), 2)


def can_read_record(user: User, org: Organization) -> bool:
    """Administrators, and focal points of the organization or of one above it."""
    return membership.may_act_for(user, org)


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Inclusive days as UTC instants: [start 00:00, end+1 00:00)."""
    lower = datetime.combine(start, time(0), tzinfo=UTC) if start else None
    upper = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC) if end else None
    return lower, upper


def attendance_base(*columns, start: datetime | None = None, end: datetime | None = None,
                    within=None) -> Select:
    """SELECT columns FROM counted attendance (registration, event, user, the trainee's
    organization, the host organization), optionally within an organization tree and times."""
    query = (
        select(*columns)
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .join(User, User.id == Registration.user_id)
        .join(Trainee, Trainee.id == User.organization_id)
        .join(Host, Host.id == Event.host_organization_id)
        .where(counted_attendance())
    )
    if within is not None:
        query = query.where(User.organization_id.in_(within))
    if start is not None:
        query = query.where(Event.start_at >= start)
    if end is not None:
        query = query.where(Event.start_at < end)
    return query


def _aggregates():
    return (func.sum(credited_hours_sql()), func.count(distinct(Event.id)),
            func.count(distinct(Registration.user_id)))


def quarter_of(column):
    """'2025-Q3' parts: (year, quarter) as integers, in SQL."""
    year = cast(func.extract("year", column), Integer)
    quarter = cast((cast(func.extract("month", column), Integer) + 2) / 3, Integer)
    return year, quarter


def buckets_by_topic(**where) -> list[Bucket]:
    """Hours by topic of the vocabulary: keyed by slug, labelled in the reader's language."""
    rows = db.session.execute(
        attendance_base(Topic.slug, Topic.label_en, Topic.label_zh, *_aggregates(), **where)
        .join(EventTopic, EventTopic.event_id == Event.id)
        .join(Topic, Topic.slug == EventTopic.topic_slug)
        .group_by(Topic.slug, Topic.label_en, Topic.label_zh)
        .order_by(func.sum(credited_hours_sql()).desc(), Topic.slug)
    ).all()
    return [Bucket(slug, localized(en, zh), round(float(h or 0), 2), s, p)
            for slug, en, zh, h, s, p in rows]


def buckets_by_quarter(**where) -> list[Bucket]:
    year, quarter = quarter_of(Event.start_at)
    rows = db.session.execute(
        attendance_base(year, quarter, *_aggregates(), **where)
        .group_by(year, quarter).order_by(year, quarter)
    ).all()
    return [Bucket(f"{y}-Q{q}", f"{y}-Q{q}", round(float(h or 0), 2), s, p)
            for y, q, h, s, p in rows]


def buckets_by_direction(**where) -> list[Bucket]:
    """Host organization kind → trainee organization kind: who trained whom."""
    rows = db.session.execute(
        attendance_base(Host.kind, Trainee.kind, *_aggregates(), **where)
        .group_by(Host.kind, Trainee.kind).order_by(Host.kind, Trainee.kind)
    ).all()
    return [Bucket(f"{OrgKind(h)}>{OrgKind(t)}", pair_label(OrgKind(h), OrgKind(t)),
                   round(float(hours or 0), 2), s, p) for h, t, hours, s, p in rows]


def buckets_by_office(**where) -> list[Bucket]:
    rows = db.session.execute(
        attendance_base(Trainee.id, Trainee.name, Trainee.name_zh, *_aggregates(), **where)
        .group_by(Trainee.id, Trainee.name, Trainee.name_zh).order_by(Trainee.name)
    ).all()
    return [Bucket(str(i), localized(n, zh), round(float(h or 0), 2), s, p)
            for i, n, zh, h, s, p in rows]


def organization_record(org: Organization, start: date | None = None,
                        end: date | None = None) -> OrganizationRecord:
    """The record of `org` and its offices for the days from `start` to `end` (inclusive)."""
    from liaison.records.memo import memoized

    parts = memoized("organization_record", (org.id, start, end),
                     lambda: _record_parts(org, start, end))
    return OrganizationRecord(organization=org, start=start, end=end, **parts)


def _record_parts(org: Organization, start: date | None, end: date | None) -> dict:
    lower, upper = day_bounds(start, end)
    where = {"start": lower, "end": upper, "within": membership.tree_ids(org)}
    people = db.session.execute(
        attendance_base(User.id, User.display_name, User.display_name_zh, Trainee.name,
                        Trainee.name_zh, func.sum(credited_hours_sql()),
                        func.count(Registration.id), **where)
        .group_by(User.id, User.display_name, User.display_name_zh, Trainee.name, Trainee.name_zh)
        .order_by(func.sum(credited_hours_sql()).desc(), User.display_name)
    ).all()
    return dict(
        people=[PersonHours(uid, localized(n, nzh), localized(o, ozh), round(float(h or 0), 2), s)
                for uid, n, nzh, o, ozh, h, s in people],
        by_topic=buckets_by_topic(**where),
        by_quarter=buckets_by_quarter(**where),
        by_direction=buckets_by_direction(**where),
        by_office=buckets_by_office(**where),
    )


def check_range(start: date | None, end: date | None) -> dict[str, str]:
    """Field messages for a range that ends before it starts."""
    if start and end and end < start:
        return {"to": _("The last day must not be before the first.")}
    return {}

