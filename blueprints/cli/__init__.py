"""Command-line commands, all as `flask --app app <command>` (cli_group=None).

Each submodule adds its commands to `bp`: users.py (create-org, create-user, create-token),
demo.py (seed-demo), mail.py (outbox send/status, send-reminders)."""

from flask import Blueprint

bp = Blueprint("cli", __name__, cli_group=None)

from . import (  # noqa: E402,F401  (create-org, create-user, create-token, seed-demo)
    backup,  # noqa: E402,F401  (registers `backup`)
    demo,
    mail,  # noqa: E402,F401  (outbox send/status/requeue, send-reminders)
    users,
)
