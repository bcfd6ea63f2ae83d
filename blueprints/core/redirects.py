"""Where a `next` parameter may send people: only paths on this site."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str | None:
    """`target` when it is a local path ("/events/3?x=1"), else None. Refuses absolute URLs,
    scheme-relative "//host", backslashes (browsers read "/\\host" as "//host") and control
    characters (browsers strip them, so "/\\t/host" would become "//host")."""
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_url() -> str:
    """The landing page after logging in: upcoming events."""
    return url_for("events.index")
