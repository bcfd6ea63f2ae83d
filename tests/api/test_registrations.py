"""Registering yourself, the organizers' list, and approve/decline/cancel/check-in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from blueprints.api.schemas import RegistrationOut, RegistrationPage
from extensions import db
from liaison.accounts.models import Role
from liaison.events.models import EventStatus
from liaison.registration.models import Registration, RegistrationStatus

REGISTRATION_FIELDS = {"id", "event_id", "user_id", "status", "created_at", "checked_in_at",
                       "attendance", "attended_minutes", "decline_reason", "answers",
                       "nominated_by", "stage"}


def register(api, event):
    return api.post(f"/events/{event.id}/registrations")


def test_register_is_201_then_200_for_the_same_place(cast, api_as):
    api = api_as(cast.participant)
    first = register(api, cast.event)
    assert first.status_code == 201, first.json
    assert set(first.json) == REGISTRATION_FIELDS
    RegistrationOut.model_validate(first.json)
    assert first.json["status"] == "confirmed"
    assert first.json["user_id"] == cast.participant.id
    assert first.json["created_at"].endswith("+00:00")
    again = register(api, cast.event)
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert api.get(f"/events/{cast.event.id}").json["confirmed_count"] == 1


def test_registering_again_after_cancelling_is_201_for_the_same_row(cast, api_as):
    api = api_as(cast.participant)
    first = register(api, cast.event).json
    assert api.post(f"/registrations/{first['id']}/cancel").json["status"] == "cancelled"
    again = register(api, cast.event)
    assert again.status_code == 201
    assert again.json["id"] == first["id"]
    assert again.json["status"] == "confirmed"


def test_register_for_what_you_cannot_see_is_404(cast, api_as):
    api = api_as(cast.participant)
    assert register(api, cast.draft).status_code == 404
    assert register(api, cast.customs_only).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_register_refused_by_a_rule_says_which(cast, api_as, make_event):
    past_window = make_event(
        organizer=cast.organizer, venue="Hall",
        registration_closes_at=datetime.now(UTC) - timedelta(hours=1),
    )
    response = register(api_as(cast.participant), past_window)
    assert response.status_code in (403, 409, 422)
    assert response.json["error"]["code"] == "registration_closed"
    assert response.json["error"]["message"]
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_waitlisted_when_full(cast, api_as, make_user, make_event):
    small = make_event(organizer=cast.organizer, venue="Hall", capacity=1)
    assert register(api_as(cast.participant), small).json["status"] == "confirmed"
    assert register(api_as(make_user(org=cast.brand)), small).json["status"] == "waitlisted"


def test_organizers_list_registrations_paginated(cast, api_as, make_user):
    for _ in range(3):
        register(api_as(make_user()), cast.event)
    response = api_as(cast.organizer).get(f"/events/{cast.event.id}/registrations?per_page=2")
    assert response.status_code == 200
    RegistrationPage.model_validate(response.json)
    assert (response.json["total"], len(response.json["items"])) == (3, 2)
    filtered = api_as(cast.organizer).get(f"/events/{cast.event.id}/registrations?status=pending")
    assert filtered.json["total"] == 0
    bad = api_as(cast.organizer).get(f"/events/{cast.event.id}/registrations?status=maybe")
    assert bad.status_code == 422


def test_participant_cannot_read_an_events_registration_list(cast, api_as):
    api = api_as(cast.participant)
    register(api, cast.event)
    response = api.get(f"/events/{cast.event.id}/registrations")
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert api.get(f"/events/{cast.customs_only.id}/registrations").status_code == 404
    other = api_as(cast.other_organizer).get(f"/events/{cast.event.id}/registrations")
    assert other.status_code == 403


def pending_registration(cast, api_as, make_event):
    event = make_event(organizer=cast.organizer, venue="Hall", requires_approval=True)
    response = register(api_as(cast.participant), event)
    assert response.json["status"] == "pending"
    return response.json["id"]


def test_participant_cannot_approve_their_own_registration(cast, api_as, make_event):
    reg_id = pending_registration(cast, api_as, make_event)
    response = api_as(cast.participant).post(f"/registrations/{reg_id}/approve")
    assert response.status_code == 403
    assert db.session.get(Registration, reg_id).status == RegistrationStatus.pending


def test_organizer_approves_and_declines(cast, api_as, make_event, make_user):
    reg_id = pending_registration(cast, api_as, make_event)
    api = api_as(cast.organizer)
    approved = api.post(f"/registrations/{reg_id}/approve")
    assert approved.status_code == 200
    assert approved.json["status"] == "confirmed"
    declined = api.post(f"/registrations/{reg_id}/decline")
    assert declined.json["status"] == "declined"


def test_approving_a_cancelled_registration_is_409(cast, api_as, make_event):
    reg_id = pending_registration(cast, api_as, make_event)
    assert api_as(cast.participant).post(f"/registrations/{reg_id}/cancel").json["status"] == (
        "cancelled")
    response = api_as(cast.organizer).post(f"/registrations/{reg_id}/approve")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


def test_other_peoples_registrations_are_404(cast, api_as, make_user):
    reg_id = register(api_as(cast.participant), cast.event).json["id"]
    stranger = api_as(make_user(org=cast.brand))
    for action in ("approve", "decline", "cancel", "check-in"):
        assert stranger.post(f"/registrations/{reg_id}/{action}").status_code == 404
    assert api_as(cast.other_organizer).post(f"/registrations/{reg_id}/cancel").status_code == 404
    assert stranger.post("/registrations/99999999/cancel").status_code == 404
    assert db.session.get(Registration, reg_id).status == RegistrationStatus.confirmed


def test_check_in(cast, api_as, make_event):
    api = api_as(cast.organizer)
    cast.event.start_at = datetime.now(UTC) + timedelta(hours=1)  # inside the check-in window
    cast.event.end_at = cast.event.start_at + timedelta(hours=2)
    db.session.commit()
    reg_id = register(api_as(cast.participant), cast.event).json["id"]
    assert api_as(cast.participant).post(f"/registrations/{reg_id}/check-in").status_code == 403
    response = api.post(f"/registrations/{reg_id}/check-in")
    assert response.status_code == 200
    assert response.json["checked_in_at"] is not None
    pending_id = pending_registration(cast, api_as, make_event)
    assert api.post(f"/registrations/{pending_id}/check-in").status_code == 409


def test_organizer_cancels_a_registration_and_the_waitlist_moves(cast, api_as, make_user,
                                                                 make_event):
    event = make_event(organizer=cast.organizer, venue="Hall", capacity=1)
    first = register(api_as(cast.participant), event).json
    second = register(api_as(make_user(org=cast.brand)), event).json
    assert second["status"] == "waitlisted"
    cancelled = api_as(cast.organizer).post(f"/registrations/{first['id']}/cancel")
    assert cancelled.json["status"] == "cancelled"
    assert db.session.get(Registration, second["id"]).status == RegistrationStatus.confirmed


def test_admin_may_manage_registrations(cast, api_as, make_user, make_event):
    reg_id = pending_registration(cast, api_as, make_event)
    admin = make_user(role=Role.admin)
    response = api_as(admin).post(f"/registrations/{reg_id}/approve")
    assert response.status_code == 200
    assert response.json["status"] == "confirmed"
    assert db.session.get(Registration, reg_id).status == RegistrationStatus.confirmed


def test_cancelled_event_refuses_registration(cast, api_as):
    cast.event.status = EventStatus.cancelled
    db.session.commit()
    response = register(api_as(cast.participant), cast.event)
    assert response.status_code in (409, 422)
    assert response.json["error"]["code"] == "event_cancelled"
