"""Bearer tokens for /api/v1: the only way in (no cookie sessions), one rate limit per token,
and a per-address limit on failed tokens only, so guessing is slow while an office that shares
one public address is never throttled for its valid tokens."""
from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask_babel import gettext as _
from limits import parse

from extensions import db, limiter
from liaison.accounts import apitokens
from liaison.accounts.models import User


class ApiError(Exception):
    """An error answered in the SPEC error shape by the api blueprint's handler."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def bearer_token() -> str | None:
    """The raw token from `Authorization: Bearer <token>`, or None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


def rate_limit_key() -> str:
    """Per token, never per address: many people of one office share one public address."""
    token = bearer_token() or ""
    return "api-token:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def without_token() -> bool:
    return bearer_token() is None


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _unauthorized(message: str, error: str | None = None) -> ApiError:
    challenge = 'Bearer realm="liaison"'
    if error:
        challenge += f', error="{error}"'
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def _guessing_limited() -> bool:
    """Count a failed token against the caller's address; True once the limit is reached."""
    if not limiter.enabled:
        return False
    limit = parse(current_app.config["API_TOKEN_FAILURE_LIMIT"])
    return not limiter.limiter.hit(limit, "api-token-failure", request.remote_addr or "")


def authenticate() -> User:
    """The user behind the request's bearer token; ApiError 401 (or 429) otherwise.

    The token's last-used stamp is committed at once, on its own, so it survives whatever
    the endpoint then does with the transaction."""
    raw = bearer_token()
    if raw is None:
        raise _unauthorized(_("Send an API token: Authorization: Bearer <token>."))
    try:
        user = apitokens.user_for_api_token(raw)
    except UnicodeError:
        user = None
    if user is None or not user.is_active:
        db.session.rollback()
        if _guessing_limited():
            message = _("Too many attempts. Wait a minute and try again.")
            raise ApiError(429, "rate_limited", message)
        raise _unauthorized(_("This API token is not valid or has been revoked."), "invalid_token")
    db.session.commit()
    g.api_user = user
    return user
