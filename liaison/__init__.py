"""Liaison's domain, one package per capability. No request, no templates of pages, no
blueprints here; docs/ARCHITECTURE.md has the map, the directions in which the packages may call
each other (tests/test_architecture.py enforces them) and where each rule lives."""
from __future__ import annotations

import importlib

# Bottom to top: each may import the ones before it, never one after it.
CAPABILITIES = (
    "core",
    "mail",
    "accounts",
    "events",
    "registration",
    "calendar",
    "meetings",
    "records",
    "notifications",
    "integration",
)


def load() -> None:
    """Import every capability package, so that every model is mapped (create_all, Alembic,
    relationships named by string) and every signal receiver is connected. create_app calls it."""
    for name in CAPABILITIES:
        importlib.import_module(f"{__name__}.{name}")
