"""The summary of closed attendance (`record_cell`, `record_summarized_event`), so the
organization record and the reports read a few thousand rows instead of every registration.

A month (of the events' UTC start) is rebuilt whole from the registrations whenever one of its
events closes or reopens its attendance, or a summarized event changes (cancelled, moved,
other topics): the moments its counted hours can change. Events not (yet) summarized — open
attendance, or rows written around the domain (bulk loads) — are read live by
`liaison.records.tally`, so the figures are those of the registrations at every moment; the
worker's `summarize_attendance` job catches up on closed events that are not summarized.

What a rebuild fixes: a person's hours are filed under the organization they belong to when
their month is summarized, and the host's kind is the one it has then; someone who moves
later, or an organization whose kind changes, keeps those past months as they were until the
month is rebuilt (the people counts follow today's members, as they always did).

Cells keep the ids of their people and sessions (packed arrays, or bitmaps for all organizations
together), so distinct counts over any run of months and organizations are unions of sets:
exact, not sums of counts."""
from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, literal, select

from extensions import db
from liaison.accounts.models import User
from liaison.events.models import Event, EventTopic
from liaison.records.hours import credited_hours_sql
from liaison.records.models import RecordCell, RecordPerson, SummarizedEvent
from liaison.records.training import counted_attendance
from liaison.registration.models import Registration

_SWAP = sys.byteorder == "big"  # the blobs are little-endian on every machine


def pack(kind: str, values: Iterable) -> bytes:
    packed = array(kind, values)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def unpack(kind: str, blob: bytes | None) -> array:
    values = array(kind)
    if blob:
        values.frombytes(blob)
        if _SWAP:
            values.byteswap()
    return values


def month_of(moment: datetime) -> int:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.year * 100 + moment.month


def month_start(month: int) -> datetime:
    return datetime(month // 100, month % 100, 1, tzinfo=UTC)


def next_month(month: int) -> int:
    year, m = divmod(month, 100)
    return year * 100 + m + 1 if m < 12 else (year + 1) * 100 + 1


def counted_rows(*where):
    """(event id, user id, trainee organization, host organization, host kind, start, hours)
    of the counted attendance, with `where` added."""
    from liaison.accounts.models import Organization

    return (
        select(Registration.event_id, Registration.user_id, User.organization_id,
               Event.host_organization_id, Organization.kind, Event.start_at,
               credited_hours_sql())
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .join(User, User.id == Registration.user_id)
        .join(Organization, Organization.id == Event.host_organization_id)
        .where(counted_attendance(), *where)
    )


def topics_of(event_ids) -> dict[int, list[str]]:
    """Each event's topic slugs (one statement, even for none)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(select(EventTopic.event_id, EventTopic.topic_slug)
                              .where(EventTopic.event_id.in_(list(event_ids))))
    for event_id, slug in rows:
        found[event_id].append(slug)
    return found


def bitmap(ids: Iterable[int]) -> bytes:
    """A set of ids as little-endian bits (bit i set: id i in the set)."""
    ids = list(ids)
    bits = bytearray((max(ids) >> 3) + 1 if ids else 0)
    for i in ids:
        bits[i >> 3] |= 1 << (i & 7)
    return bytes(bits)


class _Cell:
    __slots__ = ("hours", "registrations", "users", "events")

    def __init__(self):
        self.hours = 0.0
        self.registrations = 0
        self.users: set[int] = set()
        self.events: set[int] = set()

    def add(self, event_id: int, user_id: int, hours: float) -> None:
        self.hours += hours
        self.registrations += 1
        self.users.add(user_id)
        self.events.add(event_id)


EVERYONE = 0  # the trainee_org_id of the cells of all organizations together


def rebuild_month(month: int) -> int:
    """Replace the month's cells with those of its events' closed attendance; returns how many
    events are summarized. Only flushes.

    Per person: their hours and registrations (`record_person`). Per trainee organization:
    "all" with its sessions as a packed array; "topic", "host_kind" and "host"
    with hours and registrations only. For all organizations together (trainee_org_id 0):
    "all", "topic" and "host_kind" with their people and sessions as bitmaps, which the
    tallies intersect with a scope's people."""
    db.session.flush()
    lower, upper = month_start(month), month_start(next_month(month))
    db.session.execute(delete(RecordCell).where(RecordCell.month == month))
    before = set(db.session.scalars(select(RecordPerson.user_id)
                                    .where(RecordPerson.month == month)))
    db.session.execute(delete(RecordPerson).where(RecordPerson.month == month))
    db.session.execute(delete(SummarizedEvent).where(SummarizedEvent.month == month))
    closed = db.session.scalars(select(Event.id).where(
        Event.attendance_closed_at.is_not(None), Event.start_at >= lower,
        Event.start_at < upper)).all()
    if not closed:
        _person_totals(before)
        return 0
    rows = db.session.execute(counted_rows(Registration.event_id.in_(closed))).all()
    topics = topics_of(closed)
    cells: dict[tuple[int, str, str], _Cell] = {}

    def cell(org: int, dim: str, key: str) -> _Cell:
        found = cells.get((org, dim, key))
        if found is None:
            found = cells[(org, dim, key)] = _Cell()
        return found

    persons: dict[int, list] = {}
    for event_id, user_id, trainee, host, host_kind, _start, hours in rows:
        hours = float(hours or 0)
        for org in (trainee, EVERYONE):
            cell(org, "all", "").add(event_id, user_id, hours)
            cell(org, "host_kind", str(host_kind)).add(event_id, user_id, hours)
            for slug in topics.get(event_id, ()):
                cell(org, "topic", slug).add(event_id, user_id, hours)
        cell(trainee, "host", str(host)).add(event_id, user_id, hours)
        person = persons.setdefault(user_id, [trainee, 0.0, 0])
        person[1] += hours
        person[2] += 1
    values = []
    for (org, dim, key), c in cells.items():
        row = {"month": month, "trainee_org_id": org, "dim": dim, "key": key,
               "hours": c.hours, "registrations": c.registrations, "users": None,
               "events": None}
        if org == EVERYONE:
            row |= {"users": bitmap(c.users), "events": bitmap(c.events)}
        elif dim == "all":  # the people come from the bitmaps of all organizations
            row |= {"events": pack("I", sorted(c.events))}
        values.append(row)
    if values:
        db.session.execute(insert(RecordCell), values)
    if persons:
        db.session.execute(insert(RecordPerson), [
            {"user_id": user, "month": month, "trainee_org_id": org, "hours": hours,
             "registrations": count} for user, (org, hours, count) in persons.items()])
    _person_totals(before | set(persons))
    db.session.execute(insert(SummarizedEvent),
                       [{"event_id": event_id, "month": month} for event_id in closed])
    return len(closed)


def _person_totals(users: set[int]) -> None:
    """Each of these people's rows for all months together (month 0), summed again."""
    users = sorted(users)
    for at in range(0, len(users), 5000):
        chunk = users[at:at + 5000]
        db.session.execute(delete(RecordPerson).where(RecordPerson.month == 0,
                                                      RecordPerson.user_id.in_(chunk)))
        db.session.execute(insert(RecordPerson).from_select(
            ["user_id", "month", "trainee_org_id", "hours", "registrations"],
            select(RecordPerson.user_id, literal(0), RecordPerson.trainee_org_id,
                   func.sum(RecordPerson.hours), func.sum(RecordPerson.registrations))
            .where(RecordPerson.month != 0, RecordPerson.user_id.in_(chunk))
            .group_by(RecordPerson.user_id, RecordPerson.trainee_org_id)))


def refresh_for(event: Event, *also: datetime | None) -> None:
    """Rebuild the month of `event` (and of the other starts given, e.g. before a move)."""
    months = {month_of(event.start_at)} | {month_of(m) for m in also if m is not None}
    for month in sorted(months):
        rebuild_month(month)


def is_summarized(event: Event) -> bool:
    return db.session.get(SummarizedEvent, event.id) is not None


def summarize_attendance(now: datetime) -> int:
    """The worker's job: summarize the months holding closed events that are not summarized
    yet (loaded around the domain, or closed before the summary existed). Returns how many
    months it rebuilt."""
    starts = db.session.scalars(select(Event.start_at).where(
        Event.attendance_closed_at.is_not(None),
        Event.id.not_in(select(SummarizedEvent.event_id)))).all()
    months = sorted({month_of(start) for start in starts})
    for month in months:
        rebuild_month(month)
    return len(months)
