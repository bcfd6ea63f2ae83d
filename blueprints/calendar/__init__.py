from blueprints.calendar.views import bp

__all__ = ["bp"]
