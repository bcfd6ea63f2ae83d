"""Exchange meetings: agenda, minutes, actions and materials (liaison.meetings)."""
from blueprints.meetings import actions, materials, minutes  # noqa: F401  (their routes)
from blueprints.meetings.views import bp  # noqa: F401
