"""Liaison's domain: models and the rules that act on them. No request, no templates here."""
