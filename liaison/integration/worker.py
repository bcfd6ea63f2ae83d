"""The one worker: `flask --app app worker` delivers queued mail, delivers webhooks and runs the
periodic jobs that are due (liaison/integration/jobs.py), pass after pass.

Every pass: mail (the outbox, claimed row by row, so any number of workers share it), then
webhook deliveries (the same), then each due job, claimed one at a time (`schedule`). One line
is printed per delivery batch and per job run. Nothing here commits on behalf of a job: each
step owns its short transactions. A step that raises is printed and the pass goes on; a job
that raises is recorded and retried at its next interval.

Stopping: `stop` (a threading.Event, set by SIGTERM/SIGINT in the command) is checked between
mail messages, between deliveries and between jobs; whatever was claimed and not yet tried
goes back to its queue, so a stopped worker loses nothing and holds nothing.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from extensions import db
from liaison.core.database import is_sqlite
from liaison.core.types import utcnow
from liaison.integration import delivery, schedule
from liaison.mail import outbox

Echo = Callable[[str], None]
MAIL_PAUSE_MAX = timedelta(minutes=5)
SQLITE_PAUSE_BETWEEN_JOBS = 0.15  # seconds; longer than the busy handler's longest sleep


class Stopping(Exception):
    """Raised inside a delivery loop when the worker was asked to stop."""


@dataclass
class PassReport:
    """What one pass did; `busy` when anything was delivered or run."""

    mail: int = 0
    webhooks: int = 0
    jobs: list[schedule.JobRun] = field(default_factory=list)
    errors: int = 0

    @property
    def busy(self) -> bool:
        return bool(self.mail or self.webhooks or self.jobs)

    @property
    def failed_jobs(self) -> list[schedule.JobRun]:
        return [run for run in self.jobs if not run.ok]


class Worker:
    """One worker process's state: its id (claims carry it), how it prints, when to stop."""

    def __init__(self, *, echo: Echo, stop: threading.Event | None = None,
                 worker_id: str | None = None, clock: Callable[[], datetime] = utcnow):
        self.echo = echo
        self.stop = stop or threading.Event()
        self.worker_id = worker_id or outbox.default_worker_id()
        self.clock = clock
        self.mail_paused_until: datetime | None = None
        self.mail_failures = 0
        self.synced = False

    # -- one pass ------------------------------------------------------------------------

    def run_pass(self) -> PassReport:
        report = PassReport()
        for step in (self._mail, self._webhooks, self._jobs):
            if self.stop.is_set():
                break
            try:
                step(report)
            except Stopping:
                break
            except Exception as error:  # noqa: BLE001 - a broken step must not end the worker
                try:
                    db.session.rollback()
                except Exception:  # noqa: BLE001 - the database itself may be away
                    pass
                report.errors += 1
                self.echo(f"{step.__name__.strip('_')}: {type(error).__name__}: {error}")
        db.session.remove()
        return report

    def _check_stop(self, *_args) -> None:
        if self.stop.is_set():
            raise Stopping

    def _mail(self, report: PassReport) -> None:
        now = self.clock()
        if self.mail_paused_until and now < self.mail_paused_until:
            return
        result = outbox.deliver(worker_id=self.worker_id, progress=self._check_stop)
        report.mail += result.total
        if result.total:
            self.echo(f"mail: {result}")
        if result.unreachable:
            # Wait longer each time the server is away, so its outage does not spend one
            # attempt of another message on every pass.
            self.mail_failures += 1
            pause = min(timedelta(seconds=5 * 2 ** self.mail_failures), MAIL_PAUSE_MAX)
            self.mail_paused_until = now + pause
            self.echo(f"mail: server unreachable ({result.errors[-1]}); "
                      f"next try in {int(pause.total_seconds())} s")
        else:
            self.mail_failures = 0
            self.mail_paused_until = None

    def _webhooks(self, report: PassReport) -> None:
        result = delivery.deliver(worker_id=self.worker_id, clock=self.clock,
                                  progress=self._check_stop)
        report.webhooks += result.total
        if result.total:
            self.echo(f"webhooks: {result}")

    def _jobs(self, report: PassReport) -> None:
        specs = schedule.registered()
        if not self.synced:
            schedule.sync(specs, self.clock())
            self.synced = True
        while not self.stop.is_set():
            now = self.clock()
            spec = schedule.claim_next(specs, self.worker_id, now)
            if spec is None:
                break
            run = schedule.run(spec, self.worker_id, now)
            report.jobs.append(run)
            self.echo(str(run))
            if is_sqlite(db.session):
                # SQLite's busy handler polls for the write lock a job run holds: without a
                # pause, job after job would take it again before anyone waiting (a request,
                # another worker) polls.
                self.stop.wait(SQLITE_PAUSE_BETWEEN_JOBS)

    # -- the loop ------------------------------------------------------------------------

    def run(self, *, once: bool = False, interval: float | None = None) -> PassReport:
        """Pass after pass until stopped (`once`: one pass). Returns the last pass's report;
        with `once`, the whole run's."""
        interval = interval if interval is not None else current_app.config["WORKER_INTERVAL"]
        self.echo(f"worker {self.worker_id}: started"
                  f"{' (one pass)' if once else f', a pass every {interval:g} s'}")
        while True:
            report = self.run_pass()
            if once or self.stop.is_set():
                break
            self.stop.wait(interval)
            if self.stop.is_set():
                break
        self.echo(f"worker {self.worker_id}: stopped")
        return report
