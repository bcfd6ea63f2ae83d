"""Integration, the top layer: the one worker process (`flask --app app worker`) with its
schedule of periodic jobs kept in the database, and webhooks (subscriptions, signed deliveries,
their log). It listens to the signals of every package below it and calls their jobs.

May import: every other capability."""
from liaison.integration import (
    models,  # noqa: F401  (mapped with the rest: liaison.load)
    receivers,  # noqa: F401  (connects the webhooks' receivers)
)
