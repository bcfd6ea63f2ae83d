"""/api/v1/events/<id>/messages: an event's organizers mail its registrants of chosen statuses
(liaison.notifications.messages), and list what they sent."""
from __future__ import annotations

from flask import g, jsonify

from blueprints.api.event_routes import EVENT_ID, require_manager, visible_event
from blueprints.api.message_schemas import MessageCreate
from blueprints.api.parsing import json_body, query_args
from blueprints.api.schemas import Query
from blueprints.api.serializers import iso, page_json
from blueprints.api.views import bp
from extensions import db
from liaison.notifications import messages
from liaison.notifications.models import EventMessage


def message_json(message: EventMessage) -> dict:
    return {
        "id": message.id,
        "event_id": message.event_id,
        "subject": message.subject,
        "body": message.body,
        "subject_zh": message.subject_zh,
        "body_zh": message.body_zh,
        "statuses": [str(s) for s in message.statuses],
        "recipients": message.recipients,
        "sent_by": message.sent_by_id,
        "created_at": iso(message.created_at),
    }


@bp.post(f"/events/{EVENT_ID}/messages")
def send_message(event_id: int):
    """Mail the registrants of the chosen statuses; 422 when nobody has them."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    body = json_body(MessageCreate)
    message = messages.send_message(event, by=g.api_user, subject=body.subject, body=body.body,
                                    statuses=body.statuses, subject_zh=body.subject_zh,
                                    body_zh=body.body_zh)
    db.session.commit()
    return jsonify(message_json(message)), 201


@bp.get(f"/events/{EVENT_ID}/messages")
def list_messages(event_id: int):
    """The messages sent to the event's registrants, newest first. Its organizers only."""
    event = visible_event(event_id, g.api_user)
    require_manager(event, g.api_user)
    args = query_args(Query)
    page = db.paginate(messages.messages_of(event), page=args.page, per_page=args.per_page,
                       error_out=False)
    return jsonify(page_json(page, [message_json(m) for m in page.items]))
