"""`flask --app app backup`: a consistent copy taken while the app writes, and a restore."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from config import TestConfig
from extensions import db
from liaison.accounts.models import Organization, OrgKind
from liaison.core.backup import BackupError, backup, find_pg_dump
from liaison.core.database import configure_engine

INSERT = text(
    "INSERT INTO organization (name, kind, created_at) "
    "VALUES (:n, 'customs', '2026-01-01 00:00:00')"
)


def sqlite_app(path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    return app


def populate(app, count: int) -> None:
    with app.app_context():
        db.session.add_all(
            Organization(name=f"Office {i:05d}", kind=OrgKind.customs, city="Shenzhen " * 5)
            for i in range(count)
        )
        db.session.commit()


def test_backup_while_a_writer_inserts_is_consistent_and_restores(tmp_path):
    live = tmp_path / "live.sqlite"
    app = sqlite_app(live)
    populate(app, 5000)

    writer_engine = create_engine(f"sqlite:///{live}")
    configure_engine(writer_engine)
    stop = threading.Event()
    written = {"n": 0, "committed": 0}
    first_batch = threading.Event()

    def writer():
        while not stop.is_set():
            with writer_engine.begin() as conn:
                for _ in range(20):
                    conn.execute(INSERT, {"n": f"Written while backing up {written['n']}"})
                    written["n"] += 1
            written["committed"] = written["n"]
            first_batch.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert first_batch.wait(10)
        before = written["committed"]
        copy = tmp_path / "backups" / "copy.sqlite"
        copy.parent.mkdir()
        result = app.test_cli_runner().invoke(args=["backup", str(copy)])
        assert result.exit_code == 0, result.output
        assert "sqlite-online-backup" in result.output
        during = written["n"]
    finally:
        stop.set()
        thread.join()
        writer_engine.dispose()
    assert written["committed"] > before, "the writer kept writing while the backup ran"

    # The copy is one self-contained file: no -wal companion needed.
    assert not copy.with_name(copy.name + "-wal").exists()
    check = sqlite3.connect(copy)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        copied = check.execute("SELECT count(*) FROM organization").fetchone()[0]
        names = {
            r[0] for r in check.execute("SELECT name FROM organization WHERE name LIKE 'Written%'")
        }
    finally:
        check.close()
    # Everything committed before the backup started is in it; nothing half-written is
    # (the writer commits in batches of 20).
    assert 5000 + before <= copied <= 5000 + during
    assert (copied - 5000) % 20 == 0
    assert copied - 5000 == len(names)
    assert names == {f"Written while backing up {i}" for i in range(len(names))}

    # Restore as documented: stop the app, put the copy where DATABASE_URL points, start.
    with app.app_context():
        db.engine.dispose()
    restored_path = tmp_path / "restored.sqlite"
    shutil.copyfile(copy, restored_path)
    restored = sqlite_app(restored_path)
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == copied
        assert db.session.scalar(
            select(Organization.name).where(Organization.name == "Office 04999")
        )
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_names_files_in_a_directory(tmp_path):
    live = tmp_path / "live.sqlite"
    app = sqlite_app(live)
    populate(app, 3)
    runner = app.test_cli_runner()
    target = tmp_path / "out.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "--force" in again.output
    assert runner.invoke(args=["backup", "--force", str(target)]).exit_code == 0

    folder = tmp_path / "nightly"
    folder.mkdir()
    assert runner.invoke(args=["backup", str(folder)]).exit_code == 0
    (made,) = list(folder.iterdir())
    assert made.name.startswith("liaison-") and made.suffix == ".sqlite"
    with app.app_context():
        db.engine.dispose()


def test_in_memory_database_cannot_be_backed_up(tmp_path):
    with pytest.raises(BackupError):
        backup("sqlite://", tmp_path / "x.sqlite")


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs the PostgreSQL pass (scripts/with-postgres)",
)
def test_postgres_backup_with_pg_dump_restores_into_an_empty_database(app, make_org, tmp_path):
    make_org(name="Huangpu Customs", kind=OrgKind.customs)
    target = tmp_path / "pg.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.output

    url = make_url(os.environ["TEST_DATABASE_URL"])
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS liaison_restore"))
        conn.execute(text("CREATE DATABASE liaison_restore"))
    restore_url = url.set(database="liaison_restore")
    pg_restore = str(Path(find_pg_dump()).with_name("pg_restore"))
    dsn = restore_url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([pg_restore, "--no-owner", "--dbname", dsn, str(target)], check=True)
    restored = create_engine(restore_url)
    try:
        with restored.connect() as conn:
            names = conn.execute(text("SELECT name FROM organization")).scalars().all()
        assert names == ["Huangpu Customs"]
    finally:
        restored.dispose()
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE liaison_restore"))
        admin.dispose()
