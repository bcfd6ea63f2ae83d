"""Log-in hardening seen from outside: rate limit, no open redirect, no account enumeration."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, post_login

LIMITED = pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}], ids=["limits on"])


@LIMITED
def test_eleventh_failed_login_in_a_minute_is_refused(app, make_user):
    user = make_user(password=PASSWORD)
    client = app.test_client()
    for attempt in range(10):
        response = post_login(client, user.email, f"wrong password {attempt}")
        assert response.status_code == 200, attempt  # the form again, with its message
        assert "The email or password is wrong." in response.get_data(as_text=True)
    refused = post_login(client, user.email, "wrong password 11")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    # While limited, even the right password waits: the limit stops guessing, not typos.
    assert post_login(client, user.email, PASSWORD).status_code == 429
    # The account is paused whatever the address (issue 15, finding 4: per account)...
    other = app.test_client()
    assert post_login(
        other, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    ).status_code == 429
    # ...while someone else's account, from the same address, is not affected.
    colleague = make_user()
    assert post_login(app.test_client(), colleague.email).status_code == 302


@LIMITED
def test_signup_is_rate_limited(app, make_org):
    client = app.test_client()
    limit = int(app.config["SIGNUP_RATE_LIMIT"].split()[0])
    statuses = [
        client.post("/auth/signup", data={"email": f"new{i}@example.test"}).status_code
        for i in range(limit + 1)
    ]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429


@LIMITED
def test_login_pages_are_not_limited_when_only_viewed(client):
    assert {client.get("/auth/login").status_code for _ in range(30)} == {200}


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/auth/login",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "/\t/evil.example",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user(password=PASSWORD)
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil" not in location and "javascript" not in location


def test_next_inside_the_site_is_followed(client, make_user):
    user = make_user(password=PASSWORD)
    response = client.post(
        "/auth/login",
        query_string={"next": "/events/?kind=training"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/?kind=training"


def test_login_message_is_the_same_for_unknown_email_and_wrong_password(client, make_user):
    user = make_user(password=PASSWORD)
    unknown = post_login(client, "nobody@example.test", PASSWORD).get_data(as_text=True)
    wrong = post_login(client, user.email, "not the password").get_data(as_text=True)
    assert "The email or password is wrong." in unknown
    assert "The email or password is wrong." in wrong
    # Same page apart from what the visitor typed.
    assert unknown.replace("nobody@example.test", "X") == wrong.replace(user.email, "X")
