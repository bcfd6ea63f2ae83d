"""/api/v1 for exchange meetings: agenda, minutes (and their steps), action items, materials.
The same domain calls and the same access rules as the pages (liaison.meetings)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.api import meeting_schemas as ms
from blueprints.api.auth import ApiError
from blueprints.api.event_routes import EVENT_ID, not_found, require_manager, visible_event
from blueprints.api.parsing import json_body, query_args
from blueprints.api.serializers import iso, page_json
from blueprints.api.views import bp
from extensions import db
from liaison.accounts import membership
from liaison.core.errors import ValidationFailed
from liaison.events.models import Event
from liaison.meetings import access, actions, agenda, materials, minutes
from liaison.meetings.agenda import AgendaItemInput
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from liaison.meetings.models import ActionItem, Material, Minutes


def _readable_event(event_id: int) -> tuple[Event, access.Standing]:
    """The event if the caller may read its content; 404 alike otherwise."""
    event = visible_event(event_id, g.api_user)
    who = access.standing(event, g.api_user)
    if not access.reads_content(event, who):
        raise not_found()
    return event, who


def _agenda_json(event: Event) -> dict:
    items = agenda.agenda_of(event)
    return {"event_id": event.id, "items": [{
        "id": item.id, "position": n, "title": item.title, "title_zh": item.title_zh,
        "presenter": item.presenter, "organization_id": item.organization_id,
        "duration_minutes": item.duration_minutes, "start": iso(at) if at else None,
    } for n, (item, at) in enumerate(agenda.timed(event, items))]}


@bp.get(f"/events/{EVENT_ID}/agenda")
def get_agenda(event_id: int):
    event, _who = _readable_event(event_id)
    return jsonify(_agenda_json(event))


@bp.put(f"/events/{EVENT_ID}/agenda")
def put_agenda(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(ms.AgendaIn)
    agenda.set_agenda(event, [AgendaItemInput(**item.model_dump()) for item in body.items],
                      by=g.api_user, notify=body.notify)
    db.session.commit()
    return jsonify(_agenda_json(event))


def _version_json(m: Minutes) -> dict:
    return {"version": m.version, "status": str(m.status), "created_at": iso(m.created_at),
            "circulated_at": iso(m.circulated_at), "approved_at": iso(m.approved_at)}


def _minutes_json(event: Event, m: Minutes, readable: list[Minutes]) -> dict:
    full = minutes.with_content(m.id)
    return {**_version_json(full), "event_id": event.id, "items": [{
        "agenda_item_id": item.agenda_item_id, "title": item.title, "title_zh": item.title_zh,
        "notes": item.notes, "outcomes": [{
            "kind": str(o.kind), "text": o.text, "text_zh": o.text_zh,
            "owner_organization_id": o.owner_organization_id, "owner_user_id": o.owner_user_id,
            "due_on": o.due_on.isoformat() if o.due_on else None, "action_id": o.action_id,
            "status": str(o.action.status) if o.action else None,
        } for o in item.outcomes],
    } for item in full.items], "history": [_version_json(v) for v in readable]}


def _minutes_response(event: Event, who: access.Standing, version: int | None = None):
    readable = [m for m in minutes.versions(event) if access.may_read_minutes(m, event, who)]
    chosen = next((m for m in readable if m.version == version), None) if version else (
        readable[-1] if readable else None)
    if chosen is None:
        raise ApiError(404, "not_found", _("There are no minutes to show."))
    return jsonify(_minutes_json(event, chosen, readable))


@bp.get(f"/events/{EVENT_ID}/minutes")
def get_minutes(event_id: int):
    event, who = _readable_event(event_id)
    args = query_args(ms.MinutesQuery)
    return _minutes_response(event, who, args.version)


def _minutes_inputs(body: ms.MinutesIn) -> list[MinutesItemInput]:
    return [MinutesItemInput(
        agenda_item_id=item.agenda_item_id, title=item.title, title_zh=item.title_zh,
        notes=item.notes, outcomes=[OutcomeInput(
            kind=o.kind, text=o.text, text_zh=o.text_zh,
            owner_organization_id=o.owner_organization_id, owner_user_id=o.owner_user_id,
            due_on=o.due_on, action_id=o.action_id,  # Day validates into a date
        ) for o in item.outcomes],
    ) for item in body.items]


@bp.put(f"/events/{EVENT_ID}/minutes")
def put_minutes(event_id: int):
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(ms.MinutesIn)
    minutes.save(event, _minutes_inputs(body), by=g.api_user)
    db.session.commit()
    return _minutes_response(event, access.standing(event, g.api_user))


def _step(event_id: int, step) -> tuple:
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    step(event, by=g.api_user)
    db.session.commit()
    return _minutes_response(event, access.standing(event, g.api_user))


@bp.post(f"/events/{EVENT_ID}/minutes/circulate")
def circulate_minutes(event_id: int):
    return _step(event_id, minutes.circulate)


@bp.post(f"/events/{EVENT_ID}/minutes/approve")
def approve_minutes(event_id: int):
    return _step(event_id, minutes.approve)


@bp.post(f"/events/{EVENT_ID}/minutes/reopen")
def reopen_minutes(event_id: int):
    return _step(event_id, minutes.reopen)


def _action_json(action: ActionItem) -> dict:
    return {"id": action.id, "event_id": action.event_id, "text": action.text,
            "text_zh": action.text_zh, "owner_organization_id": action.owner_organization_id,
            "owner_user_id": action.owner_user_id, "due_on": action.due_on.isoformat(),
            "status": str(action.status), "closed_at": iso(action.closed_at),
            "closed_by": action.closed_by_id}


@bp.get("/action-items")
def list_action_items():
    """Live actions of an organization and its offices: the caller's own, or one they act for
    (admins, its focal points); soonest due first. `due` narrows to open ones."""
    args = query_args(ms.ActionQuery)
    user = g.api_user
    org_id = args.organization_id or user.organization_id
    if not (user.is_admin or org_id in actions.scope_for(user)
            or membership.is_focal_point_for(user, org_id)):
        raise ApiError(403, "forbidden", _("You can list the actions of your own organization "
                                           "and its offices only."))
    today = actions.local_today(zone=ZoneInfo(user.timezone))
    which = {"soon": "due_soon", "overdue": "overdue"}.get(args.due or "", "all")
    stmt = actions.for_organizations(actions.descendant_ids(org_id), which, today)
    if args.status is not None:
        stmt = stmt.where(ActionItem.status == args.status)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(page_json(page, [_action_json(a) for a in page.items]))


@bp.patch("/action-items/<int:action_id>")
def update_action_item(action_id: int):
    action = db.session.get(ActionItem, action_id) if action_id <= ms.schemas.MAX_ID else None
    if action is None or not action.live or not access.may_update_action(action, g.api_user):
        raise not_found()
    body = json_body(ms.ActionPatch)
    actions.set_status(action, body.status, by=g.api_user)
    db.session.commit()
    return jsonify(_action_json(action))


def _material_json(material: Material, manages: bool) -> dict:
    return {
        "id": material.id, "event_id": material.event_id, "title": material.title,
        "title_zh": material.title_zh, "visibility": str(material.visibility),
        "download_url": current_app.config["BASE_URL"] + url_for(
            "meetings.download", material_id=material.id),
        "versions": [{"number": v.number, "filename": v.filename,
                      "content_type": v.content_type, "size": v.size,
                      "uploaded_at": iso(v.uploaded_at),
                      "download_count": v.download_count if manages else None}
                     for v in material.versions],
    }


@bp.get(f"/events/{EVENT_ID}/materials")
def list_materials(event_id: int):
    event, who = _readable_event(event_id)
    items = db.session.scalars(
        select(Material).where(Material.event_id == event.id).order_by(Material.id)
        .options(selectinload(Material.versions))).all()
    return jsonify({"items": [_material_json(m, who.manages) for m in items
                              if access.may_download(m, event, who)]})


@bp.post(f"/events/{EVENT_ID}/materials")
def upload_event_material(event_id: int):
    """multipart/form-data: file, title, title_zh, visibility; 201 with the material."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    if not request.mimetype == "multipart/form-data":
        raise ApiError(400, "bad_request", _("Send the file as multipart/form-data."))
    upload = request.files.get("file")
    if upload is None:
        message = _("Choose a file to upload.")
        raise ValidationFailed(message, fields={"file": message})
    material = materials.add_to_event(
        event, filename=upload.filename, stream=upload.stream, by=g.api_user,
        title=request.form.get("title"), title_zh=request.form.get("title_zh"),
        visibility=request.form.get("visibility"),
    )
    db.session.commit()
    return jsonify(_material_json(material, True)), 201

