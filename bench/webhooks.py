"""Webhooks: the throughput of 1,000 deliveries (issue 20): one worker's delivery step
(claim, sign with standardwebhooks, POST over loopback to a receiver process that verifies
every signature, record the answer) on the SQLite file. Target: at least 100 deliveries a
second, so a burst of 1,000 changes (a big event cancelled, a registration rush) reaches its
receivers within ten seconds."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

from bench.common import ROOT, create_database, free_port, make_app, tempdir
from bench.result import Result

DELIVERIES = 1000
TARGET_PER_SECOND = 100.0


def _seed(secret: str, url: str) -> None:
    from extensions import db
    from liaison.accounts.models import Organization, OrgKind, Role, User
    from liaison.core.types import utcnow
    from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

    org = Organization(name="Bench Association", kind=OrgKind.association)
    owner = User(email="hooks@bench.test", display_name="Bench", password_hash="x",
                 organization=org, role=Role.organizer)
    subscription = WebhookSubscription(owner=owner, url=url, secret=secret)
    subscription.event_types = ["registration.created"]
    db.session.add_all([org, owner, subscription])
    db.session.flush()
    now = utcnow()
    db.session.execute(WebhookDelivery.__table__.insert(), [
        {"subscription_id": subscription.id, "event_type": "registration.created",
         "message_id": f"msg_bench{i:06d}", "status": DeliveryStatus.queued, "attempts": 0,
         "next_attempt_at": now, "created_at": now,
         "payload": json.dumps({"type": "registration.created", "timestamp": now.isoformat(),
                                "data": {"id": i, "event_id": 1, "status": "confirmed",
                                         "user": {"id": i, "name": f"Person {i} 参会者",
                                                  "email": f"p{i}@bench.test"}}},
                               ensure_ascii=False)}
        for i in range(DELIVERIES)
    ])
    db.session.commit()


def _wait_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the bench webhook receiver exited")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the bench webhook receiver did not start")


def run() -> list[Result]:
    from extensions import db
    from liaison.integration import delivery, webhooks

    folder = tempdir()
    url = f"sqlite:///{folder / 'webhooks.sqlite'}"
    create_database(url)
    app = make_app(url, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_BATCH=50)
    port = free_port()
    secret = webhooks.new_secret()
    receiver = subprocess.Popen([sys.executable, "-m", "bench.webhook_receiver", str(port),
                                 secret], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait_listening(port, receiver)
        with app.app_context():
            _seed(secret, f"http://127.0.0.1:{port}/hooks")
            started = time.perf_counter()
            report = delivery.deliver(worker_id="bench")
            seconds = time.perf_counter() - started
            db.engine.dispose()
        counted = urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=5).read()
        accepted, rejected = (int(n) for n in counted.split())
    finally:
        receiver.send_signal(signal.SIGTERM)
        try:
            receiver.wait(10)
        except subprocess.TimeoutExpired:
            receiver.kill()
    rate = report.delivered / seconds if seconds else 0.0
    ok = report.delivered == accepted == DELIVERIES and rejected == 0
    return [Result(
        target=f"webhooks: {DELIVERIES:,} deliveries >= {TARGET_PER_SECOND:.0f}/s "
               "(one worker, signed, verified by the receiver)",
        measured=(f"{report.delivered} delivered in {seconds:.2f} s = {rate:.0f}/s "
                  f"({1000 * seconds / max(report.delivered, 1):.1f} ms each); receiver "
                  f"verified {accepted}, refused {rejected}; {report}"),
        ratio=TARGET_PER_SECOND / rate if rate else None,
        passed=ok and rate >= TARGET_PER_SECOND,
    )]


if __name__ == "__main__":
    for result in run():
        print(result.line())
