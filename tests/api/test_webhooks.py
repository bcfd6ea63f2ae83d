"""/api/v1/webhooks: create (the secret once), list, read, change, switch off and on, delete,
the delivery log and "send again"; the OpenAPI `webhooks` describe the real messages."""
from __future__ import annotations

import json

import pytest

from blueprints.api.webhook_schemas import MESSAGE_MODELS
from extensions import db
from liaison.events import lifecycle
from liaison.events.models import EventStatus
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from liaison.integration.webhooks import EVENT_TYPES
from liaison.registration import registrations

WEBHOOK_FIELDS = {"id", "url", "description", "events", "active", "consecutive_failures",
                  "disabled_at", "disabled_reason", "created_at", "last_success_at",
                  "last_failure_at"}


@pytest.fixture
def hooks_allowed(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # 127.0.0.1 as a stand-in for a public host


def create(api, **body):
    body = {"url": "http://127.0.0.1:9/hook", "events": ["event.published"], **body}
    return api.post("/webhooks", json=body)


def test_create_shows_the_secret_once(api_as, cast, hooks_allowed):
    api = api_as(cast.organizer)
    response = create(api, description="Our CRM", events=["event.updated", "event.published",
                                                          "event.updated"])
    assert response.status_code == 201, response.json
    created = response.json
    assert created["secret"].startswith("whsec_")
    assert set(created) == WEBHOOK_FIELDS | {"secret"}
    assert created["events"] == ["event.published", "event.updated"]
    assert response.headers["Location"].endswith(f"/api/v1/webhooks/{created['id']}")
    listed = api.get("/webhooks").json
    assert listed["total"] == 1 and set(listed["items"][0]) == WEBHOOK_FIELDS
    one = api.get(f"/webhooks/{created['id']}").json
    assert "secret" not in one and one["description"] == "Our CRM"


def test_bad_input_is_refused_field_by_field(api_as, cast, app):
    api = api_as(cast.organizer)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    response = create(api)
    assert response.status_code == 422
    assert "private or local address" in response.json["error"]["fields"]["url"]
    response = create(api, events=[])
    assert response.status_code == 422 and "events" in response.json["error"]["fields"]
    response = create(api, events=["event.exploded"])
    assert response.status_code == 422 and "events.0" in response.json["error"]["fields"]
    response = create(api, url="ftp://example.org/x", events=["event.published"])
    assert response.status_code == 422
    assert "http:// or https://" in response.json["error"]["fields"]["url"]
    response = create(api, surprise=True)
    assert response.status_code == 422 and "surprise" in response.json["error"]["fields"]
    assert db.session.query(WebhookSubscription).count() == 0


def test_participants_may_not_subscribe(api_as, cast, hooks_allowed):
    response = create(api_as(cast.participant))
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_switch_off_and_on_change_and_delete(api_as, cast, hooks_allowed):
    api = api_as(cast.organizer)
    hook_id = create(api).json["id"]
    other = api_as(cast.other_organizer)
    assert other.get(f"/webhooks/{hook_id}").status_code == 404
    assert other.patch(f"/webhooks/{hook_id}", json={"active": False}).status_code == 404

    response = api.patch(f"/webhooks/{hook_id}", json={"active": False})
    assert response.status_code == 200 and response.json["active"] is False
    assert response.json["disabled_at"] is not None and response.json["disabled_reason"] is None
    response = api.patch(f"/webhooks/{hook_id}", json={"active": True,
                                                       "events": ["registration.created"]})
    assert response.json["active"] is True and response.json["events"] == ["registration.created"]
    assert api.patch(f"/webhooks/{hook_id}", json={"active": "yes"}).status_code == 422

    headers = {"Authorization": f"Bearer {api.token}"}
    assert api.client.delete(f"/api/v1/webhooks/{hook_id}",
                             headers={"Authorization": f"Bearer {other.token}"}).status_code == 404
    response = api.client.delete(f"/api/v1/webhooks/{hook_id}", headers=headers)
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"/webhooks/{hook_id}").status_code == 404


def test_deliveries_log_and_resend(api_as, cast, hooks_allowed, make_user):
    api = api_as(cast.organizer)
    hook_id = create(api, events=list(EVENT_TYPES)).json["id"]
    lifecycle.publish_event(cast.draft, by=cast.organizer)
    registrations.register(cast.event, make_user(display_name="Wang Lei"))
    db.session.commit()

    log = api.get(f"/webhooks/{hook_id}/deliveries").json
    assert log["total"] == 2
    newest, oldest = log["items"]
    assert (newest["event_type"], oldest["event_type"]) == ("registration.created",
                                                             "event.published")
    assert newest["payload"]["data"]["user"]["name"] == "Wang Lei"
    assert newest["status"] == "queued" and newest["next_attempt_at"] is not None
    only = api.get(f"/webhooks/{hook_id}/deliveries?status=delivered").json
    assert only["total"] == 0
    assert api.get(f"/webhooks/{hook_id}/deliveries?status=lost").status_code == 422

    row = db.session.get(WebhookDelivery, oldest["id"])
    row.status, row.attempts = DeliveryStatus.failed, 10
    db.session.commit()
    response = api.post(f"/webhooks/{hook_id}/deliveries/{row.id}/resend")
    assert response.status_code == 200
    assert (response.json["status"], response.json["attempts"]) == ("queued", 0)
    assert response.json["message_id"] == oldest["message_id"]
    other = api_as(cast.other_organizer)
    assert other.post(f"/webhooks/{hook_id}/deliveries/{row.id}/resend").status_code == 404
    assert api.post(f"/webhooks/{hook_id}/deliveries/999999/resend").status_code == 404


def test_the_documented_messages_are_the_ones_sent(client, cast, api_as, hooks_allowed,
                                                   make_user):
    document = client.get("/api/v1/openapi.json").json
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    for item in document["webhooks"].values():
        ref = item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.split("/")[-1] in document["components"]["schemas"]
        headers = {p["name"] for p in item["post"]["parameters"]}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}

    create(api_as(cast.organizer), events=list(EVENT_TYPES))
    lifecycle.publish_event(cast.draft, by=cast.organizer)
    registration = registrations.register(cast.event, make_user())
    registrations.decline(registration, by=cast.organizer)
    data = lifecycle.EventInput.from_event(cast.event)
    data.venue = "Room 9"
    lifecycle.update_event(cast.event, data, by=cast.organizer)
    lifecycle.cancel_event(cast.customs_only, by=cast.organizer)
    db.session.commit()
    sent = db.session.query(WebhookDelivery).all()
    assert {d.event_type for d in sent} == {"event.published", "registration.created",
                                             "registration.updated", "event.updated",
                                             "event.cancelled"}
    for delivery in sent:
        model = MESSAGE_MODELS[delivery.event_type]
        message = model.model_validate_json(delivery.payload)
        assert message.type == delivery.event_type
        documented = set(model.model_fields["data"].annotation.model_fields)
        assert set(json.loads(delivery.payload)["data"]) <= documented  # nothing undocumented
    assert cast.draft.status == EventStatus.published
