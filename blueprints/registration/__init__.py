from blueprints.registration import (  # noqa: F401  (they register their routes on bp)
    manage,
    nominate,
    questions,
    reserved,
)
from blueprints.registration.views import bp

__all__ = ["bp"]
