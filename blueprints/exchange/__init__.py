from blueprints.exchange import (  # noqa: F401  (each registers its routes on bp)
    figures,
    postings,
    proposal_views,
)
from blueprints.exchange.views import bp

__all__ = ["bp"]
