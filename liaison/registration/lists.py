"""Who is on an event's lists and who came: attendee queries, histories, attendance rates
(the training record, with hours, is liaison.records.training)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.database import contains_pattern
from liaison.events.models import Event
from liaison.registration.models import Registration, RegistrationStage, RegistrationStatus
from liaison.registration.seats import seat_counts

LIST_ORDER = {
    RegistrationStatus.confirmed: 0,
    RegistrationStatus.pending: 1,
    RegistrationStatus.waitlisted: 2,
    RegistrationStatus.declined: 3,
    RegistrationStatus.cancelled: 4,
}


def attendees_query(
    event: Event, status: RegistrationStatus | None = None, search: str = ""
) -> Select:
    """An event's registrations (with user and organization), optionally one status and a
    name/email/organization search, in queue order."""
    query = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.created_at, Registration.id)
        # The joined rows fill reg.user and reg.user.organization: no query per row.
        .options(contains_eager(Registration.user).contains_eager(User.organization))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    search = search.strip()
    if search:
        like = contains_pattern(search)
        query = query.where(
            or_(
                User.display_name.ilike(like, escape="\\"),
                User.display_name_zh.ilike(like, escape="\\"),
                User.email.ilike(like, escape="\\"),
                Organization.name.ilike(like, escape="\\"),
                Organization.name_zh.ilike(like, escape="\\"),
            )
        )
    return query


def in_list_order(query: Select) -> Select:
    """Confirmed, pending, waiting, then the rest; each in queue order (time of registering)."""
    rank = case(*((Registration.status == s, n) for s, n in LIST_ORDER.items()), else_=9)
    return query.order_by(None).order_by(rank, Registration.created_at, Registration.id)


def attendees(event: Event, status: RegistrationStatus | None = None,
              search: str = "") -> list[Registration]:
    """The list an organizer works from: confirmed, pending, waiting, then the rest."""
    return list(db.session.scalars(in_list_order(attendees_query(event, status, search))))


def status_counts(event: Event) -> dict[RegistrationStatus, int]:
    """How many registrations of the event are in each status (one GROUP BY)."""
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    counts = dict.fromkeys(RegistrationStatus, 0)
    counts.update({RegistrationStatus(status): int(n) for status, n in rows})
    return counts


# A registration the organizers must approve or decline: pending, and not (or no longer) at
# its organization's stage, where its focal points decide first (two-stage approval).
AWAITS_ORGANIZERS = and_(
    Registration.status == RegistrationStatus.pending,
    or_(Registration.stage.is_(None), Registration.stage != RegistrationStage.organization),
)


def awaiting_organizers(event_ids) -> dict[int, int]:
    """Per event: how many registrations await the organizers' approval (one GROUP BY);
    events with none are left out."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.event_id.in_(ids), AWAITS_ORGANIZERS)
        .group_by(Registration.event_id)
    ).all()
    return {event_id: int(n) for event_id, n in rows}


@dataclass(frozen=True)
class AttendanceRate:
    """Checked-in share of the confirmed registrations of one event."""

    confirmed: int
    checked_in: int

    @property
    def rate(self) -> float | None:
        return None if not self.confirmed else self.checked_in / self.confirmed

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def attendance_rates(event_ids) -> dict[int, AttendanceRate]:
    """Per event: checked in out of confirmed (one query for all of them)."""
    return {
        event_id: AttendanceRate(c.confirmed, c.checked_in)
        for event_id, c in seat_counts(event_ids).items()
    }


def my_registrations(user: User, now: datetime, *, past: bool = False) -> Select:
    """A user's registrations with their events, for a page: upcoming ones (the event has not
    ended at `now`) soonest first, or past ones latest first."""
    stmt = (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id)
        .options(contains_eager(Registration.event))
    )
    if past:
        return stmt.where(Event.end_at < now).order_by(Event.start_at.desc(),
                                                       Registration.id.desc())
    return stmt.where(Event.end_at >= now).order_by(Event.start_at, Registration.id)


def my_registration_counts(user: User, now: datetime) -> tuple[int, int]:
    """How many of the user's registrations are upcoming and how many past, in one query."""
    ended = Event.end_at < now
    upcoming, past = db.session.execute(
        select(func.coalesce(func.sum(case((ended, 0), else_=1)), 0),
               func.coalesce(func.sum(case((ended, 1), else_=0)), 0))
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id)
    ).one()
    return int(upcoming), int(past)


def waitlist_places(user: User) -> dict[int, int]:
    """Registration id -> place in its event's waiting list, for every list the user waits
    on, in one query (a window function), as `registrations.waitlist_position` counts it."""
    waiting = Registration.status == RegistrationStatus.waitlisted
    theirs = select(Registration.event_id).where(Registration.user_id == user.id, waiting)
    ranked = (
        select(
            Registration.id,
            Registration.user_id,
            func.row_number()
            .over(partition_by=Registration.event_id,
                  order_by=(Registration.created_at, Registration.id))
            .label("place"),
        )
        .where(waiting, Registration.event_id.in_(theirs))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.place).where(ranked.c.user_id == user.id)
    ).all()
    return {reg_id: int(place) for reg_id, place in rows}
