"""What happens on the exchange board, for the packages above `exchange` (webhooks).

- `proposal_accepted` (sender: the proposal; `event=` the draft training it created, `by=`
  the focal point who accepted), sent in the transaction of the acceptance.
"""
from __future__ import annotations

from liaison.core.signals import namespace

proposal_accepted = namespace.signal("proposal-accepted")
