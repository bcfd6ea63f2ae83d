"""The periodic jobs the worker runs, one line each, with how often.

How to add a job of your own
----------------------------
1. Write it as a plain domain function in *your* package (not here), for example
   `liaison/registration/allocations.py`:

       def release_allocations(now: datetime) -> int:
           '''Seats reserved for an organization stop counting at their release time;
           the waiting list is promoted. Returns how many allocations were released.'''

   - It takes the time the worker claimed it (use it instead of the clock, so tests can
     pass any instant) and returns how many things it did (printed and kept as `last_result`).
   - It runs inside a transaction the worker opens and commits when it returns (on SQLite the
     database write lock is taken first, as `send-reminders` does). So it only flushes, never
     commits. If it raises, everything it wrote is rolled back, the error is printed and kept
     in the `job` row, and it runs again at its next interval.
   - Make it idempotent: mark what it handled in the same transaction (`reminded_at`,
     `released_at`, ...), so a run that is repeated after a crash does nothing twice.
   - No network inside: queue mail with the outbox (`liaison.mail.outbox.queue`, or your
     package's notices); webhooks go out through their own deliveries.
   - Test the function directly (call it with a `now`), as tests/domain does.
2. Add one line to JOBS below: a stable name (the primary key of its `job` row; renaming it
   makes a new row), the function, and its interval. `lease` (default 30 minutes) is how long
   a run may take before another worker may assume this one died; keep runs far shorter.
3. Nothing else: each worker inserts the rows it does not find (due at once) and claims due
   jobs one at a time, so each due job runs once across all workers. `flask --app app worker
   --once` runs everything due once and exits; `flask --app app jobs status` lists the
   schedule and `jobs run NAME` makes one due now.

Outbox and webhook *deliveries* are not jobs: every worker delivers on every pass, side by
side, because each mail and each webhook delivery is claimed row by row (SKIP LOCKED). Their
retries are the rows' own back-off (`next_attempt_at`), not an interval here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from liaison.accounts import member_digest, throttle
from liaison.exchange import alerts, postings
from liaison.integration import webhooks
from liaison.meetings import reminders as action_reminders
from liaison.notifications import reminders
from liaison.records import certificates, summary, surveys
from liaison.registration import allocations, approval_digest
from liaison.registration.answers import purge_personal_answers

DEFAULT_LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[datetime], int]
    every: timedelta
    lease: timedelta = DEFAULT_LEASE


JOBS: tuple[JobSpec, ...] = (
    JobSpec("send_reminders", reminders.send_reminders, every=timedelta(hours=1)),
    JobSpec("expire_training_requests", postings.expire_requests, every=timedelta(hours=1)),
    JobSpec("exchange_match_alerts", alerts.send_match_alerts, every=timedelta(hours=1)),
    JobSpec("prune_webhook_log", webhooks.prune_log, every=timedelta(days=1)),
    JobSpec("member_digests", member_digest.send_member_digests, every=timedelta(hours=1)),
    JobSpec("approval_digests", approval_digest.send_approval_digests, every=timedelta(hours=1)),
    JobSpec("release_allocations", allocations.release_allocations,
            every=timedelta(minutes=1)),
    JobSpec("remind_actions", action_reminders.remind_actions, every=timedelta(hours=6)),
    JobSpec("purge_personal_answers", purge_personal_answers,
            every=timedelta(hours=6)),
    JobSpec("purge_login_throttles", throttle.purge, every=timedelta(days=1)),
    JobSpec("render_certificates", certificates.render_certificates, every=timedelta(minutes=1)),
    JobSpec("summarize_attendance", summary.summarize_attendance, every=timedelta(minutes=10)),
    JobSpec("send_survey_invitations", surveys.send_survey_invitations,
            every=timedelta(minutes=5)),
)
