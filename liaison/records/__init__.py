"""After the session: attendance outcomes set by hand, closing and reopening attendance
(`attendance`), credited hours (`hours`), the offline check-in scans and their nonces
(`scans`), certificates and their verification (`certificates`, `certificate_pdf`), feedback
surveys (`surveys`), each person's and organization's training record (`training`) and the
reports (`reports`). Tells what happened through its own `signals`.

The outcome itself is a column of the registration (liaison.registration.models): it belongs
to the registration and follows it. This package sits above `registration` and works on it.

May import: core, mail, accounts, events, registration, calendar."""
from liaison.records import models, receivers  # noqa: F401  (liaison.load)
