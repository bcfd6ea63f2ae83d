"""The app as bench gunicorn workers run it: BENCH_DATABASE_URL names the seeded database."""
from __future__ import annotations

import os

from bench.common import make_app

app = make_app(os.environ["BENCH_DATABASE_URL"])
