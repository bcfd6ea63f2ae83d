"""Issue 15, finding 5: a server's reply about one message settles that message only — 4xx
retried with back-off, 5xx failed — and the run goes on; only an unreachable server stops it.
(Before, every smtplib error counted as "server unreachable": one refused recipient stopped
the run, and 973 queued messages took 80 runs.) A real SMTP server (aiosmtpd) refuses."""
from __future__ import annotations

import smtplib
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from extensions import db
from liaison.core.types import utcnow
from liaison.mail import mime, outbox
from liaison.mail.models import OutboxMessage, OutboxStatus


def queue_to(recipients: list[str]) -> None:
    for i, recipient in enumerate(recipients):
        outbox.queue(kind="test", recipient=recipient, subject=f"Message {i}", body_text="Hi")
    db.session.commit()


def by_recipient() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {r.recipient: r for r in db.session.scalars(select(OutboxMessage))}


def test_one_refused_recipient_does_not_stop_the_run(app, smtp_server):
    smtp_server.refuse("gone@x.test", "550 5.1.1 No such user")
    smtp_server.refuse("busy@x.test", "450 4.2.1 Mailbox busy, try later")
    smtp_server.refuse("spam@x.test", "554 5.7.1 Rejected as spam", at="DATA")
    queue_to(["a@x.test", "gone@x.test", "b@x.test", "busy@x.test", "spam@x.test", "c@x.test"])
    now = utcnow()
    report = outbox.deliver(now=now)
    assert not report.unreachable
    assert (report.sent, report.retry, report.failed) == (3, 1, 2)
    rows = by_recipient()
    assert {r for r, row in rows.items() if row.status == OutboxStatus.sent} == {
        "a@x.test", "b@x.test", "c@x.test"}
    assert rows["gone@x.test"].status == OutboxStatus.failed
    assert "550" in rows["gone@x.test"].last_error
    assert rows["spam@x.test"].status == OutboxStatus.failed
    busy = rows["busy@x.test"]
    assert busy.status == OutboxStatus.queued and busy.next_attempt_at == now + timedelta(minutes=1)
    received = [rcpts[0] for _from, rcpts, _msg in smtp_server.inbox.received]
    assert received == ["a@x.test", "b@x.test", "c@x.test"]

    # The busy mailbox frees up: the retry after its back-off delivers it.
    del smtp_server.inbox.refusals["busy@x.test"]
    assert outbox.deliver(now=now + timedelta(seconds=30)).total == 0  # not due yet
    assert outbox.deliver(now=now + timedelta(minutes=1)).sent == 1
    assert by_recipient()["busy@x.test"].status == OutboxStatus.sent


def test_a_queue_with_scattered_refusals_empties_in_one_run(app, smtp_server):
    """The review's case in small: every tenth recipient refused. One run settles all."""
    recipients = [f"r{i}@x.test" for i in range(120)]
    for refused in recipients[5::10]:
        smtp_server.refuse(refused, "550 5.1.1 No such user")
    queue_to(recipients)
    report = outbox.deliver(batch=25)
    assert (report.sent, report.failed, report.retry) == (108, 12, 0)
    assert not report.unreachable
    counts = Counter(r.status for r in by_recipient().values())
    assert counts == {OutboxStatus.sent: 108, OutboxStatus.failed: 12}
    assert len(smtp_server.inbox.received) == 108


def test_a_server_that_goes_away_still_stops_the_run(app, smtp_server):
    queue_to([f"r{i}@x.test" for i in range(6)])
    smtp_server.stop_after(2)  # then "421 closing" and gone
    report = outbox.deliver()
    assert report.unreachable and report.sent == 2 and report.retry == 1
    counts = Counter(r.status for r in by_recipient().values())
    assert counts == {OutboxStatus.sent: 2, OutboxStatus.queued: 4}


@pytest.mark.parametrize("error, permanent, stop", [
    (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no")}), True, False),
    (smtplib.SMTPRecipientsRefused({"a@x": (452, b"full")}), False, False),
    (smtplib.SMTPRecipientsRefused({"a@x": (421, b"closing")}), False, True),
    (smtplib.SMTPSenderRefused(552, b"too big", "me@x"), True, False),
    (smtplib.SMTPSenderRefused(451, b"later", "me@x"), False, False),
    (smtplib.SMTPDataError(554, b"spam"), True, False),
    (smtplib.SMTPDataError(421, b"closing"), False, True),
    (smtplib.SMTPServerDisconnected("gone"), False, True),
    (smtplib.SMTPConnectError(554, b"go away"), False, True),
    (smtplib.SMTPAuthenticationError(535, b"bad password"), False, True),
    (ConnectionRefusedError(111, "refused"), False, True),
    (TimeoutError("timed out"), False, True),
    (mime.InvalidAddress("bad"), True, False),
])
def test_verdict(error, permanent, stop):
    assert outbox.verdict(error) == (permanent, stop)
