"""Exchange-meeting records: the agenda (`agenda`), minutes in versions with their outcomes
(`minutes`), action items followed up across a series (`actions`, `reminders` — a job of the
worker), planning the next meeting of a series (`planning`), and materials on events and in
organizations' libraries (`materials`). Who may read and change what is `access`, on top of
`liaison.events.queries.visible_events` and the classification rules
(`liaison.events.classification`). Mail goes through the outbox (`mailing`).

May import: core, mail, accounts, events, registration, calendar."""
from liaison.meetings import models  # noqa: F401  (mapped with the rest: liaison.load)
