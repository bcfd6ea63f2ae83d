"""Finding 1 of issue 15 and its membership twin: when an event's audience stops admitting a
registrant — the audience is narrowed (web and API), their membership is rejected or becomes
pending, they move, their organization changes kind — their registration is cancelled and they
are told with a calendar CANCEL; promotion, invites, feeds and reminders check the audience
again at the moment they act."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from extensions import db
from liaison.accounts import members, organizations
from liaison.accounts.models import Membership, OrgKind, Role
from liaison.calendar import feedtokens
from liaison.core.errors import Conflict
from liaison.events import lifecycle
from liaison.mail.models import OutboxMessage
from liaison.notifications import reminders
from liaison.registration import registrations
from liaison.registration.models import Registration, RegistrationStatus

S = RegistrationStatus
ONLINE = "https://meet.example.test/secret-room"


@pytest.fixture
def world(make_org, make_user, make_event):
    class World:
        pass

    w = World()
    w.customs = make_org("Shanghai Customs", OrgKind.customs)
    w.brand = make_org("Brand Co", OrgKind.rights_holder)
    w.organizer = make_user("org@customs.test", Role.organizer, w.customs)
    w.admin = make_user("admin@liaison.test", Role.admin, make_org("Office", OrgKind.other))
    w.officer = make_user("officer@customs.test", org=w.customs, display_name="Officer")
    w.holder = make_user("holder@brand.test", org=w.brand, display_name="Holder")
    w.event = make_event(organizer=w.organizer, title="Postal channel", online_url=ONLINE,
                         capacity=10)
    return w


def mails(kind: str, to: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if to:
        stmt = stmt.where(OutboxMessage.recipient == to)
    return list(db.session.scalars(stmt))


def feed_event_ids(app, client, user) -> set[int]:
    url = feedtokens.calendar_url(user, app.config["BASE_URL"])
    db.session.commit()
    response = client.get(url.removeprefix(app.config["BASE_URL"]))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.data)
    return {int(str(v["UID"]).split("@")[0].removeprefix("event-")) for v in cal.walk("VEVENT")}


def status_of(registration: Registration) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def test_narrowing_the_audience_through_the_api_cancels_and_tells(app, client, world, api_as):
    """The finding, step by step: a confirmed rights holder on an open event with a link."""
    holder_reg = registrations.register(world.event, world.holder)
    officer_reg = registrations.register(world.event, world.officer)
    db.session.commit()
    assert holder_reg.status == S.confirmed
    assert world.event.id in feed_event_ids(app, client, world.holder)

    response = api_as(world.organizer).patch(f"/events/{world.event.id}",
                                             json={"audience": ["customs"]})
    assert response.status_code == 200, response.json

    assert status_of(holder_reg) == S.cancelled
    assert status_of(officer_reg) == S.confirmed
    (told,) = mails("registration_excluded", world.holder.email)
    assert told.ical_method == "CANCEL" and "METHOD:CANCEL" in told.ical
    assert "Customs" in told.body_text and "Brand Co" in told.body_text
    assert ONLINE not in told.body_text
    assert mails("registration_excluded", world.officer.email) == []
    # Gone from the feed and from "My registrations"; the page is not theirs to see.
    assert world.event.id not in feed_event_ids(app, client, world.holder)
    assert world.event.id in feed_event_ids(app, client, world.officer)
    holder_api = api_as(world.holder)
    assert holder_api.get(f"/events/{world.event.id}").status_code == 404


def test_narrowing_through_the_edit_form_cancels_too(app, client, login, world):
    from tests.events.test_pages import form_data

    holder_reg = registrations.register(world.event, world.holder)
    db.session.commit()
    login(world.organizer)
    event = world.event
    local = event.local_start
    response = client.post(f"/events/{event.id}/edit", data=form_data(
        world.customs.id, title=event.title, audience=["customs"], capacity="10",
        start_date=local.date().isoformat(), end_date=local.date().isoformat(),
        start_time=local.strftime("%H:%M"), end_time=event.local_end.strftime("%H:%M"),
        online_url=ONLINE))
    assert response.status_code == 302
    assert status_of(holder_reg) == S.cancelled
    assert len(mails("registration_excluded", world.holder.email)) == 1
    login(world.holder)
    page = client.get("/registrations/mine").get_data(as_text=True)
    assert "Postal channel" in page and "Cancelled" in page and ONLINE not in page


def test_widening_or_keeping_the_audience_cancels_nobody(world, make_event):
    event = make_event(organizer=world.organizer, audience=[OrgKind.customs], capacity=5,
                       venue="Room 1")
    reg = registrations.register(event, world.officer)
    db.session.commit()
    data = lifecycle.EventInput.from_event(event)
    data.audience = [OrgKind.customs, OrgKind.rights_holder]
    lifecycle.update_event(event, data, by=world.organizer)
    db.session.commit()
    assert status_of(reg) == S.confirmed
    assert mails("registration_excluded") == []


def test_seats_freed_by_narrowing_go_to_the_waiting_list_in_order(world, make_user):
    world.event.capacity = 1
    db.session.commit()
    holder = registrations.register(world.event, world.holder)
    other_holder = registrations.register(world.event, make_user(org=world.brand))
    officer = registrations.register(world.event, world.officer)
    db.session.commit()
    assert [r.status for r in (holder, other_holder, officer)] == [S.confirmed, S.waitlisted,
                                                                    S.waitlisted]
    data = lifecycle.EventInput.from_event(world.event)
    data.audience = [OrgKind.customs]
    lifecycle.update_event(world.event, data, by=world.organizer)
    db.session.commit()
    # The waitlisted rights holder is cancelled, never promoted; the officer gets the seat.
    assert [status_of(r) for r in (holder, other_holder, officer)] == [S.cancelled, S.cancelled,
                                                                        S.confirmed]
    waitlisted_mail = mails("registration_excluded", other_holder.user.email)
    assert len(waitlisted_mail) == 1 and waitlisted_mail[0].ical_method is None
    assert mails("registration_promoted", other_holder.user.email) == []
    assert len(mails("registration_promoted", world.officer.email)) == 1


def test_a_waitlisted_place_the_audience_no_longer_admits_is_never_promoted(
        world, make_event, make_user, registered):
    """Promotion checks rule 1 again: a place left behind (written before this rule, or by
    hand) is skipped, and the next person who fits gets the seat."""
    event = make_event(organizer=world.organizer, audience=[OrgKind.customs], capacity=1,
                       online_url=ONLINE)
    first = registered(event, world.officer, S.confirmed)
    stale = registered(event, world.holder, S.waitlisted)
    behind = registered(event, make_user(org=world.customs), S.waitlisted)
    registrations.cancel_registration(first, by=world.officer)
    db.session.commit()
    assert status_of(stale) == S.waitlisted and status_of(behind) == S.confirmed
    assert mails("registration_promoted", world.holder.email) == []


def test_approve_and_move_refuse_a_seat_to_someone_outside_the_audience(
        world, make_event, registered):
    event = make_event(organizer=world.organizer, audience=[OrgKind.customs], capacity=5,
                       requires_approval=True)
    stale = registered(event, world.holder, S.pending)
    with pytest.raises(Conflict) as error:
        registrations.approve(stale, by=world.organizer)
    assert error.value.code == "not_in_audience"
    db.session.rollback()
    with pytest.raises(Conflict):
        registrations.move(stale, S.confirmed, by=world.organizer)


def test_invites_and_reminders_skip_a_place_the_audience_no_longer_admits(
        app, client, world, make_event, registered):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=12)
    event = make_event(organizer=world.organizer, audience=[OrgKind.customs], capacity=5,
                       online_url=ONLINE, start=start, venue="Room 1")
    stale = registered(event, world.holder, S.confirmed)
    kept = registered(event, world.officer, S.confirmed)
    # The feed does not carry it (nor its link) to the stale registrant.
    assert event.id not in feed_event_ids(app, client, world.holder)
    assert event.id in feed_event_ids(app, client, world.officer)
    # A change reaches only those the audience admits.
    data = lifecycle.EventInput.from_event(event)
    data.venue = "Room 2"
    lifecycle.update_event(event, data, by=world.organizer)
    db.session.commit()
    assert mails("event_changed", world.holder.email) == []
    assert len(mails("event_changed", world.officer.email)) == 1
    assert reminders.send_reminders() == 1
    db.session.commit()
    assert mails("reminder", world.holder.email) == []
    assert len(mails("reminder", world.officer.email)) == 1
    assert status_of(stale) == S.confirmed and status_of(kept) == S.confirmed


# --- the membership twin ---------------------------------------------------------------------


@pytest.fixture
def customs_only(world, make_event):
    return make_event(organizer=world.organizer, audience=[OrgKind.customs], capacity=5,
                      online_url=ONLINE, title="Customs only")


def test_a_rejected_member_loses_what_only_their_kind_admitted(world, customs_only, make_user):
    fp = make_user(org=world.customs, focal_point=True)
    narrow = registrations.register(customs_only, world.officer)
    open_ = registrations.register(world.event, world.officer)
    db.session.commit()
    members.reject(world.officer, by=fp)
    db.session.commit()
    assert status_of(narrow) == S.cancelled and status_of(open_) == S.confirmed
    (told,) = mails("registration_excluded", world.officer.email)
    assert told.ical_method == "CANCEL"
    assert "not verified" in told.body_text and "Shanghai Customs" in told.body_text


def test_moving_oneself_to_another_office_makes_the_membership_pending(
        world, customs_only, make_org):
    shenzhen = make_org("Shenzhen Customs", OrgKind.customs)
    reg = registrations.register(customs_only, world.officer)
    db.session.commit()
    members.change_organization(world.officer, shenzhen, by=world.officer)
    db.session.commit()
    assert world.officer.membership == Membership.pending
    assert status_of(reg) == S.cancelled


def test_an_admin_moving_a_member_keeps_them_verified_and_registered(
        world, customs_only, make_org):
    shenzhen = make_org("Shenzhen Customs", OrgKind.customs)
    reg = registrations.register(customs_only, world.officer)
    db.session.commit()
    members.change_organization(world.officer, shenzhen, by=world.admin)
    db.session.commit()
    assert world.officer.membership == Membership.verified
    assert status_of(reg) == S.confirmed
    # ...but a move to a kind outside the audience still loses the place.
    members.change_organization(world.officer, world.brand, by=world.admin)
    db.session.commit()
    assert status_of(reg) == S.cancelled


def test_an_organization_changing_kind_cancels_its_members_narrow_places(world, customs_only):
    reg = registrations.register(customs_only, world.officer)
    db.session.commit()
    organizations.update_org(world.customs, name=world.customs.name, kind="law_enforcement")
    db.session.commit()
    assert status_of(reg) == S.cancelled


def test_past_events_keep_their_registrations(world, make_event, registered, make_user):
    past = make_event(organizer=world.organizer, audience=[OrgKind.customs],
                      start=datetime.now(UTC) - timedelta(days=3))
    reg = registered(past, world.officer, S.confirmed)
    members.reject(world.officer, by=make_user(org=world.customs, focal_point=True))
    db.session.commit()
    assert status_of(reg) == S.confirmed
