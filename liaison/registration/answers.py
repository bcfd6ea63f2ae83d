"""Answers to registration questions, read back and retained: whether a value counts as an
answer, all answers of many registrations in one query, an answer as people read it, and the
worker job that deletes answers to questions marked `personal` PERSONAL_DATA_RETENTION_DAYS
after the event ends (`purge_personal_answers`, liaison/integration/jobs.py). Checking and
saving answers is liaison/registration/questions.py. Only flushes: the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from extensions import db
from liaison.events.models import Event
from liaison.registration.models import QuestionKind, RegistrationAnswer, RegistrationQuestion

DEFAULT_RETENTION_DAYS = 30


def is_answered(question: RegistrationQuestion, value) -> bool:
    """A required tick box counts only when ticked."""
    if question.kind == QuestionKind.checkbox:
        return value is True
    return value not in (None, "", [])


def answers_of(registration_ids: Iterable[int]) -> dict[int, dict[int, object]]:
    """registration id -> {question id -> value}, in one query."""
    ids = list(registration_ids)
    found: dict[int, dict[int, object]] = {i: {} for i in ids}
    if not ids:
        return found
    for row in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(ids))
    ):
        found[row.registration_id][row.question_id] = row.value
    return found


def format_answer(question: RegistrationQuestion, value) -> str:
    """An answer as people read it, options in the reader's language."""
    if value is None:
        return ""
    if question.kind == QuestionKind.checkbox:
        return _("Yes") if value else _("No")
    labels = {c.en: c.label for c in question.choices}
    if question.kind == QuestionKind.multi:
        return ", ".join(labels.get(v, v) for v in value)
    if question.kind == QuestionKind.choice:
        return labels.get(value, value)
    return str(value)


def retention_days() -> int:
    return int(current_app.config.get("PERSONAL_DATA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def purge_personal_answers(now: datetime) -> int:
    """Delete the answers to questions marked personal data of events that ended more than
    PERSONAL_DATA_RETENTION_DAYS before `now` (a worker job); returns how many went."""
    cutoff = now - timedelta(days=retention_days())
    personal = (
        select(RegistrationQuestion.id)
        .join(Event, Event.id == RegistrationQuestion.event_id)
        .where(RegistrationQuestion.personal.is_(True), Event.end_at < cutoff)
    )
    return db.session.execute(
        delete(RegistrationAnswer).where(RegistrationAnswer.question_id.in_(personal)),
        execution_options={"synchronize_session": False},
    ).rowcount
