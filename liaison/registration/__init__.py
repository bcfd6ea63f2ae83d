"""Places at events: the seat lock and counts (`seats`), registration rules 1–6
(`registrations`), check-in and attendance records, attendee lists and histories (`lists`).
Answers the events' `seats_changing` signal; tells what happened through its own `signals`.

May import: core, mail, accounts, events."""
from liaison.registration import models, receivers  # noqa: F401  (liaison.load)
