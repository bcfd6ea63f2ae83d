"""Transport and browser hardening: proxy headers, HTTPS redirect, and the headers every
response carries (CSP without inline scripts, nosniff, Referrer-Policy, HSTS over HTTPS)."""
from __future__ import annotations

import re

from flask import Flask, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    """Trust TRUSTED_PROXIES hops of X-Forwarded-*; redirect to HTTPS when FORCE_HTTPS."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    @app.before_request
    def force_https():
        if not app.config.get("FORCE_HTTPS") or request.is_secure:
            return None
        if request.path in _NO_REDIRECT:
            return None
        url = request.url.replace("http://", "https://", 1)
        # 308 keeps the method and body of a POST; GETs get the cacheable 301.
        return redirect(url, code=301 if request.method in ("GET", "HEAD") else 308)

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
