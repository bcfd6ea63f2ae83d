"""What happens to attendance records, for the packages above `records` (see
liaison.core.signals): webhooks and the exchange board connect receivers.

- `attendance_closed` (sender: the event; `by=` the user who closed it), sent in the
  transaction that closes an event's attendance, after the remaining confirmed registrations
  were marked absent and the certificates were issued.
- `certificate_issued` (sender: the certificate), sent in the transaction that issues it
  (on closing attendance, or on a reissue).
"""
from __future__ import annotations

from liaison.core.signals import namespace

attendance_closed = namespace.signal("attendance-closed")
certificate_issued = namespace.signal("certificate-issued")
