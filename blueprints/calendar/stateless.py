"""Feed responses that neither read nor write the session cookie.

Flask-Login's after-request hook looks at the session on every request, and Flask then adds
`Vary: Cookie` (and may re-send the cookie). A feed is the same for every cookie and is fetched
by calendar programs and shared caches, so for requests marked stateless we skip saving the
session altogether: no Set-Cookie, no Vary: Cookie.
"""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

STATELESS = "liaison.stateless"


class StatelessAwareSessionInterface(SecureCookieSessionInterface):
    """The default signed-cookie session, except that stateless requests never save it."""

    def save_session(self, app, session, response) -> None:
        if request.environ.get(STATELESS):
            return
        super().save_session(app, session, response)


def mark_stateless() -> None:
    """This request's response must not depend on, or touch, the session cookie."""
    request.environ[STATELESS] = True


def install(app: Flask) -> None:
    """Swap in the stateless-aware interface unless someone installed their own on purpose."""
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = StatelessAwareSessionInterface()
    elif not isinstance(app.session_interface, StatelessAwareSessionInterface):
        app.logger.warning("Custom session interface: feeds may carry Vary: Cookie")
