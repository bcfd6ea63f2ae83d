from blueprints.registrations import manage  # noqa: F401  (registers the organizers' routes on bp)
from blueprints.registrations.views import bp

__all__ = ["bp"]
