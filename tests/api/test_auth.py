"""Bearer tokens are the only way into /api/v1."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from liaison.accounts.apitokens import revoke_token
from liaison.accounts.models import ApiToken


def test_no_token_is_401_with_a_bearer_challenge(api_as):
    response = api_as(None).get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["fields"] == {}


def test_unknown_token_is_401(client):
    for header in ("Bearer lia_nope", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert "WWW-Authenticate" in response.headers


def test_revoked_token_is_401(client, make_user, token_for):
    user = make_user()
    raw = token_for(user)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    revoke_token(db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)))
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_inactive_user_token_is_401(client, make_user, token_for):
    user = make_user()
    raw = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_use_stamps_last_used_at(client, make_user, token_for):
    user = make_user()
    raw = token_for(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is None
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    db.session.expire_all()
    assert token.last_used_at is not None


def test_a_cookie_session_is_not_accepted(client, login, make_user):
    login(make_user())
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/events").status_code == 401


def test_csrf_does_not_apply_to_bearer_requests(app, api_as, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    api = api_as(make_user())
    response = api.post("/me/calendar-token")
    assert response.status_code == 200, response.json


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"


LIMITED = pytest.mark.parametrize(
    "app_settings",
    [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute",
      "API_TOKEN_FAILURE_LIMIT": "2 per minute"}],
    ids=["3 per token, 2 failed tokens"],
)


@LIMITED
def test_the_limit_is_per_token_not_per_address(api_as, make_user):
    first, second = api_as(make_user()), api_as(make_user())
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/me")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    # The same address (the test client's) with another token is not limited.
    assert second.get("/me").status_code == 200


@LIMITED
def test_guessing_tokens_is_limited_but_valid_tokens_still_work(client, api_as, make_user):
    codes = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer lia_guess{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 429]
    assert api_as(make_user()).get("/me").status_code == 200


def test_the_token_decides_who_is_calling_even_with_a_session_cookie(client, login, make_user,
                                                                      token_for):
    login(make_user(email="cookie@example.test"))
    raw = token_for(make_user(email="token@example.test"))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json["email"] == "token@example.test"


def test_a_token_from_the_create_token_command_works(client, runner, make_user):
    make_user(email="cli@example.test")
    result = runner.invoke(args=["create-token", "cli@example.test"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1].strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json["email"] == "cli@example.test"


def test_errors_the_router_raises_have_the_same_shape(client):
    """An unknown URL or a wrong method never reaches the API's own handlers (routing fails
    first); the app's handler answers them in the same shape, with Allow on a 405."""
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    error = missing.json["error"]
    assert error["code"] == "not_found" and error["message"] and error["fields"] == {}
    wrong = client.delete("/api/v1/events")
    assert wrong.status_code == 405 and wrong.json["error"]["fields"] == {}
    assert wrong.json["error"]["code"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert wrong.mimetype == "application/json"
