from blueprints.accounts.account.views import bp

__all__ = ["bp"]
