"""Organizers reserve seats of their event for an organization and its offices until a
release time (liaison.registration.allocations): list, add, change, remove. Routes on the
registrations blueprint."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectChoice, SelectField, TimeField
from wtforms.validators import DataRequired, NumberRange

from blueprints.core.forms import apply_errors
from blueprints.events.manage import event_to_manage
from blueprints.registration.views import bp
from extensions import db
from liaison.accounts import organizations
from liaison.accounts.models import Organization
from liaison.core.errors import DomainError
from liaison.events.models import Event
from liaison.registration import allocations
from liaison.registration.models import Allocation


class ChangeForm(FlaskForm):
    """A reserve's seats and release time (changing one)."""

    seats = IntegerField(_l("Seats"), validators=[
        DataRequired(_l("How many seats?")), NumberRange(min=1, max=allocations.SEATS_MAX)])
    release_date = DateField(_l("Release on"), validators=[DataRequired()])
    release_time = TimeField(_l("at"), validators=[DataRequired()])

    def release_at(self, event: Event) -> datetime:
        """The release time, read on the event's own wall clock."""
        return datetime.combine(self.release_date.data, self.release_time.data,
                                tzinfo=event.zone)


class AllocationForm(ChangeForm):
    """A new reserve: also the organization."""

    organization = SelectField(_l("Organization"), coerce=int,
                               validators=[DataRequired(_l("Choose an organization."))])

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice(0, _l("Choose…"))] + [
            SelectChoice(o.id, o.display_name) for o in choices]


def _allocation_of(event: Event, allocation_id: int) -> Allocation:
    allocation = db.get_or_404(Allocation, allocation_id)
    if allocation.event_id != event.id:
        abort(404)
    return allocation


def _page(event: Event, form: AllocationForm, status: int = 200):
    rows = db.session.scalars(
        select(Allocation).where(Allocation.event_id == event.id).order_by(Allocation.id)
    ).all()
    filled = {r.allocation.id: r.filled for r in allocations.reserved_seats(event)}
    return render_template("registration/allocations.html", event=event, form=form,
                           rows=rows, filled=filled), status


@bp.get("/events/<int:event_id>/allocations")
@login_required
def allocations_page(event_id: int):
    event = event_to_manage(event_id)
    form = AllocationForm(choices=organizations.all_organizations())
    local = event.local_start
    form.release_date.data, form.release_time.data = local.date(), local.time()
    return _page(event, form)


@bp.post("/events/<int:event_id>/allocations")
@login_required
def add_allocation(event_id: int):
    event = event_to_manage(event_id)
    form = AllocationForm(choices=organizations.all_organizations())
    if not form.validate_on_submit():
        return _page(event, form, 422)
    try:
        allocations.reserve(event, db.session.get(Organization, form.organization.data),
                            form.seats.data, form.release_at(event),
                            by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, {"organization": error.fields.get("organization_id"),
                            "seats": error.fields.get("seats"),
                            "release_date": error.fields.get("release_at")})
        if not error.fields:
            flash(error.message, "error")
        return _page(event, form, 422)
    db.session.commit()
    flash(_("Seats reserved."), "success")
    return redirect(url_for("registrations.allocations_page", event_id=event.id))


@bp.post("/events/<int:event_id>/allocations/<int:allocation_id>")
@login_required
def change_allocation(event_id: int, allocation_id: int):
    event = event_to_manage(event_id)
    allocation = _allocation_of(event, allocation_id)
    form = ChangeForm()
    if not form.validate_on_submit():
        flash(_("Give the seats and the release date and time."), "error")
    else:
        try:
            allocations.change(allocation, seats=form.seats.data,
                               release_at=form.release_at(event),
                               by=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            flash(" ".join([error.message, *[m for m in error.fields.values() if m]]), "error")
        else:
            db.session.commit()
            flash(_("Reserved seats changed."), "success")
    return redirect(url_for("registrations.allocations_page", event_id=event.id))


@bp.post("/events/<int:event_id>/allocations/<int:allocation_id>/remove")
@login_required
def remove_allocation(event_id: int, allocation_id: int):
    event = event_to_manage(event_id)
    allocation = _allocation_of(event, allocation_id)
    try:
        allocations.remove(allocation, by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The seats are free to all again."), "success")
    return redirect(url_for("registrations.allocations_page", event_id=event.id))
