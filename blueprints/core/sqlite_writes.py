"""SQLite: a request that may write (POST, PUT, PATCH, DELETE) takes the database write lock
when it starts (BEGIN IMMEDIATE, waiting up to the busy timeout) instead of when it first writes.

Under WAL a deferred transaction that has read and then writes fails at once with "database is
locked" when another connection committed in between (the worker commits every few seconds;
`make run` on SQLite met it on sign-up). Taking the lock first makes such a request wait its
turn instead. Reading requests stay deferred, so pages never wait for a writer. PostgreSQL is
untouched. `SQLITE_WRITE_LOCK_FIRST` turns it off: the test configuration does, because its
tests share one session between the test's own code and its requests, which no server does
(tests/web/test_sqlite_writes.py turns it on).
"""
from __future__ import annotations

from flask import current_app, request

from extensions import db
from liaison.core.database import begin_immediate, is_sqlite

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app) -> None:
    @app.before_request
    def _write_lock_first():
        if request.method not in WRITING_METHODS:
            return
        if not current_app.config.get("SQLITE_WRITE_LOCK_FIRST", True):
            return
        if is_sqlite(db.session):
            begin_immediate(db.session)
