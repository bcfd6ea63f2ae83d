"""Sign-up with email confirmation and password reset over HTTP: the answers never tell whether
an address has an account, the mails carry signed links that expire and work once."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts import links, users
from liaison.accounts.models import User
from liaison.mail.models import OutboxMessage
from tests.conftest import PASSWORD, post_login

NEW_PASSWORD = "a brand new passphrase"


def signup(client, email, org, **extra):
    return client.post("/auth/signup", data={
        "email": email, "display_name": "Chen Jie", "organization_id": org.id, **extra,
    })


def choose_password(client, path, org, password=PASSWORD, **extra):
    """The confirmation link's form: the details as the sign-up gave them, and a password."""
    return client.post(path, data={
        "display_name": "Chen Jie", "organization_id": org.id,
        "new_password": password, "confirm": password, **extra,
    })


def mails(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def link_path(mail: OutboxMessage, prefix: str) -> str:
    """The path of the link in a mail (both bodies carry the same one)."""
    (url,) = set(re.findall(r"http://liaison\.test(" + prefix + r"[\w.\-]+)", mail.body_text))
    assert f"http://liaison.test{url}" in mail.body_html
    return url


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def old_token(user: User, purpose: str, age: timedelta) -> str:
    """A link made `age` ago: itsdangerous reads the clock when it signs."""
    real = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(itsdangerous.timed.time, "time", lambda: real() - age.total_seconds())
        return links.make_token(user, purpose)


def same_shape(page: str, email: str) -> str:
    """A page with the address typed in and the random CSRF tokens blanked out."""
    page = page.replace(email, "EMAIL").replace(email.upper(), "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)


def answers_to(app, path: str, emails) -> set[str]:
    """The pages a form at `path` answers each address with, in the same shape: one page means
    the answer tells nothing about the address."""
    pages = set()
    for email in emails:
        response = app.test_client().post(path, data={"email": email})
        assert response.status_code == 200
        pages.add(same_shape(response.text, email))
    return pages


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


# --- Sign-up ---------------------------------------------------------------------------------

def test_new_and_existing_address_get_the_same_answer(app, make_user, make_org, monkeypatch):
    org = make_org()
    existing = make_user(email="taken@example.org", display_name="Owner")
    hashes = []
    real_hash = users.hash_password
    monkeypatch.setattr(users, "hash_password", lambda p: hashes.append(p) or real_hash(p))

    answers = {}
    for email in ("new@example.org", "taken@example.org"):
        hashes.clear()
        client = app.test_client()
        response = signup(client, email.upper(), org)
        answers[email] = (
            response.status_code,
            same_shape(response.text, email),
            sorted(
                (name, value.split("=")[0] if name == "Set-Cookie" else value)
                for name, value in response.headers.items() if name != "Content-Length"
            ),
        )
        assert len(hashes) == 1, "both paths hash the password once: the same time"
        assert not logged_in(client)
    assert answers["new@example.org"] == answers["taken@example.org"]
    status, text, _headers = answers["new@example.org"]
    assert status == 200
    assert "Check your inbox: we sent a link to confirm your address." in text

    assert user_count() == 2
    new = users.user_by_email("new@example.org")
    assert new.email_verified is False
    confirm, existing_mail = mails()
    assert (confirm.kind, confirm.recipient, confirm.user_id) == (
        "confirm_email", "new@example.org", new.id)
    assert (existing_mail.kind, existing_mail.recipient, existing_mail.user_id) == (
        "signup_existing", "taken@example.org", existing.id)
    assert "Someone tried to sign up" in existing_mail.body_text
    assert "http://liaison.test/auth/login" in existing_mail.body_text
    assert "http://liaison.test/auth/forgot" in existing_mail.body_text
    assert "/auth/confirm/" not in existing_mail.body_text
    db.session.expire_all()
    assert db.session.get(User, existing.id).display_name == "Owner"


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"email": "not-an-email"}, "email", "Invalid email address."),
        ({"display_name": "  "}, "display_name", "This field is required."),
        ({"organization_id": "0"}, "organization_id", "Choose your organization."),
    ],
)
def test_bad_sign_up_writes_and_queues_nothing_for_new_or_taken_address(
    client, make_user, make_org, change, field, message
):
    make_user(email="taken@example.org")
    for email in ("new@example.org", "taken@example.org"):
        response = signup(client, **{"email": email, "org": make_org(), **change})
        assert response.status_code == 200
        assert re.search(rf'id="{field}-feedback">{re.escape(message)}<', response.text)
        assert "Check your inbox" not in response.text
    assert user_count() == 1 and mails() == []


def test_mails_speak_the_recipients_language(client, make_user, make_org):
    make_user(email="wang@example.org", language="zh", display_name_zh="王芳")
    signup(client, "wang@example.org", make_org())
    client.post("/auth/signup", headers={"Accept-Language": "zh-CN"}, data={
        "email": "li@example.org", "display_name": "Li", "organization_id": make_org().id})
    assert users.user_by_email("li@example.org").language == "zh"
    client.post("/auth/forgot", data={"email": "wang@example.org"})
    existing, confirm, reset = mails()
    assert "注册 Liaison" in existing.subject
    assert "王芳" in existing.body_text and "Someone" not in existing.body_text
    assert confirm.kind == "confirm_email" and "确认" in confirm.subject
    assert "Please confirm" not in confirm.body_html
    assert reset.kind == "password_reset" and "重置" in reset.subject
    assert "<html lang=\"zh-Hans\">" in reset.body_html


# --- Confirmation link -----------------------------------------------------------------------

def test_confirmation_link_chooses_the_password_and_logs_in_once(app, client, make_org):
    org = make_org()
    signup(client, "new@example.org", org)
    path = link_path(mails("confirm_email")[0], "/auth/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and not logged_in(client)
    assert "new@example.org" in page.text and 'value="Chen Jie"' in page.text
    assert 'name="new_password"' in page.text
    response = choose_password(client, path, org)
    assert response.status_code == 302
    assert logged_in(client)
    user = users.user_by_email("new@example.org")
    assert user.email_verified is True and user.last_login_at is not None
    assert post_login(app.test_client(), "new@example.org").status_code == 302

    again = app.test_client()
    for response in (again.get(path), choose_password(again, path, org, NEW_PASSWORD)):
        assert response.status_code == 400
        assert "already been used" in response.text
    assert not logged_in(again)
    assert post_login(app.test_client(), "new@example.org", NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"new_password": "short", "confirm": "short"}, "new_password",
         "Use at least 10 characters."),
        ({"confirm": "something else"}, "confirm", "The passwords differ."),
        ({"display_name": " "}, "display_name", "This field is required."),
    ],
)
def test_a_bad_confirmation_form_says_why_and_changes_nothing(client, make_org, change, field,
                                                              message):
    org = make_org()
    signup(client, "new@example.org", org)
    path = link_path(mails("confirm_email")[0], "/auth/confirm/")
    response = choose_password(client, path, org, **change)
    assert response.status_code == 200
    assert re.search(rf'id="{field}-feedback">{re.escape(message)}<', response.text)
    assert not logged_in(client)
    db.session.expire_all()
    assert users.user_by_email("new@example.org").email_verified is False
    assert client.get(path).status_code == 200  # the link still works


@pytest.mark.parametrize("spoil", ["tamper", "garbage", "expire", "wrong purpose"])
def test_bad_confirmation_links_say_why(app, client, make_org, spoil):
    signup(client, "new@example.org", make_org())
    user = users.user_by_email("new@example.org")
    path = link_path(mails("confirm_email")[0], "/auth/confirm/")
    token = path.rsplit("/", 1)[1]
    if spoil == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif spoil == "garbage":
        token = "not.a.token"
    elif spoil == "expire":
        token = old_token(user, "confirm", links.CONFIRM_MAX_AGE + timedelta(minutes=1))
    else:
        token = links.make_token(user, "reset")
    response = client.get(f"/auth/confirm/{token}")
    assert response.status_code == 400
    expected = "This link has expired." if spoil == "expire" else "This link is not valid."
    assert expected in response.text
    assert 'action="/auth/resend-confirmation"' in response.text
    assert not logged_in(client)
    db.session.expire_all()
    assert users.user_by_email("new@example.org").email_verified is False


def test_a_link_not_quite_expired_still_works(client, make_org):
    signup(client, "new@example.org", make_org())
    user = users.user_by_email("new@example.org")
    token = old_token(user, "confirm", links.CONFIRM_MAX_AGE - timedelta(minutes=5))
    assert client.get(f"/auth/confirm/{token}").status_code == 200
    assert choose_password(client, f"/auth/confirm/{token}", user.organization).status_code == 302
    assert logged_in(client)


def test_unconfirmed_account_cannot_log_in_but_may_ask_again(client, make_org):
    org = make_org()
    signup(client, "new@example.org", org)
    # A new sign-up has no password anyone knows: every log-in is simply wrong.
    for email, password in [("new@example.org", PASSWORD), ("nobody@example.org", PASSWORD)]:
        response = post_login(client, email, password)
        assert "The email or password is wrong." in response.text
        assert "Confirm" not in response.text and "resend-confirmation" not in response.text
    assert not logged_in(client)

    response = client.post("/auth/resend-confirmation", data={"email": "new@example.org"})
    assert response.status_code == 200
    first, second = mails("confirm_email")
    assert choose_password(client, link_path(second, "/auth/confirm/"), org).status_code == 302
    assert logged_in(client)


def test_an_unconfirmed_account_from_before_hears_it_must_confirm(client, make_org):
    """Accounts that signed up with a password before it moved to the confirmation step: the
    right password (which proves the account is theirs) is told to confirm first."""
    users.sign_up("old@example.org", "Old Timer", PASSWORD, make_org().id,
                  email_verified=False)
    db.session.commit()
    response = post_login(client, "old@example.org")
    assert "Confirm your email address first" in response.text
    assert 'action="/auth/resend-confirmation"' in response.text
    wrong = post_login(client, "old@example.org", "wrong password")
    assert "The email or password is wrong." in wrong.text
    assert "resend-confirmation" not in wrong.text


def test_resend_answers_alike_and_mails_only_unconfirmed_accounts(app, make_user, make_org):
    make_user(email="done@example.org")
    signup(app.test_client(), "new@example.org", make_org())
    (page,) = answers_to(app, "/auth/resend-confirmation",
                         ("new@example.org", "done@example.org", "nobody@example.org"))
    assert "a new link is on its way" in page
    assert [m.recipient for m in mails("confirm_email")] == ["new@example.org"] * 2


def test_resend_bad_input_shows_the_field_and_queues_nothing(client):
    response = client.post("/auth/resend-confirmation", data={"email": "nope"})
    assert response.status_code == 200
    assert 'id="email-feedback">Invalid email address.<' in response.text
    assert mails() == []


# --- Password reset --------------------------------------------------------------------------

def test_forgot_link_is_on_the_log_in_page(client):
    assert 'href="/auth/forgot"' in client.get("/auth/login").text
    assert client.get("/auth/forgot").status_code == 200


def test_reset_end_to_end(app, make_user):
    user = make_user(email="officer@example.org")
    other = app.test_client()
    response = post_login(other, "officer@example.org", remember=True)
    assert response.status_code == 302
    user.email_verified = False  # a reset also proves the mailbox
    db.session.commit()

    client = app.test_client()
    response = client.post("/auth/forgot", data={"email": "Officer@Example.org"})
    assert response.status_code == 200
    assert "If an account exists for that address, we sent a link" in response.text
    (mail,) = mails("password_reset")
    assert mail.recipient == "officer@example.org"
    path = link_path(mail, "/auth/reset/")
    page = client.get(path)
    assert page.status_code == 200 and "officer@example.org" in page.text

    response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(other)  # the other session (and its remember-me cookie) ended
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified is True
    fresh = app.test_client()
    assert post_login(fresh, "officer@example.org").status_code == 200  # old password
    assert post_login(fresh, "officer@example.org", NEW_PASSWORD).status_code == 302

    # Single use: the same link again, read or posted, is refused and changes nothing.
    again = app.test_client()
    for response in (again.get(path), again.post(path, data={
            "new_password": "yet another passphrase", "confirm": "yet another passphrase"})):
        assert response.status_code == 400
        assert "already been used" in response.text
        assert 'href="/auth/forgot"' in response.text
    assert post_login(app.test_client(), "officer@example.org", NEW_PASSWORD).status_code == 302


def test_forgot_answers_alike_and_mails_only_active_accounts(app, make_user):
    make_user(email="known@example.org")
    make_user(email="gone@example.org", active=False)
    (page,) = answers_to(app, "/auth/forgot",
                         ("known@example.org", "gone@example.org", "nobody@example.org"))
    assert "If an account exists for that address, we sent a link" in page
    assert [m.recipient for m in mails()] == ["known@example.org"]


def test_reset_link_expires_after_an_hour(client, make_user):
    user = make_user(email="late@example.org")
    token = old_token(user, "reset", links.RESET_MAX_AGE + timedelta(seconds=30))
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400 and "This link has expired." in response.text
    response = client.post(f"/auth/reset/{token}",
                           data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert post_login(client, "late@example.org").status_code == 302  # password unchanged


def test_reset_link_dies_when_the_password_changes_another_way(client, make_user):
    user = make_user(email="changed@example.org")
    token = links.make_token(user, "reset")
    users.change_password(user, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400 and "already been used" in response.text


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"new_password": "short", "confirm": "short"}, "new_password",
         "Use at least 10 characters."),
        ({"new_password": NEW_PASSWORD, "confirm": "different"}, "confirm",
         "The passwords differ."),
        ({"new_password": "", "confirm": ""}, "new_password", "This field is required."),
    ],
)
def test_reset_bad_input_shows_the_field_and_writes_nothing(client, make_user, data, field,
                                                            message):
    user = make_user(email="careful@example.org")
    before = (user.password_hash, user.session_token)
    token = links.make_token(user, "reset")
    response = client.post(f"/auth/reset/{token}", data=data)
    assert response.status_code == 200
    assert re.search(rf'id="{field}-feedback">{re.escape(message)}<', response.text)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.password_hash, user.session_token) == before
    assert not logged_in(client)
    assert client.get(f"/auth/reset/{token}").status_code == 200  # the link still works


def test_forgot_bad_input_shows_the_field_and_queues_nothing(client):
    response = client.post("/auth/forgot", data={"email": "not an address"})
    assert response.status_code == 200
    assert 'id="email-feedback">Invalid email address.<' in response.text
    assert "If an account exists" not in response.text
    assert mails() == []


def test_simultaneous_signup_with_the_same_address_is_not_a_500(client, make_org, monkeypatch):
    """Two sign-ups racing past the "address taken?" check: the database's unique constraint
    stops the second, which answers like any other sign-up and writes nothing."""
    from sqlalchemy import func, select

    from extensions import db
    from liaison.accounts.models import User

    org = make_org()
    form = {
        "email": "racer@example.com",
        "display_name": "Racer",
        "organization_id": str(org.id),
    }
    assert b"racer@example.com" in client.post("/auth/signup", data=form).data
    # The second request does not see the first one's row (as if it had not committed yet).
    monkeypatch.setattr(users, "user_by_email", lambda email: None)
    response = client.post("/auth/signup", data=form)
    assert response.status_code == 200
    assert db.session.scalar(
        select(func.count(User.id)).where(User.email == "racer@example.com")
    ) == 1
