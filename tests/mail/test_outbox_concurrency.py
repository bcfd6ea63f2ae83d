"""Two `flask outbox send` processes against one database (the test's SQLite file, or
PostgreSQL when TEST_DATABASE_URL is set) deliver every message exactly once."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from liaison.mail import outbox
from liaison.mail.models import OutboxMessage, OutboxStatus

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 60


class GatedInbox:
    """Hold the first message until a second client has connected, so both workers are
    provably sending at the same time (never more than 10 s)."""

    def __init__(self, inbox):
        self.inbox = inbox
        self.peers: set = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.peers.add(session.peer)
        return await self.inbox.handle_MAIL(server, session, envelope, address, mail_options)

    async def handle_DATA(self, server, session, envelope):
        deadline = time.monotonic() + 10
        while len(self.peers) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.005)  # a little work per message keeps the two interleaved
        return await self.inbox.handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_two_worker_processes_send_each_message_once(app, smtp_server):
    smtp_server.stop()
    inbox = smtp_server.inbox
    from aiosmtpd.controller import Controller

    smtp_server.controller = Controller(GatedInbox(inbox), hostname="127.0.0.1",
                                        port=smtp_server.port)
    smtp_server.controller.start()

    ids = [
        outbox.queue(kind="test", recipient=f"r{i}@x.test", subject=f"Message {i}",
                     body_text=f"Body {i}").message_id
        for i in range(MESSAGES)
    ]
    db.session.commit()
    db.session.remove()

    env = dict(os.environ)
    env.update(
        LIAISON_ENV="testing",
        TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_PORT=str(smtp_server.port),
        MAIL_BACKEND="smtp",
    )
    command = [sys.executable, "-m", "flask", "--app", "app", "outbox", "send", "--batch", "3"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert "retry 0, failed 0" in out, out

    received = Counter(inbox.message_ids())
    assert set(received) == set(ids)
    assert max(received.values()) == 1  # nobody got a message twice
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert all(r.status == OutboxStatus.sent and r.attempts == 1 for r in rows)
    by_worker = Counter(r.claimed_by for r in rows)
    assert len(by_worker) == 2, by_worker  # both processes really took part
    sent = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent) == MESSAGES
