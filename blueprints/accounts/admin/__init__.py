from blueprints.accounts.admin.views import bp

__all__ = ["bp"]
