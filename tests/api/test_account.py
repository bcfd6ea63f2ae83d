"""GET /me, POST /me/calendar-token, GET /organizations."""
from __future__ import annotations

from blueprints.api.schemas import MeOut, OrganizationPage
from liaison.accounts.models import OrgKind
from liaison.calendar import feedtokens


def test_me_includes_the_personal_feed_url(client, api_as, make_user):
    user = make_user(email="me@example.test")
    response = api_as(user).get("/me")
    assert response.status_code == 200
    MeOut.model_validate(response.json)
    assert response.json["email"] == "me@example.test"
    url = response.json["calendar_url"]
    token = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".ics")
    assert feedtokens.user_for_calendar_token(token) == user


def test_rotating_the_calendar_token_kills_the_old_url(api_as, make_user):
    user = make_user()
    api = api_as(user)
    old = api.get("/me").json["calendar_url"]
    response = api.post("/me/calendar-token")
    assert response.status_code == 200
    new = response.json["calendar_url"]
    assert new != old
    assert api.get("/me").json["calendar_url"] == new
    old_token = old.rsplit("/", 1)[-1].removesuffix(".ics")
    assert feedtokens.user_for_calendar_token(old_token) is None


def test_organizations_are_paginated_and_filter_by_kind(api_as, make_user, make_org):
    for n in range(3):
        make_org(f"Office {n}", OrgKind.customs)
    make_org("Brand", OrgKind.rights_holder)
    api = api_as(make_user(org=make_org("Association", OrgKind.association)))
    page = api.get("/organizations?per_page=2").json
    OrganizationPage.model_validate(page)
    assert (page["total"], page["pages"], len(page["items"])) == (5, 3, 2)
    assert [o["name"] for o in page["items"]] == ["Association", "Brand"]
    customs = api.get("/organizations?kind=customs").json
    assert {o["name"] for o in customs["items"]} == {"Office 0", "Office 1", "Office 2"}
    assert api.get("/organizations?kind=pirates").status_code == 422
