"""A writing request on SQLite holds the database write lock from its start (BEGIN
IMMEDIATE), so a commit by another process between its read and its write (the worker's,
every few seconds) cannot fail it with "database is locked"; a reading request does not."""
from __future__ import annotations

import sqlite3

import pytest
from flask import request

from extensions import db


@pytest.mark.parametrize("app_settings", [{"SQLITE_WRITE_LOCK_FIRST": True}])
@pytest.mark.parametrize("method, locked", [("GET", False), ("POST", True)])
def test_a_writing_request_holds_the_write_lock_from_its_start(app, client, method, locked):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    db.session.commit()
    seen = {}

    @app.before_request
    def _try_to_write_elsewhere():  # runs after the app's own hooks, before the view
        path = db.engine.url.database
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen[request.method] = "free"
        except sqlite3.OperationalError as error:
            seen[request.method] = str(error)
        finally:
            other.close()

    client.open("/auth/login", method=method, data={"email": "", "password": ""})
    db.session.rollback()
    assert seen[method] == ("database is locked" if locked else "free")


def test_the_test_configuration_leaves_it_off(app):
    assert app.config["SQLITE_WRITE_LOCK_FIRST"] is False
