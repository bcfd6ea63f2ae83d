"""What happens to accounts, for the packages above `accounts` (see liaison.core.signals).

- `membership_changed` (sender: the user; `by=` the user who decided, or None), sent when a
  member's standing changes in a way that may shrink what audiences admit them to: their
  membership stops being verified (rejected, or pending again after a change of organization),
  or they move to another organization (whose kind may differ). Sent after the change is
  flushed. `liaison.registration` cancels the registrations their audience no longer admits.
- `organization_kind_changed` (sender: the organization), sent when an organization's kind
  changes: every member's audience kind changed with it. `liaison.registration` does the same
  for each member.
"""
from __future__ import annotations

from liaison.core.signals import namespace

membership_changed = namespace.signal("membership-changed")
organization_kind_changed = namespace.signal("organization-kind-changed")
