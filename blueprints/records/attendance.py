"""Organizers, per event: outcomes for every confirmed registration (in bulk), closing
attendance, and an administrator's reopening (with a reason, logged)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from blueprints.events.manage import event_to_manage
from blueprints.records.views import bp
from extensions import db
from liaison.core.errors import DomainError
from liaison.records import attendance
from liaison.records.attendance import OutcomeInput
from liaison.records.hours import credited_hours
from liaison.records.models import Certificate
from liaison.registration import lists
from liaison.registration.models import AttendanceOutcome, RegistrationStatus


def _page(event, errors=None, values=None, status=200):
    rows = lists.attendees(event, RegistrationStatus.confirmed)
    held = {c.registration_id: c for c in db.session.scalars(
        db.select(Certificate).where(Certificate.event_id == event.id,
                                     Certificate.revoked_at.is_(None)))}
    return render_template(
        "records/attendance.html", event=event, rows=rows, errors=errors or {},
        values=values or {}, outcomes=list(AttendanceOutcome), hours=credited_hours,
        certificates=held, log=attendance.attendance_log(event),
    ), status


@bp.get("/events/<int:event_id>/attendance")
@login_required
def attendance_page(event_id: int):
    return _page(event_to_manage(event_id))


def _submitted(form) -> tuple[dict[int, OutcomeInput], dict[str, str], dict]:
    """Outcome inputs from `outcome-<id>` / `minutes-<id>` fields; blank outcomes are left."""
    outcomes, errors, values = {}, {}, {}
    for name, value in form.items():
        if not name.startswith("outcome-") or not value:
            continue
        reg_id = name.removeprefix("outcome-")
        minutes_raw = form.get(f"minutes-{reg_id}", "").strip()
        values[reg_id] = (value, minutes_raw)
        try:
            outcome = AttendanceOutcome(value)
            minutes = int(minutes_raw) if minutes_raw else None
            outcomes[int(reg_id)] = OutcomeInput(outcome, minutes)
        except ValueError:
            errors[reg_id] = _("Choose an outcome, and give minutes as a whole number.")
    return outcomes, errors, values


@bp.post("/events/<int:event_id>/attendance")
@login_required
def save_outcomes(event_id: int):
    """Save every outcome on the form at once; one bad row refuses them all."""
    event = event_to_manage(event_id)
    outcomes, errors, values = _submitted(request.form)
    if errors:
        return _page(event, errors, values, 422)
    if not outcomes:
        flash(_("Choose an outcome for at least one person."), "error")
        return redirect(url_for("records.attendance_page", event_id=event.id))
    try:
        attendance.set_outcomes(event, outcomes, by=current_user)
    except DomainError as error:
        db.session.rollback()
        if error.fields:
            return _page(event, error.fields, values, 422)
        flash(error.message, "error")
        return redirect(url_for("records.attendance_page", event_id=event.id))
    db.session.commit()
    flash(ngettext("%(num)d outcome saved.", "%(num)d outcomes saved.", len(outcomes)),
          "success")
    return redirect(url_for("records.attendance_page", event_id=event.id))


@bp.post("/events/<int:event_id>/attendance/close")
@login_required
def close(event_id: int):
    event = event_to_manage(event_id)
    try:
        absent = attendance.close_attendance(event, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Attendance is closed: %(absent)d marked absent; certificates are being "
                "prepared and survey invitations go out.", absent=absent), "success")
    return redirect(url_for("records.attendance_page", event_id=event.id))


@bp.post("/events/<int:event_id>/attendance/reopen")
@login_required
def reopen(event_id: int):
    event = event_to_manage(event_id)
    try:
        attendance.reopen_attendance(event, by=current_user, reason=request.form.get("reason", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Attendance is open again; the reason is in the log."), "success")
    return redirect(url_for("records.attendance_page", event_id=event.id))

