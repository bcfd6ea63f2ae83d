"""/api/v1 registrations: register yourself, the organizers' list, and approve, decline,
cancel and check in, through liaison.registrations (rules 1-6 live there, not here)."""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.api import question_schemas, schemas, serializers
from blueprints.api.event_routes import EVENT_ID, not_found, require_manager, visible_event
from blueprints.api.parsing import optional_json_body, query_args
from blueprints.api.views import bp
from extensions import db
from liaison.accounts import membership
from liaison.events import lifecycle
from liaison.registration import checkin, questions, registrations
from liaison.registration.models import Registration

REGISTRATION_ID = "<int:registration_id>"


@bp.post(f"/events/{EVENT_ID}/registrations")
def register(event_id: int):
    """Register the caller: 201 when this request made the place, 200 when the active one is
    returned (rule 2). Decided under the seat lock: of simultaneous requests exactly one
    answers 201, and every answer carries the same registration. Answers to the event's
    questions come in the optional body (sending them again replaces them)."""
    event = visible_event(event_id, g.api_user)
    answers = optional_json_body(question_schemas.RegistrationIn).answers
    registration = questions.register_answering(event, g.api_user, answers, strict=True)
    made_now = registration.placed_now
    db.session.commit()
    return jsonify(serializers.registration_json(registration)), 201 if made_now else 200


@bp.get(f"/events/{EVENT_ID}/registrations")
def list_registrations(event_id: int):
    """Every registration of an event, in queue order: for its organizers only."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    args = query_args(schemas.RegistrationQuery)
    stmt = select(Registration).where(Registration.event_id == event.id)
    if args.status:
        stmt = stmt.where(Registration.status == args.status)
    stmt = stmt.order_by(Registration.created_at, Registration.id).options(
        selectinload(Registration.answers))
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    items = [serializers.registration_json(r) for r in page.items]
    return jsonify(serializers.page_json(page, items))


def own_or_managed(registration_id: int) -> Registration:
    """A registration the caller holds, whose event they organize, or of someone they act for
    as a focal point; 404 for any other."""
    if not 1 <= registration_id <= schemas.MAX_ID:
        raise not_found()
    registration = db.session.get(Registration, registration_id)
    if registration is None or not (
        registration.user_id == g.api_user.id
        or lifecycle.can_manage(registration.event, g.api_user)
        or membership.is_focal_point_for(g.api_user, registration.user.organization_id)
    ):
        raise not_found()
    return registration


def _managed(registration_id: int) -> Registration:
    registration = own_or_managed(registration_id)
    require_manager(registration.event, g.api_user)
    return registration


def _done(registration: Registration):
    db.session.commit()
    return jsonify(serializers.registration_json(registration))


@bp.post(f"/registrations/{REGISTRATION_ID}/approve")
def approve(registration_id: int):
    """Confirm a pending registration, or waitlist it when the event is full (rule 3); at the
    organization stage a focal point approves (then the organizers, if the event asks)."""
    registration = own_or_managed(registration_id)
    registrations.approve(registration, by=g.api_user)
    return _done(registration)


@bp.post(f"/registrations/{REGISTRATION_ID}/decline")
def decline(registration_id: int):
    """Decline; the person is told, with the `reason` if given."""
    registration = own_or_managed(registration_id)
    body = optional_json_body(schemas.ReasonBody)
    registrations.decline(registration, by=g.api_user, reason=body.reason)
    return _done(registration)


@bp.post(f"/registrations/{REGISTRATION_ID}/cancel")
def cancel(registration_id: int):
    """The registrant or an organizer cancels; a freed seat goes to the waiting list (rule 5)."""
    registration = own_or_managed(registration_id)
    registrations.cancel_registration(registration, by=g.api_user)
    return _done(registration)


@bp.post(f"/registrations/{REGISTRATION_ID}/check-in")
def check_in(registration_id: int):
    registration = _managed(registration_id)
    checkin.check_in(registration, by=g.api_user)
    return _done(registration)
