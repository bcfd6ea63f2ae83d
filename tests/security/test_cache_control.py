"""Issue 15, finding 11: every answer made for a signed-in user or an API token is
`Cache-Control: no-store` — whatever the route (every row of the access matrix, so every route
in url_map), method and status, redirects and refusals included. Personal feeds stay
`private, no-cache` with their ETag, so calendar programs can poll them cheaply."""
from __future__ import annotations

import pytest

from tests.security.access_matrix import CASES
from tests.security.test_access_matrix import build_world, request

PERSONAL_FEED = "/calendar/<token>.ics"
# The same for everyone, not made for the caller (a signed-in browser may cache them).
PUBLIC = {"/calendar/public.ics", "/api/v1/openapi.json"}


@pytest.mark.parametrize("role", ["organizer", "participant", "admin"])
def test_every_route_answers_no_store_to_a_signed_in_user_and_a_token(app, role):
    actors, targets = build_world()
    wrong = []
    for case in CASES:
        if case.rule in PUBLIC:
            continue
        path = case.path.format(**targets[role])
        response = request(app, case, actors[role], path)
        got = response.headers.get("Cache-Control")
        if case.rule == PERSONAL_FEED:  # the token is the credential, not the session
            if response.status_code == 200 and (
                got != "private, no-cache" or not response.headers.get("ETag")
            ):
                wrong.append(f"{case.id}: {got}, ETag {response.headers.get('ETag')}")
        elif got != "no-store":
            wrong.append(f"{case.id} ({response.status_code}): {got!r}")
    assert not wrong, "\n".join(wrong)


def test_private_pages_named_in_the_review_are_no_store(app, client, login, make_user,
                                                          make_event):
    """The account page (secret feed URL), the token page (a new raw token), the attendee
    list, check-in and /api/v1/me."""
    from liaison.accounts.apitokens import issue_token
    from liaison.accounts.models import Role

    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer)
    _token, raw = issue_token(organizer, "me")
    login(organizer)
    pages = [client.get("/account/"), client.post("/account/tokens", data={"name": "new"}),
             client.get(f"/events/{event.id}/registrations"),
             client.get(f"/events/{event.id}/check-in"),
             client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})]
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 200]
    assert [p.headers.get("Cache-Control") for p in pages] == ["no-store"] * 5
    static = client.get("/static/css/app.css")  # the same file for everyone
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_anonymous_pages_and_static_files_stay_cacheable(client):
    """What is the same for everyone carries no no-store."""
    page = client.get("/events/")
    assert page.status_code == 200 and "no-store" not in page.headers.get("Cache-Control", "")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
