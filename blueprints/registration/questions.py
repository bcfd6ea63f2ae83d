"""Registration questions: organizers edit an event's questions; registrants answer them when
registering (errors next to each answer) and can change their answers afterwards."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.core.forms import apply_errors
from blueprints.events.manage import event_to_manage
from blueprints.registration.forms import QuestionForm
from blueprints.registration.views import bp, status_category, status_message, visible_event
from extensions import db
from liaison.core.errors import DomainError, ValidationFailed
from liaison.events.lifecycle import can_manage
from liaison.registration import questions, registrations
from liaison.registration.answers import format_answer, retention_days
from liaison.registration.models import QuestionKind, Registration, RegistrationQuestion


@bp.app_template_global()
def registration_questions(event) -> list[RegistrationQuestion]:
    """The event's questions, for the registration panel."""
    return questions.event_questions(event.id)


bp.add_app_template_global(format_answer, "format_answer")


@bp.app_template_global()
def unanswered_questions(registration: Registration, asked=None) -> list[RegistrationQuestion]:
    return questions.unanswered_required(registration, asked)


def submitted_answers(asked: list[RegistrationQuestion]) -> dict[str, object]:
    """The form's answers keyed by question id (fields are named q<id>); an unticked box is
    sent as "" and several choices as a list."""
    raw: dict[str, object] = {}
    for question in asked:
        name = f"q{question.id}"
        if question.kind == QuestionKind.multi:
            raw[str(question.id)] = request.form.getlist(name)
        else:
            raw[str(question.id)] = request.form.get(name, "")
    return raw


def _errors_by_field(error: ValidationFailed) -> dict[str, str]:
    """`answers.<id>` -> the form's `q<id>`."""
    return {name.replace("answers.", "q", 1): message for name, message in error.fields.items()}


def _form_page(template: str, event, asked, values, errors, status: int = 200, **context):
    return render_template(
        template, event=event, questions=asked, values=values, errors=errors,
        retention_days=retention_days(), **context,
    ), status


def _current_values(registration: Registration | None, asked) -> dict[str, object]:
    """Answers as the form shows them (choices by their English text, ticks as "y")."""
    if registration is None:
        return {}
    found = {a.question_id: a.value for a in registration.answers}
    values: dict[str, object] = {}
    for question in asked:
        value = found.get(question.id)
        if value is True:
            value = "y"
        elif value is False or value is None:
            value = ""
        values[f"q{question.id}"] = value if isinstance(value, list) else str(value)
    return values


@bp.get("/events/<int:event_id>/register")
@login_required
def register_form(event_id: int):
    """The registration form with the organizers' questions (without any: the event page)."""
    event = visible_event(event_id)
    asked = questions.event_questions(event.id)
    if not asked:
        return redirect(url_for("events.detail", event_id=event.id, _anchor="registration"))
    existing = registrations.registration_for(event, current_user)
    return _form_page("registration/register.html", event, asked,
                      _current_values(existing, asked), {},
                      refusal=_refusal(event))


def _refusal(event) -> str | None:
    try:
        registrations.check_can_register(event, current_user)
    except DomainError as error:
        return error.message
    return None


@bp.post("/events/<int:event_id>/register")
@login_required
def register(event_id: int):
    """Register, with the answers to the event's questions if it asks any: a bad answer shows
    the form again with a message next to it, and nothing is written."""
    event = visible_event(event_id)
    asked = questions.event_questions(event.id)
    raw = submitted_answers(asked)
    try:
        registration = questions.register_answering(event, current_user, raw, strict=False)
    except ValidationFailed as error:
        db.session.rollback()
        if not any(name.startswith("answers.") for name in error.fields):
            flash(error.message, "error")
            return redirect(url_for("events.detail", event_id=event.id))
        flash(error.message, "error")
        return _form_page("registration/register.html", event, asked, request.form,
                          _errors_by_field(error), 200, refusal=None)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.detail", event_id=event.id))
    db.session.commit()
    flash(status_message(registration), status_category(registration))
    return redirect(url_for("events.detail", event_id=event.id))


def _own_registration(registration_id: int) -> Registration:
    """The caller's registration, or one of an event they organize; 404 for any other."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.user_id != current_user.id and not can_manage(registration.event,
                                                                  current_user):
        abort(404)
    return registration


@bp.route("/registrations/<int:registration_id>/answers", methods=["GET", "POST"])
@login_required
def answers(registration_id: int):
    """Answer (or change the answers to) the organizers' questions after registering: a
    nominee answers the required ones here."""
    registration = _own_registration(registration_id)
    event = registration.event
    asked = questions.event_questions(event.id)
    if request.method == "POST":
        try:
            questions.answer(registration, submitted_answers(asked), by=current_user,
                             strict=False)
        except ValidationFailed as error:
            db.session.rollback()
            flash(error.message, "error")
            return _form_page("registration/answers.html", event, asked, request.form,
                              _errors_by_field(error), 200, registration=registration)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your answers are saved."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return _form_page("registration/answers.html", event, asked,
                      _current_values(registration, asked), {}, registration=registration)


# -- organizers ---------------------------------------------------------------------------


def _question_of(event, question_id: int) -> RegistrationQuestion:
    question = db.get_or_404(RegistrationQuestion, question_id)
    if question.event_id != event.id:
        abort(404)
    return question


@bp.route("/events/<int:event_id>/questions", methods=["GET", "POST"])
@login_required
def question_list(event_id: int):
    """The event's questions in order, and a form to add one."""
    event = event_to_manage(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.add_question(event, form.to_input(), by=current_user)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for("registrations.question_list", event_id=event.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template(
        "registration/questions.html", event=event, form=form,
        questions=questions.event_questions(event.id),
        retention_days=retention_days(),
    )


@bp.route("/events/<int:event_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(event_id: int, question_id: int):
    event = event_to_manage(event_id)
    question = _question_of(event, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(question)
    if form.validate_on_submit():
        try:
            questions.update_question(question, form.to_input(), by=current_user)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("registrations.question_list", event_id=event.id))
    elif form.is_submitted():
        flash(_("Some fields need your attention."), "error")
    return render_template("registration/question_form.html", event=event, form=form,
                           question=question)


@bp.post("/events/<int:event_id>/questions/<int:question_id>/<any(delete, up, down):action>")
@login_required
def change_question(event_id: int, question_id: int, action: str):
    """Delete a question (with its answers) or move it up or down the form."""
    event = event_to_manage(event_id)
    question = _question_of(event, question_id)
    try:
        if action == "delete":
            questions.delete_question(question, by=current_user)
        else:
            questions.move_question(question, -1 if action == "up" else 1, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if action == "delete":
            flash(_("Question deleted, with its answers."), "success")
    return redirect(url_for("registrations.question_list", event_id=event.id))
