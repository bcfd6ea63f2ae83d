"""Feedback surveys: default questions, invitations at closing mailed by the worker's job,
one response per attendee (anonymous too), validation, editing, results."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.mail.models import OutboxMessage
from liaison.records import attendance, surveys
from liaison.records.attendance import OutcomeInput
from liaison.records.models import QuestionKind, SurveyResponse
from liaison.registration.models import AttendanceOutcome as A


def closed_session(session_with, n=3):
    event, regs = session_with(n)
    organizer = event.organizers[0]
    outcomes = {regs[0].id: OutcomeInput(A.attended)}
    if n > 1:
        outcomes[regs[1].id] = OutcomeInput(A.partial, 60)
    attendance.set_outcomes(event, outcomes, by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    return event, regs


def answers_for(event, overall=5):
    qs = {q.key: q for q in surveys.questions(event)}
    return {str(qs["overall"].id): overall, str(qs["usefulness"].id): 4,
            str(qs["improve"].id): "More cases", str(qs["next_topics"].id): ["Recordation"]}


def test_closing_invites_attendees_and_the_job_mails_them_once(session_with):
    event, regs = closed_session(session_with)
    assert surveys.send_survey_invitations(datetime.now(UTC)) == 2  # the absent one is not asked
    assert surveys.send_survey_invitations(datetime.now(UTC)) == 0
    mail = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "survey_invitation")).all()
    assert sorted(m.registration_id for m in mail) == sorted([regs[0].id, regs[1].id])
    assert f"/events/{event.id}/survey" in mail[0].body_text


def test_one_response_per_attendee_even_anonymous(session_with):
    event, (a, b, c) = closed_session(session_with)
    response = surveys.respond(event, a.user, answers_for(event), anonymous=True)
    db.session.commit()
    assert response.registration_id is None and response.overall == 5
    with pytest.raises(Conflict):
        surveys.respond(event, a.user, answers_for(event, 1), anonymous=False)
    db.session.rollback()
    with pytest.raises(NotAllowed):  # absent: not invited
        surveys.respond(event, c.user, answers_for(event), anonymous=False)
    db.session.rollback()
    surveys.respond(event, b.user, answers_for(event, 3), anonymous=False)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(SurveyResponse.id))) == 2
    result = surveys.results(event)
    assert (result.invited, result.responses, result.rate) == (2, 2, 100)
    overall = result.items[0]
    assert overall.average == 4.0 and dict(overall.counts)["5"] == 1
    topics = next(i for i in result.items if i.question.key == "next_topics")
    assert dict(topics.counts)["Recordation"] == 2
    assert surveys.results_csv_rows(event)[1][1:3] == ["5", "4"]


@pytest.mark.parametrize("bad", [{"overall": 6}, {"overall": "5"}, {"overall": True},
                                 {"next_topics": ["Nope"]}, {"improve": "x" * 5000}])
def test_bad_answers_write_nothing(session_with, bad):
    event, (a, *_rest) = closed_session(session_with)
    qs = {q.key: q for q in surveys.questions(event)}
    answers = answers_for(event)
    for key, value in bad.items():
        answers[str(qs[key].id)] = value
    with pytest.raises(ValidationFailed) as refused:
        surveys.respond(event, a.user, answers, anonymous=False)
    assert str(qs[next(iter(bad))].id) in refused.value.fields
    db.session.rollback()
    assert surveys.invitation_for(event, a.user).responded_at is None


def test_organizers_edit_questions_until_answers_arrive(session_with, participant):
    event, (a, *_rest) = closed_session(session_with, 1)
    organizer = event.organizers[0]
    items = [surveys.QuestionInput("rating", "Overall", "总体", key="overall", required=True),
             surveys.QuestionInput("choice", "Format", "形式",
                                   [("Online", "线上"), ("Room", None)])]
    with pytest.raises(NotAllowed):
        surveys.replace_questions(event, items, by=participant())
    with pytest.raises(ValidationFailed):
        surveys.replace_questions(event, [surveys.QuestionInput("choice", "Only one", None,
                                                                [("A", None)])], by=organizer)
    rows = surveys.replace_questions(event, items, by=organizer)
    db.session.commit()
    assert [(q.kind, q.label_zh) for q in rows] == [(QuestionKind.rating, "总体"),
                                                    (QuestionKind.choice, "形式")]
    surveys.respond(event, a.user, {str(rows[0].id): 4, str(rows[1].id): "Online"},
                    anonymous=False)
    db.session.commit()
    with pytest.raises(Conflict):
        surveys.replace_questions(event, items, by=organizer)
