"""Refuse input no database can store: NUL characters in query strings and form fields.

PostgreSQL rejects NUL in text, so a search for "%00" or a form field with a NUL would turn
into a server error there; SQLite would store it silently. Both now get a 400 that says why.
The API and the calendar feeds check their own input and answer in their own formats
(JSON errors; plain-text 400/404 for calendar programs), so they are left to do so.
"""
from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

SELF_CHECKING = {"api", "calendar"}


def _nul_in(text) -> bool:
    return isinstance(text, str) and "\x00" in text


def _has_nul(values) -> bool:
    """A NUL in any name or value; a multipart part whose name cannot be read is None here."""
    return any(_nul_in(key) or any(_nul_in(v) for v in vals) for key, vals in values.lists())


def init_app(app) -> None:
    @app.before_request
    def refuse_nul_characters():
        if request.blueprint in SELF_CHECKING:
            return None
        if "\x00" in request.path or _has_nul(request.args):
            abort(400, _("The request contains a NUL character, which is not allowed."))
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _has_nul(request.form):
                abort(400, _("The form contains a NUL character, which is not allowed."))
