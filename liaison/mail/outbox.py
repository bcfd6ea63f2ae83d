"""The outbox: mail is queued in the transaction of the change it reports and delivered later.

A queued row is never lost: a worker claims due rows in a short committed transaction
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), sends each, then marks
it sent or schedules a retry with exponential back-off, giving up after OUTBOX_MAX_ATTEMPTS.
A claim is a lease: a row left in `sending` by a crashed worker is claimed again after LEASE.
The Message-ID is fixed at queue time, so a retry is the same message to the receiving server.
A server's reply about one message settles that message only (`verdict`); only an unreachable
server stops a run.
"""
from __future__ import annotations

import os
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from extensions import db
from liaison.core.database import begin_immediate, is_sqlite
from liaison.core.types import utcnow
from liaison.mail import mime
from liaison.mail.models import OutboxMessage, OutboxStatus

LEASE = timedelta(minutes=10)  # far longer than MAIL_TIMEOUT: a live worker never loses its claim
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
_SUBJECT_MAX = 300


def new_message_id() -> str:
    """`<outbox-<uuid>@<host of BASE_URL>>`: unique, and stable across retries of one row."""
    host = urlsplit(current_app.config.get("BASE_URL", "")).hostname or "localhost"
    return f"<outbox-{uuid.uuid4().hex}@{host}>"


def queue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    recipient_name: str | None = None,
    ical: bytes | str | None = None,
    ical_method: str | None = None,
    user_id: int | None = None,
    event_id: int | None = None,
    registration_id: int | None = None,
    inline_qr: str | None = None,
) -> OutboxMessage:
    """Add one message to the caller's transaction: it exists only if that transaction commits.
    `inline_qr`: the text of a QR code the HTML part shows as `cid:` + `mime.QR_CID`."""
    if isinstance(ical, bytes):
        ical = ical.decode("utf-8")
    message = OutboxMessage(
        kind=kind,
        recipient=recipient.strip(),
        recipient_name=(recipient_name or "")[:200] or None,
        subject=mime.clean_header(subject)[:_SUBJECT_MAX],
        body_text=body_text,
        body_html=body_html,
        ical=ical,
        ical_method=ical_method.upper() if ical_method else None,
        message_id=new_message_id(),
        status=OutboxStatus.queued,
        attempts=0,
        next_attempt_at=utcnow(),
        user_id=user_id,
        event_id=event_id,
        registration_id=registration_id,
        inline_qr=inline_qr,
    )
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt, capped at an hour."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.queued, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.sending, OutboxMessage.claimed_at < now - LEASE),
    )


def claim_batch(limit: int, worker_id: str, *, now: datetime | None = None) -> list[int]:
    """Mark up to `limit` due rows as ours (status sending) and commit, so no other worker
    takes them; returns their ids in the order they fell due."""
    session = db.session
    now = now or utcnow()
    query = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    session.commit()  # the claim is its own short transaction
    if is_sqlite(session):
        begin_immediate(session)  # the write lock first: select-then-update is atomic
    else:
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                status=OutboxStatus.sending,
                claimed_at=now,
                claimed_by=worker_id,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return ids


def _ours(message_id: int, worker_id: str):
    """Only the worker holding the claim may settle a row (a stolen lease settles nothing)."""
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_by == worker_id,
        )
        .execution_options(synchronize_session=False)
    )


def mark_sent(message_id: int, worker_id: str, now: datetime) -> None:
    db.session.execute(
        _ours(message_id, worker_id).values(status=OutboxStatus.sent, sent_at=now, last_error=None)
    )


def mark_failed(
    row: OutboxMessage, worker_id: str, error: str, now: datetime, *, permanent: bool = False
) -> OutboxStatus:
    """A failed attempt: retry after back-off, or give up (status failed) when the error is
    permanent or the attempts are spent. Returns the new status."""
    limit = current_app.config.get("OUTBOX_MAX_ATTEMPTS", 8)
    give_up = permanent or row.attempts >= limit
    status = OutboxStatus.failed if give_up else OutboxStatus.queued
    db.session.execute(
        _ours(row.id, worker_id).values(
            status=status,
            last_error=error[:2000],
            next_attempt_at=now if give_up else now + backoff(row.attempts),
            claimed_at=None,
        )
    )
    return status


def release(ids: list[int], worker_id: str) -> None:
    """Hand back claimed rows that were never tried (the server went away): no attempt spent."""
    if not ids:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(status=OutboxStatus.queued, claimed_at=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unreachable: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.retry + self.failed

    def __str__(self) -> str:
        return f"sent {self.sent}, retry {self.retry}, failed {self.failed}"


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# The server as a whole is unavailable or refuses us (greeting, log-in, TLS): nothing else
# would go through now. (smtplib's exceptions are all OSErrors, so order matters below.)
_SERVER_TROUBLE = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
)
_CLOSING = 421  # "service not available, closing transmission channel": about the server


def verdict(error: Exception) -> tuple[bool, bool]:
    """(permanent, stop_run) for one failed send. A reply about this message (a refused
    recipient or sender, a refused DATA) settles only it: 5xx fails it for good, 4xx retries
    it after back-off, and the run goes on with the next message. Only trouble with the
    connection or the server as a whole (refused, dropped, timed out, 421, log-in or TLS
    refused) stops the run, handing the untried rows back."""
    if isinstance(error, mime.InvalidAddress):
        return True, False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        if _CLOSING in codes:
            return False, True
        return all(code >= 500 for code in codes), False
    if isinstance(error, _SERVER_TROUBLE):
        return False, True
    if isinstance(error, smtplib.SMTPResponseException):  # sender or DATA refused
        if error.smtp_code == _CLOSING:
            return False, True
        return error.smtp_code >= 500, False
    return False, True  # OSError: the socket itself


def _write_transaction() -> None:
    """End the current transaction and start one that may write (SQLite: take the write lock
    first, so a write after reads never fails with "database is locked")."""
    db.session.commit()
    if is_sqlite(db.session):
        begin_immediate(db.session)


def _send_one(message_id: int, transport: mime.Transport, config) -> Exception | None:
    """Build and send one row; no database transaction is held while the server talks."""
    row = db.session.get(OutboxMessage, message_id)
    try:
        message = mime.build_message(row, config)
    except mime.InvalidAddress as error:
        db.session.commit()
        return error
    recipient = row.recipient
    db.session.commit()
    try:
        transport.send(message, recipient)
    except (smtplib.SMTPException, OSError) as error:
        return error
    return None


def _send_batch(ids, transport, config, worker_id, clock, report, progress) -> bool:
    """Send claimed rows in order, each settled by its own reply (`verdict`); True when the run
    must stop (server unreachable). Rows not yet tried go back to the queue when the server
    fails, when the claim grows old (a slow server must not let the lease run out under us), or
    when the worker is interrupted."""
    started = time.monotonic()
    position = 0
    try:
        for position, message_id in enumerate(ids):
            if time.monotonic() - started > LEASE.total_seconds() / 2:
                release(ids[position:], worker_id)
                db.session.commit()
                return False
            error = _send_one(message_id, transport, config)
            _write_transaction()
            if error is None:
                mark_sent(message_id, worker_id, clock())
                report.sent += 1
            else:
                text = f"{type(error).__name__}: {error}"
                row = db.session.get(OutboxMessage, message_id)
                permanent, stop = verdict(error)
                status = mark_failed(row, worker_id, text, clock(), permanent=permanent)
                report.errors.append(text)
                if status == OutboxStatus.failed:
                    report.failed += 1
                else:
                    report.retry += 1
                if stop:
                    release(ids[position + 1 :], worker_id)
                    db.session.commit()
                    report.unreachable = True
                    return True
            db.session.commit()
            if progress:
                progress(report)
    except BaseException:
        # Interrupted (Ctrl-C, a database error): hand back what we did not settle. The row
        # being sent keeps its claim and is retried after the lease: it may have gone out.
        db.session.rollback()
        try:
            release(ids[position + 1 :], worker_id)
            db.session.commit()
        except Exception:  # the lease takes care of them
            db.session.rollback()
        raise
    return False


def deliver(
    *,
    batch: int | None = None,
    limit: int | None = None,
    worker_id: str | None = None,
    now: datetime | None = None,
    transport: mime.Transport | None = None,
    progress: Callable[[DeliveryReport], None] | None = None,
) -> DeliveryReport:
    """Send everything due (at most `limit`), one short transaction per message. Stops early
    when the mail server cannot be reached, handing untried rows back to the queue."""
    config = current_app.config
    batch = batch or config.get("OUTBOX_BATCH", 50)
    worker_id = worker_id or default_worker_id()
    clock = (lambda: now) if now is not None else utcnow
    mime.sender_address(config)  # bad settings stop the run before anything is claimed
    report = DeliveryReport()
    own_transport = transport is None
    transport = transport or mime.transport_from_config(config)
    try:
        while limit is None or report.total < limit:
            size = batch if limit is None else min(batch, limit - report.total)
            ids = claim_batch(size, worker_id, now=clock())
            if not ids:
                break
            if _send_batch(ids, transport, config, worker_id, clock, report, progress):
                break
    finally:
        if own_transport:
            transport.close()
    return report


def status_counts() -> dict[str, int]:
    """How many messages are in each state."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({str(status): n for status, n in rows})
    return counts


def failed_messages(limit: int = 50) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.failed)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def requeue_failed(*, now: datetime | None = None) -> int:
    """Give failed messages a fresh set of attempts (after fixing the mail settings)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.failed)
        .values(status=OutboxStatus.queued, attempts=0, next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
