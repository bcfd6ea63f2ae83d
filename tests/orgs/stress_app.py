"""The app as the reserved-seat stress test's processes run it — gunicorn's workers and the
`flask worker --once` that releases the seats: `tests.orgs.stress_app:create()`.
STRESS_DATABASE_URL names the database the test prepared; mail goes to the console."""
from __future__ import annotations

import os

from app import create_app
from config import TestConfig


def create():
    class StressConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ["STRESS_DATABASE_URL"]
        MAIL_BACKEND = "console"

    return create_app(StressConfig)
