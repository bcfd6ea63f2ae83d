from blueprints.account.views import bp

__all__ = ["bp"]
