"""Registration questions through the API: GET|PUT /events/{id}/questions, answers sent with
POST /events/{id}/registrations (every type checked, 422 per answer, nothing written), and the
registration field `answers`."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from blueprints.api.question_schemas import QuestionsOut
from blueprints.api.schemas import RegistrationOut
from extensions import db
from liaison.registration.models import Registration

FORM = [
    {"kind": "text", "label": "Job title", "label_zh": "职务", "required": True},
    {"kind": "choice", "label": "Lunch", "required": True,
     "choices": [{"en": "Vegetarian", "zh": "素食"}, {"en": "Regular"}]},
    {"kind": "multi", "label": "Ports", "choices": [{"en": "Shanghai"}, {"en": "Shenzhen"}]},
    {"kind": "checkbox", "label": "I agree", "required": True},
    {"kind": "number", "label": "Years", "required": True},
    {"kind": "date", "label": "Arrival", "required": True, "personal": True},
    {"kind": "textarea", "label": "Notes"},
]


@pytest.fixture
def asked(cast, api_as):
    response = api_as(cast.organizer).put(f"/events/{cast.event.id}/questions",
                                          json={"questions": FORM})
    assert response.status_code == 200, response.json
    QuestionsOut.model_validate(response.json)
    return {q["label"]: str(q["id"]) for q in response.json["questions"]}


def answers(ids: dict[str, str], **changes) -> dict:
    good = {ids["Job title"]: "Inspector", ids["Lunch"]: "素食", ids["Ports"]: ["Shenzhen"],
            ids["I agree"]: True, ids["Years"]: 4.5, ids["Arrival"]: "2026-05-04"}
    return good | {ids[k]: v for k, v in changes.items()}


def test_anyone_who_sees_the_event_reads_the_questions(cast, api_as, asked):
    body = api_as(cast.participant).get(f"/events/{cast.event.id}/questions").json
    assert [q["kind"] for q in body["questions"]] == [q["kind"] for q in FORM]
    assert body["questions"][1]["choices"] == [{"en": "Vegetarian", "zh": "素食"},
                                               {"en": "Regular", "zh": None}]
    assert body["personal_data_retention_days"] == 30
    assert api_as(cast.participant).put(f"/events/{cast.event.id}/questions",
                                        json={"questions": []}).status_code == 403


def test_register_with_answers(cast, api_as, asked):
    api = api_as(cast.participant)
    created = api.post(f"/events/{cast.event.id}/registrations", json={"answers": answers(asked)})
    assert created.status_code == 201, created.json
    RegistrationOut.model_validate(created.json)
    assert created.json["answers"][asked["Lunch"]] == "Vegetarian"
    assert created.json["answers"][asked["Years"]] == 4.5
    listed = api_as(cast.organizer).get(f"/events/{cast.event.id}/registrations").json
    assert listed["items"][0]["answers"][asked["Ports"]] == ["Shenzhen"]
    # Registering again with other answers replaces them (rule 2: the same place).
    again = api.post(f"/events/{cast.event.id}/registrations",
                     json={"answers": answers(asked, Lunch="Regular")})
    assert again.status_code == 200 and again.json["answers"][asked["Lunch"]] == "Regular"


BAD = [
    ({"Job title": ""}, "Job title", "required"),
    ({"Lunch": "Fish"}, "Lunch", "Choose one of the options"),
    ({"Ports": ["Beijing"]}, "Ports", "Choose only from the options"),
    ({"I agree": False}, "I agree", "Tick this box"),
    ({"Years": "four"}, "Years", "Give a number"),
    ({"Years": True}, "Years", "Give a number"),
    ({"Arrival": "2026-13-01"}, "Arrival", "YYYY-MM-DD"),
    ({"Arrival": "1 May 2026"}, "Arrival", "YYYY-MM-DD"),
]


@pytest.mark.parametrize(("changes", "label", "message"), BAD)
def test_each_bad_answer_is_a_422_naming_it_and_nothing_is_written(
    cast, api_as, asked, changes, label, message
):
    response = api_as(cast.participant).post(
        f"/events/{cast.event.id}/registrations", json={"answers": answers(asked, **changes)})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert list(fields) == [f"answers.{asked[label]}"] and message in fields[
        f"answers.{asked[label]}"]
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == cast.event.id)) == 0


def test_missing_answers_and_unknown_questions(cast, api_as, asked):
    api = api_as(cast.participant)
    missing = api.post(f"/events/{cast.event.id}/registrations")  # no body at all
    assert missing.status_code == 422
    required = {asked[k] for k in ("Job title", "Lunch", "I agree", "Years", "Arrival")}
    assert set(missing.json["error"]["fields"]) == {f"answers.{i}" for i in required}
    unknown = api.post(f"/events/{cast.event.id}/registrations",
                       json={"answers": answers(asked) | {"123456": "x"}})
    assert unknown.status_code == 422 and "answers.123456" in unknown.json["error"]["fields"]
    wrong_type = api.post(f"/events/{cast.event.id}/registrations", json={"answers": []})
    assert wrong_type.status_code == 422


def test_without_questions_registering_needs_no_body(cast, api_as):
    assert api_as(cast.participant).post(
        f"/events/{cast.event.id}/registrations").status_code == 201


def test_put_keeps_answered_questions_and_refuses_bad_ones(cast, api_as, asked):
    api_as(cast.participant).post(f"/events/{cast.event.id}/registrations",
                                  json={"answers": answers(asked)})
    api = api_as(cast.organizer)
    path = f"/events/{cast.event.id}/questions"
    kept = api.put(path, json={"questions": [
        {"id": int(asked["Lunch"]), "kind": "choice", "label": "Lunch",
         "choices": [{"en": "Vegetarian"}, {"en": "Regular"}, {"en": "Halal"}]},
    ]})
    assert kept.status_code == 200 and len(kept.json["questions"]) == 1
    registration = db.session.scalars(select(Registration)).one()
    db.session.expire_all()
    assert [str(a.question_id) for a in registration.answers] == [asked["Lunch"]]
    changed_kind = api.put(path, json={"questions": [
        {"id": int(asked["Lunch"]), "kind": "text", "label": "Lunch"}]})
    assert changed_kind.status_code == 409
    assert "questions.0.kind" in changed_kind.json["error"]["fields"]
    for body, field in (
        ({"kind": "choice", "label": "Only one", "choices": [{"en": "A"}]}, "questions.1.choices"),
        ({"kind": "essay", "label": "x"}, "questions.1.kind"),
        ({"kind": "text", "label": ""}, "questions.1.label"),
    ):
        bad = api.put(path, json={"questions": [{"kind": "text", "label": "Fine"}, body]})
        assert bad.status_code == 422 and field in bad.json["error"]["fields"], bad.json
    assert len(api.get(path).json["questions"]) == 1  # nothing written
