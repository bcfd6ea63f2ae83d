"""The per-account log-in limit: at most LOGIN_ACCOUNT_LIMIT attempts for one email within
LOGIN_ACCOUNT_WINDOW seconds, from whatever addresses; the window's last failure locks the
account's log-in for LOGIN_LOCKOUT seconds, twice as long after each lockout in a row (at most
LOGIN_LOCKOUT_MAX), and mails the owner once per lockout. Unknown emails are counted the same
way, so the limit says nothing about which addresses have accounts.

Counted atomically, in the database every process shares: an attempt is *taken* before the
password is checked, by one conditional UPDATE that succeeds only while the window has room
(PostgreSQL re-checks the condition on the row it locks; SQLite has one writer at a time), and
the caller commits it before checking. So 40 simultaneous tries against a limit of 10 check
at most 10 passwords. A right password clears the count; a wrong one keeps its attempt.

Whoever proves the mailbox (a reset link, the confirmation link) clears the lock too: an
attacker can delay the owner's log-in, never take away their way back in.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from extensions import db
from liaison.accounts import links
from liaison.accounts.models import LoginThrottle, User, normalize_email
from liaison.core.database import begin_immediate, is_sqlite
from liaison.core.errors import DomainError

QUIET = timedelta(days=1)  # a day without attempts forgets earlier lockouts


@dataclass(frozen=True)
class Limits:
    attempts: int
    window: timedelta
    lockout: timedelta
    lockout_max: timedelta

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            attempts=int(config.get("LOGIN_ACCOUNT_LIMIT", 10)),
            window=timedelta(seconds=int(config.get("LOGIN_ACCOUNT_WINDOW", 900))),
            lockout=timedelta(seconds=int(config.get("LOGIN_LOCKOUT", 300))),
            lockout_max=timedelta(seconds=int(config.get("LOGIN_LOCKOUT_MAX", 3600))),
        )

    def lockout_after(self, lockouts: int) -> timedelta:
        """The lockout that follows `lockouts` earlier ones in a row: 5, 10, 20 … minutes."""
        return min(self.lockout * (2 ** min(lockouts, 20)), self.lockout_max)


class Locked(DomainError):
    """No more attempts for this account until `until`."""

    code = "login_locked"
    status = 429

    def __init__(self, until: datetime, now: datetime):
        self.until = until
        self.retry_after = max(1, int((until - now).total_seconds()) + 1)
        minutes = max(1, -(-self.retry_after // 60))
        super().__init__(_(
            "Too many failed log-ins for this account. Try again in %(minutes)d minutes, or "
            "set a new password with “Forgot your password?”.", minutes=minutes))


def key_for(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()


def _write_lock() -> None:
    """SQLite: hold the write lock from the first statement (a read that later writes could
    fail at once under WAL). The session must be clean: callers start here."""
    if is_sqlite(db.session):
        begin_immediate(db.session)


def _ensure_row(key: str, now: datetime) -> None:
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(key=key, attempts=0, window_start=now, lockouts=0)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def take_attempt(email: str, now: datetime, limits: Limits) -> None:
    """Count one log-in attempt for `email` before its password is checked; Locked when the
    account is locked or its window is full. The caller commits at once."""
    key = key_for(email)
    _write_lock()
    _ensure_row(key, now)
    row = LoginThrottle.__table__.c
    expired = row.window_start <= now - limits.window
    taken = db.session.execute(
        update(LoginThrottle)
        .where(
            row.key == key,
            or_(row.locked_until.is_(None), row.locked_until <= now),
            or_(expired, row.attempts < limits.attempts),
        )
        .values(
            # Every SET reads the row as it was: a new window starts at 1, else one more.
            attempts=case((expired, 1), else_=row.attempts + 1),
            window_start=case((expired, now), else_=row.window_start),
            lockouts=case((row.window_start <= now - QUIET, 0), else_=row.lockouts),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken == 1:
        return
    state = db.session.execute(
        select(row.locked_until, row.window_start).where(row.key == key)
    ).one()
    if state.locked_until is not None and state.locked_until > now:
        raise Locked(state.locked_until, now)
    raise Locked(state.window_start + limits.window, now)  # in-flight attempts fill it


def record_failure(email: str, now: datetime, limits: Limits) -> bool:
    """A wrong password: its attempt stays counted. The failure that finds the window full
    starts the lockout (and mails the owner, if the email has an active account); True then.
    Call it on a clean session (after the failed check's rollback)."""
    _write_lock()
    row = db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.key == key_for(email))
        .with_for_update().execution_options(populate_existing=True)
    )
    window_full = (
        row is not None and row.attempts >= limits.attempts
        and row.window_start > now - limits.window
    )
    if not window_full:
        return False
    lockout = limits.lockout_after(row.lockouts)
    row.locked_until = now + lockout
    row.lockouts += 1
    row.attempts, row.window_start = 0, now
    db.session.flush()
    owner = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if owner is not None and owner.active:
        links.queue_mail("login_locked", owner, attempts=limits.attempts,
                         minutes=int(lockout.total_seconds() // 60))
    return True


def clear(email: str) -> None:
    """A right password, or a proven mailbox: the count and any lockout are forgotten."""
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.key == key_for(email))
        .execution_options(synchronize_session=False)
    )


def purge(now: datetime) -> int:
    """The worker's daily job: rows of emails nobody tried for a day and that hold no lock."""
    result = db.session.execute(
        delete(LoginThrottle)
        .where(
            LoginThrottle.window_start < now - QUIET,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
