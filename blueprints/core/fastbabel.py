"""Flask-Babel's per-call look-ups, made cheap (issue 22: 40% of the attendee list's CPU).

Every `gettext` — in templates, in Python, and every lazy label (`RegistrationStatus.label`)
— asks Flask-Babel for the current translations, which finds its per-context state three
times through `flask.g`, a werkzeug proxy (`hasattr(g, ...)`, each a few microseconds), and
formats the locale's name for a dictionary key. A page that says "Confirmed" for 200 rows did
that 2,000 times: 36 µs a call, most of the attendee list's rendering.

`install()` keeps Flask-Babel's behaviour and state exactly — the same namespace on `g`, the
same locale selection, `force_locale` and `refresh` — and changes only how they are reached:

- `_get_current_context` reads the application context from its context variable instead of
  through the proxy (same object, same answer: None outside an application context);
- `Domain.get_translations` remembers, in that same namespace, the translations it returned
  for the locale object in force; `force_locale` and `refresh` replace or remove that locale
  object, so the next call looks up again.

Checked against the installed Flask-Babel (4.0); any other version is left alone, with a
warning, rather than patched blind.
"""
from __future__ import annotations

import logging
from types import SimpleNamespace

import flask_babel
from flask.globals import _cv_app

SUPPORTED = ("4.0.0",)
_MEMO = "liaison_translations"
_original_get_translations = flask_babel.Domain.get_translations
log = logging.getLogger(__name__)


def _current_context() -> SimpleNamespace | None:
    """Flask-Babel's per-context namespace (`g._flask_babel`), or None outside an app context."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    state = app_ctx.g.__dict__
    namespace = state.get("_flask_babel")
    if namespace is None:
        namespace = state["_flask_babel"] = SimpleNamespace()
    return namespace


def _get_translations(self: flask_babel.Domain):
    """`Domain.get_translations`, remembered per locale object and domain in the namespace."""
    namespace = _current_context()
    if namespace is None:
        return _original_get_translations(self)
    state = namespace.__dict__
    locale = state.get("babel_locale")
    memo = state.get(_MEMO)
    if locale is not None and memo is not None and memo[0] is locale and memo[1] is self:
        return memo[2]
    translations = _original_get_translations(self)  # selects the locale if not yet done
    state[_MEMO] = (state.get("babel_locale"), self, translations)
    return translations


def install() -> bool:
    """Swap in the cheap look-ups (idempotent). False, with a warning, on an unchecked
    Flask-Babel version."""
    version = getattr(flask_babel, "__version__", None)
    if version is None:
        from importlib.metadata import version as installed

        version = installed("Flask-Babel")
    if version not in SUPPORTED:
        log.warning("fastbabel: Flask-Babel %s is not one checked here; left as it is", version)
        return False
    flask_babel._get_current_context = _current_context
    flask_babel.Domain.get_translations = _get_translations
    return True
