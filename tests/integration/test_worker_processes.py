"""Two `flask worker --once` processes started at once against one database (the test's
SQLite file, or PostgreSQL when TEST_DATABASE_URL is set) run each due job exactly once; the
control run without the claim's lock runs some twice, so the test can see the race."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from liaison.integration.models import Job
from tests.integration.worker_app import PROBES

ROOT = Path(__file__).resolve().parents[2]
CONTROL_ATTEMPTS = 3


def _start_two(app, log: Path, *, lock_disabled: bool) -> list[tuple[int, str, str]]:
    db.session.remove()
    env = dict(os.environ)
    env.update(
        LIAISON_ENV="testing",
        WORKER_TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        PROBE_LOG=str(log),
        JOB_CLAIM_LOCK_DISABLED="1" if lock_disabled else "0",
    )
    command = [sys.executable, "-m", "flask", "--app", "tests.integration.worker_app",
               "worker", "--once"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    return [(w.returncode, out, err) for w, (out, err) in zip(workers, outputs, strict=True)]


def _runs(log: Path) -> list[tuple[str, str]]:
    return [tuple(line.split()) for line in log.read_text().splitlines()]


@pytest.mark.slow
def test_two_workers_started_at_once_run_each_due_job_once(app, tmp_path):
    log = tmp_path / "probes.log"
    log.touch()
    results = _start_two(app, log, lock_disabled=False)
    for code, out, err in results:
        assert code == 0, out + err

    runs = _runs(log)
    per_job = Counter(name for name, _pid in runs)
    assert set(per_job) == {f"probe_{i:02d}" for i in range(PROBES)}
    assert max(per_job.values()) == 1, per_job  # nobody ran a job twice
    assert len({pid for _name, pid in runs}) == 2, results  # both workers really took jobs
    # The real jobs too: one "job send_reminders:" line between the two workers.
    printed = Counter(m for _c, out, _e in results for m in re.findall(r"job (\w+):", out))
    assert printed["send_reminders"] == 1
    assert all(count == 1 for count in printed.values()), printed
    rows = db.session.scalars(select(Job)).all()
    assert {row.name for row in rows} == set(printed)
    assert all(row.runs == 1 and row.failures == 0 and row.lease_holder is None for row in rows)


@pytest.mark.slow
def test_control_without_the_claim_lock_runs_jobs_twice(app, tmp_path):
    """The same start with JOB_CLAIM_LOCK_DISABLED=1 must run some job twice, or the test
    above could not see a broken claim. Scheduling decides whether the two collide, so the
    control has a few tries."""
    seen = []
    for attempt in range(CONTROL_ATTEMPTS):
        db.session.execute(Job.__table__.delete())
        db.session.commit()
        log = tmp_path / f"control-{attempt}.log"
        log.touch()
        _start_two(app, log, lock_disabled=True)
        per_job = Counter(name for name, _pid in _runs(log))
        seen.append(max(per_job.values(), default=0))
        if max(per_job.values(), default=0) > 1:
            return
    pytest.fail(f"no job ran twice without the lock in {CONTROL_ATTEMPTS} tries: {seen}")
