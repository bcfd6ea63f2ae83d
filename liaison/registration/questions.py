"""Registration questions: what an event's organizers ask each registrant, in both languages,
and the answers, checked by one rule set whether they come from the form or the API.

Types (SPEC): `text`, `textarea`, `choice` (one option), `multi` (several), `checkbox` (a tick:
a required one must be ticked, e.g. consent), `number`, `date` (YYYY-MM-DD). An answer is
stored as JSON; a chosen option is stored as its English text, whichever language the
registrant chose it in.

- `register_answering` checks the answers before anything is written, then registers (rules
  1-6, `registrations.register`) and saves them in the same transaction: a bad answer writes
  nothing. Registering again with answers replaces them (rule 2 returns the same place).
- `unanswered_required(registration)`: required questions a registration has not answered —
  a nominee answers them afterwards (`answer`), and a nomination does not wait for them.
- Reading answers back and deleting personal ones: liaison/registration/answers.py.
Everything only flushes: the caller commits.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.registration import registrations
from liaison.registration.answers import is_answered
from liaison.registration.models import (
    Choice,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
)
from liaison.registration.question_input import QuestionInput, parse_choices

QUESTIONS_MAX = 30
LABEL_MAX = 300
CHOICES_MAX = 40
CHOICE_MAX = 200
TEXT_MAX = 500
TEXTAREA_MAX = 5000
NUMBER_LIMIT = 1e12
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TICKED = ("y", "yes", "on", "true", "1")


# -- the questions -----------------------------------------------------------------------


def event_questions(event_id: int) -> list[RegistrationQuestion]:
    """An event's questions in the order they are asked."""
    return list(db.session.scalars(
        select(RegistrationQuestion)
        .where(RegistrationQuestion.event_id == event_id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ))


def _require_manage(event: Event, by) -> None:
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can change its questions."))


def _clean(data: QuestionInput) -> tuple[dict, dict[str, str]]:
    """Clean values and the errors of one question, keyed by field name."""
    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values["kind"] = QuestionKind(data.kind)
    except ValueError:
        errors["kind"] = _("Choose a type of question from the list.")
    label = " ".join((data.label or "").split())
    label_zh = " ".join((data.label_zh or "").split()) or None
    if not label:
        errors["label"] = _("Write the question in English.")
    for name, text in (("label", label), ("label_zh", label_zh or "")):
        if len(text) > LABEL_MAX:
            errors[name] = _("A question can be at most %(n)d characters.", n=LABEL_MAX)
    values["label"], values["label_zh"] = label, label_zh
    values["required"], values["personal"] = bool(data.required), bool(data.personal)
    choices = parse_choices(data.choices) if isinstance(data.choices, str) else list(
        data.choices or ())
    choices = [Choice(" ".join(c.en.split()), " ".join((c.zh or "").split()) or None)
               for c in choices if c.en.strip()]
    if values.get("kind") in (QuestionKind.choice, QuestionKind.multi):
        keys = [c.en.casefold() for c in choices]
        if len(choices) < 2:
            errors["choices"] = _("Give at least two options, one per line.")
        elif len(choices) > CHOICES_MAX or any(
                len(c.en) > CHOICE_MAX or len(c.zh or "") > CHOICE_MAX for c in choices):
            errors["choices"] = _("Give at most %(n)d options of at most %(max)d characters.",
                                  n=CHOICES_MAX, max=CHOICE_MAX)
        elif len(set(keys)) != len(keys):
            errors["choices"] = _("Each option must be different.")
    else:
        choices = []
    values["choices"] = choices
    return values, errors


def _has_answers(question: RegistrationQuestion) -> bool:
    return question.id is not None and db.session.scalar(
        select(RegistrationAnswer.question_id)
        .where(RegistrationAnswer.question_id == question.id).limit(1)
    ) is not None


def _apply(question: RegistrationQuestion, values: dict) -> None:
    if question.id is not None and question.kind != values["kind"] and _has_answers(question):
        raise Conflict(
            _("People have answered this question, so its type cannot change. Add a new "
              "question instead."),
            fields={"kind": _("Answered already: the type cannot change.")},
        )
    question.kind, question.label, question.label_zh = (
        values["kind"], values["label"], values["label_zh"])
    question.required, question.personal = values["required"], values["personal"]
    question.choices = values["choices"]


def add_question(event: Event, data: QuestionInput, *, by) -> RegistrationQuestion:
    """A new question at the end of the form."""
    _require_manage(event, by)
    existing = event_questions(event.id)
    values, errors = _clean(data)
    if len(existing) >= QUESTIONS_MAX:
        errors.setdefault("label", _("An event can ask at most %(n)d questions.",
                                     n=QUESTIONS_MAX))
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    question = RegistrationQuestion(
        event_id=event.id, position=max((q.position for q in existing), default=-1) + 1,
        kind=values["kind"], label=values["label"])
    _apply(question, values)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: RegistrationQuestion, data: QuestionInput, *, by
                    ) -> RegistrationQuestion:
    """Change a question's wording, options or flags; its type only while unanswered."""
    _require_manage(db.session.get(Event, question.event_id), by)
    values, errors = _clean(data)
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    _apply(question, values)
    db.session.flush()
    return question


def delete_question(question: RegistrationQuestion, *, by) -> None:
    """The question and every answer to it."""
    _require_manage(db.session.get(Event, question.event_id), by)
    db.session.delete(question)
    db.session.flush()


def move_question(question: RegistrationQuestion, offset: int, *, by) -> None:
    """One place earlier (-1) or later (+1) in the form."""
    _require_manage(db.session.get(Event, question.event_id), by)
    ordered = event_questions(question.event_id)
    index = ordered.index(question)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()


def replace_questions(event: Event, items: list[QuestionInput], *, by
                      ) -> list[RegistrationQuestion]:
    """The whole form at once, in order (the API's PUT): items with the `id` of one of this
    event's questions change it (its answers stay), others are added, and questions left
    out are deleted with their answers. Every problem is reported, keyed `questions.N.field`."""
    _require_manage(event, by)
    existing = {q.id: q for q in event_questions(event.id)}
    errors: dict[str, str] = {}
    if len(items) > QUESTIONS_MAX:
        errors["questions"] = _("An event can ask at most %(n)d questions.", n=QUESTIONS_MAX)
    cleaned = []
    for index, item in enumerate(items):
        values, item_errors = _clean(item)
        if item.id is not None and item.id not in existing:
            item_errors["id"] = _("This event has no question with that id.")
        errors.update({f"questions.{index}.{k}": v for k, v in item_errors.items()})
        cleaned.append(values)
    ids = [item.id for item in items if item.id is not None]
    if len(ids) != len(set(ids)):
        errors.setdefault("questions", _("Each question id can appear once."))
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    kept = set(ids)
    for question_id, question in existing.items():
        if question_id not in kept:
            db.session.delete(question)
    result = []
    for position, (item, values) in enumerate(zip(items, cleaned, strict=True)):
        question = existing.get(item.id) or RegistrationQuestion(event_id=event.id)
        try:
            _apply(question, values)
        except Conflict as error:
            raise Conflict(error.message, fields={
                f"questions.{position}.kind": error.fields["kind"]}) from None
        question.position = position
        db.session.add(question)
        result.append(question)
    db.session.flush()
    return result


# -- the answers ---------------------------------------------------------------------------


def _choice_for(question: RegistrationQuestion, value: str) -> str | None:
    """The stored (English) text of the option `value` names, in either language."""
    wanted = " ".join(value.split()).casefold()
    for choice in question.choices:
        if wanted in (choice.en.casefold(), (choice.zh or "").casefold()):
            return choice.en
    return None


def _number(value, strict: bool):
    if strict:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        number = value
    else:
        text = str(value).strip()
        if not _NUMBER.match(text):
            raise ValueError
        number = float(text.replace(",", ".")) if re.search(r"[.,]", text) else int(text)
    if isinstance(number, float) and not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
        raise ValueError
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _one(question: RegistrationQuestion, raw, strict: bool):
    """(value, error) for one submitted answer; value None = not answered."""
    kind = question.kind
    if raw is None:
        return None, None
    if kind == QuestionKind.checkbox:
        if strict:
            if not isinstance(raw, bool):
                return None, _("Answer true or false.")
            return raw, None
        return str(raw).strip().lower() in TICKED, None
    if kind == QuestionKind.multi:
        items = raw if isinstance(raw, list | tuple) else ([raw] if not strict else None)
        if items is None or not all(isinstance(i, str) for i in items):
            return None, _("Give a list of options.")
        chosen = [_choice_for(question, i) for i in items if i.strip()]
        if None in chosen:
            return None, _("Choose only from the options offered.")
        return list(dict.fromkeys(chosen)) or None, None
    if kind == QuestionKind.number:
        if not strict and not str(raw).strip():
            return None, None
        try:
            return _number(raw, strict), None
        except (ValueError, OverflowError):
            return None, _("Give a number, such as 12 or 3.5.")
    date_error = _("Give a date as YYYY-MM-DD, for example 2026-05-04.")
    if not isinstance(raw, str):
        if kind == QuestionKind.date:
            return None, date_error
        if kind == QuestionKind.choice:
            return None, _("Choose one of the options offered.")
        return None, _("Give text.")
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        return None, None
    if kind == QuestionKind.choice:
        chosen = _choice_for(question, text)
        return (chosen, None) if chosen else (None, _("Choose one of the options offered."))
    if kind == QuestionKind.date:
        try:
            day = date.fromisoformat(text) if _DATE.match(text) else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year < 2200:
            return None, date_error
        return day.isoformat(), None
    limit = TEXTAREA_MAX if kind == QuestionKind.textarea else TEXT_MAX
    if len(text) > limit:
        return None, _("Write at most %(n)d characters.", n=limit)
    return (text if kind == QuestionKind.textarea else " ".join(text.split())), None



def check_answers(questions: list[RegistrationQuestion], raw: Mapping[str, object], *,
                  strict: bool) -> dict[int, object]:
    """Every answer checked at once: question id -> clean value (unanswered ones left out).
    `raw` is keyed by question id as text; `strict` (the API) takes JSON types as they are,
    otherwise values are form text. Raises ValidationFailed with `answers.<id>` fields."""
    by_id = {str(q.id): q for q in questions}
    errors: dict[str, str] = {}
    values: dict[int, object] = {}
    for key in raw:
        if key not in by_id:
            errors[f"answers.{key}"] = _("This event has no question with that id.")
    for key, question in by_id.items():
        value, error = (None, None) if key not in raw else _one(question, raw[key], strict)
        if error:
            errors[f"answers.{key}"] = error
        elif question.required and not is_answered(question, value):
            errors[f"answers.{key}"] = (
                _("Tick this box to register.") if question.kind == QuestionKind.checkbox
                else _("Answer this question; it is required."))
        elif value is not None:
            values[question.id] = value
    if errors:
        raise ValidationFailed(_("Some answers need your attention."), fields=errors)
    return values


def _save(registration: Registration, values: Mapping[int, object]) -> None:
    """The registration's answers become `values` (questions left out lose their answer)."""
    current = {a.question_id: a for a in registration.answers}
    for question_id, answer in current.items():
        if question_id not in values:
            registration.answers.remove(answer)
    for question_id, value in values.items():
        answer = current.get(question_id)
        if answer is None:
            answer = RegistrationAnswer(question_id=question_id)
            registration.answers.append(answer)
        if answer.value_json is None or answer.value != value:
            answer.value = value
            answer.answered_at = utcnow()
    db.session.flush()


def register_answering(event: Event, user, raw: Mapping[str, object] | None, *,
                       strict: bool) -> Registration:
    """Register with the answers to the event's questions; nothing is written unless every
    answer passes. Registering again without answers returns the place as it is (rule 2)."""
    registrations.check_can_register(event, user)  # say "closed" before "answer this"
    questions = event_questions(event.id)
    existing = registrations.registration_for(event, user)
    if existing is not None and existing.is_active and not raw:
        return registrations.register(event, user)
    values = check_answers(questions, raw or {}, strict=strict)
    registration = registrations.register(event, user)
    _save(registration, values)
    return registration


def answer(registration: Registration, raw: Mapping[str, object], *, by, strict: bool
           ) -> Registration:
    """The registrant (or an organizer for them) answers or changes the answers, e.g. a
    nominee after the nomination; only while the registration is active."""
    if by is None or (by.id != registration.user_id
                      and not can_manage(registration.event, by)):
        raise NotAllowed(_("Only the registrant and the organizers can change these answers."))
    if not registration.is_active:
        raise Conflict(_("This registration is no longer active."))
    values = check_answers(event_questions(registration.event_id), raw, strict=strict)
    _save(registration, values)
    return registration


def unanswered_required(registration: Registration,
                        asked: list[RegistrationQuestion] | None = None
                        ) -> list[RegistrationQuestion]:
    """Required questions this registration has not answered yet (a nominee's to-do);
    `asked`: the event's questions when the caller has them already."""
    answers = {a.question_id: a.value for a in registration.answers}
    asked = event_questions(registration.event_id) if asked is None else asked
    return [q for q in asked if q.required and not is_answered(q, answers.get(q.id))]
