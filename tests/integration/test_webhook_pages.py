"""The webhook pages: create (secret shown once), refuse bad input next to the field, the log
with "send again", switching off and on, editing and deleting, in English and Chinese; and
the list and log pages' statement counts do not grow with the data."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.integration import webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.events.test_query_counts import counting


@pytest.fixture
def organizer(make_user, make_org, login):
    return login(make_user(role=Role.organizer, org=make_org("Association", OrgKind.association)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_shows_the_secret_once_then_the_log(app, client, organizer):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    page = client.get("/webhooks/new").get_data(as_text=True)
    checked = re.findall(r'<input checked [^>]*value="([^"]+)"', page)
    assert checked == ["event.published", "event.updated", "event.cancelled"]  # the defaults
    response = client.post("/webhooks/new", data={
        "url": "http://127.0.0.1:9/hook", "description": "CRM",
        "events": ["event.published", "registration.created"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', html).group(1)
    subscription = db.session.scalars(select(WebhookSubscription)).one()
    assert subscription.secret == secret and subscription.event_types == [
        "event.published", "registration.created"]
    detail = client.get(f"/webhooks/{subscription.id}").get_data(as_text=True)
    assert secret not in detail and subscription.secret_hint in detail
    listing = client.get("/webhooks/").get_data(as_text=True)
    assert "http://127.0.0.1:9/hook" in listing and secret not in listing


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"url": "", "events": ["event.published"]}, "url", "Give the address"),
    ({"url": "http://10.0.0.7/hook", "events": ["event.published"]}, "url",
     "private or local address"),
    ({"url": "ftp://example.org/x", "events": ["event.published"]}, "url", "http:// or https://"),
    ({"url": "https://example.org/x"}, "events", "Choose at least one kind"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(client, organizer, data,
                                                                      field, message):
    response = client.post("/webhooks/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert re.search(r'class="invalid-feedback[^"]*"[^>]*>[^<]*' + re.escape(message[:10]), html)
    assert count(WebhookSubscription) == 0


def test_switch_edit_send_again_delete(app, client, organizer):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    subscription, _secret = webhooks.create_subscription(
        organizer, url="http://127.0.0.1:9/hook", event_types=["event.published"])
    delivery = WebhookDelivery(subscription=subscription, event_type="event.published",
                               message_id="msg_1", payload='{"type":"event.published"}',
                               status=DeliveryStatus.failed, attempts=10, response_status=500,
                               last_error="HTTP 500")
    db.session.add(delivery)
    db.session.commit()
    page = client.get(f"/webhooks/{subscription.id}").get_data(as_text=True)
    assert "HTTP 500" in page and "Send again" in page

    client.post(f"/webhooks/{subscription.id}/active", data={"active": "0"})
    assert not db.session.get(WebhookSubscription, subscription.id).active
    response = client.post(f"/webhooks/{subscription.id}/deliveries/{delivery.id}/resend",
                           data={"next": f"/webhooks/{subscription.id}?status=failed"},
                           follow_redirects=True)
    assert "switch it on to send it" in response.get_data(as_text=True)
    assert response.request.path == f"/webhooks/{subscription.id}"
    db.session.expire_all()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.queued, 0)
    client.post(f"/webhooks/{subscription.id}/active", data={"active": "1"})
    assert db.session.get(WebhookSubscription, subscription.id).active

    response = client.post(f"/webhooks/{subscription.id}/edit", data={
        "url": "http://127.0.0.1:9/other", "events": ["event.cancelled"], "description": "x"})
    assert response.status_code == 302
    db.session.expire_all()
    assert subscription.url.endswith("/other") and subscription.event_types == ["event.cancelled"]

    client.post(f"/webhooks/{subscription.id}/delete")
    assert count(WebhookSubscription) == 0 and count(WebhookDelivery) == 0


def test_pages_in_chinese(app, client, organizer):
    organizer.language = "zh"
    db.session.commit()
    html = client.get("/webhooks/new", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "Webhook" in html or "网络钩子" in html
    assert "接收地址" in html  # the URL field's label


def add_deliveries(subscription, n: int) -> None:
    statuses = list(DeliveryStatus)
    db.session.add_all([
        WebhookDelivery(subscription=subscription, event_type="event.updated",
                        message_id=f"msg_{subscription.id}_{n}_{i}", payload="{}",
                        status=statuses[i % len(statuses)], attempts=i % 4)
        for i in range(n)
    ])
    db.session.commit()


def test_list_and_log_pages_do_not_grow_with_the_data(app, client, organizer):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    statements = []
    for subscriptions, deliveries in ((1, 3), (8, 60)):
        made = [webhooks.create_subscription(organizer, url=f"http://127.0.0.1:9/h{i}",
                                             event_types=["event.updated"])[0]
                for i in range(subscriptions)]
        db.session.commit()
        for subscription in made:
            add_deliveries(subscription, deliveries)
        db.session.expire_all()
        with counting() as listed:
            assert client.get("/webhooks/").status_code == 200
        with counting() as logged:
            assert client.get(f"/webhooks/{made[-1].id}").status_code == 200
        statements.append((len(listed), len(logged)))
    assert statements[0] == statements[1], statements
