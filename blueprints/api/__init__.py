from blueprints.api import event_routes, registration_routes  # noqa: F401 (they add routes to bp)
from blueprints.api.views import bp

__all__ = ["bp"]
