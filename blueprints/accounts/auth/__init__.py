from blueprints.accounts.auth import links  # noqa: F401  (registers the link routes on bp)
from blueprints.accounts.auth.views import bp

__all__ = ["bp"]
