"""The reports (`/reports`): who trained whom (organization kinds and organizations), hours per
month, coverage of local offices, topics and survey scores over time. Administrators see
everything; a focal point sees the attendance of the organizations they act for (as trainees
or as hosts). Each part is one GROUP BY over the counted attendance: the number of queries
never grows with the data."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, distinct, func, or_, select

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization, OrgKind, User, localized
from liaison.records.hours import credited_hours_sql
from liaison.records.organization_record import (
    Bucket,
    Host,
    Trainee,
    attendance_base,
    buckets_by_topic,
    day_bounds,
)
from liaison.registration.models import Registration

MATRIX_SIZE = 8  # organizations per side of the organization matrix


@dataclass(frozen=True)
class Matrix:
    """Hours by (host row, trainee column), with the labels of both sides."""

    rows: list[tuple[str, str]]  # (key, label) of the trainers
    columns: list[tuple[str, str]]  # (key, label) of the trainees
    hours: dict[tuple[str, str], float]
    people: dict[tuple[str, str], int]

    def cell(self, row: str, column: str) -> float:
        return self.hours.get((row, column), 0.0)


@dataclass(frozen=True)
class Coverage:
    """Of an organization's local offices, how many had someone trained."""

    organization: str
    offices: int
    covered: int

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.offices) if self.offices else 0


@dataclass(frozen=True)
class Reports:
    start: date | None
    end: date | None
    kinds: Matrix
    organizations: Matrix
    months: list[Bucket]
    coverage: list[Coverage]
    topics: list[Bucket]
    scores: list[tuple[str, float, int]]  # (month, average overall rating 1-5, responses)

    @property
    def total_hours(self) -> float:
        return round(sum(b.hours for b in self.months), 2)


def scope_for(user: User):
    """None (everything) for administrators; the ids of the organizations a focal point acts
    for otherwise (their attendance as trainees or as hosts)."""
    return None if user.is_admin else membership.acted_for_ids(user)


def _scoped(query, scope):
    if scope is None:
        return query
    return query.where(or_(Trainee.id.in_(scope), Host.id.in_(scope)))


def _aggregates():
    return func.sum(credited_hours_sql()), func.count(distinct(Registration.user_id))


def kinds_matrix(where, scope) -> Matrix:
    rows = db.session.execute(_scoped(
        attendance_base(Host.kind, Trainee.kind, *_aggregates(), **where)
        .group_by(Host.kind, Trainee.kind), scope)).all()
    kinds = [(str(k), k.plural_label) for k in OrgKind]
    hours = {(str(OrgKind(h)), str(OrgKind(t))): round(float(v or 0), 2) for h, t, v, _p in rows}
    people = {(str(OrgKind(h)), str(OrgKind(t))): int(p) for h, t, _v, p in rows}
    used_rows = [k for k in kinds if any(key[0] == k[0] for key in hours)]
    used_columns = [k for k in kinds if any(key[1] == k[0] for key in hours)]
    return Matrix(used_rows, used_columns, hours, people)


def organizations_matrix(where, scope) -> Matrix:
    """The organizations that trained most by the organizations trained most (MATRIX_SIZE each)."""
    rows = db.session.execute(_scoped(
        attendance_base(Host.id, Host.name, Host.name_zh, Trainee.id, Trainee.name,
                        Trainee.name_zh, *_aggregates(), **where)
        .group_by(Host.id, Host.name, Host.name_zh, Trainee.id, Trainee.name, Trainee.name_zh),
        scope)).all()
    by_host: dict[tuple[str, str], float] = defaultdict(float)
    by_trainee: dict[tuple[str, str], float] = defaultdict(float)
    hours, people = {}, {}
    for hid, hname, hzh, tid, tname, tzh, value, count in rows:
        host, trainee = (str(hid), localized(hname, hzh)), (str(tid), localized(tname, tzh))
        value = round(float(value or 0), 2)
        by_host[host] += value
        by_trainee[trainee] += value
        hours[(host[0], trainee[0])] = value
        people[(host[0], trainee[0])] = int(count)
    top = lambda totals: sorted(totals, key=lambda k: (-totals[k], k[1]))[:MATRIX_SIZE]  # noqa: E731
    return Matrix(top(by_host), top(by_trainee), hours, people)


def months(where, scope) -> list[Bucket]:
    from liaison.events.models import Event

    year = cast(func.extract("year", Event.start_at), Integer)
    month = cast(func.extract("month", Event.start_at), Integer)
    rows = db.session.execute(_scoped(
        attendance_base(year, month, *_aggregates(), func.count(distinct(Event.id)), **where)
        .group_by(year, month).order_by(year, month), scope)).all()
    return [Bucket(f"{y}-{m:02d}", f"{y}-{m:02d}", round(float(h or 0), 2), s, p)
            for y, m, h, p, s in rows]


def coverage(where, scope) -> list[Coverage]:
    """For each organization with local offices: offices (at any depth) with someone trained."""
    orgs = db.session.execute(select(Organization.id, Organization.parent_id,
                                     Organization.name, Organization.name_zh)).all()
    trained = set(db.session.scalars(_scoped(
        attendance_base(distinct(Trainee.id), **where), scope)))
    children: dict[int, list[int]] = defaultdict(list)
    for org_id, parent_id, _n, _z in orgs:
        if parent_id is not None:
            children[parent_id].append(org_id)
    allowed = None if scope is None else set(db.session.scalars(scope))
    result = []
    for org_id, parent_id, name, name_zh in orgs:
        if parent_id is not None or not children.get(org_id):
            continue
        if allowed is not None and org_id not in allowed:
            continue
        offices, stack = [], list(children[org_id])
        while stack:
            office = stack.pop()
            offices.append(office)
            stack.extend(children.get(office, ()))
        covered = sum(office in trained for office in offices)
        result.append(Coverage(localized(name, name_zh), len(offices), covered))
    return sorted(result, key=lambda c: c.organization)


def survey_scores(where, scope) -> list[tuple[str, float, int]]:
    """Average of the surveys' overall rating per month of the events (1-5)."""
    from liaison.records import surveys

    return surveys.overall_by_month(where, scope)


def reports(user: User, start: date | None = None, end: date | None = None) -> Reports:
    """The reports as `user` may see them (memoized per content generation)."""
    from liaison.records.memo import memoized

    scope_key = "all" if user.is_admin else ("focal", user.id, user.organization_id)
    return memoized("reports", (scope_key, start, end), lambda: _reports(user, start, end))


def _reports(user: User, start: date | None, end: date | None) -> Reports:
    lower, upper = day_bounds(start, end)
    where = {"start": lower, "end": upper}
    scope = scope_for(user)
    topics = buckets_by_topic(**where) if scope is None else _scoped_topics(where, scope)
    return Reports(
        start=start, end=end,
        kinds=kinds_matrix(where, scope),
        organizations=organizations_matrix(where, scope),
        months=months(where, scope),
        coverage=coverage(where, scope),
        topics=topics,
        scores=survey_scores(where, scope),
    )


def _scoped_topics(where, scope) -> list[Bucket]:
    from liaison.core import i18n
    from liaison.events.models import Event, EventTopic, Topic

    rows = db.session.execute(_scoped(
        attendance_base(Topic.slug, Topic.label_en, Topic.label_zh, func.sum(credited_hours_sql()),
                        func.count(distinct(Event.id)), func.count(distinct(Registration.user_id)),
                        **where)
        .join(EventTopic, EventTopic.event_id == Event.id)
        .join(Topic, Topic.slug == EventTopic.topic_slug)
        .group_by(Topic.slug, Topic.label_en, Topic.label_zh), scope)).all()
    return sorted((Bucket(slug, i18n.localized(en, zh), round(float(h or 0), 2), s, p)
                   for slug, en, zh, h, s, p in rows), key=lambda b: (-b.hours, b.key))
