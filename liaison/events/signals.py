"""What happens to events, for the packages above `events` to act on (see liaison.core.signals).

- `seats_changing` (sender: the event; `capacity=` and/or `org_cap=`, only those that change),
  sent by `update_event` before anything else is written. Its one receiver,
  `liaison.registration.receivers`, applies them under the seat lock: it refuses a capacity
  below the confirmed count and promotes from the waiting list when seats free up.
- `audience_changed` (sender: the event), sent by `update_event` after a new audience is
  written and flushed. Its receiver in `liaison.registration` cancels the registrations the
  audience no longer admits and tells those people (SPEC rule 1 holds after the fact too).
- `event_published` (sender: the event; `changes=` {"status": (old, new)}), sent when a draft
  is published. `liaison.notifications` tells the registrants it had before it was taken back
  to draft (a first publication has none), putting it back in their calendars.
- `event_changed` (sender: the event; `changes=` field -> (old, new)), sent when a published
  event's time, place or status changes, or when it is taken back to draft.
  `liaison.notifications` tells the registrants, with updated invites.
- `event_cancelled` (sender: the event), sent when a published event is cancelled.
  `liaison.notifications` tells every active registrant, with a CANCEL invite.
- `event_updated` (sender: the event; `changes=` field -> (old, new)), sent when anything about
  a published event changes (any field, not only those a calendar sees) or it goes back to
  draft. `liaison.integration` queues the `event.updated` webhooks.
- `topic_merged` (sender: the merged Topic; `into=` the surviving Topic), sent by
  `topics.merge_topic` after the events moved. Packages above that keep topic slugs of their
  own (training requests and offers) move them to `into.slug` in a receiver; nothing needs
  to listen (an old slug still resolves through `topics.resolve`).
"""
from __future__ import annotations

from liaison.core.signals import namespace

seats_changing = namespace.signal("event-seats-changing")
audience_changed = namespace.signal("event-audience-changed")
event_published = namespace.signal("event-published")
event_changed = namespace.signal("event-changed")
event_cancelled = namespace.signal("event-cancelled")
event_updated = namespace.signal("event-updated")
topic_merged = namespace.signal("topic-merged")
