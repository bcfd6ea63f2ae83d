"""What happens to registrations, for the packages above `registration` (see
liaison.core.signals).

- `registration_changed` (sender: the registration; `news=` one of
  `liaison.notifications.notices.REGISTRATION_NEWS`: received, confirmed, waitlisted,
  promoted, approved, declined, cancelled), sent in the transaction that changed it.
  `liaison.notifications` tells the registrant, with an invite or a cancellation.
"""
from __future__ import annotations

from liaison.core.signals import namespace

registration_changed = namespace.signal("registration-changed")
