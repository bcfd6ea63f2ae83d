from blueprints.records import certificates, checkin  # noqa: F401  (they add routes to bp)
from blueprints.records.views import bp

__all__ = ["bp"]
