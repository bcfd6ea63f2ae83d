"""What registrants are told: confirmations, waiting-list news, changes, cancellations and
reminders, each rendered in the recipient's language with an invite where a calendar must
change, queued in the outbox in the transaction of the change; and the messages organizers
write to their registrants (`messages`, kept on the event). Listens to the events' and
registrations' signals (`receivers`).

May import: core, mail, accounts, events, registration, calendar."""
from liaison.notifications import (
    models,  # noqa: F401  (mapped with the rest: liaison.load)
    receivers,  # noqa: F401  (connects the receivers: liaison.load)
)
