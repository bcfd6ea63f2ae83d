"""The API of issue 16: members (list, verify, reject), nominations, substitution, reserved
seats (allocations), and the registration fields nominated_by and stage."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blueprints.api.orgs_schemas import AllocationOut, MemberPage
from blueprints.api.schemas import RegistrationOut
from extensions import db
from liaison.accounts.models import Membership, OrgKind, Role, User


@pytest.fixture
def w(make_org, make_user, make_event):
    class W:
        pass

    w = W()
    w.national = make_org("National Customs", OrgKind.customs)
    w.shanghai = make_org("Shanghai Customs", OrgKind.customs, parent_id=w.national.id)
    w.brand = make_org("Brand Co", OrgKind.rights_holder)
    w.organizer = make_user("org@brand.test", Role.organizer, w.brand)
    w.fp = make_user("fp@customs.test", org=w.national, focal_point=True)
    w.other_fp = make_user("fp@brand.test", org=w.brand, focal_point=True)
    w.waiting = make_user("wait@customs.test", org=w.shanghai, membership=Membership.pending,
                          display_name="Waiting Officer")
    w.officers = [make_user(f"o{n}@customs.test", org=w.shanghai, display_name=f"Officer {n}")
                  for n in range(3)]
    w.event = make_event(organizer=w.organizer, capacity=2, venue="Hall")
    return w


def test_members_are_listed_verified_and_rejected_by_their_focal_points(w, api_as):
    api = api_as(w.fp)
    page = api.get(f"/organizations/{w.national.id}/members?membership=pending").json
    MemberPage.model_validate(page)
    assert [m["id"] for m in page["items"]] == [w.waiting.id]
    everyone = api.get(f"/organizations/{w.shanghai.id}/members").json
    assert everyone["items"][0]["id"] == w.waiting.id and everyone["total"] == 4
    response = api.post(f"/members/{w.waiting.id}/verify")
    assert response.status_code == 200 and response.json["membership"] == "verified"
    assert api.post(f"/members/{w.waiting.id}/reject").json["membership"] == "rejected"
    assert api.post(f"/members/{w.fp.id}/reject").status_code == 403  # not about oneself
    assert api.get(f"/organizations/{w.national.id}/members?membership=nope").status_code == 422
    assert api.get("/organizations/999999/members").status_code == 404


def test_members_of_another_organization_are_not_theirs(w, api_as):
    api = api_as(w.other_fp)
    assert api.get(f"/organizations/{w.national.id}/members").status_code == 403
    assert api.post(f"/members/{w.waiting.id}/verify").status_code == 404
    assert db.session.get(User, w.waiting.id).membership == Membership.pending
    participant = api_as(w.officers[0])
    assert participant.get(f"/organizations/{w.shanghai.id}/members").status_code == 403


def test_nominations_answer_201_then_200_and_carry_nominated_by(w, api_as):
    api = api_as(w.fp)
    first = api.post(f"/events/{w.event.id}/nominations", json={"user_id": w.officers[0].id})
    assert first.status_code == 201
    RegistrationOut.model_validate(first.json)
    assert (first.json["status"], first.json["nominated_by"], first.json["stage"]) == (
        "confirmed", w.fp.id, None)
    again = api.post(f"/events/{w.event.id}/nominations", json={"user_id": w.officers[0].id})
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    for body, status in (({"user_id": w.waiting.id}, 409), ({"user_id": "1"}, 422),
                         ({}, 422), ({"user_id": 999999}, 422)):
        assert api.post(f"/events/{w.event.id}/nominations", json=body).status_code == status
    outsider = api_as(w.other_fp).post(f"/events/{w.event.id}/nominations",
                                       json={"user_id": w.officers[1].id})
    assert outsider.status_code == 422 and "user_id" in outsider.json["error"]["fields"]


def test_substitution_through_the_api(w, api_as):
    api = api_as(w.fp)
    reg = api.post(f"/events/{w.event.id}/nominations", json={"user_id": w.officers[0].id}).json
    response = api.post(f"/registrations/{reg['id']}/substitute",
                        json={"user_id": w.officers[1].id})
    assert response.status_code == 200
    assert (response.json["user_id"], response.json["status"], response.json["created_at"]) == (
        w.officers[1].id, "confirmed", reg["created_at"])
    assert api.post(f"/registrations/{reg['id']}/substitute",
                    json={"user_id": w.officers[2].id}).status_code == 409  # cancelled now
    other = api_as(w.other_fp).post(f"/registrations/{response.json['id']}/substitute",
                                    json={"user_id": w.officers[2].id})
    assert other.status_code == 404


def test_allocations_are_created_listed_changed_and_removed(w, api_as):
    api = api_as(w.organizer)
    release = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0).isoformat()
    created = api.post(f"/events/{w.event.id}/allocations", json={
        "organization_id": w.national.id, "seats": 1, "release_at": release})
    assert created.status_code == 201, created.json
    AllocationOut.model_validate(created.json)
    assert (created.json["seats"], created.json["filled"]) == (1, 0)
    api_as(w.fp).post(f"/events/{w.event.id}/nominations", json={"user_id": w.officers[0].id})
    listed = api_as(w.officers[1]).get(f"/events/{w.event.id}/allocations").json["items"]
    assert [(a["organization_id"], a["filled"], a["seats"]) for a in listed] == [
        (w.national.id, 1, 1)]
    too_many = api.patch(f"/allocations/{created.json['id']}", json={"seats": 5})
    assert too_many.status_code == 422 and "seats" in too_many.json["error"]["fields"]
    assert api.patch(f"/allocations/{created.json['id']}", json={"seats": 2}).json["seats"] == 2
    assert api_as(w.fp).patch(f"/allocations/{created.json['id']}",
                              json={"seats": 1}).status_code == 403
    assert api.post(f"/events/{w.event.id}/allocations", json={
        "organization_id": w.national.id, "seats": 1, "release_at": release}).status_code == 409
    assert api.post(f"/events/{w.event.id}/allocations", json={
        "organization_id": w.brand.id, "seats": 1,
        "release_at": "2001-01-01T00:00:00+00:00"}).status_code == 422
    assert api.delete(f"/allocations/{created.json['id']}").status_code == 204
    assert api.get(f"/events/{w.event.id}/allocations").json["items"] == []


def test_the_stage_and_a_focal_points_approval_through_the_api(w, api_as):
    w.shanghai.focal_point_approval = True
    db.session.commit()
    mine = api_as(w.officers[0]).post(f"/events/{w.event.id}/registrations")
    assert (mine.json["status"], mine.json["stage"]) == ("pending", "organization")
    assert api_as(w.organizer).post(
        f"/registrations/{mine.json['id']}/approve").status_code == 403
    approved = api_as(w.fp).post(f"/registrations/{mine.json['id']}/approve")
    assert approved.status_code == 200 and approved.json["status"] == "confirmed"
