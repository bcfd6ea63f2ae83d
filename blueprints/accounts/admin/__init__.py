from blueprints.accounts.admin import people  # noqa: F401  (registers its routes on bp)
from blueprints.accounts.admin.views import bp

__all__ = ["bp"]
