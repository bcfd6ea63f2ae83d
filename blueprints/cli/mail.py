"""`outbox send`, `outbox status`, `outbox requeue` and `send-reminders`.

The worker (`flask --app app worker`, blueprints/cli/worker.py) does both continuously; these
remain for one-off use and cron (`outbox send` every minute, `send-reminders` hourly). Several
senders may run at once: each message goes out once.
"""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from blueprints.cli import bp
from extensions import db
from liaison.core.database import begin_immediate, is_sqlite
from liaison.mail import outbox
from liaison.notifications import reminders

group = AppGroup("outbox", help="Deliver and inspect queued mail.")


@group.command("send")
@click.option("--limit", type=int, default=None, help="Send at most this many messages per pass.")
@click.option("--batch", type=int, default=None, help="Rows claimed per transaction.")
@click.option(
    "--loop/--once",
    default=False,
    help="--once (default): send what is due and exit; --loop: keep polling.",
)
@click.option("--interval", type=float, default=10.0, show_default=True,
              help="Seconds between polls with --loop.")
def send(limit: int | None, batch: int | None, loop: bool, interval: float):
    """Deliver queued mail; prints "sent N, retry M, failed K"."""
    worker_id = outbox.default_worker_id()
    while True:
        report = outbox.deliver(batch=batch, limit=limit, worker_id=worker_id)
        if report.total or not loop:
            click.echo(str(report))
        if report.unreachable:
            click.echo(f"mail server unreachable: {report.errors[-1]}", err=True)
        db.session.remove()
        if not loop:
            break
        time.sleep(interval)


@group.command("status")
@click.option("--failed-limit", type=int, default=20, show_default=True)
def status(failed_limit: int):
    """Counts by status, and the messages that failed with their last error."""
    for name, count in outbox.status_counts().items():
        click.echo(f"{name}: {count}")
    failed = outbox.failed_messages(failed_limit)
    if failed:
        click.echo("failed messages:")
    for message in failed:
        click.echo(
            f"  #{message.id} {message.kind} to {message.recipient} "
            f"after {message.attempts} attempts: {message.last_error}"
        )


@group.command("requeue")
def requeue():
    """Give every failed message a fresh set of attempts (after fixing the mail settings)."""
    count = outbox.requeue_failed()
    db.session.commit()
    click.echo(f"requeued {count}")


bp.cli.add_command(group)


@bp.cli.command("send-reminders")
def send_reminders():
    """Queue a reminder for each confirmed place at an event starting within the next 24 hours
    (once per registration: run it hourly)."""
    if is_sqlite(db.session):
        begin_immediate(db.session)  # one writer at a time: the reminded_at check holds
    count = reminders.send_reminders()
    db.session.commit()
    click.echo(f"queued {count} reminders")
    if current_app.config.get("MAIL_BACKEND") == "console":
        click.echo("MAIL_BACKEND=console: run `flask --app app outbox send` to print them")
