from blueprints.admin.views import bp

__all__ = ["bp"]
