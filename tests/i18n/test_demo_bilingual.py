"""The demo shows the bilingual side: Chinese titles and topic labels, a proposed topic, and a
training with registration questions that its registrants answered."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from liaison.events import topics
from liaison.events.models import Event, TopicStatus
from liaison.registration import questions
from liaison.registration.models import RegistrationAnswer


def test_the_demo_is_bilingual_and_asks_questions(runner):
    for _ in range(2):  # idempotent
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    events = db.session.scalars(select(Event)).all()
    assert sum(1 for e in events if e.title_zh) == len(events) - 1  # the draft stays English
    assert topics.resolve("邮递渠道").slug == "postal-channel"
    assert topics.resolve("outdoor gear").status == TopicStatus.proposed
    event = next(e for e in events if e.title.startswith("The detention procedure"))
    asked = questions.event_questions(event.id)
    assert len(asked) == 6 and asked[1].choices[1].zh == "素食"
    answers = db.session.scalars(select(RegistrationAnswer)).all()
    assert {a.value for a in answers if a.question_id == asked[1].id} == {"Regular", "Vegetarian"}
