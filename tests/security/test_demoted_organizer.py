"""Issue 15, finding 2: an organizer whom an admin sets to participant stops running their
events — attendee list, CSV, check-in, edit page, actions and API — while they stay on the
event's list of organizers. One predicate decides (`lifecycle.can_manage`)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from liaison.accounts.apitokens import issue_token
from liaison.accounts.models import OrgKind, Role
from liaison.events import lifecycle
from liaison.events.models import EventStatus
from liaison.registration.models import RegistrationStatus


@pytest.fixture
def demoted_world(app, make_org, make_user, make_event, registered):
    customs = make_org(kind=OrgKind.customs)
    admin = make_user(role=Role.admin, email="admin@example.test")
    organizer = make_user(role=Role.organizer, org=customs, email="was.organizer@example.test")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)  # check-in is open
    event = make_event(organizer=organizer, online_url="https://meet.example/secret-room",
                       start=soon)
    draft = make_event(organizer=organizer, status=EventStatus.draft, title="Still a draft")
    attendee = make_user(org=customs, display_name="Attendee Person")
    registration = registered(event, attendee, RegistrationStatus.confirmed)
    _token, raw = issue_token(organizer, "sync")
    db.session.commit()
    return admin, organizer, event, draft, registration, raw


def _as(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _manage_answers(app, organizer, event, draft, registration, token) -> dict[str, int]:
    web = app.test_client()
    _as(web, organizer)
    api = {"Authorization": f"Bearer {token}"}
    base = f"/events/{event.id}"
    return {
        "attendees": web.get(f"{base}/registrations").status_code,
        "csv": web.get(f"{base}/registrations.csv").status_code,
        "check-in page": web.get(f"{base}/check-in").status_code,
        "edit page": web.get(f"{base}/edit").status_code,
        "check in": web.post(f"{base}/registrations/{registration.id}/check-in").status_code,
        "draft page": web.get(f"/events/{draft.id}").status_code,
        "api list": web.get(f"/api/v1{base}/registrations", headers=api).status_code,
        "api patch": web.patch(f"/api/v1{base}", json={"title": "Renamed"},
                               headers=api).status_code,
        "api check-in": web.post(f"/api/v1/registrations/{registration.id}/check-in",
                                 headers=api).status_code,
    }


def test_demoted_organizer_no_longer_manages_their_events(app, client, demoted_world):
    admin, organizer, event, draft, registration, token = demoted_world
    before = _manage_answers(app, organizer, event, draft, registration, token)
    assert before == {"attendees": 200, "csv": 200, "check-in page": 200, "edit page": 200,
                      "check in": 302, "draft page": 200, "api list": 200, "api patch": 200,
                      "api check-in": 200}
    db.session.expire_all()
    registration.checked_in_at, event.title = None, "Original"
    db.session.commit()

    _as(client, admin)
    changed = client.post(f"/admin/users/{organizer.id}/role", data={"role": "participant"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert organizer.role == Role.participant

    after = _manage_answers(app, organizer, event, draft, registration, token)
    assert after == {"attendees": 403, "csv": 403, "check-in page": 403, "edit page": 403,
                     "check in": 403, "draft page": 404, "api list": 403, "api patch": 403,
                     "api check-in": 404}  # not theirs, not managed: as if unknown
    db.session.expire_all()
    assert event.title != "Renamed" and registration.checked_in_at is None
    assert event.has_organizer(organizer)  # still on the list: who ran it is history


def test_demoted_organizer_sees_no_online_link_without_a_seat(app, demoted_world):
    _admin, organizer, event, _draft, _registration, _token = demoted_world
    organizer.role = Role.participant
    db.session.commit()
    web = app.test_client()
    _as(web, organizer)
    page = web.get(f"/events/{event.id}")
    assert page.status_code == 200
    assert "secret-room" not in page.text
    assert "secret-room" not in web.get(f"/events/{event.id}.ics").text


def test_an_event_with_a_demoted_co_organizer_stays_editable(app, make_user, make_event,
                                                             demoted_world):
    """The remaining organizers can still save the event (the demoted one may stay listed)."""
    admin, organizer, event, _draft, _registration, _token = demoted_world
    other = make_user(role=Role.organizer)
    event.organizers.append(other)
    organizer.role = Role.participant
    db.session.commit()
    assert not lifecycle.can_manage(event, organizer)
    assert lifecycle.can_manage(event, other) and lifecycle.can_manage(event, admin)
    _token_row, raw = issue_token(other, "theirs")
    db.session.commit()
    answer = app.test_client().patch(f"/api/v1/events/{event.id}", json={"title": "Kept"},
                                     headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200, answer.json
    db.session.expire_all()
    assert event.title == "Kept" and event.has_organizer(organizer)
