"""The organization record and the reports read the summary of closed attendance (and the rest
live): their figures equal a straightforward computation over every registration — for
closed and open events, ranges that cut months in two, a focal point's scope, after a
reopening and after a cancellation."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventStatus
from liaison.records import attendance, memo, reports, summary
from liaison.records.models import RecordCell, SummarizedEvent
from liaison.records.organization_record import organization_record
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

A = AttendanceOutcome
STARTS = [datetime(2025, 1, 10, 2, tzinfo=UTC), datetime(2025, 1, 28, 3, tzinfo=UTC),
          datetime(2025, 2, 5, 1, tzinfo=UTC), datetime(2025, 2, 20, 6, tzinfo=UTC),
          datetime(2025, 3, 3, 2, tzinfo=UTC), datetime(2025, 3, 25, 1, tzinfo=UTC),
          datetime(2025, 4, 14, 2, tzinfo=UTC), datetime(2025, 4, 30, 8, tzinfo=UTC)]
RANGES = [(None, None), (date(2025, 1, 15), None), (None, date(2025, 2, 25)),
          (date(2025, 1, 15), date(2025, 3, 10)), (date(2025, 2, 1), date(2025, 3, 31)),
          (date(2025, 2, 10), date(2025, 2, 12))]


@pytest.fixture
def world(make_org, make_user, make_event):
    rng = random.Random(18)
    national = make_org("National Customs", kind=OrgKind.customs)
    offices = [make_org(f"Office {i}", kind=OrgKind.customs, parent_id=national.id)
               for i in range(2)]
    brand = make_org("Brand", kind=OrgKind.rights_holder)
    alliance = make_org("Alliance", kind=OrgKind.association)
    orgs = [national, *offices, brand, alliance]
    people = [make_user(org=orgs[i % len(orgs)], display_name=f"P{i:02d}") for i in range(14)]
    organizer = make_user(role=Role.organizer, org=brand)
    events = []
    for i, start in enumerate(STARTS):
        host = [brand, alliance, national, offices[0]][i % 4]
        event = make_event(organizer=organizer, start=start, hours=2 + i % 2, timezone="UTC",
                           host_organization=host,
                           topics=rng.sample(["postal", "express", "recordation"], 1 + i % 2))
        for person in rng.sample(people, 8):
            outcome = rng.choice([A.attended, A.attended, A.partial, A.absent])
            db.session.add(Registration(
                event=event, user=person, status=RegistrationStatus.confirmed,
                attendance=outcome,
                attended_minutes=rng.choice([30, 45, 90]) if outcome == A.partial else None))
        events.append(event)
    db.session.commit()
    for event in events[:6]:  # the last two stay open: read live
        attendance.close_attendance(event, by=organizer, now=event.end_at + timedelta(hours=1))
    db.session.commit()
    admin = make_user(role=Role.admin)
    focal = make_user(org=national, focal_point=True)
    return dict(national=national, offices=offices, orgs=orgs, events=events, admin=admin,
                focal=focal, organizer=organizer)


def _rows():
    """(registration, event, user, hours) of the counted attendance, straight from the rows."""
    rows = []
    for reg in db.session.scalars(db.select(Registration)):
        event = reg.event
        if (reg.status != RegistrationStatus.confirmed or event.status == EventStatus.cancelled
                or reg.attendance not in (A.attended, A.partial)):
            continue
        if reg.attendance == A.attended:
            hours = event.credit_hours or (event.end_at - event.start_at).total_seconds() / 3600
        else:
            hours = reg.attended_minutes / 60
        rows.append((reg, event, reg.user, hours))
    return rows


def _in(event, start, end) -> bool:
    moment = event.start_at.astimezone(UTC)
    return ((start is None or moment >= datetime.combine(start, datetime.min.time(), UTC)) and
            (end is None or moment < datetime.combine(end + timedelta(days=1),
                                                      datetime.min.time(), UTC)))


def _buckets(rows, key_of):
    groups = defaultdict(lambda: [0.0, set(), set()])
    for reg, event, user, hours in rows:
        for key in key_of(reg, event, user):
            groups[key][0] += hours
            groups[key][1].add(event.id)
            groups[key][2].add(user.id)
    return {k: (round(h, 2), len(e), len(u)) for k, (h, e, u) in groups.items()}


def _quarter(event):
    moment = event.start_at.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month + 2) // 3}"


def _host_kind(event):
    return str(event.host_organization.kind)


def _check_record(org, tree_ids, start, end):
    memo.clear()
    record = organization_record(org, start, end)
    rows = [r for r in _rows() if r[2].organization_id in tree_ids and _in(r[1], start, end)]
    people = defaultdict(lambda: [0.0, 0])
    for _reg, _event, user, hours in rows:
        people[user.id][0] += hours
        people[user.id][1] += 1
    assert {p.user_id: (p.hours, p.sessions) for p in record.people} == \
        {u: (round(h, 2), n) for u, (h, n) in people.items()}
    as_dict = lambda buckets: {b.key: (b.hours, b.sessions, b.people) for b in buckets}  # noqa: E731
    assert as_dict(record.by_topic) == _buckets(rows, lambda r, e, u: e.topics)
    assert as_dict(record.by_quarter) == _buckets(rows, lambda r, e, u: [_quarter(e)])
    assert as_dict(record.by_direction) == _buckets(
        rows, lambda r, e, u: [f"{_host_kind(e)}>{u.organization.kind}"])
    assert as_dict(record.by_office) == _buckets(rows, lambda r, e, u: [str(u.organization_id)])


def _check_reports(user, scope_ids, start, end):
    memo.clear()
    r = reports.reports(user, start, end)
    rows = [row for row in _rows() if _in(row[1], start, end) and (
        scope_ids is None or row[2].organization_id in scope_ids
        or row[1].host_organization_id in scope_ids)]
    as_dict = lambda buckets: {b.key: (b.hours, b.sessions, b.people) for b in buckets}  # noqa: E731
    month = lambda e: e.start_at.astimezone(UTC).strftime("%Y-%m")  # noqa: E731
    assert as_dict(r.months) == _buckets(rows, lambda reg, e, u: [month(e)])
    assert as_dict(r.topics) == _buckets(rows, lambda reg, e, u: e.topics)
    kinds = _buckets(rows, lambda reg, e, u: [(_host_kind(e), str(u.organization.kind))])
    assert r.kinds.hours == {k: v[0] for k, v in kinds.items()}
    pairs = _buckets(rows, lambda reg, e, u: [(str(e.host_organization_id),
                                                str(u.organization_id))])
    assert r.organizations.hours == {k: v[0] for k, v in pairs.items()}
    trained = {row[2].organization_id for row in rows}
    assert {(c.offices, c.covered) for c in r.coverage if c.organization == "National Customs"} \
        <= {(2, len(trained & {o.id for o in _children()}))}


def _children():
    from liaison.accounts.models import Organization

    return db.session.scalars(db.select(Organization).where(Organization.parent_id.is_not(None)))


def _check_all(world):
    tree = {world["national"].id, *(o.id for o in world["offices"])}
    for start, end in RANGES:
        _check_record(world["national"], tree, start, end)
        _check_record(world["offices"][0], {world["offices"][0].id}, start, end)
        _check_reports(world["admin"], None, start, end)
        _check_reports(world["focal"], tree, start, end)


def test_figures_equal_a_straight_count_of_the_registrations(world):
    assert db.session.scalar(db.select(db.func.count()).select_from(SummarizedEvent)) == 6
    assert db.session.scalar(db.select(db.func.count()).select_from(RecordCell)) > 0
    _check_all(world)


def test_reopening_and_cancelling_keep_the_figures(world, make_user):
    events, admin = world["events"], world["admin"]
    attendance.reopen_attendance(events[1], by=admin, reason="Late sign-in sheet",
                                 now=events[1].end_at + timedelta(days=1))
    reg = db.session.scalars(db.select(Registration).where(
        Registration.event_id == events[1].id, Registration.attendance == A.absent)).first()
    if reg is not None:
        reg.attendance = A.attended
    db.session.commit()
    assert not summary.is_summarized(events[1])
    _check_all(world)
    from liaison.events import lifecycle

    lifecycle.cancel_event(events[2], by=world["organizer"])
    db.session.commit()
    _check_all(world)


def test_the_worker_job_summarizes_what_was_closed_around_the_domain(world):
    events = world["events"]
    events[6].attendance_closed_at = events[6].end_at  # written without close_attendance
    db.session.commit()
    assert not summary.is_summarized(events[6])
    _check_all(world)  # read live meanwhile
    assert summary.summarize_attendance(datetime.now(UTC)) == 1
    db.session.commit()
    assert summary.is_summarized(events[6])
    _check_all(world)
    assert summary.summarize_attendance(datetime.now(UTC)) == 0


def test_the_worker_runs_the_summary_job():
    from liaison.integration.jobs import JOBS

    assert any(job.run is summary.summarize_attendance for job in JOBS)
