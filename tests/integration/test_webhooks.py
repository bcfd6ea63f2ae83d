"""Webhooks end to end against a real HTTP receiver on loopback that verifies every signature
with the `standardwebhooks` library: queued in the transaction of the change, delivered by the
worker's delivery step, retried with back-off, switched off after a run of failures."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.core.types import utcnow
from liaison.events import lifecycle
from liaison.events.models import EventStatus
from liaison.integration import delivery, webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from liaison.mail.models import OutboxMessage
from liaison.registration import registrations

ALL_TYPES = list(webhooks.EVENT_TYPES)


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


def subscribe(owner, receiver, types=ALL_TYPES):
    subscription, secret = webhooks.create_subscription(owner, url=receiver.url,
                                                        event_types=types)
    db.session.commit()
    receiver.secret = secret
    return subscription


def send(clock=None, **kwargs) -> delivery.WebhookReport:
    return delivery.deliver(worker_id="test-worker", clock=clock or utcnow, **kwargs)


def deliveries(**where):
    db.session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(WebhookDelivery, name) == value)
    return db.session.scalars(query).all()


@pytest.fixture
def organizer(make_user, make_org):
    return make_user(role=Role.organizer, org=make_org("Association", OrgKind.association))


def test_a_receiver_on_loopback_verifies_the_signature(app, receiver, organizer, make_event):
    subscription = subscribe(organizer, receiver)
    assert receiver.secret.startswith("whsec_")
    event = make_event(organizer=organizer, status=EventStatus.draft, title="Postal channel")
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()

    report = send()
    assert (report.delivered, report.retry, report.failed) == (1, 0, 0)
    assert receiver.rejected == []
    [message] = receiver.accepted
    assert message["type"] == "event.published"
    assert message["data"]["id"] == event.id and message["data"]["title"] == "Postal channel"
    assert message["data"]["status"] == "published"
    [request] = receiver.requests
    headers = request["headers"]
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"
    assert request["path"] == "/hooks/liaison"
    [row] = deliveries()
    assert (row.status, row.attempts, row.response_status) == (DeliveryStatus.delivered, 1, 200)
    assert row.message_id == headers["webhook-id"] == message["id"]
    assert subscription.secret not in json.dumps(message)


def test_a_receiver_that_fails_four_times_then_succeeds_gets_the_delivery_once(
        app, receiver, organizer, make_event):
    subscribe(organizer, receiver, ["event.published"])
    event = make_event(organizer=organizer, status=EventStatus.draft)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    receiver.answers = [500, 503, 502, 500]
    clock = Clock()
    waits = []
    for attempt in range(1, 6):
        report = send(clock)
        assert report.total == 1, attempt
        [row] = deliveries()
        assert row.attempts == attempt
        if attempt < 5:
            assert row.status == DeliveryStatus.queued and row.response_status >= 500
            waits.append(row.next_attempt_at - clock.now)
            assert send(clock).total == 0  # not before its back-off
            clock.now = row.next_attempt_at
    assert waits == [timedelta(seconds=30 * 2 ** n) for n in range(4)]  # exponential
    assert len(receiver.requests) == 5
    assert len(receiver.accepted) == 1  # delivered once
    [row] = deliveries()
    assert row.status == DeliveryStatus.delivered and row.last_error is None
    assert db.session.get(WebhookSubscription, row.subscription_id).consecutive_failures == 0
    assert send(clock).total == 0


def test_a_rolled_back_change_sends_nothing(app, receiver, organizer, make_event):
    subscribe(organizer, receiver)
    event = make_event(organizer=organizer, status=EventStatus.draft)
    lifecycle.publish_event(event, by=organizer)
    db.session.flush()
    assert len(deliveries()) == 1  # queued inside the transaction...
    db.session.rollback()  # ...which does not commit
    assert deliveries() == []
    assert send().total == 0 and receiver.requests == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/hook",
    "http://192.168.0.10/hook", "http://172.16.5.4/hook", "http://169.254.169.254/latest",
    "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://[fe80::1]/hook",
    "http://100.64.0.1/hook", "http://224.0.0.1/hook", "http://0.0.0.0/hook",
    "http://2130706433/hook",  # 127.0.0.1 written as one number
])
def test_a_private_address_is_refused_when_the_flag_is_off(app, organizer, url):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_subscription(organizer, url=url, event_types=["event.published"])
    assert "private or local address" in refused.value.fields["url"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.org/x", "http:// or https://"),
    ("https://user:pw@example.org/x", "user name and password"),
    ("not a url", "http:// or https://"),
    ("", "Give the address"),
    ("https://host.invalid/x", "could not be found"),
])
def test_bad_urls_and_types_are_refused_with_a_reason(app, organizer, url, message):
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_subscription(organizer, url=url, event_types=["nope.nothing"])
    assert message in refused.value.fields["url"]
    assert "Unknown event type: nope.nothing" in refused.value.fields["events"]


def test_a_target_that_turns_private_after_saving_is_refused_at_delivery(
        app, receiver, organizer, make_event):
    subscribe(organizer, receiver)  # allowed while the flag was on
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    event = make_event(organizer=organizer, status=EventStatus.draft)
    lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    report = send()
    assert report.retry == 1 and receiver.requests == []
    assert "private or local address" in deliveries()[0].last_error


def test_the_connection_goes_to_the_checked_address_not_a_new_look_up(app, receiver):
    from liaison.integration import targets

    checked = targets.resolve(receiver.url, allow_private=True)
    # A host name that no longer resolves (or resolves elsewhere) cannot move the request.
    pinned = targets.Target("http", "rebound.invalid", checked.port, "/hooks/liaison",
                            checked.address)
    receiver.secret = webhooks.new_secret()
    answer = targets.post(pinned, b"{}", {"content-type": "application/json"}, timeout=2)
    assert answer.status == 401  # reached our receiver (unsigned, so it refused the body)
    assert receiver.requests[0]["headers"]["host"] == f"rebound.invalid:{checked.port}"


def test_redirects_are_not_followed_and_slow_receivers_time_out(
        app, receiver, organizer, make_event):
    subscribe(organizer, receiver, ["event.published"])
    for _ in range(2):
        make_event(organizer=organizer, status=EventStatus.draft)
    for event in db.session.scalars(select(lifecycle.Event)).all():
        lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    receiver.answers = [(302, {"location": receiver.url + "/elsewhere"})]
    report = send(limit=1)
    assert report.retry == 1 and len(receiver.requests) == 1
    assert "redirects are not followed" in deliveries(status=DeliveryStatus.queued)[0].last_error
    app.config["WEBHOOK_TIMEOUT"] = 0.3
    receiver.delay = 1.0
    report = send(limit=1)
    assert report.retry == 1
    assert "timed out" in deliveries(status=DeliveryStatus.queued)[-1].last_error.lower()


def test_a_run_of_failures_switches_it_off_mails_the_owner_and_it_can_come_back(
        app, receiver, make_user, make_org, make_event):
    app.config["WEBHOOK_DISABLE_AFTER"] = 3
    owner = make_user(role=Role.organizer, language="zh", org=make_org("Customs HQ"))
    subscription = subscribe(owner, receiver, ["event.published"])
    events = [make_event(organizer=owner, status=EventStatus.draft) for _ in range(4)]
    for event in events:
        lifecycle.publish_event(event, by=owner)
    db.session.commit()
    receiver.answers = [500] * 3
    report = send()
    assert (report.retry, report.disabled) == (3, 1)
    db.session.refresh(subscription)
    assert not subscription.active and subscription.consecutive_failures == 3
    assert "HTTP 500" in subscription.disabled_reason
    [mail] = db.session.scalars(select(OutboxMessage)
                                .where(OutboxMessage.kind == "webhook_disabled")).all()
    assert mail.recipient == owner.email and "已停用" in mail.subject  # in their language
    assert receiver.url in mail.body_text
    assert len(receiver.requests) == 3  # the fourth waits: nothing goes to a switched-off hook

    new_event = make_event(organizer=owner, status=EventStatus.draft)
    lifecycle.publish_event(new_event, by=owner)
    db.session.commit()
    assert len(deliveries()) == 4  # nothing new queued while off

    webhooks.update_subscription(subscription, by=owner, active=True)
    db.session.commit()
    report = send()
    assert report.delivered == 4 and len(receiver.accepted) == 4
    assert subscription.consecutive_failures == 0 and subscription.active


def test_who_hears_what(app, receiver, make_user, make_org, make_event):
    association = make_org("Association", OrgKind.association)
    mine = make_user(role=Role.organizer, org=association)
    other = make_user(role=Role.organizer, org=association)
    admin = make_user(role=Role.admin, org=association)
    participant = make_user(role=Role.participant, org=association)
    with pytest.raises(NotAllowed):
        webhooks.create_subscription(participant, url=receiver.url, event_types=ALL_TYPES)
    db.session.rollback()
    ids = {}
    for owner in (mine, admin):
        subscription, _secret = webhooks.create_subscription(owner, url=receiver.url,
                                                             event_types=ALL_TYPES)
        ids[subscription.id] = owner
    db.session.commit()
    for organizer in (mine, other):
        event = make_event(organizer=organizer, status=EventStatus.draft)
        lifecycle.publish_event(event, by=organizer)
    db.session.commit()
    heard = {}
    for row in deliveries():
        heard.setdefault(ids[row.subscription_id], []).append(json.loads(row.payload)["data"]["id"])
    assert len(heard[admin]) == 2 and len(heard[mine]) == 1
    event = make_event(organizer=mine, status=EventStatus.draft)
    mine.role = Role.participant  # no longer an organizer: hears nothing more of it
    db.session.commit()
    lifecycle.publish_event(event, by=admin)
    db.session.commit()
    assert [ids[r.subscription_id] for r in deliveries()[3:]] == [admin]


def test_registration_and_event_types(app, receiver, organizer, make_user, make_event):
    subscribe(organizer, receiver)
    event = make_event(organizer=organizer, requires_approval=True, capacity=5, venue="Room 1")
    person = make_user(display_name="Chen Jie")
    registration = registrations.register(event, person)
    db.session.commit()
    registrations.approve(registration, by=organizer)
    db.session.commit()
    lifecycle.update_event(event, _renamed(event, "New title"), by=organizer)
    db.session.commit()
    lifecycle.cancel_event(event, by=organizer)
    db.session.commit()
    send()
    types = [m["type"] for m in receiver.accepted]
    # Registering makes one registration.created (not an .updated too); approving an .updated.
    assert types == ["registration.created", "registration.updated", "event.updated",
                     "event.cancelled"]
    created = receiver.accepted[0]["data"]
    assert created["status"] == "pending" and created["user"]["name"] == "Chen Jie"
    assert receiver.accepted[1]["data"]["change"] == "approved"
    assert receiver.accepted[2]["data"]["changed"] == ["title"]


def _renamed(event, title):
    data = lifecycle.EventInput.from_event(event)
    data.title = title
    return data


def test_send_again_requeues_the_same_message(app, receiver, organizer, make_event, make_user):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
    subscribe(organizer, receiver, ["event.published"])
    lifecycle.publish_event(make_event(organizer=organizer, status=EventStatus.draft),
                            by=organizer)
    db.session.commit()
    receiver.answers = [500]
    assert send().failed == 1
    [row] = deliveries()
    assert row.status == DeliveryStatus.failed
    with pytest.raises(NotAllowed):
        webhooks.send_again(row, by=make_user(role=Role.organizer))
    webhooks.send_again(row, by=organizer)
    db.session.commit()
    assert send().delivered == 1
    assert [m["id"] for m in receiver.accepted] == [row.message_id]
    first, second = receiver.requests
    assert first["body"] == second["body"]



def test_the_log_keeps_recent_and_waiting_deliveries(app, receiver, organizer, make_event):
    subscribe(organizer, receiver, ["event.published"])
    for _ in range(3):
        lifecycle.publish_event(make_event(organizer=organizer, status=EventStatus.draft),
                                by=organizer)
    db.session.commit()
    old, recent, waiting = deliveries()
    old.status = recent.status = DeliveryStatus.delivered
    old.created_at = waiting.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert webhooks.prune_log(utcnow()) == 1
    db.session.commit()
    assert [d.id for d in deliveries()] == [recent.id, waiting.id]


def test_attendance_closed_and_certificate_issued(app, receiver, organizer, make_event,
                                                  make_user, registered):
    from datetime import UTC, datetime

    from blueprints.api.webhook_schemas import MESSAGE_MODELS
    from liaison.records import attendance
    from liaison.records.attendance import OutcomeInput
    from liaison.registration.models import AttendanceOutcome

    subscribe(organizer, receiver, ["attendance.closed", "certificate.issued"])
    start = datetime.now(UTC).replace(microsecond=0, hour=1, minute=0, second=0)
    start -= timedelta(days=1)
    event = make_event(organizer=organizer, start=start, hours=3, timezone="UTC")
    came = registered(event, make_user(display_name="Came"))
    registered(event, make_user(display_name="Missed"))
    attendance.set_outcome(came, OutcomeInput(AttendanceOutcome.attended), by=organizer)
    attendance.close_attendance(event, by=organizer)
    db.session.commit()
    assert send().delivered == 2 and receiver.rejected == []
    by_type = {m["type"]: m for m in receiver.accepted}
    closed = by_type["attendance.closed"]["data"]
    assert closed["event"]["id"] == event.id and closed["closed_by"] == organizer.id
    assert closed["outcomes"] == {"attended": 1, "partial": 0, "absent": 1}
    certificate = by_type["certificate.issued"]["data"]
    assert certificate["name"] == "Came" and certificate["hours"] == 3.0
    assert certificate["verify_url"].endswith("/verify/" + certificate["code"])
    for message in receiver.accepted:
        MESSAGE_MODELS[message["type"]].model_validate(
            {k: v for k, v in message.items() if k != "id"})
