"""/api/v1 for organizations vouching for their people: members (list, verify, reject),
nominations and substitution, reserved seats (allocations), through liaison.accounts.members,
liaison.registration.nominations and .allocations (the rules live there, not here)."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.api import orgs_schemas, schemas, serializers
from blueprints.api.auth import ApiError
from blueprints.api.event_routes import EVENT_ID, not_found, require_manager, visible_event
from blueprints.api.parsing import json_body, query_args
from blueprints.api.registration_routes import REGISTRATION_ID, own_or_managed
from blueprints.api.views import bp
from extensions import db
from liaison.accounts import members, membership
from liaison.accounts.models import Organization, User
from liaison.registration import allocations, nominations
from liaison.registration.models import Allocation


def _by_id(model, object_id: int):
    if not 1 <= object_id <= schemas.MAX_ID:
        raise not_found()
    found = db.session.get(model, object_id)
    if found is None:
        raise not_found()
    return found


def member_json(user: User) -> dict:
    return {
        "id": user.id,
        "display_name": user.display_name,
        "display_name_zh": user.display_name_zh,
        "email": user.email,
        "organization_id": user.organization_id,
        "role": str(user.role),
        "membership": str(user.membership),
        "focal_point": bool(user.focal_point),
        "active": bool(user.active),
    }


def _acts_for(org_id: int) -> None:
    if not membership.may_act_for(g.api_user, org_id):
        raise ApiError(403, "forbidden", _("Only the organization's focal points and "
                                           "administrators can do this."))


@bp.get("/organizations/<int:organization_id>/members")
def list_members(organization_id: int):
    """Members of the organization and its offices, waiting ones first."""
    org = _by_id(Organization, organization_id)
    _acts_for(org.id)
    args = query_args(orgs_schemas.MemberQuery)
    stmt = members.member_list(g.api_user, membership=args.membership).where(
        User.organization_id.in_(membership.tree_ids(org))
    )
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(serializers.page_json(page, [member_json(u) for u in page.items]))


def _decide(user_id: int, decision):
    member = _by_id(User, user_id)
    if not membership.may_act_for(g.api_user, member.organization_id):
        raise not_found()  # 404 for anyone the caller may not decide about
    decision(member, by=g.api_user)
    db.session.commit()
    return jsonify(member_json(member))


@bp.post("/members/<int:user_id>/verify")
def verify_member(user_id: int):
    return _decide(user_id, members.verify)


@bp.post("/members/<int:user_id>/reject")
def reject_member(user_id: int):
    return _decide(user_id, members.reject)


@bp.post(f"/events/{EVENT_ID}/nominations")
def nominate(event_id: int):
    """201 when this request made the place, 200 when the nominee's active one is returned."""
    event = visible_event(event_id, g.api_user)
    body = json_body(orgs_schemas.UserRef)
    nominee = db.session.get(User, body.user_id)
    if nominee is None or not membership.may_act_for(g.api_user, nominee.organization_id):
        raise ApiError(422, "invalid", _("Choose a member of an organization you act for."),
                       {"user_id": _("Not a member of an organization you act for.")})
    registration, _new = nominations.nominate(event, nominee, by=g.api_user)
    made_now = registration.placed_now
    db.session.commit()
    return jsonify(serializers.registration_json(registration)), 201 if made_now else 200


@bp.post(f"/registrations/{REGISTRATION_ID}/substitute")
def substitute(registration_id: int):
    """The colleague's registration, holding the place."""
    registration = own_or_managed(registration_id)
    body = json_body(orgs_schemas.UserRef)
    colleague = db.session.get(User, body.user_id)
    if colleague is None:
        raise ApiError(422, "invalid", _("There is no such person."),
                       {"user_id": _("No user with this id.")})
    taken = nominations.substitute(registration, colleague, by=g.api_user)
    db.session.commit()
    return jsonify(serializers.registration_json(taken))


def allocation_json(allocation: Allocation, filled: int) -> dict:
    return {
        "id": allocation.id,
        "event_id": allocation.event_id,
        "organization_id": allocation.organization_id,
        "seats": allocation.seats,
        "filled": filled,
        "release_at": serializers.iso(allocation.release_at),
        "released_at": serializers.iso(allocation.released_at),
    }


def _filled(allocation: Allocation) -> int:
    counted = {r.allocation.id: r.filled for r in allocations.reserved_seats(allocation.event)}
    return counted.get(allocation.id, 0)


@bp.get(f"/events/{EVENT_ID}/allocations")
def list_allocations(event_id: int):
    event = visible_event(event_id, g.api_user)
    held = {r.allocation.id: r.filled for r in allocations.reserved_seats(event)}
    rows = db.session.scalars(
        select(Allocation).where(Allocation.event_id == event.id).order_by(Allocation.id)
    )
    return jsonify({"items": [allocation_json(a, held.get(a.id, 0)) for a in rows]})


@bp.post(f"/events/{EVENT_ID}/allocations")
def create_allocation(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(orgs_schemas.AllocationIn)
    org = db.session.get(Organization, body.organization_id)
    allocation = allocations.reserve(event, org, body.seats, body.release_at, by=g.api_user)
    db.session.commit()
    return jsonify(allocation_json(allocation, _filled(allocation))), 201


def _managed_allocation(allocation_id: int) -> Allocation:
    allocation = _by_id(Allocation, allocation_id)
    event = visible_event(allocation.event_id, g.api_user)
    require_manager(event, g.api_user)
    return allocation


@bp.patch("/allocations/<int:allocation_id>")
def update_allocation(allocation_id: int):
    allocation = _managed_allocation(allocation_id)
    body = json_body(orgs_schemas.AllocationPatch).model_dump(exclude_unset=True)
    allocations.change(allocation, seats=body.get("seats"), release_at=body.get("release_at"),
                       by=g.api_user)
    db.session.commit()
    return jsonify(allocation_json(allocation, _filled(allocation)))


@bp.delete("/allocations/<int:allocation_id>")
def delete_allocation(allocation_id: int):
    allocation = _managed_allocation(allocation_id)
    allocations.remove(allocation, by=g.api_user)
    db.session.commit()
    return "", 204
