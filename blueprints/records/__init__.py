from blueprints.records import certificates  # noqa: F401  (registers its routes on bp)
from blueprints.records.views import bp

__all__ = ["bp"]
