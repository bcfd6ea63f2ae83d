"""Focal points send their people: nominate colleagues from the event page (search,
multi-select, a preview of who would be confirmed and who waitlisted, then send), pass a place
to a colleague (substitute), and approve their members' registrations at the organization
stage. Routes on the registrations blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.core import params
from blueprints.registration.views import bp, visible_event
from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import Membership, User
from liaison.core.errors import DomainError
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.registration import allocations, nominations, registrations
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStage,
)

MAX_PICK = 50  # people nominated in one go


def _me() -> User:
    return current_user._get_current_object()


def _require_focal_point() -> None:
    if not (current_user.acts_as_focal_point or current_user.is_admin):
        abort(403)


@bp.app_template_global()
def reserved_seats(event: Event) -> list:
    """The event's reserves with how many of their seats are filled ("3 of 5")."""
    return allocations.reserved_seats(event)


@bp.app_template_global()
def waitlist_places(event: Event) -> dict[int, int]:
    """Registration id -> place on the event's waiting list, in one query."""
    return registrations.waitlist_positions(event)


@bp.app_template_global()
def my_people_at(event: Event) -> list[Registration]:
    """For a focal point: the active registrations of the people they act for at `event`."""
    if not current_user.is_authenticated or not current_user.acts_as_focal_point:
        return []
    return list(db.session.scalars(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            User.organization_id.in_(membership.acted_for_ids(current_user)),
        )
        .options(selectinload(Registration.user).selectinload(User.organization))
        .order_by(Registration.created_at, Registration.id)
    ))


def _picked() -> list[User]:
    ids = [int(v) for v in request.form.getlist("user_id") if v.isdigit()][:MAX_PICK]
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


@bp.route("/events/<int:event_id>/nominate", methods=["GET", "POST"])
@login_required
def nominate(event_id: int):
    """GET: search colleagues; POST action=preview: what nominating them would do;
    POST action=send: nominate them (each under the seat lock)."""
    _require_focal_point()
    event = visible_event(event_id)
    query = (request.values.get("q") or "")[:100]
    people = nominations.colleagues(_me(), q=query)
    picked = _picked() if request.method == "POST" else []
    if request.method == "POST" and not picked:
        flash(_("Choose at least one colleague."), "error")
    elif request.method == "POST" and request.form.get("action") == "send":
        done = []
        try:
            for person in picked:
                done.append(nominations.nominate(event, person, by=_me()))
        except DomainError as error:
            db.session.rollback()
            flash(_("Nothing was sent: %(name)s — %(reason)s", name=person.name,
                    reason=error.message), "error")
        else:
            db.session.commit()
            new = sum(1 for _reg, created in done if created)
            flash(ngettext("%(num)d colleague nominated; each is told by mail.",
                           "%(num)d colleagues nominated; each is told by mail.", new), "success")
            return redirect(url_for("events.detail", event_id=event.id) + "#nominations")
    preview = (nominations.preview(event, picked, by=_me())
               if request.method == "POST" and picked else None)
    return render_template(
        "registration/nominate.html", event=event, people=people, query=query,
        picked={u.id for u in picked}, preview=preview,
        registered={r.user_id: r for r in my_people_at(event)},
    )


@bp.route("/registrations/<int:registration_id>/substitute", methods=["GET", "POST"])
@login_required
def substitute(registration_id: int):
    """Pass a place to a colleague of the same organization, in one step."""
    registration = db.get_or_404(Registration, registration_id)
    event = visible_event(registration.event_id)
    by = _me()
    nominee = registration.user
    if not (can_manage(event, by) or membership.is_focal_point_for(by, nominee.organization_id)):
        abort(403)
    if request.method == "POST":
        colleague = db.session.get(User, int(request.form.get("user_id") or 0)
                                   if (request.form.get("user_id") or "").isdigit() else 0)
        if colleague is None:
            flash(_("Choose the colleague who takes the place."), "error")
        else:
            try:
                nominations.substitute(registration, colleague, by=by)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(_("%(new)s takes %(old)s's place; both are told by mail.",
                        new=colleague.name, old=nominee.name), "success")
                return redirect(url_for("events.detail", event_id=event.id) + "#nominations")
    taken = select(Registration.user_id).where(
        Registration.event_id == event.id,
        Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
    )
    candidates = db.session.scalars(
        select(User).where(
            User.organization_id == nominee.organization_id,
            User.membership == Membership.verified,
            User.active.is_(True),
            User.id.not_in(taken),
        ).order_by(User.display_name, User.id).limit(200)
    ).all()
    return render_template("registration/substitute.html", event=event,
                           registration=registration, candidates=candidates)


@bp.get("/members/approvals")
@login_required
def focal_approvals():
    """Registrations of the people a focal point acts for that wait at the organization stage."""
    _require_focal_point()
    stmt = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.stage == RegistrationStage.organization)
        .options(selectinload(Registration.user).selectinload(User.organization),
                 selectinload(Registration.event))
        .order_by(Registration.created_at, Registration.id)
    )
    if not current_user.is_admin:
        stmt = stmt.where(User.organization_id.in_(membership.acted_for_ids(_me())))
    page = params.paginate(stmt, error_out=False)
    return render_template("registration/focal_approvals.html", page=page)


@bp.post("/members/approvals/<int:registration_id>/<any(approve, decline):action>")
@login_required
def focal_decide(registration_id: int, action: str):
    _require_focal_point()
    registration = db.get_or_404(Registration, registration_id)
    if not membership.may_act_for(_me(), registration.user.organization_id):
        abort(403)
    name = registration.user.name
    try:
        (registrations.approve if action == "approve" else registrations.decline)(
            registration, by=_me())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Approved: %(name)s.", name=name) if action == "approve"
              else _("Declined: %(name)s.", name=name), "success")
    return redirect(url_for("registrations.focal_approvals"))
