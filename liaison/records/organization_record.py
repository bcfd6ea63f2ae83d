"""An organization's training record, with its descendant offices: who was trained, hours by
quarter, topic, direction and office. Read by its focal points and administrators. Every part
is tallied from the summary of closed attendance and the rows read live
(liaison/records/tally.py), in a number of queries that never grows with the data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization, OrgKind, User
from liaison.core.i18n import localized, reader_language
from liaison.events.direction import pair_label
from liaison.events.models import Topic
from liaison.records.tally import Tally, Totals, collect, gc_paused


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


def labels() -> tuple[dict[int, tuple[str, str, OrgKind]], dict[str, str]]:
    """Every organization's (name in the reader's language, English name, kind) and every
    topic's label in the reader's language: the few rows the tallies' ids are named from."""
    language = reader_language()
    orgs = {i: (localized(n, zh, language), n, OrgKind(k)) for i, n, zh, k in db.session.execute(
        select(Organization.id, Organization.name, Organization.name_zh, Organization.kind))}
    topics = {slug: localized(en, zh, language) for slug, en, zh in db.session.execute(
        select(Topic.slug, Topic.label_en, Topic.label_zh))}
    return orgs, topics


def bucket(key: str, label: str, tally: Tally) -> Bucket:
    return Bucket(key, label, round(tally.hours, 2), tally.sessions, tally.people)


def merged(groups: dict, key_of) -> dict:
    """Tallies regrouped by `key_of(old key)` (None drops), their id sets united."""
    result: dict = {}
    for old, tally in groups.items():
        key = key_of(old)
        if key is None:
            continue
        into = result.get(key)
        if into is None:
            into = result[key] = Tally()
        into.absorb(tally)
    return result


def topic_buckets(totals: Totals, topics: dict[str, str]) -> list[Bucket]:
    """Hours by topic of the vocabulary: keyed by slug, labelled in the reader's language."""
    found = [bucket(slug, topics[slug], t) for slug, t in totals.topics.items() if slug in topics]
    return sorted(found, key=lambda b: (-b.hours, b.key))


def organization_record(org: Organization, start: date | None = None,
                        end: date | None = None) -> OrganizationRecord:
    """The record of `org` and its offices for the days from `start` to `end` (inclusive)."""
    from liaison.records.memo import memoized

    with gc_paused():
        parts = memoized("organization_record", (org.id, start, end),
                         lambda: _record_parts(org, start, end))
    return OrganizationRecord(organization=org, start=start, end=end, **parts)


def _record_parts(org: Organization, start: date | None, end: date | None) -> dict:
    lower, upper = day_bounds(start, end)
    tree = membership.tree_ids(org)
    totals = collect(lower, upper, trainees=tree, people=True)
    orgs, topics = labels()
    language = reader_language()
    names = {uid: (localized(n, zh, language), oid) for uid, (n, zh, oid) in totals.names.items()}
    people = sorted(((uid, h, n) for uid, (h, n) in totals.people.items() if uid in names),
                    key=lambda p: (-p[1], totals.names[p[0]][0]))  # as the English name
    quarters = merged(totals.months, lambda m: (m // 100, (m % 100 + 2) // 3))
    directions = {(OrgKind(h), OrgKind(t)): tally for (h, t), tally in totals.directions.items()}
    return dict(
        people=[PersonHours(uid, names[uid][0], orgs[names[uid][1]][0], round(h, 2), n)
                for uid, h, n in people],
        by_topic=topic_buckets(totals, topics),
        by_quarter=[bucket(f"{y}-Q{q}", f"{y}-Q{q}", quarters[(y, q)])
                    for y, q in sorted(quarters)],
        by_direction=[bucket(f"{h}>{t}", pair_label(h, t), directions[(h, t)])
                      for h, t in sorted(directions, key=lambda k: (str(k[0]), str(k[1])))],
        by_office=sorted((bucket(str(i), orgs[i][0], t) for i, t in totals.offices.items()),
                         key=lambda b: orgs[int(b.key)][1]),
    )


def check_range(start: date | None, end: date | None) -> dict[str, str]:
    """Field messages for a range that ends before it starts."""
    if start and end and end < start:
        return {"to": _("The last day must not be before the first.")}
    return {}

