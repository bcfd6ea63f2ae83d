"""/api/v1 for the exchange: requests, offers, matches, proposals, threads and figures, with
the same rules, refusals and error shape as the pages."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from tests.exchange.conftest import soon


def request_body(**fields) -> dict:
    body = {"title": "Lithium batteries: spotting fakes", "topics": ["product-identification"],
            "earliest": soon(20).isoformat(), "latest": soon(80).isoformat(),
            "mode": "in_person", "city": "深圳", "languages": ["zh"]}
    body.update(fields)
    return body


def offer_body(**fields) -> dict:
    body = {"title": "Our chargers", "topics": ["product-identification", "batteries"],
            "mode": "either", "cities": ["Shenzhen", "Hangzhou"], "languages": ["zh", "en"]}
    body.update(fields)
    return body


@pytest.fixture
def apis(api_as, customs_focal, brand_focal):
    return api_as(customs_focal), api_as(brand_focal)


def test_posting_reading_and_matching(apis, customs_focal):
    customs, brand = apis
    created = customs.post("/requests", json=request_body())
    assert created.status_code == 201, created.get_json()
    request = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/requests/{request['id']}")
    assert request["organization_id"] == customs_focal.organization_id
    assert request["status"] == "open" and request["expires_on"] == request["latest"]
    offer = brand.post("/offers", json=offer_body()).get_json()
    assert offer["cities"] == ["Shenzhen", "Hangzhou"]

    listed = brand.get("/requests?city=SHENZHEN&topic=product-identification").get_json()
    assert [r["id"] for r in listed["items"]] == [request["id"]] and listed["total"] == 1
    assert brand.get("/requests?language=en").get_json()["items"] == []
    matches = customs.get(f"/requests/{request['id']}/matches").get_json()
    assert matches["items"][0]["offer_id"] == offer["id"]
    assert 0 < matches["items"][0]["score"] <= 1
    assert {r["code"] for r in matches["items"][0]["reasons"]} >= {"topics", "place"}
    back = brand.get(f"/offers/{offer['id']}/matches").get_json()
    assert back["items"][0]["request_id"] == request["id"]


def test_reasons_follow_the_callers_language(apis, customs_focal, brand_focal):
    customs, brand = apis
    request = customs.post("/requests", json=request_body()).get_json()
    brand.post("/offers", json=offer_body())
    customs_focal.language = "zh"
    db.session.commit()
    [match] = customs.get(f"/requests/{request['id']}/matches").get_json()["items"]
    texts = " ".join(r["text"] for r in match["reasons"])
    assert "共同主题" in texts and "深圳" in texts


@pytest.mark.parametrize("fields, field", [
    ({"earliest": "2031-13-01"}, "earliest"),
    ({"earliest": 0.5}, "earliest"),
    ({"latest": "2031-06-03T00:00:00"}, "latest"),
    ({"languages": []}, "languages"),
    ({"languages": ["fr"]}, "languages.0"),
    ({"mode": "pigeon"}, "mode"),
    ({"topics": ["no such topic!"]}, "topics"),
    ({"city": None}, "city"),  # in person needs a city
    ({"surprise": 1}, "surprise"),
])
def test_bad_requests_are_422_with_the_field(apis, fields, field):
    customs, _brand = apis
    response = customs.post("/requests", json=request_body(**fields))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_who_may_post_and_change(apis, api_as, make_user, customs_focal, make_org):
    customs, brand = apis
    member = api_as(make_user(org=customs_focal.organization, role=Role.participant))
    assert member.post("/requests", json=request_body()).status_code == 403
    assert member.get("/requests").status_code == 200  # a verified member reads the board
    request = customs.post("/requests", json=request_body()).get_json()
    assert brand.patch(f"/requests/{request['id']}", json={"title": "Mine"}).status_code == 403
    assert brand.patch(f"/requests/{request['id']}", json={}).status_code == 403
    withdrawn = customs.patch(f"/requests/{request['id']}", json={"status": "withdrawn"})
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert customs.get("/requests").get_json()["total"] == 0
    assert customs.get("/requests?status=withdrawn").get_json()["total"] == 1
    pending = make_user(org=customs_focal.organization, membership="pending")
    assert api_as(pending).get("/requests").status_code == 403
    assert customs.get("/requests/999999").status_code == 404


def test_offer_status_through_patch(apis):
    _customs, brand = apis
    offer = brand.post("/offers", json=offer_body()).get_json()
    assert brand.patch(f"/offers/{offer['id']}", json={"status": "paused"}).get_json()[
        "status"] == "paused"
    closed = brand.patch(f"/offers/{offer['id']}", json={"status": "closed"})
    assert closed.get_json()["status"] == "closed"
    again = brand.patch(f"/offers/{offer['id']}", json={"status": "open"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_proposals_from_proposal_to_training(apis, api_as, make_focal):
    customs, brand = apis
    request = customs.post("/requests", json=request_body()).get_json()
    offer = brand.post("/offers", json=offer_body()).get_json()
    created = brand.post("/proposals", json={"request_id": request["id"],
                                             "offer_id": offer["id"], "message": "Samples!"})
    assert created.status_code == 201
    proposal = created.get_json()
    assert proposal["side"] == "offer" and proposal["message"] == "Samples!"
    incoming = customs.get("/proposals?direction=incoming").get_json()
    assert [p["id"] for p in incoming["items"]] == [proposal["id"]]
    assert customs.get("/proposals?direction=outgoing").get_json()["items"] == []

    stranger = api_as(make_focal(OrgKind.judiciary))
    assert stranger.get(f"/proposals/{proposal['id']}").status_code == 404
    assert stranger.post(f"/proposals/{proposal['id']}/accept").status_code == 404
    assert brand.post(f"/proposals/{proposal['id']}/accept").status_code == 403

    said = customs.post(f"/proposals/{proposal['id']}/messages", json={"body": "April?"})
    assert said.status_code == 201
    thread = brand.get(f"/proposals/{proposal['id']}/messages").get_json()
    assert [m["body"] for m in thread["items"]] == ["Samples!", "April?"]

    accepted = customs.post(f"/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["proposal"]["status"] == "accepted" and body["event_id"]
    event = brand.get(f"/events/{body['event_id']}").get_json()  # a co-organizer sees the draft
    assert "request_id" in event, event
    assert (event["request_id"], event["offer_id"]) == (request["id"], offer["id"])
    assert event["status"] == "draft" and event["host_organization_id"] == offer[
        "organization_id"]
    assert customs.get(f"/requests/{request['id']}").get_json()["event_id"] == body["event_id"]
    again = customs.post(f"/proposals/{proposal['id']}/accept")
    assert again.status_code == 409
    published = brand.patch(f"/events/{body['event_id']}", json={"status": "published"})
    assert published.status_code == 200
    assert customs.get(f"/requests/{request['id']}").get_json()["status"] == "scheduled"


def test_proposing_refusals(apis):
    customs, brand = apis
    request = customs.post("/requests", json=request_body()).get_json()
    offer = brand.post("/offers", json=offer_body()).get_json()
    missing = brand.post("/proposals", json={"request_id": 999_999, "offer_id": offer["id"],
                                             "message": "Hi"})
    assert missing.status_code == 404
    half_date = brand.post("/proposals", json={
        "request_id": request["id"], "offer_id": offer["id"], "message": "Hi",
        "start": "2031-06-03T09:00:00+08:00"})
    assert half_date.status_code == 422 and "end" in half_date.get_json()["error"]["fields"]
    first = brand.post("/proposals", json={"request_id": request["id"],
                                           "offer_id": offer["id"], "message": "Hi"})
    assert first.status_code == 201
    second = customs.post("/proposals", json={"request_id": request["id"],
                                              "offer_id": offer["id"], "message": "Me too"})
    assert second.status_code == 409


def test_figures_for_the_association(apis, api_as, make_user, make_org):
    customs, _brand = apis
    customs.post("/requests", json=request_body())
    assert customs.get("/exchange/figures").status_code == 403
    staff = api_as(make_user(org=make_org("Alliance", OrgKind.association)))
    figures = staff.get("/exchange/figures").get_json()
    assert figures["requests_by_status"]["open"] == 1
    assert figures["open_without_match"] == 1 and len(figures["gaps"]) == 1
    assert figures["median_days_to_schedule"] is None
