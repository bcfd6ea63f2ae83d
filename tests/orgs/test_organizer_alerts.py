"""Organizer alerts (issue 16): bulk approve/decline on the attendee list, the count of
registrations awaiting approval on "My events", and the organizers' daily approvals digest."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, OrgKind, Role
from liaison.mail.models import OutboxMessage
from liaison.registration.models import Registration, RegistrationStage, RegistrationStatus
from tests.events.test_query_counts import counting

S = RegistrationStatus


def statements_for(client, url: str) -> int:
    """SQL statements of one page view (the driver's BEGIN aside)."""
    db.session.expire_all()
    with counting() as statements:
        assert client.get(url).status_code == 200
    return sum(1 for s in statements if s.strip() != "BEGIN")


def status_of(registration: Registration) -> tuple:
    db.session.refresh(registration)
    return registration.status, registration.stage


def waiting(registered, event, user, stage=RegistrationStage.host) -> Registration:
    registration = registered(event, user, S.pending)
    registration.stage = stage
    db.session.commit()
    return registration


def test_bulk_approve_takes_seats_in_order_then_waitlists_and_skips_what_it_may_not(
    client, login, make_org, make_user, make_event, registered
):
    customs = make_org("Ningbo Customs", OrgKind.customs)
    two_stage = make_org("Xiamen Customs", OrgKind.customs, focal_point_approval=True)
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=2, requires_approval=True,
                       audience=[OrgKind.customs])
    other = make_event(organizer=organizer, capacity=5, requires_approval=True)
    first, second, third = (waiting(registered, event, make_user(org=customs, display_name=n))
                            for n in ("First", "Second", "Third"))
    gone = waiting(registered, event, make_user(org=customs, display_name="Gone Pending"))
    gone.user.membership = Membership.pending  # no longer in the customs-only audience
    at_org = waiting(registered, event, make_user(org=two_stage), RegistrationStage.organization)
    elsewhere = waiting(registered, other, make_user(org=customs))
    db.session.commit()
    login(organizer)

    page = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert 'id="bulk-form"' in page and "roster is-selectable" in page
    assert page.count('form="bulk-form" name="registration_id"') == 4  # not the org-stage one

    ids = [r.id for r in (first, second, third, gone, at_org, elsewhere)]
    response = client.post(f"/events/{event.id}/registrations/bulk",
                           data={"action": "approve", "registration_id": [str(i) for i in ids]},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "2 approved and confirmed." in text
    assert "1 approved onto the waiting list: no seat was free." in text
    assert "1 not changed — Gone Pending: Gone Pending is no longer in this event" in text
    assert status_of(first)[0] == status_of(second)[0] == S.confirmed  # queue order
    assert status_of(third)[0] == S.waitlisted
    assert status_of(gone) == (S.pending, RegistrationStage.host)
    assert status_of(at_org) == (S.pending, RegistrationStage.organization)  # the focal point's
    assert status_of(elsewhere)[0] == S.pending  # another event's: ignored

    response = client.post(f"/events/{event.id}/registrations/bulk",
                           data={"action": "decline", "registration_id": str(gone.id),
                                 "reason": "Your membership is not verified yet."},
                           follow_redirects=True)
    assert "1 declined; each is told by mail." in response.get_data(as_text=True)
    assert status_of(gone)[0] == S.declined
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == gone.user.email, OutboxMessage.kind == "registration_declined"))
    assert "Your membership is not verified yet." in mail.body_text


def test_bulk_without_a_tick_or_an_action_says_so_and_changes_nothing(
    client, login, make_user, make_event, registered
):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer, requires_approval=True)
    pending = waiting(registered, event, make_user())
    login(organizer)
    url = f"/events/{event.id}/registrations/bulk"
    for data, said in (({"action": "approve"}, "Tick the registrations awaiting approval first"),
                       ({"action": "approve", "registration_id": "x"}, "Tick the registrations"),
                       ({"action": "delete", "registration_id": str(pending.id)},
                        "Choose approve or decline.")):
        response = client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200 and said in response.get_data(as_text=True)
    assert status_of(pending) == (S.pending, RegistrationStage.host)
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_my_events_counts_what_awaits_the_organizers_in_constant_queries(
    client, login, make_org, make_user, make_event, registered
):
    organizer = make_user(role=Role.organizer)
    two_stage = make_org(focal_point_approval=True)
    busy = make_event(organizer=organizer, requires_approval=True, title="Busy")
    quiet = make_event(organizer=organizer, requires_approval=True, title="Quiet")
    for _ in range(2):
        waiting(registered, busy, make_user())
    waiting(registered, busy, make_user(org=two_stage), RegistrationStage.organization)
    waiting(registered, quiet, make_user(org=two_stage), RegistrationStage.organization)
    registered(quiet, make_user(), S.confirmed)
    login(organizer)

    few = statements_for(client, "/events/mine")  # the event cards not cached yet
    page = client.get("/events/mine").get_data(as_text=True)
    assert page.count("awaiting-approval") == 1
    assert "2 registrations await your approval" in page
    assert f"/events/{busy.id}/registrations?status=pending" in page

    for n in range(8):
        event = make_event(organizer=organizer, requires_approval=True, title=f"More {n}")
        waiting(registered, event, make_user())
    assert statements_for(client, "/events/mine") == few  # 8 cards more, not cached yet
    assert client.get("/events/mine").get_data(as_text=True).count("awaiting-approval") == 9
