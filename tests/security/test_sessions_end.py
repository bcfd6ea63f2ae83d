"""Issue 15, findings 3 and 7: log-out ends the session on the server (a copied cookie and the
remember-me cookie stop working); a new password offers to revoke the API tokens and gives the
personal feed a new address, saying so; a new API token needs the password again when the
log-in is old; and the person who holds a mailbox chooses the password of an account signed
up with it, so whoever signed up with someone else's address cannot log in."""
from __future__ import annotations

import re
import time

import pytest

from extensions import db
from liaison.accounts import links, users
from liaison.accounts.apitokens import issue_token
from liaison.accounts.models import ApiToken
from liaison.calendar import feedtokens
from liaison.mail.models import OutboxMessage
from tests.conftest import PASSWORD, post_login

NEW_PASSWORD = "a brand new passphrase"


def cookies_of(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def client_with(app, cookies: dict[str, str]):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


# -- log-out ------------------------------------------------------------------------------------

def test_log_out_ends_copied_session_and_remember_me_cookies(app, make_user):
    make_user(email="leaver@example.org")
    browser = app.test_client()
    assert post_login(browser, "leaver@example.org", remember=True).status_code == 302
    jar = cookies_of(browser)
    assert {"session", "remember_token"} <= set(jar)
    copied_session = client_with(app, {"session": jar["session"]})
    copied_remember = client_with(app, {"remember_token": jar["remember_token"]})
    assert signed_in(copied_session) and signed_in(copied_remember)

    response = browser.post("/auth/logout", follow_redirects=True)
    assert "You are logged out" in response.text
    assert not signed_in(browser)
    assert not signed_in(client_with(app, {"session": jar["session"]}))
    assert not signed_in(client_with(app, {"remember_token": jar["remember_token"]}))
    assert not signed_in(copied_session) and not signed_in(copied_remember)
    # Logging in again works as before.
    assert post_login(app.test_client(), "leaver@example.org").status_code == 302


# -- a new password -------------------------------------------------------------------------------

@pytest.fixture
def owner_with_tokens(app, make_user):
    user = make_user(email="owner@example.org")
    raws = [issue_token(user, name)[1] for name in ("sync", "report")]
    feed = feedtokens.calendar_token(user)
    db.session.commit()
    return user, raws, feed


def api_ok(client, raw: str) -> bool:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def feed_ok(client, token: str) -> bool:
    return client.get(f"/calendar/{token}.ics").status_code == 200


@pytest.mark.parametrize("revoke", [True, False])
def test_changing_the_password_rotates_the_feed_and_revokes_tokens_when_asked(
    app, client, owner_with_tokens, revoke
):
    user, raws, old_feed = owner_with_tokens
    assert post_login(client, user.email).status_code == 302
    page = client.get("/auth/password").text
    assert 'name="revoke_tokens"' in page and "checked" in page  # offered, ticked
    assert "You have 2 API tokens." in page and "calendar feed will get a new address" in page
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if revoke:
        form["revoke_tokens"] = "y"
    answer = client.post("/auth/password", data=form, follow_redirects=True)
    assert answer.status_code == 200
    assert "Your personal calendar feed has a new address" in answer.text
    assert ("2 API tokens were revoked." in answer.text) == revoke
    db.session.expire_all()
    other = client.application.test_client()
    assert not feed_ok(other, old_feed)
    assert feed_ok(other, feedtokens.calendar_token(db.session.get(type(user), user.id)))
    assert [api_ok(other, raw) for raw in raws] == [not revoke] * 2


def test_resetting_the_password_rotates_the_feed_and_revokes_tokens(app, client,
                                                                    owner_with_tokens):
    user, raws, old_feed = owner_with_tokens
    path = f"/auth/reset/{links.make_token(user, 'reset')}"
    page = client.get(path).text
    assert 'name="revoke_tokens"' in page and "You have 2 API tokens." in page
    answer = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                     "revoke_tokens": "y"}, follow_redirects=True)
    assert "2 API tokens were revoked." in answer.text
    assert "Your personal calendar feed has a new address" in answer.text
    assert not feed_ok(app.test_client(), old_feed)
    assert not any(api_ok(app.test_client(), raw) for raw in raws)


def test_no_token_checkbox_for_someone_without_tokens(client, make_user, login):
    login(make_user())
    page = client.get("/auth/password").text
    assert 'name="revoke_tokens"' not in page
    assert "calendar feed will get a new address" in page


# -- re-authentication for API tokens ----------------------------------------------------------

def token_count() -> int:
    return db.session.scalar(db.select(db.func.count(ApiToken.id)))


def age_the_log_in(client, seconds: int) -> None:
    with client.session_transaction() as session:
        session["auth_at"] = int(time.time()) - seconds


def test_a_new_token_needs_the_password_after_a_few_minutes(app, client, make_user):
    make_user(email="holder@example.org")
    assert post_login(client, "holder@example.org").status_code == 302
    page = client.get("/account/tokens").text
    assert 'name="password"' not in page  # just logged in: not asked
    assert 'id="new-token"' in client.post("/account/tokens", data={"name": "fresh"}).text
    assert token_count() == 1

    age_the_log_in(client, app.config["REAUTH_AFTER_SECONDS"] + 5)
    assert 'name="password"' in client.get("/account/tokens").text
    refused = client.post("/account/tokens", data={"name": "stale"})
    assert "Enter your password to create a token." in refused.text
    wrong = client.post("/account/tokens", data={"name": "stale", "password": "not it at all"})
    assert "Your password is not right." in wrong.text
    assert token_count() == 1 and 'id="new-token"' not in wrong.text
    right = client.post("/account/tokens", data={"name": "stale", "password": PASSWORD})
    assert 'id="new-token"' in right.text and token_count() == 2
    # Proven again: the next few minutes need no password.
    assert 'id="new-token"' in client.post("/account/tokens", data={"name": "again"}).text


def test_a_session_restored_from_remember_me_is_asked_for_the_password(app, make_user):
    make_user(email="remembered@example.org")
    browser = app.test_client()
    post_login(browser, "remembered@example.org", remember=True)
    restored = client_with(app, {"remember_token": cookies_of(browser)["remember_token"]})
    assert signed_in(restored)
    assert 'name="password"' in restored.get("/account/tokens").text
    restored.post("/account/tokens", data={"name": "stolen cookie"})
    assert token_count() == 0


def test_the_reauthentication_window_is_configurable(app, client, make_user):
    app.config["REAUTH_AFTER_SECONDS"] = 3600
    make_user(email="patient@example.org")
    post_login(client, "patient@example.org")
    age_the_log_in(client, 1800)
    assert 'id="new-token"' in client.post("/account/tokens", data={"name": "later"}).text


# -- finding 7: pre-created accounts ---------------------------------------------------------

def confirmation_path() -> str:
    (mail,) = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "confirm_email")
    ).all()
    return re.search(r"http://liaison\.test(/auth/confirm/[\w.\-]+)", mail.body_text).group(1)


def test_whoever_signed_up_with_someone_elses_address_cannot_log_in(app, make_org):
    """The review: an attacker signs up with the owner's address and a password they know;
    the owner confirms and uses the account; the attacker logs in. Now the owner chooses the
    password when confirming, and the name and organization the attacker gave can be fixed."""
    org, real_org = make_org(), make_org(name="The owner's office")
    attacker = app.test_client()
    attacker.post("/auth/signup", data={
        "email": "owner@example.org", "display_name": "Not The Owner", "organization_id": org.id,
        "password": "attacker knows this", "confirm": "attacker knows this"})
    assert post_login(attacker, "owner@example.org", "attacker knows this").status_code == 200

    owner = app.test_client()
    path = confirmation_path()
    page = owner.get(path)
    assert page.status_code == 200 and 'value="Not The Owner"' in page.text
    done = owner.post(path, data={"display_name": "The Owner", "organization_id": real_org.id,
                                  "new_password": "only the owner knows",
                                  "confirm": "only the owner knows"})
    assert done.status_code == 302 and signed_in(owner)
    user = users.user_by_email("owner@example.org")
    assert (user.display_name, user.organization_id) == ("The Owner", real_org.id)

    assert post_login(app.test_client(), "owner@example.org",
                      "attacker knows this").status_code == 200  # refused
    assert not signed_in(attacker)
    assert post_login(app.test_client(), "owner@example.org",
                      "only the owner knows").status_code == 302


def test_an_account_precreated_with_a_password_loses_it_on_confirmation(app, make_org):
    """An unconfirmed account made before this change, with the attacker's password: the owner
    confirming replaces it and ends every session."""
    org = make_org()
    user = users.sign_up("owner@example.org", "Not The Owner", "attacker knows this", org.id,
                         email_verified=False)
    db.session.commit()
    path = f"/auth/confirm/{links.make_token(user, 'confirm')}"
    owner = app.test_client()
    assert owner.post(path, data={"display_name": "The Owner", "organization_id": org.id,
                                  "new_password": "only the owner knows",
                                  "confirm": "only the owner knows"}).status_code == 302
    assert post_login(app.test_client(), "owner@example.org",
                      "attacker knows this").status_code == 200
