"""Which language and time zone a request is served in."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_timezone
from flask_login import current_user

from liaison.accounts.users import is_valid_timezone

# Our language codes (stored on users, in the switch) → Babel catalog names.
CATALOGS = {"en": "en", "zh": "zh_Hans"}
# The browser's time zone, set by static/js/app.js (Intl) for visitors who are not signed in.
ZONE_COOKIE = "tz"


def select_locale() -> str:
    """The user's saved preference, then the header switch (kept in the session, so it works
    for anonymous visitors), then the browser's Accept-Language; English by default.
    Outside a request (CLI commands, workers) messages are in English."""
    if not has_request_context():
        return CATALOGS["en"]
    if current_user and current_user.is_authenticated and current_user.language in CATALOGS:
        return CATALOGS[current_user.language]
    chosen = session.get("lang")
    if chosen in CATALOGS:
        return CATALOGS[chosen]
    best = request.accept_languages.best_match(
        ["en", "zh", "zh-CN", "zh-Hans", "zh-SG"], default="en"
    )
    return CATALOGS["zh" if best.startswith("zh") else "en"]


def browser_timezone() -> str | None:
    """The zone the visitor's browser reported (the `tz` cookie), if it is a real IANA zone."""
    value = request.cookies.get(ZONE_COOKIE, "")[:64]
    return value if is_valid_timezone(value) else None


def select_timezone() -> str:
    """A signed-in user's saved zone; a visitor's browser zone; UTC until the browser said."""
    default = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    if not has_request_context():
        return default
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return browser_timezone() or default


def viewer_zone():
    """The viewer's zone, for a time shown "in your time"; notes that this page shows one, so
    a visitor's browser can correct it (templates/base.html, static/js/app.js)."""
    g.viewer_zone_shown = True
    return get_timezone()


def viewer_zone_shown() -> bool:
    return bool(g.get("viewer_zone_shown"))


def viewer_zone_key() -> str:
    zone = get_timezone()
    return getattr(zone, "key", None) or str(zone)


def current_language() -> str:
    """'en' or 'zh' for the current request."""
    return "zh" if select_locale().startswith("zh") else "en"
