"""The exchange board: organizations ask for training (`TrainingRequest`) and offer it
(`TrainingOffer`); `matching` pairs them in SQL (hard filters, then a score led by topic
overlap, with reasons); focal points propose pairs, and an accepted proposal becomes a draft
training hosted by the offering organization (`proposals`, `drafts`). The request then follows
its training (`receivers`: scheduled when published, delivered when attendance closes, open
again if cancelled). Periodic jobs: `alerts.send_match_alerts`, `postings.expire_requests`.
Figures for the association: `figures`. Accepting a proposal is announced as `signals`.

May import: core, mail, accounts, events, registration, calendar (and records' signals)."""
from liaison.exchange import (
    models,  # noqa: F401  (mapped with the rest: liaison.load)
    receivers,  # noqa: F401  (connects the event status receivers)
)
