from blueprints.api import (  # noqa: F401 (they add routes to bp)
    event_routes,
    exchange_routes,
    meeting_routes,
    message_routes,
    orgs_routes,
    question_routes,
    records_routes,
    registration_routes,
    webhook_routes,
)
from blueprints.api.views import bp

__all__ = ["bp"]
