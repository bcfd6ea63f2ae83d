"""The demo shows issue 16: a focal point in every organization, two sign-ups waiting at an
office whose focal point is a demo log-in, nominations, and seats reserved for an office on an
upcoming customs training; loading it twice changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Membership, Organization, OrgKind, User
from liaison.core.types import utcnow
from liaison.registration import allocations
from liaison.registration.models import Allocation, Registration, RegistrationStatus
from tests.conftest import post_login


def _state() -> tuple:
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Registration.id))),
            db.session.scalar(select(func.count(Allocation.id))))


def test_the_demo_has_focal_points_sign_ups_to_verify_nominations_and_a_reserve(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "customs.organizer@example.com" in result.output and "focal point" in result.output
    before = _state()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _state() == before

    for org in db.session.scalars(select(Organization)):
        assert any(u.acts_as_focal_point for u in org.members), org.name

    waiting = db.session.scalars(select(User).where(User.membership == Membership.pending)).all()
    assert len(waiting) == 2 and all(u.email_verified for u in waiting)
    (office,) = {u.organization for u in waiting}
    deciders = {u.email for u in membership.focal_points_for(office)}
    assert "customs.organizer@example.com" in deciders  # a demo log-in verifies them

    nominated = db.session.scalars(select(Registration).where(
        Registration.nominated_by_id.is_not(None))).all()
    assert len(nominated) >= 3
    assert all(r.status == RegistrationStatus.confirmed and r.event.start_at > utcnow()
               for r in nominated)

    (allocation,) = db.session.scalars(select(Allocation)).all()
    event = allocation.event
    assert event.start_at > utcnow() and OrgKind.customs in event.audience
    assert allocation.release_at < event.start_at and allocation.released_at is None
    (held,) = allocations.reserved_seats(event)
    assert (held.filled, held.seats) == (2, 5)  # the office's two nominees fill two

    # Wang Lei (who reads Chinese) sees both on the Members page.
    post_login(client, "customs.organizer@example.com", "liaison-demo")
    page = client.get("/members/").get_data(as_text=True)
    assert "有 2 人等待核实。" in page
    assert all(u.display_name_zh in page for u in waiting)
