"""A production app that touches the database before gunicorn forks (as a warm-up would),
plus a route naming the worker process and its PostgreSQL backend: test_gunicorn uses it."""
from __future__ import annotations

import os

from flask import jsonify
from sqlalchemy import text

from app import create_app
from extensions import db


def make_app():
    app = create_app()
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # the master now holds a pooled connection
        db.session.remove()

    @app.get("/_backend")
    def backend():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        return jsonify(worker=os.getpid(), backend=pid)

    return app
