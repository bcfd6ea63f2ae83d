"""The web layer: blueprints parse input, call liaison's domain functions, and render."""
