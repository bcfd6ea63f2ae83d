"""/api/v1/events: list, create, read, change, publish and cancel, through liaison.events with
the same visibility and permission rules as the pages."""
from __future__ import annotations

from dataclasses import replace

from flask import g, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.api import schemas, serializers
from blueprints.api.auth import ApiError
from blueprints.api.parsing import json_body, optional_json_body, query_args
from blueprints.api.views import bp
from extensions import db
from liaison.events import classification, lifecycle, topics
from liaison.events.models import Event, EventStatus
from liaison.events.queries import filter_events, visible_events, with_details
from liaison.exchange import queries as exchange_queries
from liaison.registration import registrations
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStatus,
)

EVENT_ID = "<int:event_id>"


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("We could not find that, or it is not open to you."))


def visible_event(event_id: int, user) -> Event:
    """The event if `user` may see it; 404 alike for missing, draft and audience-restricted."""
    if not 1 <= event_id <= schemas.MAX_ID:  # larger ids overflow the database's integer
        raise not_found()
    event = db.session.scalar(
        with_details(visible_events(user, direct=True)).where(Event.id == event_id)
    )
    if event is None:
        raise not_found()
    return event


def require_manager(event: Event, user) -> None:
    if not lifecycle.can_manage(event, user):
        raise ApiError(403, "forbidden", _("Only the organizers of this event can do this."))


def events_json(rows: list[Event], user) -> list[dict]:
    """Events with their seat counts; the meeting link only where the caller organizes or
    holds a confirmed place, the description only where the classification lets them read it
    (one query each for counts and places, whatever the number)."""
    ids = [event.id for event in rows]
    counts = registrations.seat_counts(ids)
    mine = dict(
        db.session.execute(
            select(Registration.event_id, Registration.status).where(
                Registration.user_id == user.id,
                Registration.event_id.in_(ids),
                Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            )
        ).tuples().all()
    ) if ids else {}
    origins = exchange_queries.origins(ids)
    items = []
    for event in rows:
        manages = lifecycle.can_manage(event, user)
        items.append(serializers.event_json(
            event,
            counts.get(event.id),
            show_online_url=mine.get(event.id) == RegistrationStatus.confirmed or manages,
            show_content=classification.shows_content(
                event, manages=manages, registrant=event.id in mine
            ),
            origin=origins.get(event.id),
        ))
    return items


def event_response(event: Event, user, status: int = 200, headers: dict | None = None):
    return jsonify(events_json([event], user)[0]), status, headers or {}


@bp.get("/events")
def list_events():
    """Events the caller may see, filtered by kind, topic, host and time, soonest first."""
    args = query_args(schemas.EventQuery)
    stmt = filter_events(
        with_details(visible_events(g.api_user)),
        kind=args.kind,
        topic=args.topic,
        host_id=args.host,
        starts_from=args.from_,
        starts_before=args.to,
    ).order_by(Event.start_at, Event.id)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    return jsonify(serializers.page_json(page, events_json(list(page.items), g.api_user)))


@bp.post("/events")
def create_event():
    """A new draft hosted by the caller's organization unless another is named; a caller who
    may not create events is refused (403) before the body is read."""
    if not g.api_user.can_organize:
        message = _("Only organizers and administrators can create events.")
        raise ApiError(403, "forbidden", message)
    body = json_body(schemas.EventCreate)
    values = body.model_dump()
    values["host_organization_id"] = values["host_organization_id"] or g.api_user.organization_id
    event = lifecycle.create_event(lifecycle.EventInput(**values), by=g.api_user)
    db.session.commit()
    location = url_for("api.get_event", event_id=event.id)
    return event_response(event, g.api_user, 201, {"Location": location})


@bp.get("/topics")
def list_topics():
    """The topic vocabulary (accepted and proposed topics), alphabetical in English."""
    items = sorted(topics.vocabulary(), key=lambda t: t.label_en.casefold())
    return jsonify([serializers.topic_json(topic) for topic in items])


@bp.get(f"/events/{EVENT_ID}")
def get_event(event_id: int):
    return event_response(visible_event(event_id, g.api_user), g.api_user)


@bp.patch(f"/events/{EVENT_ID}")
def update_event(event_id: int):
    """Change the fields sent; `status` published/draft publishes or unpublishes, and asking
    for the status the event already has changes nothing."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    changes = json_body(schemas.EventPatch).model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    if changes:
        lifecycle.update_event(event, replace(lifecycle.EventInput.from_event(event), **changes),
                               by=g.api_user)
    if status == EventStatus.published and event.status != EventStatus.published:
        lifecycle.publish_event(event, by=g.api_user)
    elif status == EventStatus.draft and event.status != EventStatus.draft:
        lifecycle.unpublish_event(event, by=g.api_user)
    db.session.commit()
    return event_response(event, g.api_user)


@bp.post(f"/events/{EVENT_ID}/cancel")
def cancel_event(event_id: int):
    """Cancelling is final; registrants are told (with the `reason`, if given) and calendars
    drop the event."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = optional_json_body(schemas.ReasonBody)
    lifecycle.cancel_event(event, by=g.api_user, reason=body.reason)
    db.session.commit()
    return event_response(event, g.api_user)
