"""The worker's schedule: one row per periodic job, holding when it runs next and who runs it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Job(db.Model):
    """A periodic job's schedule and last outcome. Its lease (holder, expiry) says which worker
    is running it; a worker claims a job only when it is due and nobody holds a live lease, so
    two workers never run it at once, and a crashed worker's lease simply runs out."""

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    interval_seconds: Mapped[int]
    next_run_at: Mapped[datetime]
    lease_holder: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)

    @property
    def is_running(self) -> bool:
        return self.lease_holder is not None

    def __repr__(self) -> str:
        return f"<Job {self.name} next={self.next_run_at:%Y-%m-%d %H:%M:%S} by={self.lease_holder}>"
