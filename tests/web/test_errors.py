"""The application's error handlers: a crash is logged and answered with the 500 page (or the
API's error shape), nothing it wrote is kept, and HTTP errors keep their own pages."""
from __future__ import annotations

from flask import abort
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Organization


def _crash_routes(app):
    def crash():
        db.session.add(Organization(name="Half-written", kind="customs"))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/_test/crash", "test_crash", crash)
    app.add_url_rule("/api/_test/crash", "test_api_crash", crash)
    app.add_url_rule("/_test/forbidden", "test_forbidden", lambda: abort(403))


def test_a_crash_is_a_logged_500_page_and_its_writes_are_rolled_back(app, client, caplog):
    _crash_routes(app)
    response = client.get("/_test/crash")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "Unhandled error on GET /_test/crash" in caplog.text
    assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_a_crash_under_api_answers_the_error_shape(app, client):
    _crash_routes(app)
    response = client.get("/api/_test/crash")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "server_error"
    assert response.json["error"]["message"]


def test_http_errors_keep_their_own_page(app, client):
    _crash_routes(app)
    response = client.get("/_test/forbidden")
    assert response.status_code == 403
    assert "You do not have permission to do this." in response.get_data(as_text=True)
