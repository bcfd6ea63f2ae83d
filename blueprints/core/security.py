"""Transport and browser hardening: proxy headers, HTTPS redirect, request-size limits, and the
headers every response carries (CSP without inline scripts, nosniff, Referrer-Policy, HSTS over
HTTPS, `Cache-Control: no-store` on whatever was made for a signed-in user or an API token)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints.calendar.stateless import STATELESS

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"
# A personal feed URL is a secret: a calendar program that follows a link from it must not
# send it on. The public feed is not secret.
_PERSONAL_FEED = re.compile(r"^/calendar/(?!public\.ics$)[^/]+\.ics$")
# Load balancers probe plain HTTP on the private side; never redirect their checks.
_NO_REDIRECT = {"/healthz"}
# Files the same for everyone: a signed-in browser may cache them like anyone else.
_SHARED_ENDPOINTS = {"static", "bootstrap.static"}
_BODY_LIMIT = "liaison_body_limit"


def allows_large_body(setting: str):
    """For a view that takes files: its requests may be as large as `config[setting]` bytes
    instead of MAX_CONTENT_LENGTH, e.g. `@allows_large_body("MATERIAL_MAX_BYTES")` (put it
    under the route decorator)."""

    def mark(view):
        setattr(view, _BODY_LIMIT, setting)
        return view

    return mark


def _https_url(app: Flask) -> str:
    """This request's URL on https: on BASE_URL's host when BASE_URL is https (a forged Host
    header decides nothing), else on the host the request named."""
    base = urlsplit(app.config.get("BASE_URL", ""))
    if base.scheme == "https" and base.netloc:
        path = request.full_path if request.query_string else request.path
        return f"https://{base.netloc}{request.script_root}{path}"
    return request.url.replace("http://", "https://", 1)


def _made_for_someone() -> bool:
    """A signed-in user's request (their session or remember cookie) or an API token's."""
    return bool(
        g.get("liaison_signed_in") or g.get("api_user") is not None
        or current_user.is_authenticated
    )


def init_app(app: Flask) -> None:
    """Trust TRUSTED_PROXIES hops of X-Forwarded-*; redirect to HTTPS when FORCE_HTTPS; size
    limits per route; `no-store` for answers made for someone."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    def force_https():
        if not app.config.get("FORCE_HTTPS") or request.is_secure:
            return None
        if request.path in _NO_REDIRECT:
            return None
        # 308 keeps the method and body of a POST; GETs get the cacheable 301.
        return redirect(_https_url(app), code=301 if request.method in ("GET", "HEAD") else 308)

    def body_limit():
        """A route marked with `allows_large_body` takes its own, larger limit."""
        view = app.view_functions.get(request.endpoint or "")
        setting = getattr(view, _BODY_LIMIT, None)
        if setting:
            request.max_content_length = app.config[setting]

    def note_signed_in():
        # Before the view: logging out must not make its own answer cacheable.
        if request.endpoint not in _SHARED_ENDPOINTS:  # (reading the session adds Vary)
            g.liaison_signed_in = "_user_id" in session

    # First of all before-request hooks: CSRF protection reads the form, so a plain-HTTP POST
    # would otherwise get a CSRF 400 instead of the redirect, and a large body would be read.
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[0:0] = [force_https, body_limit, note_signed_in]

    @app.after_request
    def private_answers(response):
        """Nothing made for a signed-in user or a token may be kept by a browser or proxy.
        Feeds (public, or personal: a calendar program polls them with their ETag) set their
        own Cache-Control, and static files are the same for everyone."""
        if request.environ.get(STATELESS) or request.endpoint in _SHARED_ENDPOINTS:
            return response
        if _made_for_someone():
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        if _PERSONAL_FEED.match(request.path):
            headers["Referrer-Policy"] = "no-referrer"
        else:
            headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
