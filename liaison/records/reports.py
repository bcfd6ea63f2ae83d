"""The reports (`/reports`): who trained whom (organization kinds and organizations), hours per
month, coverage of local offices, topics and survey scores over time. Administrators see
everything; a focal point sees the attendance of the organizations they act for (as trainees
or as hosts). Every part is tallied from the summary of closed attendance and the rows read live
(liaison/records/tally.py): the number of queries never grows with the data."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Organization, OrgKind, User, localized
from liaison.records.organization_record import (
    Bucket,
    bucket,
    day_bounds,
    labels,
    topic_buckets,
)
from liaison.records.tally import Totals, collect, gc_paused

MATRIX_SIZE = 8  # organizations per side of the organization matrix


@dataclass(frozen=True)
class Matrix:
    """Hours by (host row, trainee column), with the labels of both sides."""

    rows: list[tuple[str, str]]  # (key, label) of the trainers
    columns: list[tuple[str, str]]  # (key, label) of the trainees
    hours: dict[tuple[str, str], float]

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


def kinds_matrix(totals: Totals) -> Matrix:
    cells = totals.directions
    kinds = [(str(k), k.plural_label) for k in OrgKind]
    hours = {key: round(t.hours, 2) for key, t in cells.items()}
    used_rows = [k for k in kinds if any(key[0] == k[0] for key in hours)]
    used_columns = [k for k in kinds if any(key[1] == k[0] for key in hours)]
    return Matrix(used_rows, used_columns, hours)


def organizations_matrix(totals: Totals, orgs) -> Matrix:
    """The organizations that trained most by the organizations trained most (MATRIX_SIZE each)."""
    by_host: dict[tuple[str, str], float] = defaultdict(float)
    by_trainee: dict[tuple[str, str], float] = defaultdict(float)
    hours = {}
    for (hid, tid), value in totals.pairs.items():
        host, trainee = (str(hid), orgs[hid][0]), (str(tid), orgs[tid][0])
        value = round(value, 2)
        by_host[host] += value
        by_trainee[trainee] += value
        hours[(host[0], trainee[0])] = value
    top = lambda totals: sorted(totals, key=lambda k: (-totals[k], k[1]))[:MATRIX_SIZE]  # noqa: E731
    return Matrix(top(by_host), top(by_trainee), hours)


def months(totals: Totals) -> list[Bucket]:
    return [bucket(f"{m // 100}-{m % 100:02d}", f"{m // 100}-{m % 100:02d}", totals.months[m])
            for m in sorted(totals.months)]


def coverage(totals: Totals, scope) -> list[Coverage]:
    """For each organization with local offices: offices (at any depth) with someone trained."""
    orgs = db.session.execute(select(Organization.id, Organization.parent_id,
                                     Organization.name, Organization.name_zh)).all()
    trained = set(totals.offices)
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
    with gc_paused():
        return memoized("reports", (scope_key, start, end), lambda: _reports(user, start, end))


def _reports(user: User, start: date | None, end: date | None) -> Reports:
    lower, upper = day_bounds(start, end)
    scope = scope_for(user)
    totals = collect(lower, upper, scope=scope)
    orgs, topics = labels()
    return Reports(
        start=start, end=end,
        kinds=kinds_matrix(totals),
        organizations=organizations_matrix(totals, orgs),
        months=months(totals),
        coverage=coverage(totals, scope),
        topics=topic_buckets(totals, topics),
        scores=survey_scores({"start": lower, "end": upper}, scope),
    )
