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

`@cached_blocks(template, reader=…)` is the signed-in readers' counterpart: the blocks the
page's own template fills (title, head, content) are kept under the visitors' key plus the
`reader` function's answer (who the page's content depends on: a visibility class for a list, the
reader for a page that shows their registration), and each response renders base.html around
them for the reader — their name, menus and flashed messages are never taken from the cache.
The view renders through `render_page`, which keeps the blocks when the decorator asks for them.

PAGE_CACHE_ENTRIES = 0 turns both off; so does template auto-reload (debug, `make run`),
since templates may then change under the running process.
"""
from __future__ import annotations

import functools

from flask import (
    Flask,
    before_render_template,
    current_app,
    g,
    render_template,
    request,
    session,
    template_rendered,
)
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from liaison.core.types import utcnow
from liaison.events import pagecache

PLACEHOLDER = "<liaison-csrf-token>"  # cannot occur in a page: user text is escaped
EXTENSION = "liaison_pagecache"
FRAGMENTS = "liaison_fragmentcache"
BLOCKS = "liaison_blockcache"
BLOCK_SEPARATOR = "<liaison-block>"  # as PLACEHOLDER: user text is escaped
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
        app.extensions[BLOCKS] = pagecache.PageCache(
            max_entries=app.config["PAGE_CACHE_ENTRIES"],
            max_bytes=app.config["PAGE_CACHE_BYTES"],
        )
    app.add_template_global(event_card, "event_card")


def request_token() -> str | None:
    """The content generation token, read once per request, before the page's own queries;
    a new one empties both caches of older generations."""
    key = "liaison.content_token"
    if key not in request.environ:
        token = request.environ[key] = pagecache.current_token()
        if token is not None:
            for name in (EXTENSION, FRAGMENTS, BLOCKS):
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


def _moment(cache: pagecache.PageCache, token: str, by_day: bool, quarters: bool = False) -> tuple:
    """Where the clock is, as far as the page can tell: the period among event instants, the
    visitor's local date for pages that mark "today", and the quarter hour for pages that mark
    a day in another zone (every zone's midnight falls on one)."""
    now = utcnow()
    day = now.astimezone(get_timezone()).date() if by_day else None
    quarter = int(now.timestamp()) // 900 if quarters else None
    return cache.period(token, now), day, quarter


def _request_key(cache: pagecache.PageCache, token: str, by_day: bool, quarters: bool,
                 *whose) -> tuple:
    """This request's key: the token, where the clock is, the request (endpoint, path with
    query, language, zone) and, for signed-in readers, whose page it is."""
    return (
        token, _moment(cache, token, by_day, quarters), request.endpoint, request.full_path,
        str(get_locale()), str(get_timezone()), *whose,
    )


def _with_csrf(body: str) -> str:
    """A stored body with this session's CSRF token where the placeholder stands."""
    return body.replace(PLACEHOLDER, generate_csrf()) if PLACEHOLDER in body else body


def _keep(cache: pagecache.PageCache, key: tuple, body: str, by_day: bool,
          quarters: bool) -> None:
    """Store what was rendered under `key` (the CSRF token it holds as the placeholder), unless
    the clock moved to another period while it rendered."""
    if _moment(cache, key[0], by_day, quarters) != key[1]:
        return
    csrf = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    cache.put(key, body.replace(csrf, PLACEHOLDER) if csrf else body)


def cached_for_visitors(view=None, *, by_day: bool = False, quarters: bool = False):
    """Serve the view from the cache when the request may be (see the module docstring).
    `by_day=True` for pages that also depend on the visitor's local date, `quarters=True` for
    those that depend on the date in another zone (a meeting's overdue actions)."""
    if view is None:
        return functools.partial(cached_for_visitors, by_day=by_day, quarters=quarters)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cache = _cache()
        token = request_token() if cache is not None else None
        if token is None:
            return view(*args, **kwargs)
        key = _request_key(cache, token, by_day, quarters)
        body = cache.get(key)
        if body is not None:
            return _with_csrf(body)
        rendered = view(*args, **kwargs)
        if isinstance(rendered, str):
            _keep(cache, key, rendered, by_day, quarters)
        return rendered

    return wrapper


_CAPTURE = "liaison_block_capture"


def cached_blocks(template: str, *, reader, quarters: bool = False):
    """Serve a signed-in GET's page blocks from the cache when they are there (see the module
    docstring); `reader()` names whose content it is, beyond the request's own key, or is None
    when the page must be rendered for them (it may show rows no generation token follows);
    `quarters` as for `cached_for_visitors`. Visitors, other methods and a disabled cache go
    straight to the view."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            cache = current_app.extensions.get(BLOCKS)
            if (cache is None or request.method not in ("GET", "HEAD")
                    or not current_user.is_authenticated):
                return view(*args, **kwargs)
            token = request_token()
            who = reader() if token is not None else None
            if who is None:
                return view(*args, **kwargs)
            key = _request_key(cache, token, False, quarters, who)
            names = _own_blocks(template)
            stored = cache.get(key)
            if stored is not None:
                parts = _with_csrf(stored).split(BLOCK_SEPARATOR)
                return _render(template, {}, dict(zip(names, parts, strict=True)))
            g.setdefault(_CAPTURE, {})[template] = kept = {}
            rendered = view(*args, **kwargs)
            g.get(_CAPTURE, {}).pop(template, None)
            if kept and isinstance(rendered, str):
                body = BLOCK_SEPARATOR.join(kept.get(name, "") for name in names)
                _keep(cache, key, body, False, quarters)
            return rendered

        return wrapper

    return decorate


def render_page(template: str, **context) -> str:
    """`render_template`, keeping the template's own blocks when `cached_blocks` asked."""
    if template not in g.get(_CAPTURE, {}):
        return render_template(template, **context)
    return _render(template, context, None, keep=g.get(_CAPTURE)[template])


def _own_blocks(template: str) -> list[str]:
    """The blocks `template` itself fills, in a fixed order."""
    return sorted(current_app.jinja_env.get_template(template).blocks)


def _render(template: str, context: dict, blocks: dict | None, keep: dict | None = None) -> str:
    """Render `template` as Flask does (context processors, `template_rendered`), its own
    blocks from `blocks` when given, or kept into `keep` as they render."""
    app = current_app._get_current_object()
    compiled = app.jinja_env.get_template(template)
    app.update_template_context(context)
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=compiled,
                                context=context)
    ctx = compiled.new_context(context)
    for name in _own_blocks(template):
        if blocks is not None:
            html = blocks[name]
            ctx.blocks[name] = [lambda _ctx, html=html: iter((html,))]
        elif keep is not None:
            ctx.blocks[name] = [_keeping(ctx.blocks[name][0], name, keep)] + ctx.blocks[name][1:]
    try:
        body = app.jinja_env.concat(compiled.root_render_func(ctx))
    except Exception:  # noqa: BLE001 - Jinja's own rewriting of the traceback, as render() does
        app.jinja_env.handle_exception()
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=compiled,
                           context=context)
    return body


def _keeping(render_block, name: str, keep: dict):
    def block(ctx):
        html = "".join(render_block(ctx))
        keep[name] = html
        yield html

    return block
