from blueprints.integration.views import bp

__all__ = ["bp"]
