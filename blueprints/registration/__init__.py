from blueprints.registration import manage  # noqa: F401  (registers the organizers' routes on bp)
from blueprints.registration.views import bp

__all__ = ["bp"]
