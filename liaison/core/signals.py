"""Domain signals: how a capability tells the ones above it what happened without calling them.

A lower package (events, registration) may not import a higher one (notifications, webhooks,
the exchange board), yet they must react to its changes. So the lower package *sends* a
signal it declares in its own `signals.py`, and the higher package connects a receiver in its
`receivers.py`, imported by its `__init__` (and `liaison.load()` imports every package).
These are blinker signals, as Flask's own: receivers run synchronously, in the sender's
transaction, in the order they connected. A receiver may flush and queue rows (outbox,
deliveries) but never commits; an exception it raises reaches the sender's caller, so a rule
a receiver enforces still refuses the change.
"""
from __future__ import annotations

from blinker import NamedSignal, Namespace

namespace = Namespace()


def send_required(signal: NamedSignal, sender: object, **kwargs: object) -> None:
    """Send a signal that some rule depends on: with no receiver connected the change would
    silently skip that rule, so that is a programming error, not a quiet no-op."""
    if not signal.receivers:
        raise RuntimeError(f"no receiver for the {signal.name!r} signal: call liaison.load()")
    signal.send(sender, **kwargs)
