"""Signed links in account mail (confirm an address, reset a password) and the mail that
carries them. A link is an itsdangerous token signed with SECRET_KEY under its own salt, that
expires (48 h to confirm, 1 h to reset) and names a fingerprint of the account's secrets, so
it dies when the password or the session token changes. Mail is queued in the caller's
transaction (liaison.outbox) and rendered in the recipient's language."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from extensions import db
from liaison.accounts.mailing import mail_user
from liaison.accounts.models import User
from liaison.core.errors import ValidationFailed
from liaison.mail.models import OutboxMessage

CONFIRM_MAX_AGE = timedelta(hours=48)
RESET_MAX_AGE = timedelta(hours=1)
INVITE_MAX_AGE = timedelta(days=7)
_SALTS = {"confirm": "liaison.confirm-email", "reset": "liaison.reset-password",
          "invite": "liaison.invitation"}
_PATHS = {"confirm": "/auth/confirm/", "reset": "/auth/reset/", "invite": "/auth/invite/"}
_MAX_AGES = {"confirm": CONFIRM_MAX_AGE, "reset": RESET_MAX_AGE, "invite": INVITE_MAX_AGE}
# Links that die once used: choosing a password changes the hash they were signed with.
_SINGLE_USE_BY_PASSWORD = ("reset", "invite")


class LinkProblem(ValidationFailed):
    """A link that is tampered with, expired or already used; `code` says which."""

    status = 400


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[purpose])


def _fingerprint(user: User, purpose: str) -> str:
    """A digest of what a password change replaces: the link dies with the old password.
    The secrets themselves never appear in a link (a signed token is readable)."""
    parts = [purpose, str(user.id), user.email, user.session_token]
    if purpose in _SINGLE_USE_BY_PASSWORD:
        parts.append(user.password_hash)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user, purpose)})


def link_for(user: User, purpose: str) -> str:
    return current_app.config["BASE_URL"] + _PATHS[purpose] + make_token(user, purpose)


def user_for_token(token: str, purpose: str) -> User:
    """The active account a link names; LinkProblem when it is tampered with, expired, or no
    longer matches the account (used, or the password changed since)."""
    serializer = _serializer(purpose)
    max_age = int(_MAX_AGES[purpose].total_seconds())
    try:
        data = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkProblem(
            _("This link has expired. Ask for a new one below."), code="link_expired"
        ) from None
    except BadSignature:
        raise LinkProblem(
            _(
                "This link is not valid. Check that you copied all of it from the mail, "
                "or ask for a new one."
            ),
            code="link_invalid",
        ) from None
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user, purpose):
        raise LinkProblem(
            _("This link has already been used or is no longer valid. Ask for a new one below."),
            code="link_used",
        )
    return user


def _subject(kind: str) -> str:
    subjects = {
        "confirm_email": _("Confirm your email address for Liaison"),
        "signup_existing": _("Someone tried to sign up to Liaison with your address"),
        "password_reset": _("Reset your Liaison password"),
        "invitation": _("You are invited to Liaison"),
        "login_locked": _("Repeated failed log-ins to your Liaison account"),
    }
    return subjects[kind]


def queue_mail(
    kind: str, user: User, *, link: str | None = None, **context: object
) -> OutboxMessage:
    """One account mail to `user`, in their language, with `link` when the kind needs one
    (and `context` for its template)."""
    base_url = current_app.config["BASE_URL"]
    return mail_user(
        user, kind=kind, template=kind, subject=lambda: _subject(kind),
        link=link,
        login_link=f"{base_url}/auth/login",
        forgot_link=f"{base_url}/auth/forgot",
        confirm_hours=int(CONFIRM_MAX_AGE.total_seconds() // 3600),
        reset_minutes=int(RESET_MAX_AGE.total_seconds() // 60),
        invite_days=INVITE_MAX_AGE.days,
        **context,
    )
