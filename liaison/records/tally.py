"""Counted attendance over a period, tallied for the organization record and the reports: the
summary's cells (liaison/records/summary.py) for the whole months of summarized events, plus
the registrations read live for the rest (open attendance, the part-months at the ends of the
period, events not summarized yet, and for a focal point's reports the events their
organizations hosted for others). Hours add up; people and sessions are unions of id sets
(bitmaps intersected with the scope's people), so each figure equals the one computed from
every registration.

A fixed number of statements whatever the data: organizations, the hours, the bitmaps, the
arrays and people of a scope, the live rows and their topics."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, false, func, not_, or_, select, true

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.events.models import Event
from liaison.records.models import RecordCell, RecordPerson, SummarizedEvent
from liaison.records.summary import (
    EVERYONE,
    counted_rows,
    month_of,
    month_start,
    next_month,
    topics_of,
)
from liaison.records.summary import unpack as _unpack


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a tally reads its tens of thousands of rows: a full
    collection of the process's heap, set off by those short-lived rows, cost more than the
    tally itself (150-200 ms, measured). The tally makes no reference cycles to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bits(blob: bytes | None) -> int:
    return int.from_bytes(blob, "little") if blob else 0


def _mask(ids) -> int:
    bits = bytearray()
    for i in ids:
        if (i >> 3) >= len(bits):
            bits.extend(bytes((i >> 3) + 1 - len(bits)))
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def _count(bits: int, extra: set[int]) -> int:
    """Members of the bitmap and of the set together."""
    if not extra:
        return bits.bit_count()
    if not bits:
        return len(extra)
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    size = len(raw)
    return bits.bit_count() + sum(
        1 for i in extra if (i >> 3) >= size or not raw[i >> 3] >> (i & 7) & 1)


@dataclass
class Tally:
    """Hours, registrations, and the distinct people and sessions behind them (as bitmaps
    and sets)."""

    hours: float = 0.0
    registrations: int = 0
    user_bits: int = 0
    event_bits: int = 0
    users: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)

    @property
    def people(self) -> int:
        return _count(self.user_bits, self.users)

    @property
    def sessions(self) -> int:
        return _count(self.event_bits, self.events)

    def add_one(self, event_id: int, user_id: int, hours: float) -> None:
        self.hours += hours
        self.registrations += 1
        self.users.add(user_id)
        self.events.add(event_id)

    def absorb(self, other: Tally) -> None:
        self.hours += other.hours
        self.registrations += other.registrations
        self.user_bits |= other.user_bits
        self.event_bits |= other.event_bits
        self.users |= other.users
        self.events |= other.events


@dataclass
class Totals:
    months: dict[int, Tally] = field(default_factory=dict)  # YYYYMM
    offices: dict[int, Tally] = field(default_factory=dict)  # trainee organization id
    topics: dict[str, Tally] = field(default_factory=dict)  # topic slug
    directions: dict[tuple[str, str], Tally] = field(default_factory=dict)  # host, trainee kind
    pairs: dict[tuple[int, int], float] = field(default_factory=dict)  # (host, trainee) hours
    people: dict[int, list] = field(default_factory=dict)  # user id -> [hours, sessions]
    names: dict[int, tuple] = field(default_factory=dict)  # the scope's people: user id ->
    # (display name, Chinese display name, organization id), with `people`


def _rows(query):
    """The rows of a Core query through the session's connection: plain tuples, without the
    ORM's result handling (a third of the time over tens of thousands of rows)."""
    return db.session.connection().execute(query)


def _get(table: dict, key) -> Tally:
    found = table.get(key)
    if found is None:
        found = table[key] = Tally()
    return found


@dataclass(frozen=True)
class _Period:
    lower: datetime | None
    upper: datetime | None
    first: int | None  # the first whole month (YYYYMM), None: from the beginning
    stop: int | None  # the month after the last whole month, None: to the end

    @classmethod
    def of(cls, lower: datetime | None, upper: datetime | None) -> _Period:
        first = stop = None
        if lower is not None:
            first = month_of(lower)
            if month_start(first) != lower:
                first = next_month(first)
        if upper is not None:
            stop = month_of(upper)
        return cls(lower, upper, first, stop)

    @property
    def empty(self) -> bool:
        return self.first is not None and self.stop is not None and self.first >= self.stop

    def months(self, column):
        if self.empty:
            return false()
        return and_(true(), *([column >= self.first] if self.first else []),
                    *([column < self.stop] if self.stop else []))

    def persons(self):
        """The `record_person` rows of the period: those of all months together for all
        time, else those of its whole months."""
        if self.first is None and self.stop is None:
            return RecordPerson.month == 0
        return and_(RecordPerson.month > 0, self.months(RecordPerson.month))

    def covered(self):
        """Events whose counted rows the cells hold for this period."""
        if self.empty:
            return false()
        bounds = ([Event.start_at >= month_start(self.first)] if self.first else []) + \
            ([Event.start_at < month_start(self.stop)] if self.stop else [])
        return and_(Event.id.in_(select(SummarizedEvent.event_id)), *bounds)

    def within(self):
        return and_(true(), *([Event.start_at >= self.lower] if self.lower else []),
                    *([Event.start_at < self.upper] if self.upper else []))


def collect(lower: datetime | None, upper: datetime | None, *, trainees: Select | None = None,
            scope: Select | None = None, people: bool = False) -> Totals:
    """Counted attendance of events starting in [lower, upper): of the people of `trainees`
    (organization ids), or of the rows whose trainee or host is in `scope`, or all of it.
    `people`: each person's hours and names too (the organization record); otherwise the
    hours between host and trainee organizations (the reports)."""
    period = _Period.of(lower, upper)
    kinds = {i: str(k) for i, k in _rows(select(Organization.id,
                                                             Organization.kind))}
    mine = trainees if trainees is not None else scope
    totals = Totals()
    _add_hours(totals, period, mine, kinds, pairs=not people)
    masks = _add_sets(totals, period, mine, kinds, people)
    _add_bitmaps(totals, period, masks)
    _add_live(totals, period, trainees, scope, kinds, people)
    return totals


def _add_hours(totals: Totals, period: _Period, mine, kinds, pairs: bool) -> None:
    """Hours and registrations of every group, from the organizations' cells: the "all" cells
    as they are (one per month and organization), the others summed in SQL in the order of
    their index (so without sorting)."""
    months = (select(RecordCell.month, RecordCell.trainee_org_id, RecordCell.hours,
                     RecordCell.registrations)
              .where(RecordCell.dim == "all", RecordCell.trainee_org_id != EVERYONE,
                     period.months(RecordCell.month)))
    groups = (select(RecordCell.dim, RecordCell.trainee_org_id, RecordCell.key,
                     func.sum(RecordCell.hours), func.sum(RecordCell.registrations))
              .where(RecordCell.dim.in_(("topic", "host_kind") + (("host",) if pairs else ())),
                     RecordCell.trainee_org_id != EVERYONE, period.months(RecordCell.month))
              .group_by(RecordCell.dim, RecordCell.trainee_org_id, RecordCell.key))
    if mine is not None:
        months = months.where(RecordCell.trainee_org_id.in_(mine))
        groups = groups.where(RecordCell.trainee_org_id.in_(mine))
    for month, org, hours, count in _rows(months):
        for tally in (_get(totals.months, month), _get(totals.offices, org)):
            tally.hours += hours
            tally.registrations += count
    for dim, org, key, hours, count in _rows(groups):
        hours, count = float(hours or 0), int(count or 0)
        if dim == "topic":
            tally = _get(totals.topics, key)
        elif dim == "host_kind":
            tally = _get(totals.directions, (key, kinds[org]))
        else:
            totals.pairs[(int(key), org)] = hours
            continue
        tally.hours += hours
        tally.registrations += count


def _add_sets(totals: Totals, period: _Period, mine, kinds, people: bool):
    """Within a scope: the sessions of each month and office (the organizations' arrays), each
    person's hours (`record_person`), and the scope's people and sessions as bitmaps for
    `_add_bitmaps`: (people by kind, people by organization, sessions by kind). None without
    a scope."""
    if mine is None:
        return None
    cells = (select(RecordCell.month, RecordCell.trainee_org_id, RecordCell.events)
             .where(RecordCell.dim == "all", RecordCell.trainee_org_id != EVERYONE,
                    RecordCell.trainee_org_id.in_(mine), period.months(RecordCell.month)))
    events_by_kind: dict[str, set[int]] = {}
    for month, org, events in _rows(cells):
        events = _unpack("I", events)
        _get(totals.months, month).events.update(events)
        _get(totals.offices, org).events.update(events)
        events_by_kind.setdefault(kinds[org], set()).update(events)
    if people:  # summed in SQL in the order of the index (a person who moved: two rows)
        persons = (select(RecordPerson.user_id, func.sum(RecordPerson.hours),
                          func.sum(RecordPerson.registrations))
                   .where(RecordPerson.trainee_org_id.in_(mine), period.persons())
                   .group_by(RecordPerson.trainee_org_id, RecordPerson.user_id))
        for user, hours, count in _rows(persons):
            entry = totals.people.setdefault(user, [0.0, 0])
            entry[0] += float(hours or 0)
            entry[1] += int(count or 0)
    users_by_kind: dict[str, list[int]] = {}
    users_by_org: dict[int, list[int]] = {}
    names = (User.display_name, User.display_name_zh) if people else ()
    for user, org, *name in _rows(select(User.id, User.organization_id, *names)
                                               .where(User.organization_id.in_(mine))):
        users_by_kind.setdefault(kinds[org], []).append(user)
        users_by_org.setdefault(org, []).append(user)
        if people:
            totals.names[user] = (*name, org)
    return ({kind: _mask(ids) for kind, ids in users_by_kind.items()},
            {org: _mask(ids) for org, ids in users_by_org.items()},
            {kind: _mask(ids) for kind, ids in events_by_kind.items()})


def _add_bitmaps(totals: Totals, period: _Period, masks) -> None:
    """People (and sessions) of months, offices, topics and directions from the bitmaps of
    all organizations together, intersected with the scope's people and sessions."""
    dims = ("all", "topic") if masks is None else ("all", "topic", "host_kind")
    query = (select(RecordCell.dim, RecordCell.key, RecordCell.month, RecordCell.users,
                    RecordCell.events)
             .where(RecordCell.trainee_org_id == EVERYONE, RecordCell.dim.in_(dims),
                    period.months(RecordCell.month)))
    groups: dict[tuple[str, str | int], list[int]] = {}
    for dim, key, month, users, events in _rows(query):
        group = groups.setdefault((dim, month if dim == "all" else key), [0, 0])
        group[0] |= _bits(users)
        group[1] |= _bits(events)
    if masks is None:
        for (dim, key), (users, events) in groups.items():
            tally = _get(totals.months if dim == "all" else totals.topics, key)
            tally.user_bits, tally.event_bits = users, events
        return  # the kinds matrix needs only the hours of the directions
    by_kind, by_org, event_masks = masks
    everyone = event_all = trained = 0
    for bits in by_kind.values():
        everyone |= bits
    for bits in event_masks.values():
        event_all |= bits
    for (dim, key), (users, events) in groups.items():
        if dim == "all":  # the sessions of a month in the scope are in its arrays
            _get(totals.months, key).user_bits = users & everyone
            trained |= users
        elif dim == "topic":
            tally = _get(totals.topics, key)
            tally.user_bits, tally.event_bits = users & everyone, events & event_all
        else:
            for kind, mask in by_kind.items():
                if (key, kind) in totals.directions:
                    tally = totals.directions[(key, kind)]
                    tally.user_bits = users & mask
                    tally.event_bits = events & event_masks.get(kind, 0)
    for org, tally in totals.offices.items():
        tally.user_bits = trained & by_org.get(org, 0)


def _live_rows(period: _Period, trainees: Select | None, scope: Select | None):
    """The counted rows the cells do not hold, driven by their events (few)."""
    from liaison.registration.models import Registration

    covered = period.covered()
    if scope is not None:  # also the rows of events the scope hosted, trained outside it
        events = select(Event.id).where(period.within(), or_(
            not_(covered), Event.host_organization_id.in_(scope)))
        rows = and_(or_(User.organization_id.in_(scope), Event.host_organization_id.in_(scope)),
                    or_(not_(covered), User.organization_id.not_in(scope)))
    else:
        events = select(Event.id).where(period.within(), not_(covered))
        rows = User.organization_id.in_(trainees) if trainees is not None else true()
    return counted_rows(Registration.event_id.in_(events), rows)


def _add_live(totals: Totals, period: _Period, trainees, scope, kinds, people: bool) -> None:
    rows = _rows(_live_rows(period, trainees, scope)).all()
    topics = topics_of({row[0] for row in rows})
    for event_id, user_id, trainee, host, host_kind, start, hours in rows:
        hours = float(hours or 0)
        _get(totals.months, month_of(start)).add_one(event_id, user_id, hours)
        _get(totals.offices, trainee).add_one(event_id, user_id, hours)
        _get(totals.directions, (str(host_kind), kinds[trainee])).add_one(
            event_id, user_id, hours)
        totals.pairs[(host, trainee)] = totals.pairs.get((host, trainee), 0.0) + hours
        for slug in topics.get(event_id, ()):
            _get(totals.topics, slug).add_one(event_id, user_id, hours)
        if people:
            entry = totals.people.setdefault(user_id, [0.0, 0])
            entry[0] += hours
            entry[1] += 1
