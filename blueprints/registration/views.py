"""Participants: register and cancel from the event page, and "My registrations"."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from blueprints.core import params
from blueprints.core.redirects import safe_next
from extensions import db
from liaison.core.errors import DomainError
from liaison.core.types import utcnow
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.events.queries import visible_events
from liaison.records import training
from liaison.registration import lists, registrations
from liaison.registration.models import Registration, RegistrationStage, RegistrationStatus

bp = Blueprint("registrations", __name__)


def status_message(registration: Registration) -> str:
    """What a registrant is told right after registering, in words that match the page."""
    status = registration.status
    if status == RegistrationStatus.confirmed:
        return _("You are confirmed. A calendar invitation is on its way by email.")
    if registration.stage == RegistrationStage.organization:
        return _("Registration received, awaiting approval by your organization's focal point.")
    if status == RegistrationStatus.pending:
        return _("Registration received, awaiting approval by the organizers. "
                 "Approval does not reserve a seat.")
    if status == RegistrationStatus.waitlisted:
        position = registrations.waitlist_position(registration)
        if registrations.org_cap_reached(registration):
            return ngettext(
                "Your organization's %(num)d seat is taken, so you are on the waiting list: "
                "position %(position)d. If a seat frees up, you are told by email.",
                "Your organization's %(num)d seats are taken, so you are on the waiting list: "
                "position %(position)d. If a seat frees up, you are told by email.",
                registration.event.org_cap, position=position)
        return _("The event is full, so you are on the waiting list: position %(position)d. "
                 "If a seat frees up, you are told by email.", position=position)
    return status.label


def status_category(registration: Registration) -> str:
    """A seat (or a request for one) is a success; a place on the waiting list is news."""
    return "info" if registration.status == RegistrationStatus.waitlisted else "success"


@bp.app_template_global()
def waitlist_position(registration: Registration) -> int | None:
    return registrations.waitlist_position(registration)


@bp.app_template_global()
def org_cap_reached(registration: Registration) -> bool:
    return registrations.org_cap_reached(registration)


@bp.app_template_global()
def registration_refusal(event: Event, user) -> str | None:
    """Why this user can't register now (rule 1), or None: shown instead of the button."""
    try:
        registrations.check_can_register(event, user)
    except DomainError as error:
        return error.message
    return None


@bp.app_template_global()
def registration_started(event: Event) -> bool:
    return event.start_at <= utcnow()


@bp.app_template_global()
def joins_waiting_list(event: Event, user) -> bool:
    """Registering now would put `user` on the waiting list (full, or their organization's
    cap reached): the button says so instead of "Register"."""
    return registrations.would_wait(event, user)


def visible_event(event_id: int) -> Event:
    """The event if the current user may see it (the events pages' rule); 404 otherwise,
    alike for missing, someone else's draft and an audience that excludes them."""
    return db.first_or_404(visible_events(current_user, direct=True).where(Event.id == event_id))


@bp.post("/registrations/<int:registration_id>/cancel")
@login_required
def cancel(registration_id: int):
    """The registrant, or an organizer on their behalf; anyone else gets a 404."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.user_id != current_user.id and not can_manage(
        registration.event, current_user
    ):
        abort(404)
    event_id = registration.event_id
    try:
        registrations.cancel_registration(registration, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The registration is cancelled."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("events.detail",
                                                                   event_id=event_id))


MINE_TABS = ("upcoming", "past")
HISTORY_ROWS = 5  # the latest sessions of the training history; the record page has them all


@bp.get("/registrations/mine")
@login_required
def mine():
    """Upcoming or past registrations (a tab each, paginated) with their status, and the
    latest sessions of the training history."""
    now = utcnow()
    tab = request.args.get("tab") if request.args.get("tab") in MINE_TABS else "upcoming"
    counts = lists.my_registration_counts(current_user, now)  # both tabs' counts in one query
    page = params.paginate(lists.my_registrations(current_user, now, past=tab == "past"),
                           keep=("tab",), count=False)
    page.total = counts[MINE_TABS.index(tab)]
    positions = {}
    if tab == "upcoming":  # one query, not one per row (and the same count for every page)
        places = lists.waitlist_places(current_user)
        positions = {r.id: places.get(r.id) for r in page.items}
    attended, hours = training.hours_in_all(current_user)
    return render_template(
        "registration/mine.html",
        tab=tab,
        tabs=MINE_TABS,
        counts=counts,
        page=page,
        positions=positions,
        history=training.person_record(current_user, limit=HISTORY_ROWS),
        attended=attended,
        hours=hours,
        now=now,
    )
