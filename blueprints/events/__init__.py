from blueprints.events import manage, vocabulary  # noqa: F401  (they add routes to bp)
from blueprints.events.views import bp

__all__ = ["bp"]
