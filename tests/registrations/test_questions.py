"""Registration questions, the domain: every type checked (missing required, wrong choice, bad
number and date), nothing written on a bad answer, answers kept across edits of the form,
the nominee's to-do, and personal data deleted after the retention period."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Role
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.registration import questions
from liaison.registration.answers import purge_personal_answers
from liaison.registration.models import (
    Choice,
    Registration,
    RegistrationAnswer,
    RegistrationStatus,
)

Q = questions.QuestionInput


def ask(event, by, *items: Q):
    made = [questions.add_question(event, item, by=by) for item in items]
    db.session.commit()
    return made


@pytest.fixture
def form(make_event, make_user):
    """An event asking one required question of each type (and an optional text)."""
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=10)
    made = ask(
        event, organizer,
        Q("text", "Job title", "职务", required=True),
        Q("textarea", "What do you want to learn?", required=True),
        Q("choice", "Lunch", "午餐", required=True,
          choices=[Choice("Vegetarian", "素食"), Choice("Regular", "普通")]),
        Q("multi", "Ports you cover", required=True, choices="Shanghai | 上海\nShenzhen | 深圳"),
        Q("checkbox", "I agree to be photographed", required=True),
        Q("number", "Years in service", required=True),
        Q("date", "Date of arrival", required=True, personal=True),
        Q("text", "Anything else?"),
    )
    by_label = {q.label: q for q in made}
    return event, organizer, by_label


def good(by_label, *, web: bool) -> dict[str, object]:
    """Valid answers to every required question, as the API or the form sends them."""
    q = {label: str(question.id) for label, question in by_label.items()}
    return {
        q["Job title"]: "  Inspector  ",
        q["What do you want to learn?"]: "Postal\r\nparcels",
        q["Lunch"]: "素食",  # the Chinese label chooses the option too
        q["Ports you cover"]: ["Shenzhen", "上海", "Shenzhen"],
        q["I agree to be photographed"]: "y" if web else True,
        q["Years in service"]: "12" if web else 12,
        q["Date of arrival"]: "2026-05-04",
    }


@pytest.mark.parametrize("web", [False, True])
def test_good_answers_are_stored_cleanly(form, participant, web):
    event, _organizer, by_label = form
    registration = questions.register_answering(event, participant(), good(by_label, web=web),
                                                strict=not web)
    db.session.commit()
    stored = {a.question.label: a.value for a in registration.answers}
    assert stored == {
        "Job title": "Inspector", "What do you want to learn?": "Postal\nparcels",
        "Lunch": "Vegetarian", "Ports you cover": ["Shenzhen", "Shanghai"],
        "I agree to be photographed": True, "Years in service": 12,
        "Date of arrival": "2026-05-04",
    }
    assert registration.status == RegistrationStatus.confirmed
    assert questions.unanswered_required(registration) == []


# (question, bad value from the API, bad value from the form, message)
BAD = [
    ("Job title", None, "   ", "required"),
    ("What do you want to learn?", "", "", "required"),
    ("Lunch", "Fish", "Fish", "Choose one of the options"),
    ("Lunch", None, "", "required"),
    ("Ports you cover", ["Beijing"], ["Beijing"], "Choose only from the options"),
    ("Ports you cover", [], [], "required"),
    ("Ports you cover", "Shanghai", None, "Give a list"),
    ("I agree to be photographed", False, "", "Tick this box"),
    ("I agree to be photographed", "yes", None, "true or false"),
    ("Years in service", "12", "twelve", "Give a number"),
    ("Years in service", True, "1e5", "Give a number"),
    ("Years in service", 1e300, "", "Give a number"),
    ("Date of arrival", "04/05/2026", "04/05/2026", "YYYY-MM-DD"),
    ("Date of arrival", "2026-02-30", "2026-02-30", "YYYY-MM-DD"),
    ("Date of arrival", 20260504, "2026-5-4", "YYYY-MM-DD"),
]


@pytest.mark.parametrize("web", [False, True])
@pytest.mark.parametrize(("label", "api_value", "web_value", "message"), BAD)
def test_each_bad_answer_is_refused_by_name_and_nothing_is_written(
    form, participant, web, label, api_value, web_value, message
):
    event, _organizer, by_label = form
    value = web_value if web else api_value
    if web and value is None:
        pytest.skip("the form cannot send this shape")
    answers = good(by_label, web=web)
    key = str(by_label[label].id)
    answers[key] = value
    if label == "Years in service" and web and value == "":
        message = "required"
    with pytest.raises(ValidationFailed) as excinfo:
        questions.register_answering(event, participant(), answers, strict=not web)
    assert set(excinfo.value.fields) == {f"answers.{key}"}
    assert message in excinfo.value.fields[f"answers.{key}"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(RegistrationAnswer)) == 0


def test_unknown_questions_and_every_problem_are_reported_together(form, participant):
    event, _organizer, by_label = form
    with pytest.raises(ValidationFailed) as excinfo:
        questions.register_answering(event, participant(), {"999": "x"}, strict=True)
    fields = excinfo.value.fields
    assert "answers.999" in fields
    required = [q for q in by_label.values() if q.required]
    assert {f"answers.{q.id}" for q in required} <= set(fields)


def test_a_closed_registration_is_said_before_the_questions(form, participant):
    event, _organizer, _by_label = form
    event.start_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Exception) as excinfo:
        questions.register_answering(event, participant(), {}, strict=True)
    assert not isinstance(excinfo.value, ValidationFailed)
    assert "already started" in excinfo.value.message


def test_registering_again_replaces_the_answers_or_keeps_them(form, participant):
    event, _organizer, by_label = form
    person = participant()
    first = questions.register_answering(event, person, good(by_label, web=False), strict=True)
    db.session.commit()
    same = questions.register_answering(event, person, {}, strict=True)  # rule 2, no answers
    assert same.id == first.id and len(same.answers) == 7
    answers = good(by_label, web=False) | {str(by_label["Anything else?"].id): "Halal food"}
    again = questions.register_answering(event, person, answers, strict=True)
    db.session.commit()
    assert again.id == first.id and len(again.answers) == 8


def test_a_nominee_answers_the_required_questions_afterwards(form, participant, make_user):
    event, organizer, by_label = form
    person = participant()
    # A nomination (orgs) registers without the answers; the required ones stay to do.
    registration = Registration(event=event, user=person, status=RegistrationStatus.confirmed)
    db.session.add(registration)
    db.session.commit()
    todo = questions.unanswered_required(registration)
    assert {q.label for q in todo} == {label for label, q in by_label.items() if q.required}
    with pytest.raises(NotAllowed):
        questions.answer(registration, good(by_label, web=True), by=make_user(), strict=False)
    questions.answer(registration, good(by_label, web=True), by=person, strict=False)
    db.session.commit()
    assert questions.unanswered_required(registration) == []
    registration.status = RegistrationStatus.cancelled
    with pytest.raises(Conflict):
        questions.answer(registration, good(by_label, web=True), by=organizer, strict=False)


def test_question_rules(make_event, make_user):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer)
    cases = [
        (Q("choice", "Lunch", choices="Only one"), "choices", "at least two"),
        (Q("multi", "Lunch", choices="A\na"), "choices", "different"),
        (Q("essay", "Lunch"), "kind", "type of question"),
        (Q("text", ""), "label", "in English"),
        (Q("text", "x" * 301), "label", "at most 300"),
    ]
    for item, field, message in cases:
        with pytest.raises(ValidationFailed) as excinfo:
            questions.add_question(event, item, by=organizer)
        assert message in excinfo.value.fields[field]
    with pytest.raises(NotAllowed):
        questions.add_question(event, Q("text", "City"), by=make_user())


def test_replacing_the_form_keeps_answered_questions(form, participant):
    event, organizer, by_label = form
    registration = questions.register_answering(event, participant(), good(by_label, web=False),
                                                strict=True)
    db.session.commit()
    lunch, title = by_label["Lunch"], by_label["Job title"]
    kept = questions.replace_questions(event, [
        Q("choice", "Lunch choice", "午餐选择", id=lunch.id, choices=lunch.choices),
        Q("text", "Job title", id=title.id, required=False),
        Q("number", "Shoe size"),
    ], by=organizer)
    db.session.commit()
    assert [q.label for q in kept] == ["Lunch choice", "Job title", "Shoe size"]
    assert [q.position for q in kept] == [0, 1, 2]
    db.session.expire_all()
    assert {a.question_id for a in registration.answers} == {lunch.id, title.id}
    with pytest.raises(Conflict) as excinfo:
        questions.replace_questions(event, [Q("number", "Lunch", id=lunch.id)], by=organizer)
    assert "questions.0.kind" in excinfo.value.fields
    with pytest.raises(ValidationFailed) as excinfo:
        questions.replace_questions(event, [Q("text", "A", id=999999), Q("choice", "B")],
                                    by=organizer)
    assert {"questions.0.id", "questions.1.choices"} <= set(excinfo.value.fields)


def test_moving_and_deleting(form):
    event, organizer, by_label = form
    last = by_label["Anything else?"]
    questions.move_question(last, -1, by=organizer)
    db.session.commit()
    assert [q.label for q in questions.event_questions(event.id)][-2:] == [
        "Anything else?", "Date of arrival"]
    questions.delete_question(last, by=organizer)
    db.session.commit()
    assert "Anything else?" not in [q.label for q in questions.event_questions(event.id)]


def test_personal_answers_are_deleted_after_the_retention_period(
    app, form, participant, make_event
):
    event, organizer, by_label = form
    registration = questions.register_answering(event, participant(), good(by_label, web=False),
                                                strict=True)
    db.session.commit()
    days = app.config["PERSONAL_DATA_RETENTION_DAYS"]
    assert purge_personal_answers(event.end_at + timedelta(days=days - 1)) == 0
    assert purge_personal_answers(event.end_at + timedelta(days=days, minutes=1)) == 1
    db.session.commit()
    db.session.expire_all()
    left = {a.question.label for a in registration.answers}
    assert "Date of arrival" not in left and "Job title" in left and len(left) == 6
    assert purge_personal_answers(event.end_at + timedelta(days=days + 9)) == 0


def test_the_purge_is_a_worker_job():
    from liaison.integration.jobs import JOBS

    assert any(job.run is purge_personal_answers for job in JOBS)
