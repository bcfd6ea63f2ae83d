"""`worker [--once]` — the one background process — and `jobs status|run NAME`, its schedule."""
from __future__ import annotations

import signal
import sys
import threading
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from blueprints.cli import bp
from extensions import db
from liaison.integration import schedule
from liaison.integration.worker import Worker


def _echo(line: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    click.echo(f"{stamp} {line}")
    sys.stdout.flush()


@bp.cli.command("worker")
@click.option("--once", is_flag=True,
              help="One pass: deliver what is due, run the due jobs, then exit.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None,
              help="Seconds between passes (default WORKER_INTERVAL, 5).")
def worker(once: bool, interval: float | None):
    """Deliver mail and webhooks and run the periodic jobs (reminders and the others listed in
    liaison/integration/jobs.py). Several workers may run at once, on several hosts: each
    message, delivery and due job is taken by one of them. SIGTERM or Ctrl-C stops it after
    the current message or job; a second one stops it at once."""
    stop = threading.Event()

    def ask_to_stop(signum, _frame):
        if stop.is_set():
            raise KeyboardInterrupt  # asked twice: stop now (claims expire with their leases)
        stop.set()
        _echo(f"worker: {signal.Signals(signum).name} received, stopping after the current step")

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        report = Worker(echo=_echo, stop=stop).run(once=once, interval=interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if once and (report.failed_jobs or report.errors):
        sys.exit(1)  # for cron and scripts: something in this pass failed (printed above)


jobs = AppGroup("jobs", help="The worker's periodic jobs and their schedule.")


@jobs.command("status")
def status():
    """Each job: interval, next run, last run and its result or error, who runs it now."""
    registered = schedule.registered()
    rows = {row.name: row for row in schedule.rows()}
    for name, spec in registered.items():
        row = rows.get(name)
        every = int(spec.every.total_seconds())
        if row is None:
            click.echo(f"{name}: every {every} s, not scheduled yet (the worker adds it)")
            continue
        last = "never run"
        if row.last_finished_at:
            outcome = (f"result {row.last_result}" if row.last_error is None
                       else "FAILED: " + row.last_error.strip().splitlines()[-1])
            last = f"last finished {row.last_finished_at:%Y-%m-%d %H:%M:%S}Z, {outcome}"
        running = f", running on {row.lease_holder}" if row.lease_holder else ""
        click.echo(f"{name}: every {every} s, next {row.next_run_at:%Y-%m-%d %H:%M:%S}Z, "
                   f"{last}; {row.runs} runs, {row.failures} failed{running}")
    for name in sorted(set(rows) - set(registered)):
        click.echo(f"{name}: not in jobs.py any more (never run)")


@jobs.command("run")
@click.argument("name")
def run_now(name: str):
    """Make a job due now: the next pass of a worker runs it."""
    if name not in schedule.registered():
        raise click.BadParameter(
            f"no job {name!r}; jobs: {', '.join(schedule.registered())}", param_hint="NAME")
    if not schedule.make_due(name):
        schedule.sync(schedule.registered(), datetime.now(UTC))  # first time: add the rows
        schedule.make_due(name)
    db.session.commit()
    click.echo(f"{name} is due now; a running worker takes it on its next pass")


bp.cli.add_command(jobs)
