"""The committed migrations build exactly the models' schema (`flask db upgrade` + `db check`)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LIAISON_ENV": "development", "DATABASE_URL": database_url}
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def upgrade_then_check(url: str) -> None:
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask("db", "check", database_url=url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    assert_token_moves(url)


def assert_token_moves(url: str) -> None:
    """The migrated database has the content-generation row and its triggers."""
    engine = sa.create_engine(url)
    token = sa.text("SELECT token FROM content_generation WHERE id = 1")
    try:
        with engine.begin() as conn:
            before = conn.scalar(token)
            conn.execute(sa.text(
                "INSERT INTO organization (name, kind, created_at) "
                "VALUES ('Migrated Org', 'customs', CURRENT_TIMESTAMP)"
            ))
        with engine.begin() as conn:
            assert before is not None and conn.scalar(token) != before
            conn.execute(sa.text("DELETE FROM organization WHERE name = 'Migrated Org'"))
    finally:
        engine.dispose()


def test_migrations_match_models_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    upgrade_then_check(url)
    tables = set(sa.inspect(sa.create_engine(url)).get_table_names())
    assert {"organization", "user", "event", "registration", "api_token"} <= tables


def test_downgrade_to_empty_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite'}"
    assert flask("db", "upgrade", database_url=url).returncode == 0
    down = flask("db", "downgrade", "base", database_url=url)
    assert down.returncode == 0, down.stderr
    engine = sa.create_engine(url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade_then_check(url)


def test_a_database_from_before_the_content_generation_table_upgrades(tmp_path):
    """Databases made by the first 0001 (without `content_generation`) get it from 0002."""
    url = f"sqlite:///{tmp_path / 'older.sqlite'}"
    assert flask("db", "upgrade", "0001", database_url=url).returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE content_generation"))
    engine.dispose()
    upgrade_then_check(url)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured")
def test_migrations_match_models_on_postgresql():
    url = os.environ["TEST_DATABASE_URL"]
    engine = sa.create_engine(url)

    def reset():
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))

    reset()
    try:
        upgrade_then_check(url)
    finally:
        reset()
        engine.dispose()
