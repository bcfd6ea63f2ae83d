"""JSON API v1: bearer tokens only, the SPEC error shape, and the account and organization
endpoints. Events and registrations are in event_routes.py and registration_routes.py."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from blueprints.api import auth, schemas, serializers
from blueprints.api.auth import ApiError
from blueprints.api.parsing import query_args
from blueprints.core.errors import MESSAGES, api_error, http_error_headers
from extensions import csrf, db, limiter, login_manager
from liaison.accounts.models import Organization
from liaison.calendar import feedtokens
from liaison.core.errors import DomainError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Bearer tokens travel in a header no other site can make a browser send: no CSRF token needed.
csrf.exempt(bp)
limiter.shared_limit(
    auth.api_rate_limit,
    scope="api",
    key_func=auth.rate_limit_key,
    exempt_when=auth.without_token,
)(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def require_token():
    """Every endpoint but the OpenAPI document needs a bearer token; cookies count for nothing:
    Flask-Login's user for the request is the token's owner (or anonymous), never the session's,
    so messages follow the token owner's language."""
    login_manager._update_request_context_with_user(None)  # anonymous until the token says
    if request.endpoint not in PUBLIC_ENDPOINTS:
        login_manager._update_request_context_with_user(auth.authenticate())


def _flat(fields: dict) -> dict[str, str]:
    """Field messages as strings, whatever shape the domain gave them."""
    flat = {}
    for name, message in fields.items():
        if isinstance(message, list | tuple):
            message = " ".join(str(m) for m in message)
        flat[str(name)] = str(message)
    return flat


@bp.errorhandler(ApiError)
def refused(error: ApiError):
    db.session.rollback()
    return api_error(error.status, error.code, error.message, error.fields, error.headers)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A rule said no: nothing the request wrote is kept."""
    db.session.rollback()
    return api_error(error.status, error.code, error.message, _flat(error.fields))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    code, message = MESSAGES.get(status, ("error", lambda: error.description))
    return api_error(status, code, message(), headers=http_error_headers(error, status))


def base_url() -> str:
    return current_app.config["BASE_URL"]


@bp.get("/me")
def me():
    """The caller's account and personal calendar feed URL."""
    user = g.api_user
    url = feedtokens.calendar_url(user, base_url())
    db.session.commit()  # calendar_url may (re)store the token hash the feed looks up
    return jsonify(serializers.me_json(user, url))


@bp.post("/me/calendar-token")
def rotate_calendar_token():
    """A new personal feed URL; the old one stops working at once."""
    user = g.api_user
    feedtokens.rotate_calendar_token(user)
    db.session.commit()
    return jsonify({"calendar_url": feedtokens.calendar_url(user, base_url())})


@bp.get("/organizations")
def organizations():
    """Every organization (names and kinds are not secret: registering needs them)."""
    args = query_args(schemas.OrganizationQuery)
    stmt = select(Organization).order_by(Organization.name, Organization.id)
    if args.kind:
        stmt = stmt.where(Organization.kind == args.kind)
    page = db.paginate(stmt, page=args.page, per_page=args.per_page, error_out=False)
    items = [serializers.organization_json(org) for org in page.items]
    return jsonify(serializers.page_json(page, items))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API, generated from schemas.py."""
    from blueprints.api.openapi import document

    return jsonify(document(base_url()))
