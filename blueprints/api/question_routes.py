"""/api/v1/events/<id>/questions: read (whoever sees the event) and replace (its organizers)
the registration questions, through liaison.registration.questions."""
from __future__ import annotations

from flask import g, jsonify

from blueprints.api import question_schemas
from blueprints.api.event_routes import EVENT_ID, require_manager, visible_event
from blueprints.api.parsing import json_body
from blueprints.api.views import bp
from extensions import db
from liaison.registration import questions
from liaison.registration.answers import retention_days
from liaison.registration.models import Choice


def questions_json(asked) -> dict:
    return {
        "questions": [
            {"id": q.id, "position": q.position, "kind": str(q.kind), "label": q.label,
             "label_zh": q.label_zh, "required": q.required, "personal": q.personal,
             "choices": [{"en": c.en, "zh": c.zh} for c in q.choices]}
            for q in asked
        ],
        "personal_data_retention_days": retention_days(),
    }


@bp.get(f"/events/{EVENT_ID}/questions")
def get_questions(event_id: int):
    event = visible_event(event_id, g.api_user)
    return jsonify(questions_json(questions.event_questions(event.id)))


@bp.put(f"/events/{EVENT_ID}/questions")
def put_questions(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(question_schemas.QuestionsIn)
    items = [
        questions.QuestionInput(
            id=q.id, kind=q.kind, label=q.label, label_zh=q.label_zh, required=q.required,
            personal=q.personal, choices=[Choice(c.en, c.zh) for c in q.choices])
        for q in body.questions
    ]
    asked = questions.replace_questions(event, items, by=g.api_user)
    db.session.commit()
    return jsonify(questions_json(asked))
