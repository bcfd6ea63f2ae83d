"""Migration 0020 on a first-wave database full of rows: every existing account is verified,
nobody is a focal point, no organization has domains or two-stage approval."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests.test_migrations import _load_first_wave, flask


def _assert_existing_accounts_verified(url: str) -> None:
    counts = _load_first_wave(url)
    assert counts["user"] > 3
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            users = conn.execute(sa.text('SELECT membership, focal_point FROM "user"')).all()
            orgs = conn.execute(
                sa.text("SELECT email_domains, focal_point_approval FROM organization")
            ).all()
    finally:
        engine.dispose()
    assert len(users) == counts["user"]
    assert {(m, bool(f)) for m, f in users} == {("verified", False)}
    assert {(str(d), bool(f)) for d, f in orgs} == {("[]", False)}


def test_existing_accounts_are_verified_on_sqlite(tmp_path):
    _assert_existing_accounts_verified(f"sqlite:///{tmp_path / 'first-wave.sqlite'}")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured")
def test_existing_accounts_are_verified_on_postgresql():
    url = os.environ["TEST_DATABASE_URL"]
    engine = sa.create_engine(url)

    def reset():
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))

    reset()
    try:
        _assert_existing_accounts_verified(url)
    finally:
        reset()
        engine.dispose()
