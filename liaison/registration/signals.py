"""What happens to registrations, for the packages above `registration` (see
liaison.core.signals).

- `registration_changed` (sender: the registration; `news=` one of
  `liaison.notifications.notices.REGISTRATION_NEWS`: received, confirmed, waitlisted,
  promoted, approved, declined, cancelled), sent in the transaction that changed it.
  `liaison.notifications` tells the registrant, with an invite or a cancellation.
- `registration_created` (sender: the registration), sent by `place` when a registration or a
  nomination makes a new place (a first one, or one again after a cancellation), just before
  its `registration_changed`. `liaison.integration` queues the `registration.created` webhooks.
"""
from __future__ import annotations

from liaison.core.signals import namespace

registration_changed = namespace.signal("registration-changed")
registration_created = namespace.signal("registration-created")
