"""Step 5 without HTTP: nominations, substitution, reserved seats (allocations) and two-stage
approval, each rule of SPEC's "Nominations and reserved seats" and "Two-stage approval"."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, OrgKind, Role
from liaison.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from liaison.events import lifecycle
from liaison.mail.models import OutboxMessage
from liaison.registration import allocations, nominations, registrations
from liaison.registration.models import Allocation, Registration, RegistrationStage
from liaison.registration.models import RegistrationStatus as S

ONLINE = "https://meet.example.test/room"


@pytest.fixture
def w(make_org, make_user, make_event):
    class W:
        pass

    w = W()
    w.national = make_org("National Customs", OrgKind.customs)
    w.shanghai = make_org("Shanghai Customs", OrgKind.customs, parent_id=w.national.id)
    w.shenzhen = make_org("Shenzhen Customs", OrgKind.customs, parent_id=w.national.id)
    w.brand = make_org("Brand Co", OrgKind.rights_holder)
    w.host = make_org("Association", OrgKind.association)
    w.organizer = make_user("org@assoc.test", Role.organizer, w.host)
    w.fp = make_user("fp@customs.test", org=w.national, focal_point=True, display_name="Wang FP")
    w.sh_fp = make_user("shfp@customs.test", org=w.shanghai, focal_point=True)
    w.sz_fp = make_user("szfp@customs.test", org=w.shenzhen, focal_point=True)
    w.sh = [make_user(f"sh{n}@customs.test", org=w.shanghai, display_name=f"SH {n}")
            for n in range(4)]
    w.sz = [make_user(f"sz{n}@customs.test", org=w.shenzhen, display_name=f"SZ {n}")
            for n in range(3)]
    w.holders = [make_user(f"h{n}@brand.test", org=w.brand) for n in range(4)]
    w.event = make_event(organizer=w.organizer, capacity=3, online_url=ONLINE, venue="Hall")
    return w


def mails(kind: str, to=None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if to is not None:
        stmt = stmt.where(OutboxMessage.recipient == to.email)
    return list(db.session.scalars(stmt))


def fresh(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


# --- nominations -----------------------------------------------------------------------------


def test_a_focal_point_nominates_people_of_their_offices_under_every_rule(w):
    first, new = nominations.nominate(w.event, w.sh[0], by=w.fp)
    db.session.commit()
    assert new and first.status == S.confirmed and first.nominated_by_id == w.fp.id
    (told,) = mails("registration_nominated", w.sh[0])
    assert told.ical_method == "REQUEST" and "Wang FP" in told.body_text
    assert ONLINE in told.body_text and "decline" in told.body_text
    again, new = nominations.nominate(w.event, w.sh[0], by=w.sh_fp)
    assert (again.id, new) == (first.id, False)
    nominations.nominate(w.event, w.sh[1], by=w.sh_fp)
    nominations.nominate(w.event, w.sz[0], by=w.sz_fp)
    fourth, _ = nominations.nominate(w.event, w.sh[2], by=w.fp)
    db.session.commit()
    assert fourth.status == S.waitlisted  # capacity 3
    assert mails("registration_nominated", w.sh[2])[0].ical_method is None


def test_who_may_be_nominated_and_by_whom(w, make_user, make_event):
    with pytest.raises(NotAllowed):
        nominations.nominate(w.event, w.sh[0], by=w.sz_fp)  # another office's focal point
    with pytest.raises(NotAllowed):
        nominations.nominate(w.event, w.sh[0], by=w.sh[1])  # not a focal point
    with pytest.raises(NotAllowed):
        nominations.nominate(w.event, w.fp, by=w.sh_fp)  # above them, not below
    waiting = make_user(org=w.shanghai, membership=Membership.pending)
    with pytest.raises(Conflict) as error:
        nominations.nominate(w.event, waiting, by=w.fp)
    assert error.value.code == "membership_not_verified"
    brand_only = make_event(organizer=w.organizer, audience=[OrgKind.rights_holder])
    with pytest.raises(DomainError) as error:
        nominations.nominate(brand_only, w.sh[0], by=w.fp)
    assert error.value.code == "not_in_audience"  # rule 1 holds for nominees
    admin = make_user(role=Role.admin, org=w.host)
    reg, _ = nominations.nominate(w.event, w.sh[3], by=admin)
    assert reg.status == S.confirmed


def test_a_nomination_skips_the_organization_stage(w, make_event):
    w.shanghai.focal_point_approval = True
    needs_ok = make_event(organizer=w.organizer, capacity=5, requires_approval=True)
    reg, _ = nominations.nominate(needs_ok, w.sh[0], by=w.fp)
    assert (reg.status, reg.stage) == (S.pending, RegistrationStage.host)
    reg, _ = nominations.nominate(w.event, w.sh[1], by=w.fp)
    assert (reg.status, reg.stage) == (S.confirmed, None)


def test_the_nominee_declines_and_the_seat_moves_on(w):
    for person in (w.sh[0], w.sh[1], w.sh[2]):
        nominations.nominate(w.event, person, by=w.fp)
    waiting, _ = nominations.nominate(w.event, w.sz[0], by=w.fp)
    db.session.commit()
    mine = registrations.registration_for(w.event, w.sh[1])
    registrations.cancel_registration(mine, by=w.sh[1])
    db.session.commit()
    assert fresh(waiting).status == S.confirmed
    assert mails("registration_cancelled", w.sh[1])[0].ical_method == "CANCEL"


def test_preview_says_who_would_be_confirmed_and_who_waitlisted(w, make_user):
    registrations.register(w.event, w.holders[0])
    outsider = make_user(org=w.brand)
    result = nominations.preview(w.event, [w.sh[0], w.holders[0], w.sh[1], w.sz[0], outsider],
                                 by=w.fp)
    assert [(o.user.id, o.status) for o in result] == [
        (w.sh[0].id, "confirmed"), (w.holders[0].id, "refused"), (w.sh[1].id, "confirmed"),
        (w.sz[0].id, "waitlisted"), (outsider.id, "refused")]
    assert db.session.scalar(select(Registration).where(Registration.user_id == w.sh[0].id)) \
        is None  # nothing written


# --- substitution ----------------------------------------------------------------------------


def test_substitution_passes_status_and_queue_position_in_one_step(w):
    confirmed, _ = nominations.nominate(w.event, w.sh[0], by=w.fp)
    for person in (w.sz[0], w.sz[1], w.sh[1], w.sz[2]):
        nominations.nominate(w.event, person, by=w.fp)
    db.session.commit()
    waitlisted = registrations.registration_for(w.event, w.sh[1])
    assert waitlisted.status == S.waitlisted
    position = registrations.waitlist_position(waitlisted)
    db.session.query(OutboxMessage).delete()
    db.session.commit()

    taken = nominations.substitute(confirmed, w.sh[2], by=w.sh_fp)
    db.session.commit()
    assert fresh(confirmed).status == S.cancelled
    assert (taken.status, taken.user_id, taken.created_at) == (S.confirmed, w.sh[2].id,
                                                               confirmed.created_at)
    (cancel,) = mails("registration_replaced")
    (request,) = mails("registration_substituted")
    assert (cancel.recipient, cancel.ical_method) == (w.sh[0].email, "CANCEL")
    assert (request.recipient, request.ical_method) == (w.sh[2].email, "REQUEST")
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2  # nothing else

    moved = nominations.substitute(waitlisted, w.sh[3], by=w.organizer)
    db.session.commit()
    assert moved.status == S.waitlisted
    assert registrations.waitlist_position(moved) == position
    assert mails("registration_substituted", w.sh[3])[0].ical_method is None


def test_substitution_refuses_what_does_not_fit(w, make_user):
    reg, _ = nominations.nominate(w.event, w.sh[0], by=w.fp)
    nominations.nominate(w.event, w.sh[1], by=w.fp)
    db.session.commit()
    cases = [
        (w.sz[0], w.fp, "not_a_colleague"),  # another office
        (w.sh[1], w.fp, "already_registered"),
        (w.sh[0], w.fp, "same_person"),
        (make_user(org=w.shanghai, membership=Membership.pending), w.fp,
         "membership_not_verified"),
    ]
    for colleague, by, code in cases:
        with pytest.raises(Conflict) as error:
            nominations.substitute(reg, colleague, by=by)
        assert error.value.code == code
        db.session.rollback()
    for by in (w.sz_fp, w.sh[2]):
        with pytest.raises(NotAllowed):
            nominations.substitute(reg, w.sh[2], by=by)
    registrations.cancel_registration(reg, by=w.sh[0])
    with pytest.raises(Conflict):
        nominations.substitute(reg, w.sh[2], by=w.fp)


# --- reserved seats --------------------------------------------------------------------------


def soon(hours: float = 24) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)


def test_reserved_seats_only_their_organization_fills(w):
    w.event.capacity = 4
    db.session.commit()
    allocation = allocations.reserve(w.event, w.national, 2, soon(), by=w.organizer)
    db.session.commit()
    a = registrations.register(w.event, w.holders[0])
    b = registrations.register(w.event, w.holders[1])
    c = registrations.register(w.event, w.holders[2])
    assert (a.status, b.status, c.status) == (S.confirmed, S.confirmed, S.waitlisted)
    assert [(r.filled, r.seats) for r in allocations.reserved_seats(w.event)] == [(0, 2)]
    d = registrations.register(w.event, w.sh[0])  # an office below National fills one
    assert d.status == S.confirmed
    assert [(r.filled, r.seats) for r in allocations.reserved_seats(w.event)] == [(1, 2)]
    e = registrations.register(w.event, w.sz[0])
    f = registrations.register(w.event, w.sz[1])
    assert (e.status, f.status) == (S.confirmed, S.waitlisted)  # full now
    db.session.commit()
    # A reserved seat freed goes to the reserve's organization first in queue order, but a
    # brand holder first in the queue does not fit it.
    registrations.cancel_registration(d, by=w.sh[0])
    db.session.commit()
    assert fresh(c).status == S.waitlisted and fresh(f).status == S.confirmed
    assert allocation.id is not None


def test_the_cap_per_organization_still_applies_to_reserved_seats(w):
    w.event.capacity, w.event.org_cap = 5, 1
    db.session.commit()
    allocations.reserve(w.event, w.national, 3, soon(), by=w.organizer)
    first = registrations.register(w.event, w.sh[0])
    second = registrations.register(w.event, w.sh[1])
    other_office = registrations.register(w.event, w.sz[0])
    assert (first.status, second.status, other_office.status) == (
        S.confirmed, S.waitlisted, S.confirmed)


def test_release_frees_the_rest_and_promotes(w):
    w.event.capacity = 2
    db.session.commit()
    allocation = allocations.reserve(w.event, w.shanghai, 1, soon(1), by=w.organizer)
    registrations.register(w.event, w.holders[0])
    waiting = registrations.register(w.event, w.holders[1])
    db.session.commit()
    assert waiting.status == S.waitlisted
    assert allocations.release_allocations(soon(0.5)) == 0  # not yet
    assert allocations.release_allocations(soon(2)) == 1
    db.session.commit()
    assert fresh(waiting).status == S.confirmed
    assert db.session.get(Allocation, allocation.id).released_at is not None
    assert allocations.release_allocations(soon(3)) == 0  # never twice
    assert allocations.reserved_seats(w.event) == []


def test_reserving_needs_room_and_the_organizers(w):
    w.event.capacity = 3
    db.session.commit()
    registrations.register(w.event, w.holders[0])
    registrations.register(w.event, w.holders[1])
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        allocations.reserve(w.event, w.national, 2, soon(), by=w.organizer)
    assert "At most 1 seats" in error.value.message
    db.session.rollback()
    with pytest.raises(NotAllowed):
        allocations.reserve(w.event, w.national, 1, soon(), by=w.fp)
    with pytest.raises(ValidationFailed) as error:
        allocations.reserve(w.event, None, 0, soon(-1), by=w.organizer)
    assert set(error.value.fields) == {"organization_id", "seats", "release_at"}
    allocations.reserve(w.event, w.national, 1, soon(), by=w.organizer)
    with pytest.raises(Conflict) as error:
        allocations.reserve(w.event, w.national, 1, soon(), by=w.organizer)
    assert error.value.code == "already_reserved"
    with pytest.raises(ValidationFailed):
        allocations.reserve(w.event, w.shanghai, 1, soon(24 * 30), by=w.organizer)  # after start


def test_capacity_cannot_squeeze_out_reserved_seats(w):
    w.event.capacity = 4
    db.session.commit()
    allocations.reserve(w.event, w.national, 2, soon(), by=w.organizer)
    registrations.register(w.event, w.holders[0])
    db.session.commit()
    data = lifecycle.EventInput.from_event(w.event)
    data.capacity = 2
    with pytest.raises(ValidationFailed) as error:
        lifecycle.update_event(w.event, data, by=w.organizer)
    assert "reserved" in error.value.fields["capacity"]


def test_shrinking_or_removing_a_reserve_promotes(w):
    w.event.capacity = 2
    db.session.commit()
    allocation = allocations.reserve(w.event, w.national, 2, soon(), by=w.organizer)
    waiting = registrations.register(w.event, w.holders[0])
    db.session.commit()
    assert waiting.status == S.waitlisted
    allocations.change(allocation, seats=1, by=w.organizer)
    db.session.commit()
    assert fresh(waiting).status == S.confirmed
    second = registrations.register(w.event, w.holders[1])
    assert second.status == S.waitlisted
    allocations.remove(db.session.get(Allocation, allocation.id), by=w.organizer)
    db.session.commit()
    assert fresh(second).status == S.confirmed


# --- two-stage approval ----------------------------------------------------------------------


def test_two_stage_approval_without_host_approval(w):
    w.shanghai.focal_point_approval = True
    db.session.commit()
    reg = registrations.register(w.event, w.sh[0])
    db.session.commit()
    assert (reg.status, reg.stage) == (S.pending, RegistrationStage.organization)
    assert "focal points" in mails("registration_received", w.sh[0])[0].body_text
    with pytest.raises(NotAllowed) as error:
        registrations.approve(reg, by=w.organizer)  # the organizers wait for the organization
    assert error.value.code == "awaits_organization"
    with pytest.raises(NotAllowed):
        registrations.approve(reg, by=w.sz_fp)
    registrations.approve(reg, by=w.sh_fp)
    db.session.commit()
    assert (fresh(reg).status, fresh(reg).stage) == (S.confirmed, None)
    assert mails("registration_approved", w.sh[0])[0].ical_method == "REQUEST"


def test_two_stage_approval_with_host_approval_keeps_the_queue_position(w, make_event):
    w.shanghai.focal_point_approval = True
    event = make_event(organizer=w.organizer, capacity=1, requires_approval=True)
    first = registrations.register(event, w.sh[0])
    second = registrations.register(event, w.holders[0])  # host stage only
    db.session.commit()
    assert (first.stage, second.stage) == (RegistrationStage.organization, RegistrationStage.host)
    registrations.approve(first, by=w.fp)
    db.session.commit()
    first = fresh(first)
    assert (first.status, first.stage) == (S.pending, RegistrationStage.host)
    assert "now waits for the organizers" in mails("registration_forwarded", w.sh[0])[0].body_text
    registrations.approve(first, by=w.organizer)
    registrations.approve(second, by=w.organizer)
    db.session.commit()
    assert fresh(first).status == S.confirmed and fresh(second).status == S.waitlisted
    assert fresh(first).created_at < fresh(second).created_at


def test_a_focal_point_declines_at_the_organization_stage_only(w, make_event):
    w.shanghai.focal_point_approval = True
    reg = registrations.register(w.event, w.sh[0])
    registrations.decline(reg, by=w.sh_fp)
    db.session.commit()
    assert fresh(reg).status == S.declined
    plain = registrations.register(w.event, w.sz[0])
    with pytest.raises(NotAllowed):
        registrations.decline(plain, by=w.sz_fp)


def test_nested_reserves_fill_the_most_specific_first(w):
    """National holds one seat, its Shanghai office another, and nothing else is open: a
    Shanghai officer takes Shanghai's seat, so a Shenzhen officer still fits National's."""
    w.event.capacity = 2
    db.session.commit()
    allocations.reserve(w.event, w.national, 1, soon(), by=w.organizer)
    allocations.reserve(w.event, w.shanghai, 1, soon(), by=w.organizer)
    assert registrations.register(w.event, w.sh[0]).status == S.confirmed
    assert registrations.register(w.event, w.holders[0]).status == S.waitlisted
    assert registrations.register(w.event, w.sz[0]).status == S.confirmed
    assert registrations.register(w.event, w.sh[1]).status == S.waitlisted
    filled = {r.allocation.organization_id: (r.filled, r.seats)
              for r in allocations.reserved_seats(w.event)}
    assert filled == {w.national.id: (1, 1), w.shanghai.id: (1, 1)}
