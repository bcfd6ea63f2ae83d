"""API bearer tokens: shown once, stored as a SHA-256 digest, refused once revoked."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from extensions import db
from liaison.accounts.models import ApiToken, User
from liaison.core.database import begin_immediate, is_sqlite
from liaison.core.errors import ValidationFailed
from liaison.core.types import utcnow

PREFIX = "lia_"
TOUCH_INTERVAL = timedelta(seconds=60)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if len(name) > 100:
        message = _("Use at most %(n)d characters.", n=100)
        raise ValidationFailed(message, fields={"name": message})
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:12], token_hash=_digest(raw))
    db.session.add(token)
    db.session.flush()
    return token, raw


def user_for_api_token(raw: str) -> User | None:
    """The active owner of an unrevoked token, else None; marks the token as used (at most
    once per TOUCH_INTERVAL, so a busy client does not turn every call into a write)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    digest = _digest(raw)
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == digest)
        .options(joinedload(ApiToken.user))  # every call reads the owner: same query
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.is_revoked or not token.user.is_active:
        return None
    if _touch_due(token.last_used_at):
        if is_sqlite(db.session):
            # Read-then-write in one SQLite transaction fails at once ("database is locked")
            # when another writer went first; take the write lock up front instead (it waits).
            begin_immediate(db.session)
        if _touch_due(token.last_used_at):  # reloaded under the lock
            token.last_used_at = utcnow()
            db.session.flush()
    return token.user


def _touch_due(last_used_at) -> bool:
    """last_used_at is kept to the minute: most API calls then write nothing at all."""
    return last_used_at is None or utcnow() - last_used_at >= TOUCH_INTERVAL


def revoke_token(token: ApiToken) -> None:
    """Revoking is permanent; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def active_count(user: User) -> int:
    """How many of the user's tokens still work."""
    return db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )


def revoke_all(user: User) -> int:
    """Revoke every token of the user (after a password change they asked for it); returns how
    many were still working."""
    now = utcnow()
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount
