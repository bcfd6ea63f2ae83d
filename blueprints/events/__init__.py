from blueprints.events.views import bp

__all__ = ["bp"]
