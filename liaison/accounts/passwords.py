"""Password hashing with Argon2id (argon2-cffi defaults, above OWASP's minimum)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

_hasher = PasswordHasher()
# Tests hash hundreds of passwords; the cheapest Argon2id parameters keep them fast.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

MIN_LENGTH = 10


def _current() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast_hasher
    return _hasher


def hash_password(password: str) -> str:
    return _current().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; a malformed stored hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Hashes made with older or weaker parameters are upgraded at the next log-in."""
    try:
        return _current().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problems(password: str) -> list[str]:
    """Every reason a new password is refused (empty when it is fine), so a form can say them
    all at once. Kept simple: length beats complexity rules."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > 200:
        problems.append(_("Use at most 200 characters."))
    if password.strip() == "" or len(set(password)) < 4:
        problems.append(_("This password is too easy to guess; mix more different characters."))
    return problems


def password_problem(password: str) -> str | None:
    """The reasons a new password is refused, in one message; None when it is fine."""
    return " ".join(password_problems(password)) or None
