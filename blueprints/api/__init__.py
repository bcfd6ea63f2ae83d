from blueprints.api.views import bp

__all__ = ["bp"]
