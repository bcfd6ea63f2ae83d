"""The content generation token: a value that changes whenever anything a page shows changes.

Database triggers, not Python, replace the token: every INSERT, UPDATE and DELETE on a tracked
table (and TRUNCATE on PostgreSQL) writes a new random token into the single row of
`content_generation`, in the same transaction as the change. So the token moves with the data
whoever writes it — a request, a CLI command, another worker, `psql` — and a rolled-back change
leaves it alone. Random rather than a counter: a restored backup cannot bring back an old
number that then comes to mean a different state.

PostgreSQL runs the trigger as a deferred constraint trigger, once per transaction, at commit:
the row lock it takes is the last lock of every writing transaction, so it cannot take part
in a deadlock (a transaction waiting for it holds nothing its holder needs).

Reading it: `liaison.pagecache.current_token()`, one primary-key look-up.

Every table is either tracked or listed in UNTRACKED with the reason; a test holds the two
lists to the metadata, so a new table cannot be forgotten.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, String
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class ContentGeneration(db.Model):
    """Exactly one row (id 1). Its token names the state of every tracked table: a write to any
    of them, committed by any process, through the ORM or plain SQL, gives a new token."""

    __tablename__ = "content_generation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(40))


TRACKED = (
    "organization",
    "user",
    "event_series",
    "event",
    "event_topic",
    "topic",
    "topic_name",
    "event_organizer",
    "registration",
    "registration_answer",  # the registrant's event page says which answers are missing
    "allocation",
    "agenda_item",
    "minutes",
    "minutes_item",
    "outcome",
    "action_item",
    "material",
    "material_version",
    "training_request",
    "request_topic",
    "training_offer",
    "offer_topic",
    "offer_city",
    "proposal",
    "proposal_message",
    "registration_question",
    "survey_response",  # the reports' survey scores
)
UNTRACKED = {
    "content_generation": "the token itself",
    "api_token": "never shown on pages; its last-use stamp would renew the token every minute",
    "outbox_message": "the mail queue; never shown on pages",
    "job": "the worker's schedule; each run would renew the token",
    "webhook_subscription": "shown only to its signed-in owner, never on a cached page",
    "webhook_delivery": "the webhook queue and log; shown only to the subscription's owner",
    "event_message": "organizers' messages to registrants; shown only to signed-in organizers",
    "attendance_log": "shown only to an event's organizers, never on a cached page",
    "certificate": "shown only to signed-in users and on /verify, which is never cached",
    "checkin_scan": "the check-in devices' scans; shown on no page",
    "survey_question": "shown to signed-in attendees and organizers only",
    "survey_invitation": "shown on no page",
    "account_decision": "shown only to admins and focal points, never on a cached page",
    "material_downloads": "download counts, shown to the files' owners only (never cached)",
    "exchange_digest": "when match digests went out; never shown on pages",
    "login_throttle": "log-in attempts per account; never shown on pages",
    "record_cell": "rebuilt from registrations and events, which are tracked",
    "record_summarized_event": "rebuilt from registrations and events, which are tracked",
    "record_person": "rebuilt from registrations and events, which are tracked",
}

_SQLITE_TOKEN = "lower(hex(randomblob(16)))"
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION liaison_new_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('liaison.generation_renewed', true) IS DISTINCT FROM 'yes' THEN
        UPDATE content_generation SET token = replace(gen_random_uuid()::text, '-', '')
        WHERE id = 1;
        PERFORM set_config('liaison.generation_renewed', 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""


def _sqlite_statements(tables: list[str]) -> list[str]:
    statements = [
        f"INSERT OR IGNORE INTO content_generation (id, token) VALUES (1, {_SQLITE_TOKEN})"
    ]
    for table in tables:
        for op in ("INSERT", "UPDATE", "DELETE"):
            name = f"liaison_generation_{table}_{op.lower()}"
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}"',
                f'CREATE TRIGGER "{name}" AFTER {op} ON "{table}" BEGIN '
                f"UPDATE content_generation SET token = {_SQLITE_TOKEN} WHERE id = 1; END",
            ]
    return statements


def _postgresql_statements(tables: list[str]) -> list[str]:
    statements = [
        _PG_FUNCTION,
        "INSERT INTO content_generation (id, token) "
        "VALUES (1, replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (id) DO NOTHING",
    ]
    for table in tables:
        statements += [
            f'DROP TRIGGER IF EXISTS liaison_generation ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER liaison_generation AFTER INSERT OR UPDATE OR DELETE '
            f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
            f"EXECUTE FUNCTION liaison_new_generation()",
            f'DROP TRIGGER IF EXISTS liaison_generation_truncate ON "{table}"',
            f'CREATE TRIGGER liaison_generation_truncate AFTER TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION liaison_new_generation()",
        ]
    return statements


def install(connection: Connection) -> None:
    """Create the row and the triggers (again: safe to repeat) on the tracked tables that exist.
    Called after `create_all` and by the migration that introduced them; a later migration
    that creates a tracked table, or rebuilds one (SQLite's batch mode copies a table to add
    some columns, and the copy has no triggers), calls this again at its end."""
    dialect = connection.dialect.name
    existing = set(sa.inspect(connection).get_table_names())
    tables = [table for table in TRACKED if table in existing]
    if dialect == "sqlite":
        statements = _sqlite_statements(tables)
    elif dialect == "postgresql":
        statements = _postgresql_statements(tables)
    else:
        raise RuntimeError(f"no content-generation triggers for the {dialect} database")
    for statement in statements:
        connection.exec_driver_sql(statement)


def install_row(connection: Connection) -> None:
    """Only the row `install` creates, for a database whose tables were emptied (the test
    suite empties every table between tests instead of building the schema again)."""
    dialect = connection.dialect.name
    statements = _sqlite_statements([]) if dialect == "sqlite" else _postgresql_statements([])
    for statement in statements:
        connection.exec_driver_sql(statement)


@sa.event.listens_for(db.metadata, "after_create")
def _install_after_create(_metadata, connection: Connection, **_kw) -> None:
    install(connection)

