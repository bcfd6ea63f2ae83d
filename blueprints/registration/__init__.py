from blueprints.registration import manage, questions  # noqa: F401  (they add routes to bp)
from blueprints.registration.views import bp

__all__ = ["bp"]
