"""`app_with(**settings)`: an app whose configuration differs from TestConfig before it starts
(rate limits on, HTTPS forced, proxies trusted), on the same database as the main fixture."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from app import create_app
from config import TestConfig
from extensions import db, limiter


def _reset_postgres() -> None:
    db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    db.session.commit()


@pytest.fixture
def app_with(tmp_path):
    contexts = []

    def make(**settings):
        assert not contexts, "one app per test: both would share the database"
        database = os.environ.get("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'sec.sqlite'}")
        config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database, **settings})
        app = create_app(config)
        context = app.app_context()
        context.push()
        contexts.append(context)
        if db.engine.dialect.name == "postgresql":
            _reset_postgres()
        db.create_all()
        limiter.reset()
        return app

    yield make
    for context in contexts:
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            _reset_postgres()
        db.engine.dispose()
        context.pop()
