"""The job schedule: which periodic job is due, and the claim that lets only one worker run it.

The claim has the shape of the outbox's (liaison/mail/outbox.py): a short transaction of its
own that takes the row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; `BEGIN IMMEDIATE`, the
database write lock, on SQLite), checks that the job is due and that nobody holds a live lease,
then writes the lease and moves `next_run_at` one interval on, and commits. A second worker
that reaches the row at the same moment skips it (PostgreSQL) or waits for the lock and then
finds it no longer due (SQLite). So, whatever the number of workers, a due job runs once.

The lease bounds a run: a worker that dies mid-run leaves its lease to expire; as
`next_run_at` already moved on, the job runs again at its next interval, not at once. A run
that raises is rolled back and recorded (`last_error`, `failures`), and likewise waits for its
next interval. `JOB_CLAIM_LOCK_DISABLED` (tests only) claims without the lock, so the
concurrency test can show in a control run that the lock is what keeps runs single.
"""
from __future__ import annotations

import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from liaison.core.database import begin_immediate, is_sqlite
from liaison.core.types import utcnow
from liaison.integration import jobs as registry
from liaison.integration.jobs import JobSpec
from liaison.integration.models import Job

_ERROR_MAX = 4000


@dataclass
class JobRun:
    """What one run did: `result` from the job, or the `error` it raised."""

    name: str
    started_at: datetime
    seconds: float
    result: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __str__(self) -> str:
        if self.ok:
            return f"job {self.name}: {self.result} ({self.seconds:.2f} s)"
        return f"job {self.name} FAILED after {self.seconds:.2f} s: {self.error}"


def registered(jobs: Iterable[JobSpec] | None = None) -> dict[str, JobSpec]:
    """Name -> spec of the jobs in liaison/integration/jobs.py (read at call time)."""
    return {spec.name: spec for spec in (registry.JOBS if jobs is None else jobs)}


def _insert_ignoring_duplicates(rows: list[dict]):
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(Job).values(rows).on_conflict_do_nothing(index_elements=["name"])


def sync(specs: dict[str, JobSpec], now: datetime) -> None:
    """Give every registered job its row (new ones are due at once), and bring intervals in
    line with jobs.py (a shortened interval pulls the next run in). Safe from several workers
    at once: inserting an existing name does nothing. Commits."""
    db.session.commit()
    if not specs:
        return
    rows = [{"name": spec.name, "interval_seconds": int(spec.every.total_seconds()),
             "next_run_at": now, "runs": 0, "failures": 0} for spec in specs.values()]
    db.session.execute(_insert_ignoring_duplicates(rows))
    for spec in specs.values():
        seconds = int(spec.every.total_seconds())
        db.session.execute(
            update(Job)
            .where(Job.name == spec.name, Job.interval_seconds != seconds)
            .values(interval_seconds=seconds)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Job)
            .where(Job.name == spec.name, Job.next_run_at > now + spec.every)
            .values(next_run_at=now + spec.every)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def _due(names: Iterable[str], now: datetime):
    return and_(
        Job.name.in_(list(names)),
        Job.next_run_at <= now,
        or_(Job.lease_holder.is_(None), Job.lease_expires_at < now),
    )


def claim_next(specs: dict[str, JobSpec], worker_id: str, now: datetime) -> JobSpec | None:
    """Take the job that fell due first, if any, as `worker_id`'s (see the module docstring);
    its own committed transaction."""
    session = db.session
    session.commit()
    query = select(Job.name).where(_due(specs, now)).order_by(Job.next_run_at, Job.name).limit(1)
    locked = not current_app.config.get("JOB_CLAIM_LOCK_DISABLED", False)
    if locked and is_sqlite(session):
        begin_immediate(session)  # the write lock first: select-then-update is atomic
    elif locked:
        query = query.with_for_update(skip_locked=True)
    name = session.scalar(query)
    if name is None:
        session.commit()
        return None
    if not locked:
        # Control run only: decide, then write later, as code without the lock would.
        session.commit()
        time.sleep(0.05)
        if is_sqlite(session):
            begin_immediate(session)
    spec = specs[name]
    session.execute(
        update(Job)
        .where(Job.name == name)
        .values(lease_holder=worker_id, lease_expires_at=now + spec.lease,
                next_run_at=now + spec.every, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return spec


def _settle(name: str, worker_id: str, **values) -> None:
    """Record a run's outcome and give up the lease, unless the lease was lost meanwhile."""
    db.session.execute(
        update(Job)
        .where(Job.name == name, Job.lease_holder == worker_id)
        .values(lease_holder=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    )


def run(spec: JobSpec, worker_id: str, now: datetime) -> JobRun:
    """Run one claimed job in its own transaction; its outcome is written in that transaction
    when it succeeds, and in a fresh one after the rollback when it raises."""
    started = time.monotonic()
    session = db.session
    session.commit()
    try:
        if is_sqlite(session):
            begin_immediate(session)  # one writer: the job's read-then-write checks hold
        result = int(spec.run(now) or 0)
        _settle(spec.name, worker_id, last_finished_at=utcnow(), last_result=result,
                last_error=None, runs=Job.runs + 1)
        session.commit()
        return JobRun(spec.name, now, time.monotonic() - started, result=result)
    except Exception as error:  # noqa: BLE001 - a job's failure must not stop the worker
        session.rollback()
        text = f"{type(error).__name__}: {error}"
        detail = traceback.format_exc()
        _settle(spec.name, worker_id, last_finished_at=utcnow(), last_result=None,
                last_error=detail[-_ERROR_MAX:], failures=Job.failures + 1, runs=Job.runs + 1)
        session.commit()
        return JobRun(spec.name, now, time.monotonic() - started, error=text)


def make_due(name: str, now: datetime | None = None) -> bool:
    """`jobs run NAME`: the job is due now (a worker runs it on its next pass). False when no
    such job has a row yet."""
    result = db.session.execute(
        update(Job).where(Job.name == name).values(next_run_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def rows() -> list[Job]:
    return list(db.session.scalars(select(Job).order_by(Job.name)))
