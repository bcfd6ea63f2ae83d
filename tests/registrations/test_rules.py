"""Registration rules 1–6, called as domain functions (no HTTP)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from liaison.events.models import EventStatus
from liaison.registration import checkin
from liaison.registration import registrations as regs
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

S = RegistrationStatus


@pytest.fixture(autouse=True)
def _told(news):
    return news


def now():
    return datetime.now(UTC)


def register(event, user) -> Registration:
    reg = regs.register(event, user)
    db.session.commit()
    return reg


# -- rule 1: who may register, and when ----------------------------------------------------


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"status": EventStatus.draft}, "event_not_published"),
        ({"status": EventStatus.cancelled}, "event_cancelled"),
        ({"registration_opens_at": "future"}, "registration_not_open"),
        ({"registration_closes_at": "past"}, "registration_closed"),
        ({"start": "past"}, "event_started"),
        ({"audience": [OrgKind.rights_holder]}, "not_in_audience"),
    ],
)
def test_rule1_refusals_say_why_and_write_nothing(make_event, participant, fields, code):
    fields = dict(fields)
    when = {"future": now() + timedelta(days=1), "past": now() - timedelta(hours=1)}
    for key in ("registration_opens_at", "registration_closes_at", "start"):
        if key in fields:
            fields[key] = when[fields[key]]
    event = make_event(capacity=10, **fields)
    user = participant(kind=OrgKind.customs)
    with pytest.raises(DomainError) as error:
        regs.register(event, user)
    assert error.value.code == code
    assert error.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_audience_admits_listed_kinds_and_empty_audience_admits_all(make_event, participant):
    limited = make_event(audience=[OrgKind.customs, OrgKind.judiciary])
    assert register(limited, participant(kind=OrgKind.judiciary)).status == S.confirmed
    open_to_all = make_event()
    assert register(open_to_all, participant(kind=OrgKind.other)).status == S.confirmed


def test_inside_the_window_registration_works(make_event, participant):
    event = make_event(
        registration_opens_at=now() - timedelta(days=1),
        registration_closes_at=now() + timedelta(days=1),
    )
    assert register(event, participant()).status == S.confirmed


# -- rules 2 and 4: seats, the queue, double registration ----------------------------------


def test_confirmed_while_seats_remain_then_waitlisted_in_order(make_event, participant):
    event = make_event(capacity=2)
    users = [participant() for _ in range(4)]
    got = [register(event, u) for u in users]
    assert [r.status for r in got] == [S.confirmed, S.confirmed, S.waitlisted, S.waitlisted]
    assert [regs.waitlist_position(r) for r in got] == [None, None, 1, 2]
    counts = regs.seat_counts([event.id])[event.id]
    assert (counts.confirmed, counts.waitlisted, counts.pending) == (2, 2, 0)


def test_registering_twice_returns_the_same_registration(make_event, participant):
    event = make_event(capacity=1)
    user = participant()
    first = register(event, user)
    again = register(event, user)
    assert again.id == first.id and again.status == S.confirmed
    waiting = participant()
    w1 = register(event, waiting)
    w2 = register(event, waiting)
    assert w1.id == w2.id and regs.waitlist_position(w2) == 1
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 2


def test_reregistering_after_cancel_reuses_the_row_and_goes_to_the_back(make_event, participant):
    event = make_event(capacity=1)
    holder, a, b = participant(), participant(), participant()
    register(event, holder)
    ra = register(event, a)
    register(event, b)
    regs.cancel_registration(ra, by=a)
    db.session.commit()
    again = register(event, a)
    assert again.id == ra.id
    assert again.status == S.waitlisted
    assert regs.waitlist_position(again) == 2  # behind b, who registered later the first time


def test_org_cap_waitlists_instead_of_refusing(make_event, participant, make_org):
    event = make_event(capacity=10, org_cap=2)
    org = make_org(kind=OrgKind.customs)
    a, b, c = (participant(org=org) for _ in range(3))
    other = participant()
    assert [register(event, u).status for u in (a, b, c)] == [S.confirmed, S.confirmed,
                                                              S.waitlisted]
    rc = db.session.scalar(db.select(Registration).where(Registration.user_id == c.id))
    assert regs.org_cap_reached(rc)
    assert register(event, other).status == S.confirmed  # seats remain for other organizations


def test_org_cap_reached_is_false_when_the_event_itself_is_full(make_event, participant,
                                                                 make_org):
    """Waitlisted because every seat is taken, not because the organization holds its share:
    nobody may be told their organization's seats are taken (issue 15, finding 13)."""
    event = make_event(capacity=2, org_cap=2)
    org = make_org(kind=OrgKind.customs)
    first, second = participant(org=org), participant()
    third = participant(org=org)
    assert [register(event, u).status for u in (first, second, third)] == [
        S.confirmed, S.confirmed, S.waitlisted]
    waiting = regs.registration_for(event, third)
    assert not regs.org_cap_reached(waiting)  # the org holds 1 of its 2: the event is full
    assert not regs.org_cap_reached(regs.registration_for(event, first))  # not waiting at all
    # The same person once their organization does hold its share: now it is the cap.
    capped = make_event(capacity=5, org_cap=1)
    register(capped, first)
    assert regs.org_cap_reached(register(capped, third))


def test_unlimited_capacity_confirms_everyone(make_event, participant):
    event = make_event(capacity=None)
    assert {register(event, participant()).status for _ in range(5)} == {S.confirmed}


# -- rule 3: approval ----------------------------------------------------------------------


def test_approval_needed_gives_pending_which_holds_no_seat(make_event, participant):
    event = make_event(capacity=1, requires_approval=True)
    a, b = participant(), participant()
    ra, rb = register(event, a), register(event, b)
    assert (ra.status, rb.status) == (S.pending, S.pending)
    assert regs.seat_counts([event.id])[event.id].pending == 2
    organizer = event.organizers[0]
    regs.approve(rb, by=organizer)
    db.session.commit()
    assert rb.status == S.confirmed
    regs.approve(ra, by=organizer)  # full now: approval waitlists
    db.session.commit()
    assert ra.status == S.waitlisted


def test_approving_a_cancelled_or_declined_registration_is_a_conflict(make_event, participant):
    event = make_event(capacity=5, requires_approval=True)
    organizer = event.organizers[0]
    a, b = participant(), participant()
    ra, rb = register(event, a), register(event, b)
    regs.cancel_registration(ra, by=a)
    regs.decline(rb, by=organizer)
    db.session.commit()
    for reg in (ra, rb):
        with pytest.raises(Conflict):
            regs.approve(reg, by=organizer)
        db.session.rollback()


def test_only_organizers_approve_decline_move_check_in(make_event, participant):
    event = make_event(capacity=5, requires_approval=True)
    user, stranger = participant(), participant()
    reg = register(event, user)
    for action in (regs.approve, regs.decline, checkin.check_in):
        with pytest.raises(NotAllowed):
            action(reg, by=user)
        db.session.rollback()
    with pytest.raises(NotAllowed):
        regs.move(reg, S.confirmed, by=stranger)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        regs.cancel_registration(reg, by=stranger)


# -- rule 5: freed seats and raised capacity promote ---------------------------------------


def test_cancel_promotes_the_first_waitlisted_and_tells_them(make_event, participant, news):
    event = make_event(capacity=1)
    a, b, c = participant(), participant(), participant()
    ra, rb, rc = register(event, a), register(event, b), register(event, c)
    assert news == [(ra.id, "confirmed"), (rb.id, "waitlisted"), (rc.id, "waitlisted")]
    regs.cancel_registration(ra, by=a)
    db.session.commit()
    assert (rb.status, rc.status) == (S.confirmed, S.waitlisted)
    assert regs.waitlist_position(rc) == 1
    assert news[3:] == [(ra.id, "cancelled"), (rb.id, "promoted")]


def test_promotion_skips_organizations_at_their_cap(make_event, participant, make_org):
    event = make_event(capacity=3, org_cap=1)
    big = make_org(kind=OrgKind.customs)
    a, b = participant(org=big), participant(org=big)
    c, d, e = participant(), participant(), participant()
    ra, rb = register(event, a), register(event, b)  # b waits: cap 1
    rc, rd, re_ = register(event, c), register(event, d), register(event, e)
    assert [r.status for r in (ra, rb, rc, rd, re_)] == [
        S.confirmed, S.waitlisted, S.confirmed, S.confirmed, S.waitlisted]
    regs.cancel_registration(rc, by=c)
    db.session.commit()
    assert rb.status == S.waitlisted  # first in the queue but its organization is full
    assert re_.status == S.confirmed


def test_decline_of_confirmed_promotes(make_event, participant):
    event = make_event(capacity=1)
    a, b = participant(), participant()
    ra, rb = register(event, a), register(event, b)
    regs.decline(ra, by=event.organizers[0])
    db.session.commit()
    assert (ra.status, rb.status) == (S.declined, S.confirmed)


def test_raising_capacity_promotes_in_order_and_lowering_is_bounded(make_event, participant):
    event = make_event(capacity=1)
    rs = [register(event, participant()) for _ in range(4)]
    promoted = regs.change_capacity(event, 3)
    db.session.commit()
    assert [r.id for r in promoted] == [rs[1].id, rs[2].id]
    assert [r.status for r in rs] == [S.confirmed] * 3 + [S.waitlisted]
    with pytest.raises(ValidationFailed) as error:
        regs.change_capacity(event, 2)
    assert "capacity" in error.value.fields
    db.session.rollback()
    regs.change_capacity(event, None)
    db.session.commit()
    assert rs[3].status == S.confirmed


def test_change_capacity_keeps_the_callers_pending_changes(make_event, participant):
    event = make_event(capacity=1)
    register(event, participant())
    event.title = "Renamed in the same transaction"
    regs.change_capacity(event, 2)
    db.session.commit()
    db.session.expire_all()
    assert event.title == "Renamed in the same transaction" and event.capacity == 2


# -- moves ---------------------------------------------------------------------------------


def test_move_to_confirmed_respects_capacity(make_event, participant):
    event = make_event(capacity=1, requires_approval=True)
    organizer = event.organizers[0]
    a, b = participant(), participant()
    ra, rb = register(event, a), register(event, b)
    regs.move(ra, S.confirmed, by=organizer)
    db.session.commit()
    with pytest.raises(Conflict) as error:
        regs.move(rb, S.confirmed, by=organizer)
    assert error.value.code == "event_full"
    db.session.rollback()
    regs.move(rb, S.waitlisted, by=organizer)
    regs.move(ra, S.pending, by=organizer)  # frees the seat: b is promoted
    db.session.commit()
    assert (ra.status, rb.status) == (S.pending, S.confirmed)


def test_move_confirmed_to_waitlist_goes_to_the_back(make_event, participant):
    event = make_event(capacity=2)
    a, b, c = participant(), participant(), participant()
    ra, rb, rc = register(event, a), register(event, b), register(event, c)
    regs.move(ra, S.waitlisted, by=event.organizers[0])
    db.session.commit()
    assert (ra.status, rb.status, rc.status) == (S.waitlisted, S.confirmed, S.confirmed)


# -- cancelling ----------------------------------------------------------------------------


def test_registrant_cannot_cancel_after_the_start_but_an_organizer_can(
    make_event, participant
):
    event = make_event(capacity=5)
    user = participant()
    reg = register(event, user)
    event.start_at = now() - timedelta(minutes=5)
    event.end_at = now() + timedelta(hours=1)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        regs.cancel_registration(reg, by=user)
    assert error.value.code == "event_started"
    db.session.rollback()
    regs.cancel_registration(reg, by=event.organizers[0])
    db.session.commit()
    assert reg.status == S.cancelled


def test_cancelling_twice_is_harmless(make_event, participant):
    event = make_event(capacity=5)
    user = participant()
    reg = register(event, user)
    regs.cancel_registration(reg, by=user)
    regs.cancel_registration(reg, by=user)
    db.session.commit()
    assert reg.status == S.cancelled


# -- check-in and attendance ---------------------------------------------------------------


def test_check_in_records_attendance_and_undo_removes_it(make_event, participant):
    event = make_event(capacity=1, hours=3, start=now() + timedelta(hours=1))
    organizer = event.organizers[0]
    a, b = participant(), participant()
    ra, rb = register(event, a), register(event, b)
    with pytest.raises(Conflict):
        checkin.check_in(rb, by=organizer)  # waitlisted
    db.session.rollback()
    checkin.check_in(ra, by=organizer)
    first = ra.checked_in_at
    checkin.check_in(ra, by=organizer)  # a second tap changes nothing
    db.session.commit()
    assert ra.checked_in_at == first and ra.attendance == AttendanceOutcome.attended
    assert regs.seat_counts([event.id])[event.id].checked_in == 1
    checkin.undo_check_in(ra, by=organizer)
    db.session.commit()
    assert (ra.checked_in_at, ra.attendance) == (None, None)


def test_attendance_rate(make_event, participant):
    from liaison.registration import lists

    event = make_event(capacity=5, hours=2, start=now() + timedelta(hours=1))
    reg = register(event, participant())
    register(event, participant())
    checkin.check_in(reg, by=event.organizers[0])
    db.session.commit()
    rate = lists.attendance_rates([event.id])[event.id]
    assert (rate.confirmed, rate.checked_in, rate.percent) == (2, 1, 50)


def test_seat_counts_give_zeros_for_events_without_registrations(make_event):
    event = make_event()
    assert regs.seat_counts([event.id, 999]) == {event.id: regs.SeatCounts(),
                                                 999: regs.SeatCounts()}
    assert regs.seat_counts([]) == {}


def test_admin_manages_any_event(make_event, participant, make_user):
    event = make_event(capacity=1, requires_approval=True)
    admin = make_user(role=Role.admin)
    reg = register(event, participant())
    regs.approve(reg, by=admin)
    db.session.commit()
    assert reg.status == S.confirmed
