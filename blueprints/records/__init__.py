from blueprints.records import (  # noqa: F401  (they add routes to bp)
    attendance,
    certificates,
    checkin,
    reports,
    surveys,
)
from blueprints.records.views import bp

__all__ = ["bp"]
