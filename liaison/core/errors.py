"""Domain errors: rules raise them, the web and API edges translate them."""
from __future__ import annotations


class DomainError(Exception):
    """A rule refused an action. `code` is stable (API clients match on it), `message` is
    for people (already translated), `fields` maps field names to messages."""

    code = "invalid"
    status = 422  # the API's HTTP status for this error

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """Input that breaks a rule of shape or range; `fields` says which."""

    code = "invalid"
    status = 422


class Conflict(DomainError):
    """The action does not fit the current state (approving a cancelled registration)."""

    code = "conflict"
    status = 409


class NotAllowed(DomainError):
    """The actor may not do this."""

    code = "forbidden"
    status = 403
