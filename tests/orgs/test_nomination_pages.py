"""Step 5 from the pages: reserved seats on the event page ("3 of 5 reserved seats filled"),
a focal point nominating colleagues (search, multi-select, preview, send) and substituting
one, organizers reserving seats, and focal points approving at the organization stage."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration import allocations, nominations, registrations
from liaison.registration.models import Allocation, Registration, RegistrationStage
from liaison.registration.models import RegistrationStatus as S
from tests.events.test_query_counts import counting


@pytest.fixture
def w(make_org, make_user, make_event):
    class W:
        pass

    w = W()
    w.customs = make_org("Shanghai Customs", OrgKind.customs)
    w.brand = make_org("Brand Co", OrgKind.rights_holder)
    w.organizer = make_user("org@brand.test", Role.organizer, w.brand)
    w.fp = make_user("fp@customs.test", org=w.customs, focal_point=True, display_name="Wang FP")
    w.people = [make_user(f"o{n}@customs.test", org=w.customs, display_name=f"Officer {n}")
                for n in range(4)]
    w.holder = make_user("h@brand.test", org=w.brand)
    w.event = make_event(organizer=w.organizer, capacity=2, venue="Hall", title="Postal")
    return w


def soon(days: float = 2) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


def status_of(event, user):
    db.session.expire_all()
    return registrations.registration_for(event, user).status


def test_the_event_page_shows_reserved_seats_filled(client, login, w):
    w.event.capacity = 6
    db.session.commit()
    allocations.reserve(w.event, w.customs, 5, soon(), by=w.organizer)
    for person in w.people[:3]:
        registrations.register(w.event, person)
    db.session.commit()
    login(w.holder)
    page = client.get(f"/events/{w.event.id}").get_data(as_text=True)
    assert "Shanghai Customs" in page and "3 of 5 reserved seats filled" in page
    assert "Nominate colleagues" not in page


def test_a_focal_point_nominates_two_colleagues_after_a_preview(client, login, w):
    login(w.fp)
    page = client.get(f"/events/{w.event.id}").get_data(as_text=True)
    assert "Nominate colleagues" in page
    found = client.get(f"/events/{w.event.id}/nominate?q=officer 2").get_data(as_text=True)
    assert "Officer 2" in found and "Officer 1" not in found
    ids = [w.people[0].id, w.people[1].id, w.people[2].id]
    preview = client.post(f"/events/{w.event.id}/nominate",
                          data={"action": "preview", "user_id": ids}).get_data(as_text=True)
    assert preview.count('data-outcome="confirmed"') == 2
    assert preview.count('data-outcome="waitlisted"') == 1
    assert db.session.scalar(select(Registration)) is None  # a preview writes nothing
    sent = client.post(f"/events/{w.event.id}/nominate", data={"action": "send", "user_id": ids})
    assert sent.status_code == 302
    assert [status_of(w.event, p) for p in w.people[:3]] == [S.confirmed, S.confirmed,
                                                             S.waitlisted]
    page = client.get(f"/events/{w.event.id}").get_data(as_text=True)
    assert page.count("Substitute") >= 3
    nothing = client.post(f"/events/{w.event.id}/nominate", data={"action": "send"},
                          follow_redirects=True)
    assert "Choose at least one colleague." in nothing.get_data(as_text=True)


def test_sending_refuses_everyone_when_one_cannot_be_nominated(client, login, w):
    login(w.fp)
    response = client.post(f"/events/{w.event.id}/nominate", data={
        "action": "send", "user_id": [w.people[0].id, w.holder.id]}, follow_redirects=True)
    assert "Nothing was sent" in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_substitution_from_the_page(client, login, w):
    reg, _ = nominations.nominate(w.event, w.people[0], by=w.fp)
    db.session.commit()
    login(w.fp)
    page = client.get(f"/registrations/{reg.id}/substitute").get_data(as_text=True)
    assert "Officer 3" in page and "Officer 0 (" not in page
    response = client.post(f"/registrations/{reg.id}/substitute",
                           data={"user_id": w.people[3].id})
    assert response.status_code == 302
    assert status_of(w.event, w.people[0]) == S.cancelled
    assert status_of(w.event, w.people[3]) == S.confirmed
    login(w.holder)
    assert client.get(f"/registrations/{reg.id}/substitute").status_code == 403


def test_organizers_reserve_change_and_remove_seats(client, login, w):
    login(w.organizer)
    day = (datetime.now() + timedelta(days=2)).date().isoformat()
    bad = client.post(f"/events/{w.event.id}/allocations", data={
        "organization": w.customs.id, "seats": "9", "release_date": day, "release_time": "09:00"})
    assert bad.status_code == 422 and "At most 2 seats" in bad.get_data(as_text=True)
    empty = client.post(f"/events/{w.event.id}/allocations", data={"seats": "x"})
    assert empty.status_code == 422
    assert db.session.scalar(select(Allocation)) is None
    ok = client.post(f"/events/{w.event.id}/allocations", data={
        "organization": w.customs.id, "seats": "2", "release_date": day, "release_time": "09:00"})
    assert ok.status_code == 302
    allocation = db.session.scalar(select(Allocation))
    assert allocation.seats == 2
    assert allocation.release_at.astimezone(w.event.zone).strftime("%H:%M") == "09:00"
    page = client.get(f"/events/{w.event.id}/allocations").get_data(as_text=True)
    assert "0 of 2" in page
    client.post(f"/events/{w.event.id}/allocations/{allocation.id}",
                data={"seats": "1", "release_date": day, "release_time": "10:00"})
    db.session.expire_all()
    assert db.session.get(Allocation, allocation.id).seats == 1
    client.post(f"/events/{w.event.id}/allocations/{allocation.id}/remove")
    assert db.session.scalar(select(Allocation)) is None
    login(w.fp)
    assert client.get(f"/events/{w.event.id}/allocations").status_code == 403


def test_focal_points_approve_at_the_organization_stage(client, login, w):
    w.customs.focal_point_approval = True
    db.session.commit()
    reg = registrations.register(w.event, w.people[0])
    db.session.commit()
    assert reg.stage == RegistrationStage.organization
    login(w.people[0])
    page = client.get(f"/events/{w.event.id}").get_data(as_text=True)
    assert "Awaiting the organization&#39;s focal point" in page
    login(w.fp)
    page = client.get("/members/approvals").get_data(as_text=True)
    assert "Officer 0" in page and "Postal" in page
    client.post(f"/members/approvals/{reg.id}/approve")
    assert status_of(w.event, w.people[0]) == S.confirmed
    login(w.people[1])
    assert client.get("/members/approvals").status_code == 403


@pytest.mark.parametrize("path", ["/events/{event}", "/events/{event}/nominate",
                                  "/members/approvals"])
def test_pages_query_count_does_not_grow(client, login, w, make_user, path):
    w.customs.focal_point_approval = True
    w.event.capacity = 6  # soon full: waiting places show their position
    db.session.commit()
    allocations.reserve(w.event, w.customs, 2, soon(), by=w.organizer)
    registrations.register(w.event, w.people[0])
    nominations.nominate(w.event, w.people[1], by=w.fp)
    db.session.commit()
    login(w.fp)

    def statements() -> int:
        db.session.commit()  # each measured request starts as a real one does: nothing loaded
        db.session.expire_all()
        with counting() as seen:
            assert client.get(path.format(event=w.event.id)).status_code == 200
        return len(seen)

    few = statements()
    for n in range(12):
        person = make_user(org=w.customs, display_name=f"More {n}")
        if n % 2:
            registrations.register(w.event, person)
        else:
            nominations.nominate(w.event, person, by=w.fp)
    db.session.commit()
    assert statements() == few
