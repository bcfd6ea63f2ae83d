from blueprints.events import manage  # noqa: F401  (registers the organizers' routes on bp)
from blueprints.events.views import bp

__all__ = ["bp"]
