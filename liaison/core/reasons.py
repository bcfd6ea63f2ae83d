"""The reason an organizer gives when declining a registration or cancelling an event: free
text, optional, carried by the mail that tells people. One rule for both."""
from __future__ import annotations

from flask_babel import gettext as _

from liaison.core.errors import ValidationFailed

REASON_MAX = 2000


def clean_reason(reason: str | None, *, field: str = "reason") -> str | None:
    """Trimmed text, None when empty; ValidationFailed when too long or not storable."""
    if reason is None:
        return None
    reason = reason.strip().replace("\r\n", "\n")
    if not reason:
        return None
    if len(reason) > REASON_MAX:
        message = _("Use at most %(n)d characters.", n=REASON_MAX)
        raise ValidationFailed(message, fields={field: message})
    if "\x00" in reason:
        message = _("Remove the NUL characters from this text.")
        raise ValidationFailed(message, fields={field: message})
    return reason
