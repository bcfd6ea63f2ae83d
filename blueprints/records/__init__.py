from blueprints.records import (  # noqa: F401  (they add routes to bp)
    attendance,
    certificates,
    checkin,
)
from blueprints.records.views import bp

__all__ = ["bp"]
