"""Organizers, per event: the attendee list, approve, decline, move, check-in, CSV export."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.core.params import paginate
from blueprints.core.redirects import safe_next
from blueprints.events.manage import event_to_manage
from blueprints.registration.export import roster_csv, roster_xlsx
from blueprints.registration.views import bp
from extensions import db
from liaison.core.errors import DomainError
from liaison.events.models import Event
from liaison.registration import checkin, lists, questions, registrations
from liaison.registration.answers import answers_of
from liaison.registration.models import Registration, RegistrationStatus

FILTERS = ("all", "confirmed", "waitlisted", "pending", "declined", "cancelled")
ROSTER_PER_PAGE = 50


def _registration_of(event: Event, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event.id:
        abort(404)
    return registration


def _act(event_id: int, registration_id: int, action, done, default_endpoint: str):
    """Run one organizer action on one registration, commit, and go back where the form was."""
    event = event_to_manage(event_id)
    registration = _registration_of(event, registration_id)
    name = registration.user.name
    try:
        action(registration)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done(name), "success")
    back = safe_next(request.form.get("next"))
    return redirect(back or url_for(default_endpoint, event_id=event_id))


@bp.get("/events/<int:event_id>/registrations")
@login_required
def attendees(event_id: int):
    """The attendee list with status filters, search, counts and attendance rate."""
    event = event_to_manage(event_id)
    chosen = request.args.get("status", "all")
    chosen = chosen if chosen in FILTERS else "all"
    search = request.args.get("q", "")[:100]
    status = None if chosen == "all" else RegistrationStatus(chosen)
    page = paginate(
        lists.in_list_order(lists.attendees_query(event, status, search)),
        keep=("status", "q"), per_page=ROSTER_PER_PAGE, error_out=False,
    )
    return render_template(
        "registration/attendees.html",
        event=event,
        page=page,
        rows=page.items,
        questions=questions.event_questions(event.id),
        answers=answers_of(r.id for r in page.items),
        chosen=chosen,
        filters=FILTERS,
        search=search,
        counts=registrations.seat_counts([event.id])[event.id],
        by_status=lists.status_counts(event),
        rate=lists.attendance_rates([event.id])[event.id],
        positions=registrations.waitlist_positions(event),
        movable=registrations.MOVABLE,
    )


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/approve")
@login_required
def approve(event_id: int, registration_id: int):
    return _act(event_id, registration_id,
                lambda r: registrations.approve(r, by=current_user),
                lambda name: _("%(name)s: approved.", name=name), "registrations.attendees")


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/decline")
@login_required
def decline(event_id: int, registration_id: int):
    reason = request.form.get("reason")  # told to the person, if given
    return _act(event_id, registration_id,
                lambda r: registrations.decline(r, by=current_user, reason=reason),
                lambda name: _("%(name)s: declined.", name=name), "registrations.attendees")


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/move")
@login_required
def move(event_id: int, registration_id: int):
    """Move between confirmed, the waiting list and awaiting approval (form field `status`)."""
    target = request.form.get("status", "")
    if target not in {s.value for s in registrations.MOVABLE}:
        flash(_("Choose confirmed, waiting list or awaiting approval."), "error")
        return redirect(url_for("registrations.attendees", event_id=event_id))
    status = RegistrationStatus(target)
    return _act(event_id, registration_id,
                lambda r: registrations.move(r, status, by=current_user),
                lambda name: _("%(name)s: moved to “%(list)s”.", name=name,
                               list=status.label),
                "registrations.attendees")


@bp.get("/events/<int:event_id>/check-in")
@login_required
def check_in_page(event_id: int):
    """A phone-sized list of confirmed attendees: search, then one tap per person."""
    event = event_to_manage(event_id)
    search = request.args.get("q", "")[:100]
    return render_template(
        "registration/check_in.html",
        event=event,
        rows=lists.attendees(event, RegistrationStatus.confirmed, search),
        search=search,
        counts=registrations.seat_counts([event.id])[event.id],
    )


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/check-in")
@login_required
def check_in(event_id: int, registration_id: int):
    """Check in (or, with `undo`, take back a wrong tap)."""
    if request.form.get("undo"):
        return _act(event_id, registration_id,
                    lambda r: checkin.undo_check_in(r, by=current_user),
                    lambda name: _("%(name)s: check-in undone.", name=name),
                    "registrations.check_in_page")
    return _act(event_id, registration_id,
                lambda r: checkin.check_in(r, by=current_user),
                lambda name: _("%(name)s: checked in.", name=name),
                "registrations.check_in_page")


def _csv_name(event: Event, extension: str = "csv") -> str:
    """The file name carries a non-public classification too, where a folder listing shows it."""
    marked = "" if event.is_public else f"-{event.classification.value}"
    return f"event-{event.id}-registrations{marked}.{extension}"


def _roster(event: Event) -> tuple:
    """Every registration, the event's questions and all answers (one query each)."""
    rows = lists.attendees(event)
    return rows, event, questions.event_questions(event.id), answers_of(
        r.id for r in rows)


@bp.get("/events/<int:event_id>/registrations.csv")
@login_required
def export_csv(event_id: int):
    """Every registration as CSV for Excel: UTF-8 with BOM, formula-looking cells neutralized."""
    event = event_to_manage(event_id)
    body = roster_csv(*_roster(event))
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_csv_name(event)}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/events/<int:event_id>/registrations.xlsx")
@login_required
def export_xlsx(event_id: int):
    """Every registration with the answers to the questions, as an Excel workbook."""
    event = event_to_manage(event_id)
    return Response(
        roster_xlsx(*_roster(event)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{_csv_name(event, "xlsx")}"',
            "Cache-Control": "no-store",
        },
    )
