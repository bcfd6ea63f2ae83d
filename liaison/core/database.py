"""Engine settings that the database needs before the first query, SQLite's write lock, and
the LIKE pattern for searches."""
from __future__ import annotations

import contextvars

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

_begin_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "begin_immediate", default=False
)


# Primary keys are `integer` on PostgreSQL: a larger number can name no row, and comparing one
# would fail on SQLite beyond 64 bits. Input parsers refuse bigger ids before any query.
MAX_ID = 2**31 - 1


def configure_engine(engine: Engine) -> None:
    """SQLite: foreign keys enforced, WAL so readers never block the writer, a busy timeout so
    concurrent writers wait for the lock instead of failing, and BEGIN issued by SQLAlchemy
    (the documented pysqlite recipe) so `begin_immediate` can take the write lock up front."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")


def begin_immediate(session: Session) -> None:
    """SQLite only: restart the session's transaction as BEGIN IMMEDIATE, which waits (up to
    the busy timeout) for the database write lock and then holds it until commit.

    A deferred transaction that has read and later tries to write can fail at once with
    "database is locked" under WAL; taking the lock first makes the read-count-write that
    follows atomic across processes. The session must hold no unflushed changes: the
    read-only transaction before this point is rolled back, and loaded objects reload.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_immediate() needs a session without pending changes")
    session.rollback()
    token = _begin_immediate.set(True)
    try:
        session.connection()
    finally:
        _begin_immediate.reset(token)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def contains_pattern(text: str) -> str:
    """`%text%` for LIKE/ILIKE with escape="\\": a %, _ or \\ that someone typed matches only
    itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
