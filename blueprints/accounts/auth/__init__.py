from blueprints.accounts.auth import invitation, links  # noqa: F401  (their routes on bp)
from blueprints.accounts.auth.views import bp

__all__ = ["bp"]
