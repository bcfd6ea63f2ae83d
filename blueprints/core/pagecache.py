"""`@cached_for_visitors`: anonymous visitors' pages served from `liaison.pagecache`.

Only a GET by a visitor who is not signed in and has no flashed message waiting is served
from or stored in the cache; anyone else gets the page rendered for them. The key is the
content generation token, read first (the rows the page is then made from are at least as new
as that token), the period of the clock among event instants (plus the visitor's local date
for pages that mark "today"), and the request: endpoint, path with query string, language and
time zone. A page is stored only when the clock's part did not change while it rendered.

The one per-visitor part of such a page is the CSRF token of the language switch: it is
stored as a placeholder and each response gets the visitor's own token, so the session cookie
is set exactly as a freshly rendered page would set it.

`event_card(event, counts)` (a template global) does the same for one event card, for every
viewer: a card shows nothing of who looks at it, so (token, clock period, event, language) is its
whole key.
Signed-in lists then render only what is theirs.

PAGE_CACHE_ENTRIES = 0 turns both off; so does template auto-reload (debug, `make run`),
since templates may then change under the running process.
"""
from __future__ import annotations

import functools

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from liaison.core.types import utcnow
from liaison.events import pagecache

PLACEHOLDER = "<liaison-csrf-token>"  # cannot occur in a page: user text is escaped
EXTENSION = "liaison_pagecache"
FRAGMENTS = "liaison_fragmentcache"
CARD_TEMPLATE = "events/_card.html"


def init_app(app: Flask) -> None:
    reloads = app.config.get("TEMPLATES_AUTO_RELOAD")
    if reloads is None:
        reloads = app.debug  # Flask's own rule for the Jinja loader
    if app.config["PAGE_CACHE_ENTRIES"] > 0 and not reloads:
        app.extensions[EXTENSION] = pagecache.PageCache(
            max_entries=app.config["PAGE_CACHE_ENTRIES"],
            max_bytes=app.config["PAGE_CACHE_BYTES"],
        )
        app.extensions[FRAGMENTS] = pagecache.PageCache(
            max_entries=4 * app.config["PAGE_CACHE_ENTRIES"],
            max_bytes=app.config["PAGE_CACHE_BYTES"] // 4,
        )
    app.add_template_global(event_card, "event_card")


def request_token() -> str | None:
    """The content generation token, read once per request, before the page's own queries;
    a new one empties both caches of older generations."""
    key = "liaison.content_token"
    if key not in request.environ:
        token = request.environ[key] = pagecache.current_token()
        if token is not None:
            for name in (EXTENSION, FRAGMENTS):
                current_app.extensions[name].new_generation(token)
    return request.environ[key]


def event_card(event, counts: dict) -> Markup:
    """templates/events/_card.html for `event`, from the fragment cache when it can be."""
    cache = current_app.extensions.get(FRAGMENTS)
    token = request_token() if cache is not None else None
    if token is None:
        return Markup(render_template(CARD_TEMPLATE, event=event, counts=counts))
    # The period too: a card says "Ended" once the clock passes the event's end.
    key = (token, _moment(cache, token, False), CARD_TEMPLATE, event.id, str(get_locale()))
    html = cache.get(key)
    if html is None:
        html = render_template(CARD_TEMPLATE, event=event, counts=counts)
        cache.put(key, html)
    return Markup(html)


def _cache() -> pagecache.PageCache | None:
    if request.method not in ("GET", "HEAD") or "_flashes" in session:
        return None
    if current_user.is_authenticated:
        return None
    return current_app.extensions.get(EXTENSION)


def _moment(cache: pagecache.PageCache, token: str, by_day: bool) -> tuple:
    """Where the clock is, as far as the page can tell: the period among event instants, and
    the visitor's local date for pages that mark "today"."""
    now = utcnow()
    day = now.astimezone(get_timezone()).date() if by_day else None
    return cache.period(token, now), day


def cached_for_visitors(view=None, *, by_day: bool = False):
    """Serve the view from the cache when the request may be (see the module docstring).
    `by_day=True` for pages that also depend on the visitor's local date."""
    if view is None:
        return functools.partial(cached_for_visitors, by_day=by_day)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cache = _cache()
        token = request_token() if cache is not None else None
        if token is None:
            return view(*args, **kwargs)
        moment = _moment(cache, token, by_day)
        key = (
            token, moment, request.endpoint, request.full_path,
            str(get_locale()), str(get_timezone()),
        )
        body = cache.get(key)
        if body is not None:
            return body.replace(PLACEHOLDER, generate_csrf()) if PLACEHOLDER in body else body
        rendered = view(*args, **kwargs)
        if isinstance(rendered, str) and _moment(cache, token, by_day) == moment:
            csrf = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
            cache.put(key, rendered.replace(csrf, PLACEHOLDER) if csrf else rendered)
        return rendered

    return wrapper
