"""Mail that must not be lost: the outbox (a row in the caller's transaction; claimed with
SKIP LOCKED or BEGIN IMMEDIATE, retried with back-off) and MIME building and transports
(SMTP, console). What a message says is its sender's business (accounts, notifications).

May import: core."""
from liaison.mail import models  # noqa: F401  (mapped with the rest: liaison.load)
