"""The meeting endpoints of /api/v1: agenda, minutes and their steps (409 when locked),
action items, materials (multipart), in the SPEC error shape."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.apitokens import issue_token
from liaison.meetings.models import ActionItem
from tests.meetings.test_materials import PDF, PE


class Api:
    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(path, **kw):
            return getattr(self.client, method)("/api/v1" + path, headers=self.headers, **kw)
        return call


@pytest.fixture
def api(client):
    def make(user):
        raw = issue_token(user, "t")[1]
        db.session.commit()
        return Api(client, raw)
    return make


@pytest.fixture
def store(app, tmp_path):
    app.config["MATERIALS_DIR"] = str(tmp_path / "materials")
    return tmp_path / "materials"


def minutes_body(cast, items, due=None) -> dict:
    due = (due or date.today() + timedelta(days=14)).isoformat()
    return {"items": [{"agenda_item_id": items[0]["id"], "notes": "312 parcels.", "outcomes": [
        {"kind": "decision", "text": "Share data monthly.", "text_zh": "每月共享数据。"},
        {"kind": "action", "text": "Send the list.", "owner_organization_id": cast.office.id,
         "owner_user_id": cast.officer.id, "due_on": due},
        {"kind": "action", "text": "Print guides.", "owner_organization_id": cast.brand.id,
         "due_on": due},
    ]}]}


def test_agenda_and_minutes_through_the_api(cast, api):
    organizer, officer = api(cast.organizer), api(cast.officer)
    path = f"/events/{cast.meeting.id}"
    put = organizer.put(f"{path}/agenda", json={"items": [
        {"title": "Seizures", "title_zh": "查扣", "duration_minutes": 30,
         "organization_id": cast.office.id},
        {"title": "Guides", "presenter": "Anna Keller"}], "notify": False})
    assert put.status_code == 200, put.json
    items = put.json["items"]
    assert [i["title"] for i in items] == ["Seizures", "Guides"] and items[1]["start"]
    assert officer.get(f"{path}/agenda").json == put.json
    assert officer.put(f"{path}/agenda", json={"items": []}).status_code == 403

    assert officer.get(f"{path}/minutes").status_code == 404  # nothing the officer may read
    saved = organizer.put(f"{path}/minutes", json=minutes_body(cast, items))
    assert saved.status_code == 200 and saved.json["status"] == "draft"
    assert officer.get(f"{path}/minutes").status_code == 404  # a draft is the organizers'
    circulated = organizer.post(f"{path}/minutes/circulate")
    assert circulated.json["status"] == "circulated"
    approved = organizer.post(f"{path}/minutes/approve")
    assert approved.json["status"] == "approved"
    locked = organizer.put(f"{path}/minutes", json=minutes_body(cast, items))
    assert locked.status_code == 409 and locked.json["error"]["code"] == "conflict"
    again = organizer.post(f"{path}/minutes/approve")
    assert again.status_code == 409
    reopened = organizer.post(f"{path}/minutes/reopen")
    assert reopened.json["version"] == 2 and reopened.json["status"] == "draft"
    read = officer.get(f"{path}/minutes").json  # the officer reads version 1, approved
    assert read["version"] == 1 and [h["version"] for h in read["history"]] == [1]
    outcomes = read["items"][0]["outcomes"]
    assert [o["kind"] for o in outcomes] == ["decision", "action", "action"]
    assert outcomes[1]["status"] == "open" and outcomes[1]["due_on"]
    assert organizer.get(f"{path}/minutes?version=1").json["status"] == "approved"
    assert organizer.get(f"{path}/minutes?version=7").status_code == 404


def test_bad_minutes_are_422_with_fields_and_nothing_written(cast, api):
    organizer = api(cast.organizer)
    path = f"/events/{cast.meeting.id}/minutes"
    body = {"items": [{"title": "Other business", "outcomes": [
        {"kind": "action", "text": "Do it", "owner_organization_id": cast.brand.id,
         "due_on": "0.5"}]}]}
    response = organizer.put(path, json=body)
    assert response.status_code == 422
    assert "items.0.outcomes.0.due_on" in response.json["error"]["fields"]
    body["items"][0]["outcomes"][0]["due_on"] = None
    response = organizer.put(path, json=body)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"items.0.outcomes.0.due_on"}
    assert organizer.get(path).status_code == 404


def test_action_items_are_listed_for_their_organization_and_closed_by_their_owner(cast, api):
    organizer, officer, brand = api(cast.organizer), api(cast.officer), api(cast.brand_person)
    path = f"/events/{cast.meeting.id}"
    items = organizer.put(f"{path}/agenda", json={"items": [{"title": "Seizures"}],
                                                   "notify": False}).json["items"]
    organizer.put(f"{path}/minutes", json=minutes_body(cast, items))
    assert officer.get("/action-items").json["items"] == []  # not circulated yet
    organizer.post(f"{path}/minutes/circulate")
    mine = officer.get("/action-items").json["items"]
    assert [a["text"] for a in mine] == ["Send the list."]
    assert officer.get(f"/action-items?organization_id={cast.brand.id}").status_code == 403
    assert officer.get("/action-items?status=finished").status_code == 422
    assert officer.get("/action-items?due=soon&due=overdue").status_code == 200  # first wins
    action_id = mine[0]["id"]
    assert brand.patch(f"/action-items/{action_id}", json={"status": "done"}).status_code == 404
    done = officer.patch(f"/action-items/{action_id}", json={"status": "done"})
    assert done.status_code == 200 and done.json["closed_by"] == cast.officer.id
    assert officer.get("/action-items?status=open").json["items"] == []
    assert officer.patch(f"/action-items/{action_id}", json={"status": 1}).status_code == 422


def test_materials_upload_and_list(cast, api, store):
    organizer, outsider, officer = api(cast.organizer), api(cast.outsider), api(cast.officer)
    path = f"/events/{cast.meeting.id}/materials"
    created = organizer.post(path, data={"file": (io.BytesIO(PDF), "guide.pdf"),
                                         "title": "Guide", "visibility": "attendees"},
                             content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert created.json["versions"][0]["content_type"] == "application/pdf"
    refused = organizer.post(path, data={"file": (io.BytesIO(PE), "slides.pdf")},
                             content_type="multipart/form-data")
    assert refused.status_code == 422 and "Programs" in refused.json["error"]["fields"]["file"]
    assert organizer.post(path, json={}).status_code == 400
    listed = officer.get(path).json["items"]
    assert [m["title"] for m in listed] == ["Guide"]
    assert listed[0]["versions"][0]["download_count"] is None  # counts are the owners'
    assert outsider.get(path).status_code == 404
    assert officer.post(path, data={"file": (io.BytesIO(PDF), "x.pdf")},
                        content_type="multipart/form-data").status_code == 403
    assert len(db.session.scalars(select(ActionItem)).all()) == 0
