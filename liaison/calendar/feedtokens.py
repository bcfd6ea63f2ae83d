"""Personal calendar-feed tokens: derived, stored only as a hash, rotatable.

token = urlsafe-base64(HMAC-SHA256(SECRET_KEY, "feed:<user id>:<salt>")), 256 bits, no padding.
Deriving it lets the account page and the API show the URL at any time, while the database
keeps only its SHA-256 (`user.calendar_token_hash`) for the look-up. Rotating the salt gives
a new token and the old URL answers 404. Changing SECRET_KEY changes every token: the stored
hashes go stale and are refreshed by `calendar_token` the next time the owner sees the URL.

A new user's hash is written in the same INSERT transaction (an `after_insert` hook), so a
URL shown on a GET works without that view committing. `calendar_token`/`calendar_url` only
write when the hash is stale (after a SECRET_KEY change): then they flush, and the caller
should commit.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from liaison.accounts.models import User

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _derive(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    message = f"feed:{user.id}:{user.calendar_token_salt}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def calendar_token(user: User) -> str:
    """The user's current feed token; stores its hash when missing or stale (flush only)."""
    if user.id is None or not user.calendar_token_salt:
        if not user.calendar_token_salt:
            user.calendar_token_salt = secrets.token_hex(16)
        db.session.flush()
    token = _derive(user)
    digest = _hash(token)
    if user.calendar_token_hash != digest:
        user.calendar_token_hash = digest
        db.session.flush()
    return token


@event.listens_for(User, "after_insert")
def _store_hash_of_new_user(_mapper, connection, user: User) -> None:
    """Every account gets its feed hash at creation, inside the creating transaction."""
    digest = _hash(_derive(user))
    connection.execute(
        update(User.__table__).where(User.__table__.c.id == user.id)
        .values(calendar_token_hash=digest)
    )
    set_committed_value(user, "calendar_token_hash", digest)


def rotate_calendar_token(user: User) -> str:
    """A new salt, hence a new token; the old feed URL stops working (flush only)."""
    user.calendar_token_salt = secrets.token_hex(16)
    return calendar_token(user)


def user_for_calendar_token(token: str) -> User | None:
    """The active owner of a feed token, or None (malformed, unknown, stale or inactive)."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    user = db.session.scalar(select(User).where(User.calendar_token_hash == _hash(token)))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(_derive(user), token):
        return None  # a hash left over from another SECRET_KEY or salt
    return user


def calendar_url(user: User, base_url: str) -> str:
    """The https (or http in development) address of the user's personal feed."""
    return f"{base_url.rstrip('/')}/calendar/{calendar_token(user)}.ics"


def webcal_url(url: str) -> str:
    """The same feed as a webcal:// address, which Apple and Outlook open as a subscription."""
    return re.sub(r"^https?://", "webcal://", url)


def google_subscribe_url(url: str) -> str:
    """Google Calendar's "add by URL" link; it accepts the webcal:// form, not https://."""
    from urllib.parse import quote

    return "https://calendar.google.com/calendar/render?cid=" + quote(webcal_url(url), safe="")
