"""Exchange-meeting pages: the meeting's part of the event page, the agenda editor and the
printable agenda, and "add the next meeting". Minutes, actions and materials have their own
modules in this blueprint."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.events.manage import event_to_manage
from blueprints.meetings.forms import AgendaForm
from extensions import db
from liaison.accounts.models import Organization
from liaison.core.errors import DomainError, ValidationFailed
from liaison.events import classification
from liaison.events.models import Event, SeriesFrequency
from liaison.events.queries import visible_events
from liaison.meetings import access, actions, agenda, planning
from liaison.meetings import minutes as minutes_domain
from liaison.meetings.models import Material, MinutesStatus, OutcomeKind

bp = Blueprint("meetings", __name__)


@bp.record_once
def _template_names(state) -> None:
    state.app.jinja_env.globals.update(SeriesFrequency=SeriesFrequency,
                                       OutcomeKind=OutcomeKind)


def viewer():
    return current_user if current_user.is_authenticated else None


def meeting_or_404(event_id: int) -> Event:
    """The event if the viewer may reach it (its page's rule); visitors who may not are sent
    to log in, as the event page does."""
    event = db.session.scalar(visible_events(viewer(), direct=True).where(Event.id == event_id))
    if event is None:
        if not current_user.is_authenticated:
            abort(_login_redirect())
        abort(404)
    return event


def _login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_content(event: Event) -> access.Standing:
    """The viewer's standing, or 404 when the classification keeps the content from them."""
    who = access.standing(event, viewer())
    if not access.reads_content(event, who):
        if not current_user.is_authenticated:
            abort(_login_redirect())
        abort(404)
    return who


@dataclass
class MeetingParts:
    """What the meeting's part of the event page shows to this viewer."""

    reads: bool
    manages: bool
    agenda: list
    materials: list
    minutes: object | None
    carried: list
    who: access.Standing
    today: object = None  # the meeting's local date: overdue actions are marked


@bp.app_template_global()
def meeting_parts(event: Event, my_registration=None) -> MeetingParts:
    """Called once by templates/meetings/_event_meeting.html (a fixed number of queries)."""
    who = access.standing_from(event, viewer(), my_registration)
    reads = access.reads_content(event, who)
    if not reads:
        return MeetingParts(False, who.manages, [], [], None, [], who)
    materials = [m for m in db.session.scalars(
        select(Material).where(Material.event_id == event.id).order_by(Material.id)
        .options(selectinload(Material.versions))
    ) if access.may_download(m, event, who)]
    latest = minutes_domain.current(event)
    if latest is not None and not access.may_read_minutes(latest, event, who):
        versions = [v for v in minutes_domain.versions(event) if v.status != MinutesStatus.draft]
        latest = versions[-1] if versions else None
    return MeetingParts(
        reads=True, manages=who.manages, agenda=agenda.timed(event, agenda.agenda_of(event)),
        materials=materials,
        minutes=latest, carried=actions.carried_over(event), who=who,
        today=actions.local_today(zone=event.zone),
    )


@bp.app_template_global()
def may_update_action(action) -> bool:
    return access.may_update_action(action, viewer())


@bp.app_template_global()
def classification_marking(event: Event) -> str:
    return classification.marking(event)


def _organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


@bp.route("/events/<int:event_id>/agenda", methods=["GET", "POST"])
@login_required
def edit_agenda(event_id: int):
    """The agenda editor: drag rows (or use the move buttons), add, remove, save."""
    event = event_to_manage(event_id)
    if request.method == "GET":
        form = AgendaForm.from_items(agenda.agenda_of(event))
        return render_template("meetings/agenda_edit.html", event=event, form=form,
                               organizations=_organizations(), moved=False)
    form = AgendaForm.from_post(request.form)
    if request.form.get("move") or request.form.get("add"):
        return render_template("meetings/agenda_edit.html", event=event, form=form.with_blanks(),
                               organizations=_organizations(), moved=True)
    try:
        agenda.set_agenda(event, form.to_inputs(), by=current_user,
                          notify=bool(request.form.get("notify")))
    except ValidationFailed as error:
        db.session.rollback()
        form.show_errors(error.fields)
        flash(error.message, "error")
        return render_template("meetings/agenda_edit.html", event=event, form=form.with_blanks(),
                               organizations=_organizations(), moved=False), 422
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.detail", event_id=event.id))
    db.session.commit()
    flash(_("Agenda saved."), "success")
    return redirect(url_for("events.detail", event_id=event.id) + "#agenda")


@bp.get("/events/<int:event_id>/agenda/print")
def print_agenda(event_id: int):
    """The agenda on paper, with the classification marking on every page."""
    event = meeting_or_404(event_id)
    require_content(event)
    items = agenda.agenda_of(event)
    return render_template("meetings/agenda_print.html", event=event, items=items,
                           timed=agenda.timed(event, items))


@bp.post("/events/<int:event_id>/next")
@login_required
def plan_next(event_id: int):
    """A draft of the next meeting of the series (quarterly for a meeting without one)."""
    event = event_to_manage(event_id)
    frequency = request.form.get("frequency") or SeriesFrequency.quarterly.value
    try:
        created = planning.plan_next(event, by=current_user, frequency=frequency)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.detail", event_id=event.id))
    db.session.commit()
    flash(_("The next meeting is saved as a draft with this agenda. Check its date and "
            "publish it."), "success")
    return redirect(url_for("events.detail", event_id=created.id))
