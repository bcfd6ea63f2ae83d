"""Command-line commands, all as `flask --app app <command>` (cli_group=None).

Each submodule adds its commands to `bp`: users.py (create-org, create-user, create-token),
demo.py (seed-demo), mail.py (outbox send/status/requeue, send-reminders), backup.py (backup),
worker.py (worker, jobs status/run)."""

from flask import Blueprint

bp = Blueprint("cli", __name__, cli_group=None)

from . import backup, demo, mail, users, worker  # noqa: E402,F401  (importing registers the commands)
