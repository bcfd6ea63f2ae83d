"""Consistent backups: SQLite through its online backup API, PostgreSQL through pg_dump."""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup that could not be made; the message says what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    method: str  # "sqlite-online-backup" or "pg_dump"
    size: int


def default_name(dialect: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"liaison-{stamp}.{'sqlite' if dialect == 'sqlite' else 'dump'}"


def backup(database_url: str | URL, target: str | Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the database to `target` (a file, or a directory to put a dated file in)."""
    url = make_url(database_url) if isinstance(database_url, str) else database_url
    dialect = url.get_backend_name()
    target = Path(target)
    if target.is_dir():
        target = target / default_name(dialect)
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or pass --force.")
    if not target.parent.is_dir():
        raise BackupError(f"Directory {target.parent} does not exist.")
    if dialect == "sqlite":
        return backup_sqlite(_sqlite_path(url), target)
    if dialect == "postgresql":
        return backup_postgres(url, target)
    raise BackupError(f"Backups of {dialect} databases are not supported; use its own tools.")


def _sqlite_path(url: URL) -> str:
    database = url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    if not os.path.exists(database):
        raise BackupError(f"SQLite database {database} does not exist.")
    return database


def backup_sqlite(source: str, target: Path) -> BackupResult:
    """SQLite's online backup API copies a consistent snapshot while the app keeps writing;
    the copy is written next to the target and renamed into place only when it checks out."""
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(partial)
        try:
            src.execute("PRAGMA busy_timeout=30000")
            # pages=-1: one step, one read transaction, so the copy is one point in time.
            # Under WAL a reader never blocks the writers.
            src.backup(dst, pages=-1)
            # A single self-contained file: no -wal/-shm companions to lose when copying it.
            dst.execute("PRAGMA journal_mode=DELETE")
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if verdict != "ok":
            raise BackupError(f"The copy failed its integrity check: {verdict}")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return BackupResult(target, "sqlite-online-backup", target.stat().st_size)


def find_pg_dump() -> str | None:
    """The newest pg_dump installed: it must be at least the server's major version."""
    def major(path: str) -> int:
        version = Path(path).parent.parent.name
        return int(version) if version.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=major)
    return candidates[-1] if candidates else shutil.which("pg_dump")


def libpq_url(url: URL) -> tuple[str, dict[str, str]]:
    """The URL pg_dump understands (no +driver), with the password moved into PGPASSWORD so
    it never shows in the process list."""
    env = {"PGPASSWORD": url.password} if url.password else {}
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def backup_postgres(url: URL, target: Path) -> BackupResult:
    """pg_dump's custom format: a consistent snapshot (one repeatable-read transaction),
    compressed, restorable with pg_restore into an empty database."""
    pg_dump = find_pg_dump()
    if not pg_dump:
        raise BackupError(
            "pg_dump is not installed (Debian package postgresql-client). Run on a host that "
            "has it: pg_dump --format=custom --no-owner --file BACKUP.dump \"$DATABASE_URL\" "
            "(the URL without '+psycopg')."
        )
    dsn, env = libpq_url(url)
    partial = target.with_name(f".{target.name}.partial")
    command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "-f", str(partial), dsn]
    try:
        finished = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, check=False
        )
        if finished.returncode != 0:
            raise BackupError(f"pg_dump failed: {finished.stderr.strip()}")
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return BackupResult(target, "pg_dump", target.stat().st_size)
