"""Registration pages through HTTP: participants, organizers, and who may touch what."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration import checkin
from liaison.registration import registrations as regs
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

S = RegistrationStatus


@pytest.fixture(autouse=True)
def _quiet(news):
    """Mail is the mail tests' business; here registrants' news is only recorded."""
    return news


def reg_of(event, user) -> Registration:
    db.session.expire_all()
    return db.session.scalar(
        db.select(Registration).where(Registration.event_id == event.id,
                                      Registration.user_id == user.id)
    )


def test_register_from_the_event_page_confirms_and_shows_the_status(
    client, login, make_event, participant
):
    event = make_event(capacity=1)
    user = login(participant())
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert response.status_code == 200
    assert "You are confirmed" in response.text
    assert reg_of(event, user).status == S.confirmed
    page = client.get(f"/events/{event.id}")
    assert 'data-registration-status="confirmed"' in page.text
    assert "Cancel my registration" in page.text


def test_full_event_says_waiting_list_position(client, login, make_event, participant):
    event = make_event(capacity=1)
    regs.register(event, participant())
    regs.register(event, participant())
    db.session.commit()
    login(participant())
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "On the waiting list — position 2" in response.text
    assert "you are on the waiting list: position 2" in response.text


def test_org_cap_message(client, login, make_event, participant, make_org):
    event = make_event(capacity=10, org_cap=2)
    org = make_org(kind=OrgKind.customs)
    regs.register(event, participant(org=org))
    regs.register(event, participant(org=org))
    db.session.commit()
    login(participant(org=org))
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert ("Your organization&#39;s 2 seats are taken, so you are on the waiting list: "
            "position 1") in response.text


def test_approval_required_says_approval_does_not_reserve_a_seat(
    client, login, make_event, participant
):
    event = make_event(capacity=5, requires_approval=True)
    login(participant())
    page = client.get(f"/events/{event.id}")
    assert "Approval does not reserve a seat" in page.text
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "Awaiting approval" in response.text


def test_refusal_is_explained_and_writes_nothing(client, login, make_event, make_user):
    event = make_event(capacity=5, audience=[OrgKind.rights_holder])
    login(make_user(role=Role.admin))  # sees every event, but a customs organization
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "Your organization is not in the audience" in response.text
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_event_outside_your_audience_is_a_404_and_writes_nothing(
    client, login, make_event, participant
):
    event = make_event(capacity=5, audience=[OrgKind.rights_holder])
    login(participant(kind=OrgKind.customs))
    assert client.post(f"/events/{event.id}/register").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_draft_event_is_a_404_for_participants(client, login, make_event, participant):
    from liaison.events.models import EventStatus

    event = make_event(status=EventStatus.draft)
    login(participant())
    assert client.post(f"/events/{event.id}/register").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_cancel_own_registration_promotes_the_next(client, login, make_event, participant):
    event = make_event(capacity=1)
    a, b = participant(), participant()
    ra = regs.register(event, a)
    regs.register(event, b)
    db.session.commit()
    login(a)
    response = client.post(f"/registrations/{ra.id}/cancel", follow_redirects=True)
    assert "The registration is cancelled" in response.text
    assert (reg_of(event, a).status, reg_of(event, b).status) == (S.cancelled, S.confirmed)


def test_cancel_after_start_is_refused_with_a_message(client, login, make_event, participant):
    now = datetime.now(UTC)
    event = make_event(capacity=5)
    user = participant()
    reg = regs.register(event, user)
    event.start_at, event.end_at = now - timedelta(minutes=1), now + timedelta(hours=1)
    db.session.commit()
    login(user)
    response = client.post(f"/registrations/{reg.id}/cancel", follow_redirects=True)
    assert "already started" in response.text
    assert reg_of(event, user).status == S.confirmed


def test_mine_lists_registrations_and_training_history(client, login, make_event, participant):
    event = make_event(capacity=1, hours=2.5, title="Postal channel basics")
    full = make_event(capacity=1, title="Recordation clinic")
    user = participant()
    reg = regs.register(event, user)
    regs.register(full, participant())
    regs.register(full, user)
    checkin.check_in(reg, by=event.organizers[0], at=event.start_at, now=event.start_at)
    db.session.commit()
    login(user)
    page = client.get("/registrations/mine")
    assert page.status_code == 200
    assert "Postal channel basics" in page.text and "Recordation clinic" in page.text
    assert "On the waiting list — position 1" in page.text
    assert "My training history" in page.text and "2.5" in page.text


def test_attendee_list_counts_and_filters(client, login, make_event, participant):
    event = make_event(capacity=2, requires_approval=True)
    organizer = event.organizers[0]
    people = [participant(display_name=f"Person {i}") for i in range(4)]
    rows = [regs.register(event, p) for p in people]
    regs.approve(rows[0], by=organizer)
    db.session.commit()
    login(organizer)
    page = client.get(f"/events/{event.id}/registrations")
    assert page.status_code == 200
    assert "1 / 2 confirmed" in page.text
    assert "Approval does not reserve a seat" in page.text
    pending = client.get(f"/events/{event.id}/registrations?status=pending")
    assert pending.text.count("data-registration-id") == 3
    found = client.get(f"/events/{event.id}/registrations?q=Person 2")
    assert found.text.count("data-registration-id") == 1
    bogus = client.get(f"/events/{event.id}/registrations?status=bogus")
    assert bogus.status_code == 200
    assert bogus.text.count("data-registration-id") == 4  # an unknown filter shows everyone


def test_organizer_approves_moves_declines_and_checks_in(client, login, make_event, participant):
    event = make_event(capacity=1, requires_approval=True,
                       start=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1))
    a, b = participant(), participant()
    ra, rb = regs.register(event, a), regs.register(event, b)
    db.session.commit()
    login(event.organizers[0])
    base = f"/events/{event.id}/registrations"
    assert client.post(f"{base}/{ra.id}/approve").status_code == 302
    client.post(f"{base}/{rb.id}/approve")
    assert (reg_of(event, a).status, reg_of(event, b).status) == (S.confirmed, S.waitlisted)
    response = client.post(f"{base}/{rb.id}/move", data={"status": "confirmed"},
                           follow_redirects=True)
    assert "The event is full" in response.text
    for nonsense in ("nonsense", "", "declined", "Confirmed", "confirmed\x00"):
        refused = client.post(f"{base}/{rb.id}/move", data={"status": nonsense})
        assert refused.status_code in (302, 400), (nonsense, refused.status_code)
        if refused.status_code == 302:  # back to the list, saying what went wrong
            page = client.get(refused.location).text
            assert "Choose confirmed, waiting list or awaiting approval." in page, nonsense
        assert reg_of(event, b).status == S.waitlisted
    client.post(f"{base}/{ra.id}/check-in")
    assert reg_of(event, a).checked_in_at is not None
    assert reg_of(event, a).attendance == AttendanceOutcome.attended
    client.post(f"{base}/{ra.id}/check-in", data={"undo": "1"})
    assert reg_of(event, a).checked_in_at is None
    assert reg_of(event, a).attendance is None
    client.post(f"{base}/{ra.id}/decline")
    assert (reg_of(event, a).status, reg_of(event, b).status) == (S.declined, S.confirmed)


def test_check_in_page_searches_and_shows_big_buttons(client, login, make_event, participant,
                                                      make_org):
    event = make_event(capacity=5)
    org = make_org(name="Shenzhen Customs", name_zh="深圳海关", kind=OrgKind.customs)
    regs.register(event, participant(org=org, display_name="Li Wei"))
    regs.register(event, participant(display_name="Anna Berg"))
    db.session.commit()
    login(event.organizers[0])
    page = client.get(f"/events/{event.id}/check-in")
    assert page.status_code == 200 and "check-in-button" in page.text
    assert "Tap to check in" in page.text
    found = client.get(f"/events/{event.id}/check-in?q=shenzhen")
    assert "Li Wei" in found.text and "Anna Berg" not in found.text
    found_zh = client.get(f"/events/{event.id}/check-in?q=深圳")
    assert "Li Wei" in found_zh.text and "Anna Berg" not in found_zh.text


# The organizers' pages and actions on one event's registrations.
MANAGING = pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/events/{event}/registrations"),
        ("get", "/events/{event}/check-in"),
        ("get", "/events/{event}/registrations.csv"),
        ("post", "/events/{event}/registrations/{reg}/approve"),
        ("post", "/events/{event}/registrations/{reg}/decline"),
        ("post", "/events/{event}/registrations/{reg}/move"),
        ("post", "/events/{event}/registrations/{reg}/check-in"),
    ],
)


@MANAGING
def test_participants_and_other_organizers_cannot_manage(
    client, login, make_event, participant, make_user, method, path
):
    event = make_event(capacity=5, requires_approval=True)
    reg = regs.register(event, participant())
    db.session.commit()
    url = path.format(event=event.id, reg=reg.id)
    assert getattr(client, method)(url).status_code == 302  # anonymous: to the log-in page
    for outsider in (participant(), make_user(role=Role.organizer)):
        login(outsider)
        assert getattr(client, method)(url, data={"status": "confirmed"}).status_code == 403
    assert reg_of(event, reg.user).status == S.pending


@MANAGING
@pytest.mark.parametrize("hidden", ["draft", "audience"])
def test_managing_an_event_you_cannot_see_is_a_404(
    client, login, make_event, make_org, participant, make_user, method, path, hidden
):
    """Not 403: that would tell someone outside the audience (or any draft) that it exists."""
    from liaison.events.models import EventStatus

    if hidden == "draft":
        event = make_event(capacity=5, requires_approval=True, status=EventStatus.draft)
        viewers = (participant(), make_user(role=Role.organizer))
    else:
        event = make_event(capacity=5, requires_approval=True, audience=[OrgKind.customs])
        viewers = (participant(kind=OrgKind.rights_holder),
                   make_user(role=Role.organizer, org=make_org(kind=OrgKind.judiciary)))
    reg = Registration(event=event, user=participant(), status=S.pending)
    db.session.add(reg)
    db.session.commit()
    url = path.format(event=event.id, reg=reg.id)
    for viewer in viewers:
        login(viewer)
        assert getattr(client, method)(url, data={"status": "confirmed"}).status_code == 404
    assert reg_of(event, reg.user).status == S.pending


def test_someone_elses_registration_is_a_404(client, login, make_event, participant):
    event = make_event(capacity=5)
    owner = participant()
    reg = regs.register(event, owner)
    db.session.commit()
    login(participant())
    assert client.post(f"/registrations/{reg.id}/cancel").status_code == 404
    assert reg_of(event, owner).status == S.confirmed


def test_registration_of_another_event_is_a_404(client, login, make_event, participant):
    organizer_event = make_event(capacity=5)
    other = make_event(capacity=5)
    reg = regs.register(other, participant())
    db.session.commit()
    login(organizer_event.organizers[0])
    url = f"/events/{organizer_event.id}/registrations/{reg.id}/decline"
    assert client.post(url).status_code == 404
    assert reg.status == S.confirmed


def test_organizer_cancels_on_behalf(client, login, make_event, participant):
    event = make_event(capacity=5)
    user = participant()
    reg = regs.register(event, user)
    db.session.commit()
    login(event.organizers[0])
    client.post(f"/registrations/{reg.id}/cancel",
                data={"next": f"/events/{event.id}/registrations"})
    assert reg_of(event, user).status == S.cancelled


def test_forms_need_csrf(app, client, login, make_event, participant):
    app.config["WTF_CSRF_ENABLED"] = True
    event = make_event(capacity=5)
    login(participant())
    assert client.post(f"/events/{event.id}/register").status_code == 400
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_a_full_event_says_full_not_that_the_organizations_seats_are_taken(
    client, login, make_event, participant, make_org
):
    """Issue 15, finding 13: org_cap_reached must be false when the event itself is full."""
    event = make_event(capacity=1, org_cap=2)
    org = make_org(kind=OrgKind.customs)
    regs.register(event, participant(org=org))
    late = participant(org=org)
    regs.register(event, late)
    db.session.commit()
    login(late)
    page = client.get(f"/events/{event.id}").text
    assert "The event is full." in page
    assert "Your organization&#39;s" not in page and "Your organization's" not in page


def test_mine_has_an_upcoming_and_a_past_tab_each_paginated(app, client, login, make_event,
                                                            participant, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    user = participant()
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(3):
        regs.register(make_event(title=f"Coming session {i}", start=now + timedelta(days=i + 1)),
                      user)
    for i in range(2):
        event = make_event(title=f"Earlier session {i}", start=now - timedelta(days=i + 2))
        db.session.add(Registration(event=event, user=user, status=S.confirmed,
                                    attendance=AttendanceOutcome.partial if i else None))
    db.session.commit()
    login(user)
    first = client.get("/registrations/mine").text
    assert "Coming session 0" in first and "Coming session 1" in first
    assert "Coming session 2" not in first
    assert "Earlier session 0" not in first  # (session 1, partly attended, is in the history)
    assert re.search(r'Upcoming<span class="nav-count">3</span>', first)
    assert re.search(r'Past<span class="nav-count">2</span>', first)
    assert 'href="?page=2"' in first
    second = client.get("/registrations/mine?page=2").text
    assert "Coming session 2" in second and "Coming session 0" not in second
    assert 'name="next" value="/registrations/mine?page=2"' in second  # cancelling comes back
    past = client.get("/registrations/mine?tab=past").text
    assert past.index("Earlier session 0") < past.index("Earlier session 1")  # latest first
    assert past.count("Partly attended") == 1  # the outcome the record counts, not check-in
    assert "Coming session" not in past
    assert 'aria-current="page" href="/registrations/mine?tab=past"' in past
    assert client.get("/registrations/mine?tab=nonsense").text.count("Coming session") == 2
