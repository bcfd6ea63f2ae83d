"""Log-in, log-out, sign-up, password change, `next` safety, CSRF and rate limits over HTTP;
confirmation and reset links: test_account_links.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import OrgKind, User
from liaison.mail.models import OutboxMessage
from tests.conftest import PASSWORD, post_login


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'name="remember"' in response.data


def test_login_and_logout(client, make_user):
    user = make_user(email="officer@customs.example.org")
    response = post_login(client, "Officer@Customs.example.org")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None

    response = client.post("/auth/logout")
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    assert client.get("/account/").status_code == 302


def test_logout_needs_post(client, make_user, login):
    login(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    "email,password",
    [("officer@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)],
)
def test_wrong_password_or_unknown_email_gives_one_message(client, make_user, email, password):
    make_user(email="officer@example.org")
    response = post_login(client, email, password)
    assert response.status_code == 200
    assert b"The email or password is wrong." in response.data
    assert b"is-invalid" in response.data
    assert client.get("/account/").status_code == 302


def test_inactive_user_cannot_log_in(client, make_user):
    make_user(email="gone@example.org", active=False)
    response = post_login(client, "gone@example.org")
    assert b"The email or password is wrong." in response.data
    assert client.get("/account/").status_code == 302


def test_deactivated_user_loses_running_session(client, make_user, login):
    user = login(make_user())
    assert client.get("/account/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_empty_login_form_marks_fields(client):
    response = client.post("/auth/login", data={"email": "", "password": ""})
    assert response.status_code == 200
    assert response.data.count(b"invalid-feedback") >= 2


def test_remember_me_sets_cookie(client, make_user):
    make_user(email="rem@example.org")
    post_login(client, "rem@example.org", remember=True)
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_no_cookie(client, make_user):
    make_user(email="norem@example.org")
    post_login(client, "norem@example.org")
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_alone_logs_in(app, make_user):
    make_user(email="rem2@example.org")
    first = app.test_client()
    post_login(first, "rem2@example.org", remember=True)
    cookie = first.get_cookie("remember_token")
    second = app.test_client()
    second.set_cookie("remember_token", cookie.value)
    assert second.get("/account/").status_code == 200


@pytest.mark.parametrize("target", ["/account/tokens", "/account/?tab=1"])
def test_next_local_path_is_followed(client, make_user, target):
    make_user(email="n@example.org")
    response = post_login(client, "n@example.org", next_url=target)
    assert response.status_code == 302
    assert response.location == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_open_redirect_refused(client, make_user, target):
    make_user(email="n@example.org")
    response = post_login(client, "n@example.org", next_url=target)
    assert response.status_code == 302
    assert "evil" not in response.location and "javascript" not in response.location
    assert response.location.startswith("/")


def test_login_required_page_redirects_with_next(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.location


def test_signup_creates_unconfirmed_account_and_mails_the_link(client, make_org):
    org = make_org("Shanghai Customs", kind=OrgKind.customs)
    response = client.get("/auth/signup")
    assert b"Shanghai Customs" in response.data
    response = client.post(
        "/auth/signup",
        data={
            "email": "New.Officer@Example.org",
            "display_name": "Chen Jie",
            "display_name_zh": "陈杰",
            "organization_id": org.id,
        },
    )
    assert response.status_code == 200
    assert "Check your inbox: we sent a link to confirm your address." in response.text
    user = db.session.scalar(select(User).where(User.email == "new.officer@example.org"))
    assert user.organization_id == org.id and user.role == "participant"
    assert user.display_name_zh == "陈杰"
    assert user.password_hash.startswith("$argon2")  # a random secret's: nobody can log in
    assert user.email_verified is False
    assert client.get("/account/").status_code == 302  # not logged in until confirmed
    (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert (mail.kind, mail.recipient, mail.user_id) == ("confirm_email", user.email, user.id)
    assert "http://liaison.test/auth/confirm/" in mail.body_text


@pytest.mark.parametrize(
    "change,field_message",
    [
        ({"email": "not-an-email"}, b'id="email-feedback">Invalid email address.<'),
        ({"display_name": ""}, b'id="display_name-feedback">This field is required.<'),
        ({"organization_id": "0"}, b'id="organization_id-feedback">Choose your organization.<'),
        ({"organization_id": "99999"}, b'id="organization_id-feedback">Not a valid choice'),
        ({"organization_id": "abc"}, b'id="organization_id-feedback">Choose your organization.<'),
    ],
)
def test_signup_bad_input_shows_field_message_and_writes_nothing(
    client, make_org, change, field_message
):
    org = make_org()
    data = {
        "email": "someone@example.org",
        "display_name": "Someone",
        "organization_id": org.id,
        **change,
    }
    response = client.post("/auth/signup", data=data)
    assert response.status_code == 200
    assert b"invalid-feedback" in response.data
    assert field_message in response.data
    assert user_count() == 0


def test_signup_with_existing_email_is_neutral(client, make_user, make_org):
    existing = make_user(email="taken@example.org")
    response = client.post(
        "/auth/signup",
        data={
            "email": "TAKEN@example.org",
            "display_name": "Someone Else",
            "organization_id": make_org().id,
        },
    )
    assert response.status_code == 200
    assert "Check your inbox: we sent a link to confirm your address." in response.text
    assert b"already exists" not in response.data and b"already has an account" not in response.data
    assert user_count() == 1
    assert db.session.get(User, existing.id).display_name == "Test User"
    (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert (mail.kind, mail.recipient) == ("signup_existing", "taken@example.org")


def test_change_password_kills_other_sessions(app, make_user):
    make_user(email="pw@example.org")
    this, other = app.test_client(), app.test_client()
    post_login(this, "pw@example.org")
    post_login(other, "pw@example.org", remember=True)
    assert other.get("/account/").status_code == 200

    response = this.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert this.get("/account/").status_code == 200  # this browser stays logged in
    assert other.get("/account/").status_code == 302  # the other one, remember cookie too, is out

    fresh = app.test_client()
    assert post_login(fresh, "pw@example.org").status_code == 200  # old password refused
    assert post_login(fresh, "pw@example.org", "a brand new passphrase").status_code == 302


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {
                "current_password": "wrong one!!",
                "new_password": "a new passphrase",
                "confirm": "a new passphrase",
            },
            b"Your current password is not right.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
            b"Use at least 10 characters.",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "a new passphrase",
                "confirm": "different",
            },
            b"The passwords differ.",
        ),
        ({"current_password": "", "new_password": "", "confirm": ""}, b"This field is required."),
    ],
)
def test_change_password_bad_input(client, make_user, login, data, message):
    user = login(make_user())
    old_hash, old_token = user.password_hash, user.session_token
    response = client.post("/auth/password", data=data)
    assert response.status_code == 200
    assert message in response.data and b"invalid-feedback" in response.data
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
    assert db.session.get(User, user.id).session_token == old_token


CSRF_ON = pytest.mark.parametrize("app_settings", [{"WTF_CSRF_ENABLED": True}])


@CSRF_ON
def test_csrf_missing_token_is_refused_and_writes_nothing(client, make_org):
    org = make_org("Customs", kind=OrgKind.customs)
    response = client.post(
        "/auth/signup",
        data={
            "email": "csrf@example.org",
            "display_name": "No Token",
            "organization_id": org.id,
        },
    )
    assert response.status_code == 400
    assert b"The form expired" in response.data
    assert user_count() == 0
    assert (
        client.post("/auth/login", data={"email": "x@example.org", "password": "x"}).status_code
        == 400
    )


@CSRF_ON
def test_csrf_with_token_is_accepted(client, make_org):
    import re

    org = make_org("Customs", kind=OrgKind.customs)
    page = client.get("/auth/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/signup",
        data={
            "csrf_token": token,
            "email": "csrf@example.org",
            "display_name": "With Token",
            "organization_id": org.id,
        },
    )
    assert response.status_code == 200 and b"Check your inbox" in response.data
    assert user_count() == 1


@pytest.mark.parametrize(
    "app_settings", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}]
)
def test_login_post_is_rate_limited_per_address(app, client):
    codes = [post_login(client, "x@example.org", "wrong password").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/auth/login").status_code == 200  # GET is never limited
    other = app.test_client()
    response = post_login(other, "x@example.org", "x", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 200  # another address has its own budget
