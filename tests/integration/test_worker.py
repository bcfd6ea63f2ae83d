"""The worker in one process: its schedule (due, not due, intervals, leases), a job that raises,
mail delivered through a real SMTP server, the `worker`/`jobs` commands, and SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from liaison.integration import jobs, schedule
from liaison.integration.models import Job
from liaison.integration.worker import Worker
from liaison.mail import outbox
from liaison.mail.models import OutboxMessage, OutboxStatus
from liaison.registration.models import RegistrationStatus

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2031, 5, 4, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def calls(monkeypatch):
    """Two jobs of our own in place of jobs.py's: `tick` counts, `broken` raises once."""
    seen: list[tuple[str, datetime]] = []

    def tick(now):
        seen.append(("tick", now))
        return 3

    def broken(now):
        seen.append(("broken", now))
        if sum(name == "broken" for name, _ in seen) == 1:
            db.session.execute(Job.__table__.update().values(last_result=999))  # rolled back
            raise RuntimeError("the job's own failure")
        return 1

    monkeypatch.setattr(jobs, "JOBS", (
        jobs.JobSpec("tick", tick, every=timedelta(minutes=10)),
        jobs.JobSpec("broken", broken, every=timedelta(hours=1)),
    ))
    return seen


def make_worker(clock, lines=None) -> Worker:
    return Worker(echo=(lines.append if lines is not None else lambda _line: None),
                  clock=clock, worker_id="test-worker")


def job(name: str) -> Job:
    db.session.expire_all()
    return db.session.get(Job, name)


def test_due_jobs_run_once_per_interval_and_a_failure_waits_for_the_next(app, calls):
    clock, lines = Clock(), []
    worker = make_worker(clock, lines)

    report = worker.run_pass()  # new jobs are due at once
    assert sorted(name for name, _ in calls) == ["broken", "tick"]
    assert [run.name for run in report.failed_jobs] == ["broken"]
    assert any(line.startswith("job tick: 3 (") for line in lines)
    assert any("job broken FAILED" in line and "the job's own failure" in line for line in lines)
    broken = job("broken")
    assert broken.failures == 1 and "RuntimeError: the job's own failure" in broken.last_error
    assert broken.last_result is None  # what the job wrote was rolled back
    assert broken.next_run_at == T0 + timedelta(hours=1) and broken.lease_holder is None
    tick = job("tick")
    assert (tick.last_result, tick.runs, tick.next_run_at) == (3, 1, T0 + timedelta(minutes=10))

    clock.now = T0 + timedelta(minutes=9)
    worker.run_pass()
    assert len(calls) == 2  # nothing due yet

    clock.now = T0 + timedelta(minutes=10)
    worker.run_pass()
    assert [name for name, _ in calls[2:]] == ["tick"]
    assert calls[2][1] == clock.now  # the job gets the claim's time

    clock.now = T0 + timedelta(hours=1)
    worker.run_pass()  # the failed job's retry, at its interval
    assert sorted(name for name, _ in calls[3:]) == ["broken", "tick"]
    broken = job("broken")
    assert (broken.last_error, broken.last_result, broken.runs) == (None, 1, 2)


def test_a_live_lease_keeps_a_job_from_other_workers_and_a_dead_ones_runs_out(app, calls):
    specs = schedule.registered()
    schedule.sync(specs, T0)
    assert schedule.claim_next(specs, "worker-a", T0).name == "broken"  # a dies holding it
    assert schedule.claim_next(specs, "worker-b", T0).name == "tick"  # b is still running it
    assert schedule.claim_next(specs, "worker-c", T0) is None
    # tick falls due again (every 10 minutes) while b's 30-minute lease is live: not taken.
    assert schedule.claim_next(specs, "worker-c", T0 + timedelta(minutes=10)) is None
    # After the leases, both are due again and taken over, earliest due first.
    later = T0 + timedelta(hours=1)
    taken = [schedule.claim_next(specs, "worker-c", later) for _ in range(3)]
    assert [spec.name if spec else None for spec in taken] == ["tick", "broken", None]
    assert job("broken").lease_holder == job("tick").lease_holder == "worker-c"


def test_sync_follows_changed_intervals_and_keeps_history(app, calls, monkeypatch):
    schedule.sync(schedule.registered(), T0)
    db.session.execute(Job.__table__.update().where(Job.name == "tick")
                       .values(next_run_at=T0 + timedelta(minutes=10), runs=7))
    db.session.commit()
    tick = jobs.JOBS[0]
    monkeypatch.setattr(jobs, "JOBS", (jobs.JobSpec("tick", tick.run, every=timedelta(minutes=2)),))
    schedule.sync(schedule.registered(), T0)
    row = job("tick")
    assert (row.interval_seconds, row.next_run_at, row.runs) == (120, T0 + timedelta(minutes=2), 7)
    assert job("broken") is not None  # a job gone from jobs.py keeps its row, unclaimed
    make_worker(Clock(T0 + timedelta(days=1))).run_pass()
    assert [name for name, _ in calls] == ["tick"]


def test_the_real_jobs_are_listed_and_callable_with_a_time():
    names = [spec.name for spec in jobs.JOBS]
    assert "send_reminders" in names and len(names) == len(set(names))
    for spec in jobs.JOBS:
        assert callable(spec.run) and spec.every >= timedelta(minutes=1)
        assert spec.lease > timedelta(0)


def test_a_pass_delivers_mail_and_runs_reminders(app, smtp_server, make_event, make_user,
                                                 registered):
    attendee = make_user(email="attendee@example.test")
    event = make_event(start=datetime.now(UTC) + timedelta(hours=20))
    registered(event, attendee, RegistrationStatus.confirmed)
    outbox.queue(kind="test", recipient="someone@example.test", subject="Queued before",
                 body_text="Hello")
    db.session.commit()
    lines: list[str] = []
    Worker(echo=lines.append).run(once=True)
    # The pass sends what was queued, then the reminder job queues one more, sent next pass.
    assert [m["Subject"] for m in smtp_server.inbox.messages] == ["Queued before"]
    assert "job send_reminders: 1" in "\n".join(lines)
    Worker(echo=lines.append).run(once=True)
    subjects = [m["Subject"] for m in smtp_server.inbox.messages]
    assert subjects[1].startswith("Reminder:") and len(subjects) == 2
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.sent, OutboxStatus.sent]


def test_jobs_commands(runner, calls):
    result = runner.invoke(args=["jobs", "status"])
    assert "tick: every 600 s, not scheduled yet" in result.output
    result = runner.invoke(args=["jobs", "run", "nope"])
    assert result.exit_code != 0 and "no job 'nope'" in result.output
    result = runner.invoke(args=["jobs", "run", "tick"])
    assert result.exit_code == 0 and "tick is due now" in result.output
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 1  # `broken` failed on its first run: scripts see it
    assert "job tick: 3" in result.output and "job broken FAILED" in result.output
    result = runner.invoke(args=["jobs", "status"])
    assert "tick: every 600 s, next" in result.output
    assert "result 3; 1 runs, 0 failed" in result.output
    assert "broken: every 3600 s" in result.output and "FAILED: RuntimeError" in result.output


def test_sigterm_stops_a_running_worker_cleanly(app):
    db.session.remove()
    env = dict(os.environ, LIAISON_ENV="testing", MAIL_BACKEND="console",
               TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert "started, a pass every 0.2 s" in first
        deadline = time.monotonic() + 30
        while job("send_reminders") is None or job("send_reminders").runs == 0:
            assert time.monotonic() < deadline, "the worker never ran its first pass"
            db.session.remove()
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "SIGTERM received, stopping after the current step" in out
    assert out.rstrip().endswith("stopped")
    assert job("send_reminders").lease_holder is None


def test_stopping_between_messages_hands_the_rest_back_untried(app, smtp_server):
    for i in range(5):
        outbox.queue(kind="test", recipient=f"r{i}@example.test", subject=f"Message {i}",
                     body_text="Hello")
    db.session.commit()
    worker = Worker(echo=lambda _line: None)
    inbox = smtp_server.inbox
    original = inbox.handle_DATA

    async def stop_after_first(server, session, envelope):
        worker.stop.set()  # SIGTERM arrives while the first message is being sent
        return await original(server, session, envelope)

    inbox.handle_DATA = stop_after_first
    worker.run(once=False, interval=0.1)
    assert [m["Subject"] for m in inbox.messages] == ["Message 0"]
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.status, r.attempts) for r in rows] == (
        [(OutboxStatus.sent, 1)] + [(OutboxStatus.queued, 0)] * 4)
    assert all(r.claimed_at is None for r in rows[1:])  # free for any worker at once


def test_a_step_that_raises_is_printed_and_the_pass_goes_on(app, calls, monkeypatch):
    from liaison.integration import delivery

    def broken_deliveries(**_kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(delivery, "deliver", broken_deliveries)
    lines: list[str] = []
    report = make_worker(Clock(), lines).run_pass()
    assert report.errors == 1
    assert "webhooks: ConnectionError: the database went away" in lines
    assert sorted(name for name, _ in calls) == ["broken", "tick"]  # the jobs still ran
