"""Seat counting and the one lock every seat-changing action goes through (rule 6).

Read `lock_seats` first: it is the whole concurrency story.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import User
from liaison.core.database import begin_immediate, is_sqlite
from liaison.events.models import Event
from liaison.registration.models import Allocation, Registration, RegistrationStatus

# How long the unlocked (test-only) path waits between counting and acting, so the stress
# test's control run reliably shows the race that the lock prevents.
UNLOCKED_RACE_DELAY = 0.05


@dataclass(frozen=True)
class SeatCounts:
    """How many registrations of an event are in each state; pending ones hold no seat."""

    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    checked_in: int = 0

    def seats_left(self, capacity: int | None) -> int | None:
        """Free seats for a capacity (None = unlimited)."""
        return None if capacity is None else max(capacity - self.confirmed, 0)


def seat_counts(event_ids: Iterable[int]) -> dict[int, SeatCounts]:
    """Counts per event in one GROUP BY query; events without registrations get zeros."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}

    def count_of(status: RegistrationStatus):
        return func.coalesce(func.sum(case((Registration.status == status, 1), else_=0)), 0)

    checked_in = func.coalesce(
        func.sum(
            case(
                (
                    sa.and_(
                        Registration.status == RegistrationStatus.confirmed,
                        Registration.checked_in_at.is_not(None),
                    ),
                    1,
                ),
                else_=0,
            )
        ),
        0,
    )
    rows = db.session.execute(
        select(
            Registration.event_id,
            count_of(RegistrationStatus.confirmed),
            count_of(RegistrationStatus.waitlisted),
            count_of(RegistrationStatus.pending),
            checked_in,
        )
        .where(Registration.event_id.in_(ids))
        .group_by(Registration.event_id)
    ).all()
    counts = {event_id: SeatCounts() for event_id in ids}
    for event_id, confirmed, waitlisted, pending, checked in rows:
        counts[event_id] = SeatCounts(int(confirmed), int(waitlisted), int(pending), int(checked))
    return counts


@dataclass(frozen=True)
class Reserve:
    """Seats held for one organization and its descendant offices: an allocation the worker
    has not released yet."""

    allocation_id: int
    organization_id: int
    seats: int
    members: frozenset[int]  # ids of the organization and every office below it


@dataclass
class Seats:
    """The confirmed seats of one event, counted under the lock: in total, per organization,
    and the reserves (allocations) they fill.

    Reserved seats count against capacity: a seat of a reserve not yet filled is free only to
    the reserve's people. Each confirmed registrant fills the most specific reserve of theirs
    that has room (an office's before its parent's), else an open seat; in a tree of
    organizations that greedy choice is the best one, so `filled` depends only on the counts.
    """

    event: Event
    confirmed: int
    by_org: dict[int, int] = field(default_factory=dict)
    reserves: list[Reserve] = field(default_factory=list)

    @property
    def free(self) -> int | None:
        """Free seats, reserved ones included (None = unlimited capacity)."""
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.confirmed, 0)

    def _chain(self, organization_id: int) -> list[Reserve]:
        """The reserves a member of `organization_id` may fill, most specific first."""
        mine = [r for r in self.reserves if organization_id in r.members]
        return sorted(mine, key=lambda r: (len(r.members), r.allocation_id))

    def filled(self) -> dict[int, int]:
        """Allocation id -> how many of its seats confirmed registrants fill."""
        filled = {r.allocation_id: 0 for r in self.reserves}
        if not self.reserves:
            return filled
        for org_id, count in sorted(self.by_org.items()):
            for reserve in self._chain(org_id):
                if count <= 0:
                    break
                take = min(count, reserve.seats - filled[reserve.allocation_id])
                filled[reserve.allocation_id] += take
                count -= take
        return filled

    @property
    def held_back(self) -> int:
        """Reserved seats nobody fills yet: free only to their organizations' people."""
        filled = self.filled()
        return sum(max(r.seats - filled[r.allocation_id], 0) for r in self.reserves)

    @property
    def open(self) -> int | None:
        """Free seats anyone may take (None = unlimited capacity)."""
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.confirmed - self.held_back, 0)

    def org_full(self, organization_id: int) -> bool:
        """Rule 4: the organization already holds `org_cap` confirmed seats."""
        cap = self.event.org_cap
        return cap is not None and self.by_org.get(organization_id, 0) >= cap

    def reserved_room(self, organization_id: int) -> bool:
        """A reserved seat of this organization (or an organization above it) is still free."""
        filled = self.filled()
        return any(filled[r.allocation_id] < r.seats for r in self._chain(organization_id))

    def fits(self, organization_id: int) -> bool:
        """The organization is under its cap and a seat is free to it: an open one, or one
        reserved for it or for an organization above it."""
        if self.org_full(organization_id):
            return False
        if self.event.capacity is None:
            return True
        return self.open != 0 or self.reserved_room(organization_id)

    def take(self, organization_id: int) -> None:
        self.confirmed += 1
        self.by_org[organization_id] = self.by_org.get(organization_id, 0) + 1

    def release(self, organization_id: int) -> None:
        self.confirmed -= 1
        self.by_org[organization_id] = self.by_org.get(organization_id, 0) - 1


def count_seats(event: Event) -> Seats:
    """Confirmed registrations of `event` per organization of the registrant (one query), and
    its held reserves with their organizations' trees (two more, only when it has any)."""
    rows = db.session.execute(
        select(User.organization_id, func.count(Registration.id))
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        )
        .group_by(User.organization_id)
    ).all()
    by_org = {org_id: int(n) for org_id, n in rows}
    return Seats(event=event, confirmed=sum(by_org.values()), by_org=by_org,
                 reserves=held_reserves(event))


def held_reserves(event: Event) -> list[Reserve]:
    """The event's allocations the worker has not released, each with its organization's tree."""
    held = db.session.execute(
        select(Allocation.id, Allocation.organization_id, Allocation.seats).where(
            Allocation.event_id == event.id, Allocation.released_at.is_(None)
        ).order_by(Allocation.id)
    ).all()
    if not held:
        return []
    trees = membership.trees({org_id for _id, org_id, _seats in held})
    return [
        Reserve(allocation_id, org_id, seats, frozenset(trees[org_id]))
        for allocation_id, org_id, seats in held
    ]


def lock_seats(event: Event) -> Seats:
    """Lock the event's seats until the caller commits, then count them (lock, recount, act,
    flush; the caller commits).

    Every action that changes who holds a seat (register, cancel, approve, decline, move,
    capacity change, promotion, check-in, nominate, substitute, reserve and release seats)
    calls this first and decides only on the counts it
    returns, so two requests can never both take "the last seat":

    * PostgreSQL: ``SELECT ... FROM event WHERE id = :id FOR UPDATE``. Concurrent callers for
      the same event queue on that row lock until the holder commits or rolls back; the
      recount runs after the lock is granted, under READ COMMITTED, so it sees every seat
      taken by the previous holder. Other events are not blocked.
    * SQLite: the transaction is restarted as ``BEGIN IMMEDIATE`` (`database.begin_immediate`),
      which waits (busy timeout) for the database-wide write lock and holds it until commit.
      The read-only transaction before that point is rolled back, so the event and any
      registration the caller holds reload with fresh values. If the transaction has already
      written (a caller such as `events.update_event` changed the event), it already holds
      the write lock on the newest snapshot, so it is kept and its changes survive.

    `SEAT_LOCK_DISABLED` (test-only) counts *before* taking any lock and pauses briefly, the
    check-then-act race of an implementation without this helper; the stress test's control
    run uses it to show that the race is real. SQLite still serializes the writes themselves.
    """
    session = db.session()
    if current_app.config.get("SEAT_LOCK_DISABLED"):
        seats = count_seats(event)
        time.sleep(UNLOCKED_RACE_DELAY)
        if is_sqlite(session):
            _take_sqlite_write_lock(session)
        return seats
    if is_sqlite(session):
        _take_sqlite_write_lock(session)
        session.refresh(event)
    else:
        session.flush()
        session.execute(
            select(Event.id).where(Event.id == event.id).with_for_update()
        )
        session.refresh(event)
    return count_seats(event)


def _take_sqlite_write_lock(session: Session) -> None:
    session.flush()  # the caller's pending changes are written (and kept), not rolled back
    if session.in_transaction() and session.connection().info.get(_WROTE):
        return  # this transaction has written: it already holds the write lock
    begin_immediate(session)


# Set on a DBAPI connection once its current transaction has written: from then on SQLite
# holds the write lock for it, and rolling back would throw the caller's work away.
_WROTE = "liaison_transaction_wrote"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@sa.event.listens_for(Engine, "before_cursor_execute")
def _mark_written(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:7].upper().startswith(_WRITES):
        conn.info[_WROTE] = True


@sa.event.listens_for(Engine, "commit")
@sa.event.listens_for(Engine, "rollback")
def _clear_written(conn) -> None:
    conn.info.pop(_WROTE, None)
