"""Members: focal points and administrators verify and reject the people of their
organizations (`views`); the banner that tells a waiting member whom they wait for."""
from blueprints.accounts.members.views import bp  # noqa: F401
