"""Friendly error pages for people, the SPEC error shape for /api/v1."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from extensions import db

MESSAGES = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthorized", lambda: _("Log in to continue.")),
    403: ("forbidden", lambda: _("You do not have permission to do this.")),
    404: ("not_found", lambda: _("We could not find that page.")),
    405: ("method_not_allowed", lambda: _("That action is not allowed here.")),
    409: ("conflict", lambda: _("That conflicts with the current state.")),
    413: ("too_large", lambda: _("The request is too large.")),
    422: ("invalid", lambda: _("Some fields are not valid.")),
    429: ("rate_limited", lambda: _("Too many attempts. Wait a minute and try again.")),
    500: ("server_error", lambda: _("Something went wrong on our side. It has been logged.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict | None = None,
              headers: dict | None = None):
    """The SPEC error shape, for every /api/v1 answer that is an error, whoever raises it (the
    API's own handlers, or the app's for unknown URLs, wrong methods and crashes)."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status, headers or {}


def http_error_headers(error: HTTPException, status: int) -> dict:
    """The headers an error status needs: Allow for 405, Retry-After for 429."""
    headers = dict(error.get_headers()) if status in (405, 429) else {}
    headers.pop("Content-Type", None)
    return headers


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if wants_json():
            return api_error(400, "csrf", _("The form expired or was not sent from this site."))
        return render_template(
            "errors/error.html",
            status=400,
            message=_(
                "The form expired or was not sent from this site. "
                "Go back, reload the page and try again."
            ),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        code, message = MESSAGES.get(status, ("error", lambda: error.description))
        # A description given at abort() says more than the generic text for the status; a
        # rate limit's is its rule ("10 per 1 minute"), which tells a person nothing.
        specific = error.description if error.description != type(error).description else None
        if status == 429:
            specific = None
        headers = http_error_headers(error, status)
        if wants_json():
            return api_error(status, code, specific or message(), headers=headers)
        page = render_template("errors/error.html", status=status, message=specific or message())
        return page, status, headers

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        # HTTPExceptions never get here: Flask picks the more specific handler above.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        code, message = MESSAGES[500]
        if wants_json():
            return api_error(500, code, message())
        return render_template("errors/error.html", status=500, message=message()), 500
