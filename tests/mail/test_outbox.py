"""The outbox loses nothing: queued with the change or not at all, retried with back-off,
given up on after OUTBOX_MAX_ATTEMPTS, and never sent twice, even when the server goes away."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from extensions import db
from liaison.core.types import utcnow
from liaison.mail import outbox
from liaison.mail.models import OutboxMessage, OutboxStatus
from liaison.notifications import reminders
from liaison.registration import registrations
from liaison.registration.models import Registration, RegistrationStatus


def count(model=OutboxMessage, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def queue_many(n: int) -> list[str]:
    ids = [
        outbox.queue(kind="test", recipient=f"r{i}@x.test", subject=f"Message {i}",
                     body_text=f"Body {i}", body_html=f"<p>Body {i}</p>").message_id
        for i in range(n)
    ]
    db.session.commit()
    return ids


def test_a_rolled_back_registration_queues_nothing(app, make_event, make_user):
    event = make_event(capacity=5)
    user = make_user()
    registration = registrations.register(event, user)  # queues "confirmed" in this transaction
    db.session.flush()
    assert count(OutboxMessage) == 1 and registration.status == RegistrationStatus.confirmed
    db.session.rollback()
    assert count(OutboxMessage) == 0
    assert count(Registration) == 0


def test_committed_mail_is_sent_once(app, smtp_server):
    ids = queue_many(3)
    report = outbox.deliver()
    assert str(report) == "sent 3, retry 0, failed 0"
    assert outbox.deliver().total == 0  # nothing left: a second run sends nothing
    assert smtp_server.inbox.message_ids() == ids
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {OutboxStatus.sent}
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)
    assert [m.get_body(("plain",)).get_content().strip() for m in smtp_server.inbox.messages] == [
        "Body 0", "Body 1", "Body 2"]


def test_retries_back_off_and_give_up_after_max_attempts(app, smtp_server, runner):
    smtp_server.stop()  # nothing listens: every attempt is refused
    app.config["OUTBOX_MAX_ATTEMPTS"] = 4
    queue_many(1)
    now = utcnow()
    waits = []
    for attempt in range(1, 5):
        report = outbox.deliver(now=now)
        assert report.total == 1 and report.unreachable
        row = db.session.scalars(select(OutboxMessage)).one()
        assert row.attempts == attempt
        if attempt < 4:
            assert row.status == OutboxStatus.queued
            waits.append(row.next_attempt_at - now)
            # Not due yet: a run a second before the back-off ends claims nothing.
            assert outbox.deliver(now=row.next_attempt_at - timedelta(seconds=1)).total == 0
            now = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert row.status == OutboxStatus.failed and report.failed == 1
    assert "Connection refused" in row.last_error or "Errno" in row.last_error

    result = runner.invoke(args=["outbox", "status"])
    assert "failed: 1" in result.output and "after 4 attempts" in result.output
    assert outbox.deliver(now=now + timedelta(days=1)).total == 0  # failed stays failed

    smtp_server.start()
    assert "requeued 1" in runner.invoke(args=["outbox", "requeue"]).output
    assert outbox.deliver().sent == 1
    assert len(smtp_server.inbox.received) == 1


def test_server_stopping_mid_run_loses_nothing_and_sends_nothing_twice(app, smtp_server):
    ids = queue_many(12)
    smtp_server.stop_after(5)  # accepts 5, then shuts down for real
    first = outbox.deliver(batch=4)
    assert first.unreachable
    assert first.sent == 5 and first.retry == 1
    assert len(smtp_server.inbox.received) == 5
    statuses = Counter(r.status for r in db.session.scalars(select(OutboxMessage)))
    assert statuses == {OutboxStatus.sent: 5, OutboxStatus.queued: 7}  # none stuck in sending

    # Still down: a run now tries one message, finds nobody listening, and stops.
    smtp_server.wait_stopped()
    still_down = outbox.deliver()
    assert still_down.unreachable and still_down.total == 1
    assert "Connection refused" in still_down.errors[0]

    smtp_server.start()  # back, on the same port
    later = utcnow() + timedelta(hours=1)  # past every back-off
    second = outbox.deliver(now=later)
    assert second.sent == 7 and not second.unreachable
    received = Counter(smtp_server.inbox.message_ids())
    assert set(received) == set(ids)
    assert max(received.values()) == 1
    assert count(OutboxMessage, OutboxMessage.status == OutboxStatus.sent) == 12


def test_a_crashed_workers_claim_is_taken_over_after_the_lease(app, smtp_server):
    queue_many(1)
    start = utcnow()
    assert outbox.claim_batch(10, "crashed-worker", now=start)  # claimed, then the worker died
    assert outbox.deliver(now=start + timedelta(minutes=5)).total == 0  # lease still held
    report = outbox.deliver(now=start + outbox.LEASE + timedelta(seconds=1), worker_id="w2")
    assert report.sent == 1
    row = db.session.scalars(select(OutboxMessage)).one()
    assert (row.status, row.claimed_by, row.attempts) == (OutboxStatus.sent, "w2", 2)
    # The crashed worker waking up cannot settle a row it no longer holds.
    outbox.mark_failed(row, "crashed-worker", "late", utcnow())
    db.session.commit()
    db.session.refresh(row)
    assert row.status == OutboxStatus.sent


def _at(hours: float) -> datetime:
    return datetime(2030, 3, 1, 8, 0, tzinfo=UTC) + timedelta(hours=hours)


def test_reminders_go_once_to_confirmed_places_of_tomorrows_events(
    app, runner, make_event, make_user, registered
):
    now = _at(0)
    soon = make_event(start=_at(20), title="Tomorrow morning")
    later = make_event(start=_at(30), title="In thirty hours")
    draft = make_event(start=_at(10), status="draft")
    past = make_event(start=_at(-1))
    yes = registered(soon, make_user(email="yes@x.test"))
    waiting = registered(soon, make_user(), RegistrationStatus.waitlisted)
    registered(later, make_user())
    registered(draft, make_user())
    registered(past, make_user())

    assert reminders.send_reminders(now) == 1
    db.session.commit()
    assert reminders.send_reminders(now) == 0  # idempotent
    assert reminders.send_reminders(now + timedelta(hours=1)) == 0
    db.session.commit()
    row = db.session.scalars(select(OutboxMessage)).one()
    assert (row.kind, row.recipient, row.registration_id) == ("reminder", "yes@x.test", yes.id)
    assert row.subject == "Reminder: Tomorrow morning"
    db.session.refresh(yes)
    db.session.refresh(waiting)
    assert yes.reminded_at == now and waiting.reminded_at is None

    # Ten hours on, the 30-hour event is inside the window: its reminder, and only it, goes.
    assert reminders.send_reminders(now + timedelta(hours=10)) == 1
    db.session.commit()
    assert count(OutboxMessage) == 2


def test_send_reminders_command_is_idempotent(app, runner, make_event, make_user, registered):
    event = make_event(start=utcnow() + timedelta(hours=5))
    registered(event, make_user())
    assert "queued 1 reminders" in runner.invoke(args=["send-reminders"]).output
    assert "queued 0 reminders" in runner.invoke(args=["send-reminders"]).output
    assert count(OutboxMessage, OutboxMessage.kind == "reminder") == 1


def test_an_interrupted_worker_hands_back_what_it_did_not_try(app, smtp_server):
    """Ctrl-C while sending the 2nd of 5: the 1st is sent, the 2nd keeps its claim (it may
    have gone out, so only the lease frees it), the other 3 are queued again, no attempt spent."""
    from liaison.mail import mime

    class CtrlC(mime.SMTPTransport):
        calls = 0

        def send(self, message, recipient):
            CtrlC.calls += 1
            if CtrlC.calls == 2:
                raise KeyboardInterrupt
            super().send(message, recipient)

    queue_many(5)
    transport = CtrlC(app.config)
    try:
        outbox.deliver(transport=transport)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the interrupt was swallowed")
    finally:
        transport.close()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.status, r.attempts) for r in rows] == [
        (OutboxStatus.sent, 1),
        (OutboxStatus.sending, 1),
        (OutboxStatus.queued, 0),
        (OutboxStatus.queued, 0),
        (OutboxStatus.queued, 0),
    ]
    assert outbox.deliver().sent == 3
    assert outbox.deliver(now=utcnow() + outbox.LEASE + timedelta(minutes=1)).sent == 1
    assert len(set(smtp_server.inbox.message_ids())) == 5 == len(smtp_server.inbox.received)
