"""Feedback surveys: the default questions (overall, usefulness, trainer, what to improve,
topics for next time) unless the organizers edit the event's own; invitations when attendance
closes, mailed by the worker; one response per attendee, anonymous or not (the invitation
records that they answered either way); results with averages, counts and CSV."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, cast, func, or_, select

from extensions import db
from liaison.accounts.models import User, locale_for
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.mail import outbox
from liaison.records.models import (
    QuestionKind,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from liaison.registration.models import AttendanceOutcome, Registration

LABEL_MAX, OPTIONS_MAX, QUESTIONS_MAX, TEXT_MAX = 300, 12, 30, 4000
INVITE_BATCH = 200

DEFAULT_QUESTIONS = (
    ("overall", QuestionKind.rating, _l("Overall, how was the session?"),
     "总体而言，本次培训如何？", (), True),
    ("usefulness", QuestionKind.rating, _l("How useful is it for your work?"),
     "对您的工作有多大帮助？", (), True),
    ("trainer", QuestionKind.rating, _l("How clear was the trainer?"), "培训师讲解是否清楚？",
     (), False),
    ("improve", QuestionKind.text, _l("What should we improve?"), "我们应改进哪些方面？",
     (), False),
    ("next_topics", QuestionKind.multi, _l("Topics for next time"), "下次希望的主题",
     (("Product identification", "产品识别"), ("Recordation", "备案"),
      ("Detention procedure", "扣留程序"), ("Postal and express channel", "邮递和快件渠道")),
     False),
)


@dataclass
class QuestionInput:
    kind: str
    label: str
    label_zh: str | None = None
    options: list[tuple[str, str | None]] = field(default_factory=list)
    required: bool = False
    key: str = ""


def questions(event: Event) -> list[SurveyQuestion]:
    """The event's questions; the default survey (saved to the event) when it has none."""
    rows = list(db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.event_id == event.id)
        .order_by(SurveyQuestion.position, SurveyQuestion.id)))
    if rows:
        return rows
    with force_locale("en"):
        defaults = [SurveyQuestion(event_id=event.id, position=i, key=key, kind=kind,
                                   label=str(label), label_zh=label_zh, required=required,
                                   options_json=json.dumps(list(options), ensure_ascii=False))
                    for i, (key, kind, label, label_zh, options, required)
                    in enumerate(DEFAULT_QUESTIONS)]
    db.session.add_all(defaults)
    db.session.flush()
    return defaults


def _has_responses(event: Event) -> bool:
    return db.session.scalar(select(func.count(SurveyResponse.id))
                             .where(SurveyResponse.event_id == event.id)) > 0


def replace_questions(event: Event, items: list[QuestionInput], *,
                      by: User) -> list[SurveyQuestion]:
    """The organizers' edit: the whole list at once, checked first; refused once answers came
    in (they would no longer match their questions)."""
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this event can do this."))
    if _has_responses(event):
        raise Conflict(_("People have answered this survey; its questions can no longer change."),
                       code="survey_answered")
    errors: dict[str, str] = {}
    if not items:
        errors["questions"] = _("Keep at least one question.")
    if len(items) > QUESTIONS_MAX:
        errors["questions"] = _("Ask at most %(n)d questions.", n=QUESTIONS_MAX)
    for i, item in enumerate(items):
        label = " ".join((item.label or "").split())
        if not label or len(label) > LABEL_MAX:
            errors[f"questions.{i}.label"] = _("Give a label of 1 to %(n)d characters.",
                                               n=LABEL_MAX)
        if item.kind not in set(QuestionKind):
            errors[f"questions.{i}.kind"] = _("Choose rating, choice, multi or text.")
        elif item.kind in (QuestionKind.choice, QuestionKind.multi):
            if not 2 <= len(item.options) <= OPTIONS_MAX:
                errors[f"questions.{i}.options"] = _("Give 2 to %(n)d options.", n=OPTIONS_MAX)
            elif any(not en.strip() or len(en) > 100 for en, _zh in item.options):
                errors[f"questions.{i}.options"] = _("Each option needs an English label.")
    if errors:
        raise ValidationFailed(_("Some questions need your attention."), fields=errors)
    old = select(SurveyQuestion).where(SurveyQuestion.event_id == event.id)
    for row in db.session.scalars(old):
        db.session.delete(row)
    db.session.flush()
    rows = [SurveyQuestion(
        event_id=event.id, position=i, key=item.key[:40], kind=QuestionKind(item.kind),
        label=" ".join(item.label.split()),
        label_zh=(item.label_zh or "").strip()[:LABEL_MAX] or None,
        required=bool(item.required),
        options_json=json.dumps([[en.strip(), (zh or "").strip() or None]
                                 for en, zh in item.options] if item.kind in ("choice", "multi")
                                else [], ensure_ascii=False),
    ) for i, item in enumerate(items)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def invite_attendees(event: Event) -> int:
    """At closing: an invitation for every attendee (attended or partial) without one."""
    invited = set(db.session.scalars(select(SurveyInvitation.registration_id)
                                     .where(SurveyInvitation.event_id == event.id)))
    attendees = db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.attendance.in_((AttendanceOutcome.attended, AttendanceOutcome.partial))))
    new = [SurveyInvitation(registration_id=reg_id, event_id=event.id)
           for reg_id in attendees if reg_id not in invited]
    db.session.add_all(new)
    questions(event)  # the survey they will answer exists from now on
    db.session.flush()
    return len(new)


def send_survey_invitations(now: datetime) -> int:
    """The worker's job: mail the invitations not sent yet (a batch a run); returns how many."""
    rows = db.session.execute(
        select(SurveyInvitation, Registration, Event)
        .join(Registration, Registration.id == SurveyInvitation.registration_id)
        .join(Event, Event.id == SurveyInvitation.event_id)
        .where(SurveyInvitation.sent_at.is_(None)).order_by(SurveyInvitation.id)
        .limit(INVITE_BATCH)).all()
    base = current_app.config["BASE_URL"]
    for invitation, registration, event in rows:
        user = registration.user
        with force_locale(locale_for(user)):
            title = event.title
            link = f"{base}/events/{event.id}/survey"
            outbox.queue(
                kind="survey_invitation", recipient=user.email, recipient_name=user.display_name,
                subject=_("How was “%(title)s”? Two minutes of feedback", title=title),
                body_text=_("Hello %(name)s,\n\nThank you for attending “%(title)s”. Please tell "
                            "the organizers how it went (you may answer anonymously):\n\n%(link)s"
                            "\n\nYour certificate, if any, is on your training record: "
                            "%(record)s\n", name=user.name, title=title, link=link,
                            record=f"{base}/me/training-record"),
                user_id=user.id, event_id=event.id, registration_id=registration.id,
            )
        invitation.sent_at = now
    db.session.flush()
    return len(rows)


def invitation_for(event: Event, user: User) -> SurveyInvitation | None:
    return db.session.scalar(
        select(SurveyInvitation).join(Registration, Registration.id ==
                                      SurveyInvitation.registration_id)
        .where(SurveyInvitation.event_id == event.id, Registration.user_id == user.id))


def check_answers(qs: list[SurveyQuestion], answers: dict) -> tuple[dict, dict[str, str]]:
    """Clean answers keyed by question id (as text), and the field messages."""
    clean, errors = {}, {}
    for q in qs:
        key = str(q.id)
        value = answers.get(key)
        empty = value in (None, "", [])
        if empty:
            if q.required:
                errors[key] = _("Please answer this question.")
            continue
        options = [en for en, _zh in q.options]
        if q.kind == QuestionKind.rating:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                errors[key] = _("Choose from 1 to 5.")
                continue
        elif q.kind == QuestionKind.choice:
            if value not in options:
                errors[key] = _("Choose one of the options.")
                continue
        elif q.kind == QuestionKind.multi:
            if (not isinstance(value, list) or len(set(value)) != len(value)
                    or any(v not in options for v in value)):
                errors[key] = _("Choose among the options.")
                continue
        else:
            if not isinstance(value, str) or len(value) > TEXT_MAX or "\x00" in value:
                errors[key] = _("Write at most %(n)d characters.", n=TEXT_MAX)
                continue
            value = value.strip()
        clean[key] = value
    unknown = set(answers) - {str(q.id) for q in qs}
    for key in unknown:
        errors[str(key)[:40]] = _("Not a question of this survey.")
    return clean, errors


def respond(event: Event, user: User, answers: dict, *, anonymous: bool,
            now: datetime | None = None) -> SurveyResponse:
    """An invited attendee answers once: a second answer is a Conflict (409), anonymous or not."""
    invitation = invitation_for(event, user)
    if invitation is None:
        raise NotAllowed(_("Only the attendees of this session answer its survey, once "
                           "attendance is closed."))
    if invitation.responded_at is not None:
        raise Conflict(_("You have already answered this survey. Thank you!"),
                       code="already_answered")
    qs = questions(event)
    clean, errors = check_answers(qs, answers)
    if errors:
        raise ValidationFailed(_("Some answers need your attention."), fields=errors)
    overall = next((clean.get(str(q.id)) for q in qs if q.key == "overall"), None)
    now = now or utcnow()
    # The invitation row is the lock: only one transaction can move responded_at from empty.
    claimed = db.session.execute(
        SurveyInvitation.__table__.update()
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.responded_at.is_(None))
        .values(responded_at=now)).rowcount
    if claimed != 1:
        raise Conflict(_("You have already answered this survey. Thank you!"),
                       code="already_answered")
    response = SurveyResponse(event_id=event.id, submitted_at=now,
                              registration_id=None if anonymous else invitation.registration_id,
                              answers_json=json.dumps(clean, ensure_ascii=False),
                              overall=overall if isinstance(overall, int) else None)
    db.session.add(response)
    db.session.flush()
    return response


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    answered: int
    average: float | None  # ratings
    counts: list[tuple[str, int]]  # rating 1-5 or options, with how many chose each
    texts: list[str]


@dataclass(frozen=True)
class SurveyResults:
    invited: int
    responses: int
    items: list[QuestionResult]

    @property
    def rate(self) -> int | None:
        return round(100 * self.responses / self.invited) if self.invited else None


def results(event: Event) -> SurveyResults:
    """Per question: how many answered, the average rating, counts per choice, the texts."""
    qs = questions(event)
    responses = list(db.session.scalars(select(SurveyResponse).where(
        SurveyResponse.event_id == event.id).order_by(SurveyResponse.id)))
    invited = db.session.scalar(select(func.count(SurveyInvitation.id))
                                .where(SurveyInvitation.event_id == event.id)) or 0
    items = []
    for q in qs:
        values = [r.answers[str(q.id)] for r in responses if str(q.id) in r.answers]
        counter: Counter = Counter()
        for value in values:
            counter.update(value if isinstance(value, list) else [value])
        if q.kind == QuestionKind.rating:
            counts = [(str(n), counter.get(n, 0)) for n in range(1, 6)]
            average = round(sum(values) / len(values), 2) if values else None
        elif q.kind in (QuestionKind.choice, QuestionKind.multi):
            counts = [(en, counter.get(en, 0)) for en, _zh in q.options]
            average = None
        else:
            counts, average = [], None
        texts = [v for v in values if isinstance(v, str)] if q.kind == QuestionKind.text else []
        items.append(QuestionResult(q, len(values), average, counts, texts))
    return SurveyResults(invited, len(responses), items)


def results_csv_rows(event: Event) -> list[list[str]]:
    """One row per response: submitted at, then each question's answer (lists joined by ; )."""
    qs = questions(event)
    rows = [["submitted_at", *[q.label for q in qs]]]
    for r in db.session.scalars(select(SurveyResponse).where(SurveyResponse.event_id == event.id)
                                .order_by(SurveyResponse.id)):
        answers = r.answers
        cells = []
        for q in qs:
            value = answers.get(str(q.id), "")
            cells.append("; ".join(value) if isinstance(value, list) else str(value))
        rows.append([r.submitted_at.isoformat(), *cells])
    return rows


def overall_by_month(where: dict, scope) -> list[tuple[str, float, int]]:
    """Average overall rating per month of the event, for the reports."""
    year = cast(func.extract("year", Event.start_at), Integer)
    month = cast(func.extract("month", Event.start_at), Integer)
    query = (select(year, month, func.avg(SurveyResponse.overall), func.count(SurveyResponse.id))
             .select_from(SurveyResponse).join(Event, Event.id == SurveyResponse.event_id)
             .where(SurveyResponse.overall.is_not(None)))
    if where.get("start") is not None:
        query = query.where(Event.start_at >= where["start"])
    if where.get("end") is not None:
        query = query.where(Event.start_at < where["end"])
    if scope is not None:
        query = query.where(or_(Event.host_organization_id.in_(scope), and_(
            SurveyResponse.registration_id.is_not(None),
            SurveyResponse.registration_id.in_(
                select(Registration.id).join(User, User.id == Registration.user_id)
                .where(User.organization_id.in_(scope))))))
    rows = db.session.execute(query.group_by(year, month).order_by(year, month)).all()
    return [(f"{y}-{m:02d}", round(float(avg), 2), int(n)) for y, m, avg, n in rows]
