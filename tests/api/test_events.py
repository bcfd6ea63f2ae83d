"""GET/POST /events, GET/PATCH /events/<id>, POST /events/<id>/cancel."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blueprints.api.schemas import EventOut, EventPage
from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventKind, EventStatus
from liaison.registration.models import Registration, RegistrationStatus

EVENT_FIELDS = {
    "id", "kind", "title", "title_zh", "description", "description_zh", "topics",
    "host_organization_id", "audience", "start",
    "end", "timezone", "venue", "online_url", "capacity", "org_cap", "registration_opens",
    "registration_closes", "requires_approval", "status", "sequence", "confirmed_count",
    "waitlist_count", "classification", "credit_hours", "cancellation_reason",
}


def new_event(**overrides) -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    body = {
        "kind": "training",
        "title": "Recordation basics",
        "description": "Line one\nLine two",
        "topics": ["recordation"],
        "audience": ["rights_holder"],
        "start": start.isoformat(),
        "end": (start + timedelta(hours=3)).isoformat(),
        "timezone": "Asia/Shanghai",
        "venue": "Customs House, Room 4",
        "online_url": "https://meet.example.test/rec",
        "capacity": 30,
    }
    body.update(overrides)
    return body


def titles(response) -> list[str]:
    return [item["title"] for item in response.json["items"]]


# -- list ----------------------------------------------------------------------------------


def test_participant_lists_only_what_they_may_see(cast, api_as):
    response = api_as(cast.participant).get("/events")
    assert response.status_code == 200
    EventPage.model_validate(response.json)
    assert titles(response) == ["Postal channel"]  # no draft, no customs-only event
    assert response.json["total"] == 1


def test_organizer_lists_own_drafts_and_restricted_events(cast, api_as):
    response = api_as(cast.organizer).get("/events")
    assert set(titles(response)) == {"Postal channel", "Draft plan", "Customs only"}


def test_pagination_reports_total_and_pages(cast, api_as, make_event):
    for n in range(4):
        make_event(organizer=cast.organizer, title=f"Extra {n}", venue="Hall")
    api = api_as(cast.participant)
    first = api.get("/events?per_page=2&page=1").json
    third = api.get("/events?per_page=2&page=3").json
    assert (first["total"], first["pages"], first["per_page"], len(first["items"])) == (5, 3, 2, 2)
    assert len(third["items"]) == 1
    assert api.get("/events?per_page=2&page=9").json["items"] == []


@pytest.mark.parametrize("query, field", [
    ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
    ("page=abc", "page"), ("page=99999999999999999999999", "page"), ("kind=party", "kind"),
    ("host=-1", "host"), ("from=yesterday", "from"), ("from=2025-06-01T09:00:00", "from"),
    ("to=99999-01-01T00:00:00Z", "to"), ("topic=a%00b", "topic"),
])
def test_bad_list_parameters_are_422_per_field(cast, api_as, query, field):
    response = api_as(cast.participant).get(f"/events?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_filters(cast, api_as, make_event, make_org):
    other_host = make_org("Association", OrgKind.association)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=40)
    make_event(organizer=cast.organizer, title="Meeting", kind=EventKind.exchange_meeting,
               host_organization=other_host, start=later, venue="Hall", topics=["Recordation"])
    api = api_as(cast.participant)
    assert titles(api.get("/events?kind=exchange_meeting")) == ["Meeting"]
    assert titles(api.get("/events?topic=postal channel")) == ["Postal channel"]
    assert titles(api.get("/events?topic=recordation")) == ["Meeting"]
    assert titles(api.get(f"/events?host={other_host.id}")) == ["Meeting"]
    cut = (later - timedelta(days=1)).isoformat()
    assert titles(api.get("/events", query_string={"from": cut})) == ["Meeting"]
    assert titles(api.get("/events", query_string={"to": cut})) == ["Postal channel"]


# -- read ----------------------------------------------------------------------------------


def test_event_fields_are_exactly_the_spec_fields(cast, api_as):
    response = api_as(cast.participant).get(f"/events/{cast.event.id}")
    assert response.status_code == 200
    assert set(response.json) == EVENT_FIELDS
    EventOut.model_validate(response.json)
    assert response.json["start"].endswith("+08:00")  # in the event's own zone, with offset
    assert response.json["topics"] == ["postal-channel"]
    assert response.json["confirmed_count"] == 0


def test_online_url_only_for_organizers_and_confirmed_attendees(cast, api_as):
    path = f"/events/{cast.event.id}"
    assert api_as(cast.participant).get(path).json["online_url"] is None
    assert api_as(cast.organizer).get(path).json["online_url"] == "https://meet.example.test/abc"
    db.session.add(Registration(event=cast.event, user=cast.participant,
                                status=RegistrationStatus.waitlisted))
    db.session.commit()
    assert api_as(cast.participant).get(path).json["online_url"] is None
    cast.event.registrations[0].status = RegistrationStatus.confirmed
    db.session.commit()
    body = api_as(cast.participant).get(path).json
    assert body["online_url"] == "https://meet.example.test/abc"
    assert body["confirmed_count"] == 1


def test_hidden_events_are_404(cast, api_as):
    api = api_as(cast.participant)
    for event in (cast.draft, cast.customs_only):
        response = api.get(f"/events/{event.id}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    assert api.get("/events/999999").status_code == 404
    assert api.get("/events/99999999999999999999").status_code == 404


# -- create --------------------------------------------------------------------------------


def test_organizer_creates_a_draft(cast, api_as):
    response = api_as(cast.organizer).post("/events", json=new_event())
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"/api/v1/events/{body['id']}")
    assert body["status"] == "draft"
    assert body["host_organization_id"] == cast.customs.id
    assert body["audience"] == ["rights_holder"]
    assert body["description"] == "Line one\nLine two"
    assert body["online_url"] == "https://meet.example.test/rec"  # the organizer sees it
    assert api_as(cast.participant).get(f"/events/{body['id']}").status_code == 404


def test_participant_cannot_create(cast, api_as):
    response = api_as(cast.participant).post("/events", json=new_event())
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("overrides, field", [
    ({"colour": "red"}, "colour"),
    ({"title": ""}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"title": 42}, "title"),
    ({"kind": "party"}, "kind"),
    ({"capacity": 10**30}, "capacity"),
    ({"capacity": "10"}, "capacity"),
    ({"capacity": 0}, "capacity"),
    ({"requires_approval": "yes"}, "requires_approval"),
    ({"start": "tomorrow"}, "start"),
    ({"start": "2025-06-03T09:30:00"}, "start"),  # no offset
    ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"online_url": "http://[::1"}, "online_url"),
    ({"audience": ["aliens"]}, "audience.0"),
    ({"host_organization_id": 999999}, "host_organization_id"),
    ({"co_organizer_ids": [999999]}, "co_organizer_ids"),
])
def test_invalid_fields_are_422_with_a_message_per_field(cast, api_as, overrides, field):
    response = api_as(cast.organizer).post("/events", json=new_event(**overrides))
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert response.json["error"]["fields"][field]
    assert db.session.scalar(db.select(db.func.count()).select_from(
        db.metadata.tables["event"])) == 3  # nothing written


def test_missing_fields_and_rule_errors_name_each_field(cast, api_as):
    api = api_as(cast.organizer)
    fields = api.post("/events", json={"kind": "training"}).json["error"]["fields"]
    assert {"title", "start", "end", "timezone"} <= set(fields)
    body = new_event()
    body["end"] = body["start"]
    response = api.post("/events", json=body)
    assert response.status_code == 422
    assert "end" in response.json["error"]["fields"]


@pytest.mark.parametrize("data, content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (b'"text"', "application/json"),
    (b"", "application/json"),
    (b'{"title": "x"}', "text/plain"),
    (b"\xff\xfe", "application/json"),
    (b'{"title": "\\ud800"}', "application/json"),  # a lone surrogate cannot be stored
    (b"[" * 100_000, "application/json"),
])
def test_malformed_bodies_are_400(cast, api_as, data, content_type):
    response = api_as(cast.organizer).post("/events", data=data,
                                           headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


# -- change, publish, cancel ---------------------------------------------------------------


def test_patch_changes_only_the_fields_sent_and_raises_the_sequence(cast, api_as):
    api = api_as(cast.organizer)
    before = api.get(f"/events/{cast.event.id}").json
    new_start = datetime.fromisoformat(before["start"]) + timedelta(hours=1)
    response = api.patch(f"/events/{cast.event.id}", json={
        "title": "Postal channel, part 1",
        "start": new_start.isoformat(),
        "end": (new_start + timedelta(hours=2)).isoformat(),
    })
    assert response.status_code == 200, response.json
    after = response.json
    assert after["title"] == "Postal channel, part 1"
    assert after["sequence"] == before["sequence"] + 1
    assert after["venue"] == before["venue"] and after["capacity"] == before["capacity"]


def test_patch_status_publishes_and_unpublishes(cast, api_as):
    api = api_as(cast.organizer)
    path = f"/events/{cast.draft.id}"
    assert api.patch(path, json={"status": "published"}).json["status"] == "published"
    assert api.patch(path, json={"status": "published"}).json["status"] == "published"
    assert api_as(cast.participant).get(path).status_code == 200
    assert api.patch(path, json={"status": "draft"}).json["status"] == "draft"
    assert api_as(cast.participant).get(path).status_code == 404
    assert api.patch(path, json={"status": "cancelled"}).status_code == 422


def test_patch_refusals(cast, api_as):
    path = f"/events/{cast.event.id}"
    assert api_as(cast.participant).patch(path, json={"title": "Mine"}).status_code == 403
    assert api_as(cast.other_organizer).patch(path, json={"title": "Mine"}).status_code == 403
    assert api_as(cast.participant).patch(f"/events/{cast.draft.id}",
                                          json={"title": "x"}).status_code == 404
    api = api_as(cast.organizer)
    assert api.patch(path, json={"title": None}).status_code == 422
    assert api.patch(path, json={"sequence": 9}).json["error"]["fields"]["sequence"]
    assert api.patch(path, json={"end": "2000-01-01T00:00:00Z"}).status_code == 422
    assert cast.event.title == "Postal channel"


def test_patch_null_clears_a_nullable_field(cast, api_as):
    response = api_as(cast.organizer).patch(f"/events/{cast.event.id}", json={"capacity": None})
    assert response.status_code == 200, response.json
    assert response.json["capacity"] is None


def test_cancel(cast, api_as):
    path = f"/events/{cast.event.id}/cancel"
    assert api_as(cast.participant).post(path).status_code == 403
    response = api_as(cast.organizer).post(path)
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    again = api_as(cast.organizer).post(path)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"
    assert api_as(cast.organizer).patch(f"/events/{cast.event.id}",
                                        json={"title": "Back"}).status_code == 409


def test_admin_manages_any_event(cast, api_as, make_user):
    admin = make_user(role=Role.admin)
    response = api_as(admin).patch(f"/events/{cast.draft.id}", json={"status": "published"})
    assert response.status_code == 200
    assert cast.draft.status == EventStatus.published
