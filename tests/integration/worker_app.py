"""The app as the worker-concurrency test's processes run it:
`flask --app tests.integration.worker_app worker --once`.

WORKER_TEST_DATABASE_URL names the database the test prepared; PROBE_LOG a file each probe
job appends "<job> <pid>" to when it runs; JOB_CLAIM_LOCK_DISABLED=1 (test-only) switches the
claim's lock off for the control run. The probe jobs sit beside the real ones in jobs.JOBS.
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from app import create_app as create_real_app
from config import TestConfig
from liaison.integration import jobs

PROBES = 16


def _probe(name: str):
    def run(now: datetime) -> int:
        time.sleep(0.25)  # so the runs span the other worker's start-up (~1 s apart)
        with open(os.environ["PROBE_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{name} {os.getpid()}\n")
        return 1

    return run


def create_app():
    probes = tuple(
        jobs.JobSpec(f"probe_{i:02d}", _probe(f"probe_{i:02d}"), every=timedelta(hours=1))
        for i in range(PROBES)
    )
    jobs.JOBS = (*jobs.JOBS, *probes)

    class WorkerTestConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ["WORKER_TEST_DATABASE_URL"]
        JOB_CLAIM_LOCK_DISABLED = os.environ.get("JOB_CLAIM_LOCK_DISABLED") == "1"
        MAIL_BACKEND = "console"

    return create_real_app(WorkerTestConfig)
