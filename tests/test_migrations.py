"""The committed migrations build exactly the models' schema (`flask db upgrade` + `db check`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
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


@pytest.fixture
def empty_postgresql():
    """The PostgreSQL pass's database with an empty schema, emptied again afterwards."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL not configured")
    engine = sa.create_engine(url)

    def reset():
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))

    reset()
    try:
        yield url
    finally:
        reset()
        engine.dispose()


def test_migrations_match_models_on_postgresql(empty_postgresql):
    upgrade_then_check(empty_postgresql)


FIRST_WAVE = ROOT / "tests" / "fixtures" / "first_wave_demo.json"


def _load_first_wave(url: str) -> dict[str, int]:
    """Fill a database at the first wave's schema (revision 0002) with the first wave's demo
    rows, as they were stored; returns the row count per table."""
    data = json.loads(FIRST_WAVE.read_text())
    assert flask("db", "upgrade", data["revision"], database_url=url).returncode == 0
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    counts = {}
    try:
        with engine.begin() as conn:
            for name, table_data in data["tables"].items():
                table = metadata.tables[name]
                rows = [dict(zip(table_data["columns"], row, strict=True))
                        for row in table_data["rows"]]
                for row in rows:
                    for column, value in row.items():
                        row[column] = _stored(table.c[column].type, value)
                if rows:
                    conn.execute(table.insert(), rows)
                counts[name] = len(rows)
            if engine.dialect.name == "postgresql":  # rows came with their ids
                for name in counts:
                    if "id" in metadata.tables[name].c:
                        conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 1))"
                        ))
    finally:
        engine.dispose()
    return counts


def _stored(column_type, value):
    """SQLite kept datetimes as text and booleans as 0/1; give each driver its own type."""
    if value is None:
        return None
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if isinstance(column_type, sa.Boolean):
        return bool(value)
    return value


# Tables a later migration folded into another on purpose (their rows are checked there).
FOLDED = {"attendance"}  # 0080: the outcome is a column of the registration


def _first_wave_attendance_of_confirmed() -> int:
    tables = json.loads(FIRST_WAVE.read_text())["tables"]

    def rows(name):
        columns = tables[name]["columns"]
        return [dict(zip(columns, row, strict=True)) for row in tables[name]["rows"]]

    confirmed = {(r["user_id"], r["event_id"]) for r in rows("registration")
                 if r["status"] == "confirmed"}
    return sum((a["user_id"], a["event_id"]) in confirmed for a in rows("attendance"))


def _assert_upgrades_keeping_every_row(url: str) -> None:
    counts = _load_first_wave(url)
    assert counts["event"] > 10 and counts["registration"] > 5
    upgrade_then_check(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            for name, count in counts.items():
                if name in FOLDED:
                    continue
                assert conn.scalar(sa.text(f'SELECT COUNT(*) FROM "{name}"')) == count, name
            # 0080: each attendance row became its confirmed registration's outcome
            attended = conn.scalar(sa.text(
                "SELECT COUNT(*) FROM registration WHERE attendance = 'attended'"))
            assert attended == _first_wave_attendance_of_confirmed() > 0
            assert conn.scalar(sa.text(
                "SELECT COUNT(DISTINCT checkin_token) FROM registration")) == counts["registration"]
            titles = conn.scalars(sa.text("SELECT title FROM event ORDER BY id")).all()
    finally:
        engine.dispose()
    data = json.loads(FIRST_WAVE.read_text())["tables"]["event"]
    assert titles == [row[data["columns"].index("title")] for row in data["rows"]]


def test_a_first_wave_database_upgrades_keeping_every_row_on_sqlite(tmp_path):
    """Today's deployments run the first wave's schema (0002) with real data: `db upgrade`
    takes them to the head without losing a row, and the result matches the models."""
    _assert_upgrades_keeping_every_row(f"sqlite:///{tmp_path / 'first-wave.sqlite'}")


def test_a_first_wave_database_upgrades_keeping_every_row_on_postgresql(empty_postgresql):
    _assert_upgrades_keeping_every_row(empty_postgresql)
