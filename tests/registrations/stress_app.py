"""The app as the stress test's gunicorn workers run it: `tests.registrations.stress_app:create()`.

STRESS_DATABASE_URL names the database the test prepared; SEAT_LOCK_DISABLED=1 (test-only)
switches the seat lock off for the control run.
"""
from __future__ import annotations

import os

from app import create_app
from config import TestConfig


def create():
    class StressConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ["STRESS_DATABASE_URL"]
        SEAT_LOCK_DISABLED = os.environ.get("SEAT_LOCK_DISABLED") == "1"

    return create_app(StressConfig)
