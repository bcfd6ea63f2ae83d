"""Surveys on the web: attendees answer (optionally anonymously), organizers edit the
questions and read the results (charts, response rate, CSV)."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.events.manage import event_to_manage
from blueprints.records.charts import Part
from blueprints.records.views import bp
from blueprints.registration.export import safe_cell
from extensions import db
from liaison.core.errors import DomainError
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.events.queries import visible_events
from liaison.records import surveys
from liaison.records.models import QuestionKind


def _visible(event_id: int) -> Event:
    event = db.session.scalar(visible_events(current_user).where(Event.id == event_id))
    if event is None:
        abort(404)
    return event


def _answers(form, questions) -> dict:
    answers = {}
    for q in questions:
        key = str(q.id)
        if q.kind == QuestionKind.multi:
            answers[key] = form.getlist(f"q{key}")
        elif q.kind == QuestionKind.rating:
            raw = form.get(f"q{key}", "")
            answers[key] = int(raw) if raw.isdigit() and len(raw) == 1 else raw
        else:
            answers[key] = form.get(f"q{key}", "")
    return answers


@bp.route("/events/<int:event_id>/survey", methods=["GET", "POST"])
@login_required
def survey(event_id: int):
    """The attendee's form; answered once (anonymously if they choose)."""
    event = _visible(event_id)
    invitation = surveys.invitation_for(event, current_user)
    if invitation is None:
        if can_manage(event, current_user):
            return redirect(url_for("records.survey_results", event_id=event.id))
        abort(404)
    questions = surveys.questions(event)
    errors, answers = {}, {}
    if request.method == "POST" and invitation.responded_at is None:
        answers = _answers(request.form, questions)
        try:
            surveys.respond(event, current_user, answers,
                            anonymous=bool(request.form.get("anonymous")))
        except DomainError as error:
            db.session.rollback()
            errors = error.fields
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Thank you: your answers are saved."), "success")
            return redirect(url_for("records.survey", event_id=event.id))
    else:
        db.session.commit()  # the default questions, saved on first sight
    status = 422 if errors else 200
    return render_template("records/survey.html", event=event, questions=questions,
                           invitation=invitation, errors=errors, answers=answers,
                           Kind=QuestionKind), status


def result_parts(result) -> list[Part]:
    parts = []
    for item in result.items:
        q = item.question
        if q.kind == QuestionKind.text:
            continue
        label = q.label_zh if (q.label_zh and _is_zh()) else q.label
        parts.append(Part(
            f"q{q.id}", label, label,
            {"type": "bar", "labels": [c for c, _n in item.counts],
             "series": [{"label": _("Answers"), "data": [n for _c, n in item.counts]}]},
            [_("Answer"), _("Count")], [[c, n] for c, n in item.counts]))
    return parts


def _is_zh() -> bool:
    from blueprints.core.i18n import current_language

    return current_language() == "zh"


@bp.get("/events/<int:event_id>/survey/results")
@login_required
def survey_results(event_id: int):
    event = event_to_manage(event_id)
    result = surveys.results(event)
    db.session.commit()
    return render_template("records/survey_results.html", event=event, result=result,
                           parts=result_parts(result), Kind=QuestionKind)


@bp.get("/events/<int:event_id>/survey/results.csv")
@login_required
def survey_results_csv(event_id: int):
    event = event_to_manage(event_id)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in surveys.results_csv_rows(event):
        writer.writerow([safe_cell(cell) for cell in row])
    db.session.commit()
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-survey.csv"'})


def _submitted_questions(form) -> list[surveys.QuestionInput]:
    items = []
    for i in range(surveys.QUESTIONS_MAX + 1):
        label = form.get(f"label-{i}", "").strip()
        if not label or form.get(f"delete-{i}"):
            continue
        options = []
        for line in form.get(f"options-{i}", "").splitlines():
            en, _sep, zh = line.partition("|")
            if en.strip():
                options.append((en.strip(), zh.strip() or None))
        items.append(surveys.QuestionInput(
            kind=form.get(f"kind-{i}", ""), label=label, label_zh=form.get(f"label_zh-{i}"),
            options=options, required=bool(form.get(f"required-{i}")),
            key=form.get(f"key-{i}", "")))
    return items


@bp.route("/events/<int:event_id>/survey/edit", methods=["GET", "POST"])
@login_required
def survey_edit(event_id: int):
    """The questions in one form; an empty label or "remove" drops a question, the last row
    adds one. Options: one per line, "English | 中文"."""
    event = event_to_manage(event_id)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            surveys.replace_questions(event, _submitted_questions(request.form), by=current_user)
        except DomainError as error:
            db.session.rollback()
            errors, status = error.fields, error.status
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The survey is saved."), "success")
            return redirect(url_for("records.survey_edit", event_id=event.id))
    questions = surveys.questions(event)
    db.session.commit()
    return render_template("records/survey_edit.html", event=event, questions=questions,
                           errors=errors, kinds=list(QuestionKind)), status
