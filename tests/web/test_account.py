"""Profile, language switch and API tokens of the signed-in user."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.apitokens import user_for_api_token
from liaison.accounts.models import ApiToken, User


@pytest.mark.parametrize("url", ["/account/", "/account/tokens", "/auth/password"])
def test_account_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.location


def test_profile_shows_and_saves(client, make_user, login):
    user = login(make_user(display_name="Wang Fang"))
    page = client.get("/account/")
    assert page.status_code == 200 and b"Wang Fang" in page.data
    response = client.post("/account/", data={
        "display_name": "Wang Fang", "display_name_zh": "王芳",
        "language": "zh", "timezone": "Europe/Berlin",
    })
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.display_name_zh, user.language, user.timezone) == ("王芳", "zh", "Europe/Berlin")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"display_name": ""}, b"This field is required."),
        ({"display_name": "x" * 121},
         b'id="display_name-feedback">Field cannot be longer than 120 characters.<'),
        ({"timezone": "Mars/Olympus"}, b"Asia/Shanghai or Europe/Berlin"),
        ({"timezone": "CEST"}, b"Asia/Shanghai or Europe/Berlin"),
        ({"timezone": "../../etc/passwd"}, b"Asia/Shanghai or Europe/Berlin"),
        ({"language": "fr"}, b"Not a valid choice"),
    ],
)
def test_profile_bad_input(client, make_user, login, change, message):
    user = login(make_user(display_name="Before"))
    data = {"display_name": "After", "language": "en", "timezone": "Asia/Shanghai", **change}
    response = client.post("/account/", data=data)
    assert response.status_code == 200
    assert message in response.data and b"invalid-feedback" in response.data
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Before"


def test_language_switch_anonymous_uses_session(client):
    response = client.post("/account/language", data={"language": "zh", "next": "/auth/login"})
    assert response.status_code == 302 and response.location == "/auth/login"
    with client.session_transaction() as session:
        assert session["lang"] == "zh"
    assert 'lang="zh-Hans"' in client.get("/auth/login").get_data(as_text=True)


def test_language_switch_saved_on_user(client, make_user, login):
    user = login(make_user())
    client.post("/account/language", data={"language": "zh", "next": "/account/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "zh"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_language_switch_refuses_foreign_next(client, target):
    response = client.post("/account/language", data={"language": "en", "next": target})
    assert response.status_code == 302 and "evil" not in response.location


def test_language_switch_bad_language_changes_nothing(client, make_user, login):
    user = login(make_user())
    client.post("/account/language", data={"language": "klingon", "next": "/account/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"


def test_token_shown_once_listed_by_prefix_and_revocable(client, make_user, login):
    user = login(make_user())
    response = client.post("/account/tokens", data={"name": "case system sync"})
    page = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.name == "case system sync"
    raw = page.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert raw.startswith("lia_") and raw.startswith(token.prefix)
    assert token.token_hash != raw and raw not in token.token_hash

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token.prefix in listing and raw not in listing
    assert user_for_api_token(raw).id == user.id

    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert user_for_api_token(raw) is None


def test_token_bad_name_writes_nothing(client, make_user, login):
    login(make_user())
    response = client.post("/account/tokens", data={"name": "x" * 101})
    assert response.status_code == 200 and b"invalid-feedback" in response.data
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_cannot_revoke_someone_elses_token(client, make_user, login):
    from liaison.accounts.apitokens import issue_token

    owner = make_user()
    token, raw = issue_token(owner)
    db.session.commit()
    login(make_user())
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert user_for_api_token(raw).id == owner.id
