"""Minutes pages: read a version (and the history), edit the draft, circulate, approve,
reopen, print."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.events.manage import event_to_manage
from blueprints.meetings.forms import MinutesForm
from blueprints.meetings.views import bp, meeting_or_404, require_content
from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.errors import DomainError, ValidationFailed
from liaison.events.models import Event
from liaison.meetings import access, agenda
from liaison.meetings import minutes as domain
from liaison.meetings.models import Minutes, OutcomeKind
from liaison.registration.models import ACTIVE_REGISTRATION_STATUSES, Registration


def _chosen_version(event: Event, who: access.Standing) -> tuple[Minutes | None, list[Minutes]]:
    """The version asked for (`?version=`, default the newest this viewer may read) and the
    versions they may read."""
    readable = [m for m in domain.versions(event) if access.may_read_minutes(m, event, who)]
    wanted = request.args.get("version", type=int)
    chosen = next((m for m in readable if m.version == wanted), None) if wanted else (
        readable[-1] if readable else None)
    if wanted and chosen is None:
        abort(404)
    return (domain.with_content(chosen.id) if chosen else None), readable


@bp.get("/events/<int:event_id>/minutes")
def show_minutes(event_id: int):
    event = meeting_or_404(event_id)
    who = require_content(event)
    chosen, readable = _chosen_version(event, who)
    newest = domain.current(event)
    return render_template("meetings/minutes.html", event=event, minutes=chosen,
                           versions=readable, newest=newest, who=who)


@bp.get("/events/<int:event_id>/minutes/print")
def print_minutes(event_id: int):
    event = meeting_or_404(event_id)
    who = require_content(event)
    chosen, _readable = _chosen_version(event, who)
    if chosen is None:
        abort(404)
    return render_template("meetings/minutes_print.html", event=event, minutes=chosen)


def _people(event: Event, organizations: list[Organization]) -> list[User]:
    """Who may own an action: the meeting's organizers and registrants and the people of the
    organizations on its agenda (a short list, not every account)."""
    org_ids = {i.organization_id for i in agenda.agenda_of(event) if i.organization_id}
    registrant_ids = select(Registration.user_id).where(
        Registration.event_id == event.id,
        Registration.status.in_(ACTIVE_REGISTRATION_STATUSES))
    people = db.session.scalars(
        select(User).where(User.active.is_(True)).where(
            User.id.in_(registrant_ids) | User.organization_id.in_(org_ids)
            | User.id.in_([u.id for u in event.organizers])
        ).order_by(User.display_name)
    ).all()
    return list(people)


def _render(event: Event, form: MinutesForm, status: int = 200):
    organizations = list(db.session.scalars(select(Organization).order_by(Organization.name)))
    return render_template(
        "meetings/minutes_edit.html", event=event, form=form, organizations=organizations,
        people=_people(event, organizations), kinds=list(OutcomeKind),
        newest=domain.current(event),
    ), status


@bp.route("/events/<int:event_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(event_id: int):
    """The draft's editor; circulated and approved minutes are reopened first."""
    event = event_to_manage(event_id)
    newest = domain.current(event)
    if newest is not None and not newest.is_draft:
        flash(_("These minutes are %(status)s: reopen them to start a new version.",
                status=newest.status.label), "error")
        return redirect(url_for("meetings.show_minutes", event_id=event.id))
    if request.method == "GET":
        content = domain.with_content(newest.id) if newest else None
        return _render(event, MinutesForm.from_inputs(domain.inputs_for(event, content)))
    form = MinutesForm.from_post(request.form)
    try:
        domain.save(event, form.to_inputs(), by=current_user)
    except ValidationFailed as error:
        db.session.rollback()
        form.show_errors(error.fields)
        flash(error.message, "error")
        return _render(event, form.with_blanks(), 422)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("meetings.show_minutes", event_id=event.id))
    db.session.commit()
    flash(_("Draft minutes saved."), "success")
    if request.form.get("then") == "circulate":
        return redirect(url_for("meetings.show_minutes", event_id=event.id) + "#circulate")
    return redirect(url_for("meetings.show_minutes", event_id=event.id))


STEPS = {
    "circulate": (domain.circulate, lambda: _("Minutes circulated: the attendees and "
                                              "organizers are being mailed.")),
    "approve": (domain.approve, lambda: _("Minutes approved and locked.")),
    "reopen": (domain.reopen, lambda: _("A new draft version was started; the earlier one "
                                        "stays in the history.")),
}


@bp.post("/events/<int:event_id>/minutes/<any(circulate, approve, reopen):step>")
@login_required
def minutes_step(event_id: int, step: str):
    event = event_to_manage(event_id)
    operation, message = STEPS[step]
    try:
        operation(event, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message(), "success")
    if step == "reopen" and not request.form.get("stay"):
        return redirect(url_for("meetings.edit_minutes", event_id=event.id))
    return redirect(url_for("meetings.show_minutes", event_id=event.id))
