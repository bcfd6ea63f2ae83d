"""Every organizer route: anonymous → log in, participant → 403, organizer of another event →
403, the event's organizers and admins → allowed."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.events.models import Event, EventStatus

GET_ROUTES = ["/events/{id}/edit"]
POST_ROUTES = [
    "/events/{id}/publish",
    "/events/{id}/unpublish",
    "/events/{id}/cancel",
    "/events/{id}/duplicate",
    "/events/{id}/edit",
]


@pytest.fixture
def event(make_event, organizer):
    return make_event(organizer, title="Published training")


def _call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


ALL = [("GET", r) for r in GET_ROUTES] + [("POST", r) for r in POST_ROUTES]


@pytest.mark.parametrize(("method", "route"), ALL)
def test_anonymous_visitors_are_sent_to_log_in(client, event, method, route):
    response = _call(client, method, route.format(id=event.id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "route"), ALL)
def test_participants_get_403(client, login, event, customs_officer, method, route):
    login(customs_officer)
    assert _call(client, method, route.format(id=event.id)).status_code == 403


@pytest.mark.parametrize(("method", "route"), ALL)
def test_organizers_of_another_event_get_403(client, login, event, other_organizer, method, route):
    login(other_organizer)
    assert _call(client, method, route.format(id=event.id)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.published


def test_new_is_for_organizers_and_admins_only(client, login, customs_officer, other_organizer,
                                               admin):
    assert "/auth/login" in client.get("/events/new").headers["Location"]
    login(customs_officer)
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data={"title": "x"}).status_code == 403
    assert client.get("/events/mine").status_code == 403
    for user in (other_organizer, admin):
        login(user)
        assert client.get("/events/new").status_code == 200
        assert client.get("/events/mine").status_code == 200


def test_co_organizers_and_admins_may_act(client, login, make_event, organizer, other_organizer,
                                          admin):
    event = make_event(organizer, status=EventStatus.draft)
    event.organizers.append(other_organizer)
    db.session.commit()
    login(other_organizer)
    assert client.get(f"/events/{event.id}/edit").status_code == 200
    assert client.post(f"/events/{event.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.published  # it did publish
    login(admin)
    assert client.post(f"/events/{event.id}/unpublish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.draft


def test_unknown_events_are_404(client, login, organizer):
    login(organizer)
    assert client.get("/events/999999").status_code == 404
    assert client.get("/events/999999/edit").status_code == 404
    assert client.post("/events/999999/cancel").status_code == 404
