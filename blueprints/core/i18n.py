"""Which language and time zone a request is served in."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

# Our language codes (stored on users, in the switch) → Babel catalog names.
CATALOGS = {"en": "en", "zh": "zh_Hans"}


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


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")


def current_language() -> str:
    """'en' or 'zh' for the current request."""
    return "zh" if select_locale().startswith("zh") else "en"
