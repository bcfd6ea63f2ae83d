"""/api/v1/webhooks: a caller's webhook subscriptions and their delivery log, through
liaison.integration.webhooks (who may subscribe, what a URL may be, what each one hears)."""
from __future__ import annotations

import json

from flask import g, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.api import webhook_schemas as schemas
from blueprints.api.auth import ApiError
from blueprints.api.event_routes import not_found
from blueprints.api.parsing import json_body, query_args
from blueprints.api.schemas import MAX_ID
from blueprints.api.serializers import iso, page_json
from blueprints.api.views import bp
from extensions import db
from liaison.integration import webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

WEBHOOK_ID = "<int:webhook_id>"


def webhook_json(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "description": subscription.description,
        "events": subscription.event_types,
        "active": subscription.active,
        "consecutive_failures": subscription.consecutive_failures,
        "disabled_at": iso(subscription.disabled_at),
        "disabled_reason": subscription.disabled_reason,
        "created_at": iso(subscription.created_at),
        "last_success_at": iso(subscription.last_success_at),
        "last_failure_at": iso(subscription.last_failure_at),
    }


def delivery_json(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.id,
        "webhook_id": delivery.subscription_id,
        "event_type": delivery.event_type,
        "message_id": delivery.message_id,
        "status": str(delivery.status),
        "attempts": delivery.attempts,
        "created_at": iso(delivery.created_at),
        "last_attempt_at": iso(delivery.last_attempt_at),
        "next_attempt_at": (iso(delivery.next_attempt_at)
                            if delivery.status == DeliveryStatus.queued else None),
        "delivered_at": iso(delivery.delivered_at),
        "response_status": delivery.response_status,
        "last_error": delivery.last_error,
        "payload": json.loads(delivery.payload),
    }


def own_webhook(webhook_id: int) -> WebhookSubscription:
    """The caller's own subscription; 404 for anyone else's, as if it did not exist."""
    if not 1 <= webhook_id <= MAX_ID:
        raise not_found()
    subscription = db.session.get(WebhookSubscription, webhook_id)
    if subscription is None or subscription.owner_id != g.api_user.id:
        raise not_found()
    return subscription


@bp.get("/webhooks")
def list_webhooks():
    """The caller's webhook subscriptions."""
    args = query_args(schemas.Query)
    page = db.paginate(webhooks.subscriptions_of(g.api_user), page=args.page,
                       per_page=args.per_page, error_out=False)
    return jsonify(page_json(page, [webhook_json(s) for s in page.items]))


@bp.post("/webhooks")
def create_webhook():
    """Subscribe a URL; the answer holds the signing secret, this once."""
    if not webhooks.may_subscribe(g.api_user):
        raise ApiError(403, "forbidden", _("Only organizers and administrators can add webhooks."))
    body = json_body(schemas.WebhookCreate)
    subscription, secret = webhooks.create_subscription(
        g.api_user, url=body.url, event_types=body.events, description=body.description)
    db.session.commit()
    location = url_for("api.get_webhook", webhook_id=subscription.id)
    return jsonify({**webhook_json(subscription), "secret": secret}), 201, {"Location": location}


@bp.get(f"/webhooks/{WEBHOOK_ID}")
def get_webhook(webhook_id: int):
    return jsonify(webhook_json(own_webhook(webhook_id)))


@bp.patch(f"/webhooks/{WEBHOOK_ID}")
def update_webhook(webhook_id: int):
    subscription = own_webhook(webhook_id)
    body = json_body(schemas.WebhookPatch)
    given = body.model_dump(exclude_unset=True)
    webhooks.update_subscription(subscription, by=g.api_user, url=given.get("url"),
                                 event_types=given.get("events"),
                                 description=given.get("description"),
                                 active=given.get("active"))
    db.session.commit()
    return jsonify(webhook_json(subscription))


@bp.delete(f"/webhooks/{WEBHOOK_ID}")
def delete_webhook(webhook_id: int):
    webhooks.delete_subscription(own_webhook(webhook_id), by=g.api_user)
    db.session.commit()
    return "", 204


@bp.get(f"/webhooks/{WEBHOOK_ID}/deliveries")
def webhook_deliveries(webhook_id: int):
    """The delivery log, newest first."""
    subscription = own_webhook(webhook_id)
    args = query_args(schemas.DeliveryQuery)
    page = db.paginate(webhooks.deliveries_of(subscription, args.status), page=args.page,
                       per_page=args.per_page, error_out=False)
    return jsonify(page_json(page, [delivery_json(d) for d in page.items]))


@bp.post(f"/webhooks/{WEBHOOK_ID}/deliveries/<int:delivery_id>/resend")
def resend_delivery(webhook_id: int, delivery_id: int):
    """Queue a delivery again now: the same message, a fresh set of attempts."""
    subscription = own_webhook(webhook_id)
    if not 1 <= delivery_id <= MAX_ID:
        raise not_found()
    delivery = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription.id))
    if delivery is None:
        raise not_found()
    webhooks.send_again(delivery, by=g.api_user)
    db.session.commit()
    return jsonify(delivery_json(delivery))
