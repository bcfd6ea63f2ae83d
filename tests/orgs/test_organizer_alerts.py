"""Organizer alerts (issue 16): bulk approve/decline on the attendee list, the count of
registrations awaiting approval on "My events", and the organizers' daily approvals digest."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, OrgKind, Role
from liaison.core.types import utcnow
from liaison.events.models import EventStatus
from liaison.integration.jobs import JOBS
from liaison.mail.models import OutboxMessage
from liaison.registration import approval_digest
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


def approval_mails() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "approvals_waiting").order_by(OutboxMessage.id)).all()


def test_organizers_get_one_approvals_digest_a_day_when_registrations_newly_wait(
    app, make_org, make_user, make_event, registered
):
    now = utcnow()
    organizer = make_user(role=Role.organizer, display_name="Zhang Min")
    co_organizer = make_user(role=Role.organizer, language="zh", display_name="Li Na")
    demoted = make_user(role=Role.participant)  # still on the list, manages nothing
    busy = make_event(organizer=organizer, requires_approval=True, title="Busy session",
                      start=now + timedelta(days=3))
    busy.organizers.extend([co_organizer, demoted])
    later = make_event(organizer=organizer, requires_approval=True, title="Later session",
                       start=now + timedelta(days=9))
    past = make_event(organizer=organizer, requires_approval=True, title="Past session",
                      start=now - timedelta(days=2))
    draft = make_event(organizer=organizer, requires_approval=True, title="Draft session",
                       status=EventStatus.draft)
    db.session.commit()
    two_stage = make_org(focal_point_approval=True)
    # Waiting for a focal point first, at an ended event, at a draft: nobody to tell.
    waiting(registered, busy, make_user(org=two_stage), RegistrationStage.organization)
    waiting(registered, past, make_user())
    waiting(registered, draft, make_user())
    assert approval_digest.send_approval_digests(now) == 0

    for event in (busy, busy, later):
        waiting(registered, event, make_user())
    now = utcnow()  # after they began waiting
    assert approval_digest.send_approval_digests(now) == 2
    db.session.commit()
    mails = {m.recipient: m for m in approval_mails()}
    assert set(mails) == {organizer.email, co_organizer.email}
    mine = mails[organizer.email]
    assert mine.subject == "3 registrations await your approval on Liaison"
    assert mine.body_text.index("Busy session") < mine.body_text.index("Later session")
    assert "Busy session" in mine.body_text and "2 await approval" in mine.body_text
    assert f"/events/{busy.id}/registrations?status=pending" in mine.body_text
    assert "Past session" not in mine.body_text and "Draft session" not in mine.body_text
    theirs = mails[co_organizer.email]
    assert "Later session" not in theirs.body_text
    assert "待您审批" in theirs.subject  # in the recipient's language

    # The same day: nothing, even with someone new; the repeated run sends nothing twice.
    fresh = waiting(registered, later, make_user())
    fresh.updated_at = now + timedelta(hours=2)
    db.session.commit()
    assert approval_digest.send_approval_digests(now) == 0
    assert approval_digest.send_approval_digests(now + timedelta(hours=3)) == 0
    # A day later: the organizer of `later` hears again; Li Na has nobody new at `busy`.
    assert approval_digest.send_approval_digests(now + timedelta(hours=25)) == 1
    db.session.commit()
    # Another day, nobody new (they still wait; My events shows them): no mail.
    assert approval_digest.send_approval_digests(now + timedelta(hours=50)) == 0
    recipients = [m.recipient for m in approval_mails()]
    assert sorted(recipients[:2]) == sorted([organizer.email, co_organizer.email])
    assert recipients[2:] == [organizer.email]


def test_the_worker_runs_the_approvals_digest():
    assert any(job.name == "approval_digests"
               and job.run is approval_digest.send_approval_digests for job in JOBS)
