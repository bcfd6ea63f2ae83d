"""Password checks behind the per-account limit (liaison.accounts.throttle), for the log-in
form and for "your password again" before a new API token."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from extensions import db
from liaison.accounts import throttle, users
from liaison.core.types import utcnow

T = TypeVar("T")


def password_checked(email: str, check: Callable[[], T]) -> T:
    """`check()` (a password check) as one attempt for `email`'s account. The attempt is taken
    and committed first, so other processes count it while the password is hashed; a right
    password (a truthy result) clears the count, in the caller's transaction; a wrong one is
    recorded, and may start the account's lockout. Raises throttle.Locked instead of checking
    when the account has no attempt left."""
    limits = throttle.Limits.from_config(current_app.config)
    now = utcnow()
    try:
        throttle.take_attempt(email, now, limits)
    except throttle.Locked:
        db.session.rollback()
        raise
    db.session.commit()
    try:
        result = check()
    except users.EmailNotConfirmed:  # the right password of an unconfirmed account
        db.session.rollback()
        throttle.clear(email)
        db.session.commit()
        raise
    if result:
        throttle.clear(email)
    else:
        db.session.rollback()
        throttle.record_failure(email, now, limits)
        db.session.commit()
    return result
