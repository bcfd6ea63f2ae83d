"""Security headers on pages, the API, feeds and static files; HTTPS redirect and HSTS."""
from __future__ import annotations

import pytest

from blueprints.core.security import CONTENT_SECURITY_POLICY
from liaison.calendar import feedtokens

EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
}

PATHS = [
    "/healthz",
    "/events/",
    "/auth/login",
    "/no-such-page",
    "/api/v1/events",
    "/api/v1/openapi.json",
    "/api/v1/no-such-thing",
    "/calendar/public.ics",
    "/static/css/app.css",
]


def assert_hardened(response, referrer="same-origin"):
    headers = response.headers
    assert set(headers["Content-Security-Policy"].split("; ")) == EXPECTED_CSP
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == referrer


def test_policy_constant_is_the_documented_one():
    assert set(CONTENT_SECURITY_POLICY.split("; ")) == EXPECTED_CSP


@pytest.mark.parametrize("path", PATHS)
def test_every_kind_of_response_carries_the_headers(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert_hardened(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_pages_for_a_logged_in_user_carry_the_headers(client, login, make_user):
    login(make_user())
    assert_hardened(client.get("/events/"))


def test_personal_feed_urls_send_no_referrer(client, make_user):
    # Unknown or real, a personal feed path is secret: browsers must not pass it on.
    assert_hardened(client.get("/calendar/not-a-real-token.ics"), referrer="no-referrer")
    assert_hardened(client.get("/calendar/public.ics"), referrer="same-origin")


def test_personal_feed_with_a_real_token_sends_no_referrer(client, make_user):
    user = make_user()
    url = feedtokens.calendar_url(user, "http://localhost")
    response = client.get(url.replace("webcal://", "http://").replace("http://localhost", ""))
    assert response.status_code == 200
    assert_hardened(response, referrer="no-referrer")


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_forwarded_proto_is_ignored_unless_proxies_are_trusted(client):
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("app_settings", [{"TRUSTED_PROXIES": 1}])
def test_trusted_proxy_forwards_scheme_and_client_address(app):
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    response = app.test_client().get(
        "/_probe", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert seen == {"addr": "203.0.113.9", "secure": True}


@pytest.mark.parametrize("app_settings", [{"FORCE_HTTPS": True}])
def test_force_https_redirects_plain_http(client):
    response = client.get("/events/?kind=training")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/events/?kind=training"
    post = client.post("/auth/login", data={"email": "a@b.test"})
    assert post.status_code == 308  # the method and body survive the redirect
    assert client.get("/healthz").status_code == 200  # load-balancer probes stay on http
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.status_code == 200 and "Strict-Transport-Security" in secure.headers


def test_force_https_is_off_by_default(client):
    assert client.get("/healthz").status_code == 200
