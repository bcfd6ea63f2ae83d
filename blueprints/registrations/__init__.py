from blueprints.registrations.views import bp

__all__ = ["bp"]
